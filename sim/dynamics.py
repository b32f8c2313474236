"""The discrete-event model of one path from the start to the deadline (SimPy).

Two processes: the decision clock and the exogenous pressure (dated points and random shocks
from the path's generator). The clock steps through the live epochs as SimPy timeouts and at
each one calls the two players in turn. A player reads the pressure; when it differs from
what the current policy assumed, the player re-solves the remaining deadline game from now
(receding horizon), then draws its action from the policy's (possibly mixed) strategy. Pressure
news dated at the same instant as an epoch is handled before the players choose. An agreement
takes effect after the implementation delay; if none has been reached, the default outcome
happens at the deadline. Every change of state goes to the event log.

The path records the cell played and the policy in force at each epoch and accrues the
discounted payoffs once, at the end, from the realised payoff arrays of the game.
"""

from __future__ import annotations

import bisect
import math
import weakref
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import simpy
from numpy.typing import NDArray

from sim.game import Game
from sim.policybook import PolicyBook, _Plan
from sim.pressure import PressureModel, draw
from sim.stagegame import PayoffModel

__all__ = [
    "EVENT_COLUMNS",
    "Draws",
    "PathResult",
    "draw_paths",
    "first_mover",
    "run_each",
    "simulate_each",
    "simulate_path",
]

FloatArray = NDArray[np.float64]

EVENT_COLUMNS = ("hours", "actor", "event", "details")

#: An event of the log: hours, actor, event, details.
Event = tuple[float, str, str, str]

#: Kinds of pressure news, in the order they are handled at equal times.
_POINT, _SHOCK = 0, 1

#: Timeline entries: hours, kind, label (a point's event), value (the scheduled level at a
#: point, the size of a shock).
_News = tuple[float, int, str, float]
_WHEN = itemgetter(0, 1)


@dataclass(frozen=True)
class _Shared:
    """A game's constants as a path reads them, built once per :class:`PolicyBook`.

    ``linear`` stacks ``Game.realised``'s base and slope, shape (L, 4, m, n), so that one
    gather gives both for the cells played; ``coupled`` says whether any continuation term
    makes a path's payoff depend on the policy's continuation values.
    """

    times: list[float]
    window: float
    delay: float
    ids: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    concedes: tuple[tuple[bool, ...], ...]
    outcome_at: list[list[str | None]]
    default_outcome: str
    points: list[_News]
    pressure: PressureModel
    payoffs: PayoffModel
    linear: FloatArray
    coupling: FloatArray
    coupled: bool
    discount: FloatArray
    step: FloatArray
    deadline_discount: float

    @classmethod
    def of(cls, game: Game) -> _Shared:
        schedule, players, model = game.schedule, game.scenario.players, game.payoffs
        times = game.live_times.tolist()
        cells = model.outcome_of_cell.tolist()
        base, slope, coupling = game.realised
        return cls(
            times=times,
            window=schedule.window_hours,
            delay=schedule.delay_hours,
            ids=tuple(p.id for p in players),
            actions=tuple(tuple(p.actions) for p in players),
            concedes=tuple(tuple(a in p.concessions for a in p.actions) for p in players),
            outcome_at=[[model.outcome_ids[c] if c >= 0 else None for c in row] for row in cells],
            default_outcome=model.default_outcome,
            points=_points(game),
            pressure=game.pressure,
            payoffs=model,
            linear=np.concatenate([base, slope], axis=1),
            coupling=coupling,
            coupled=bool(np.any(coupling != 0.0)),
            discount=np.array([game.discount_at(t) for t in times], dtype=np.float64),
            step=np.array(
                [schedule.discount_per_day ** float(d) for d in schedule.live_days.tolist()],
                dtype=np.float64,
            ),
            deadline_discount=game.discount_at(schedule.window_hours),
        )

    def accrue(
        self,
        cells: NDArray[np.intp],
        played: NDArray[np.intp],
        levels: FloatArray,
        ahead: FloatArray | None,
        reached: NDArray[np.bool_],
    ) -> FloatArray:
        """Each of P paths' discounted payoffs, (P, 2): the epochs it played and the default
        outcome's payoffs at the deadline if it got there.

        ``cells`` (2, P, L) holds the row and column played at each epoch (the first
        ``played[p]`` count), ``levels`` (P, L + 1) the realised pressure, ``ahead``
        (P, L, 2) the value of reaching epoch k + 1 under the policy in force at k (needed
        only if the game has continuation terms). Epoch k earns ``base + level * slope +
        coupling @ (step * V)`` in its cell (``Game.realised``); a path's earnings are
        discounted to the start and summed epoch by epoch, in order.
        """
        total = np.zeros((levels.shape[0], 2))
        for k in range(int(played.max(initial=0))):
            on = np.flatnonzero(played > k)
            i, j = cells[0, on, k], cells[1, on, k]
            cell = self.linear[k, :, i, j]
            stage = cell[:, :2] + levels[on, k, None] * cell[:, 2:]
            if self.coupled:
                assert ahead is not None
                cont = ahead[on, k] * self.step[k]
                stage += np.matmul(self.coupling[k, :, :, i, j], cont[:, :, None])[:, :, 0]
            stage *= self.discount[k]
            total[on] = stage if k == 0 else total[on] + stage
        end = np.flatnonzero(reached)
        if end.size:
            deadline = self.payoffs.default_payoffs(levels[end, -1]) * self.deadline_discount
            total[end] = total[end] + deadline
        return total


#: Each book's game's constants, built once per book.
_SHARED: weakref.WeakKeyDictionary[PolicyBook, _Shared] = weakref.WeakKeyDictionary()


def _shared(game: Game, book: PolicyBook) -> _Shared:
    """The constants of ``game``, kept with ``book`` when it is the book's game."""
    if book.game is not game:
        return _Shared.of(game)
    shared = _SHARED.get(book)
    if shared is None:
        shared = _SHARED[book] = _Shared.of(game)
    return shared


def news(shared: _Shared, shocks: list[list[float]]) -> list[_News]:
    """A path's pressure news in the window in the order the pressure process takes it:
    by time, a dated point before a shock at the same instant. ``shocks`` are (time, size)."""
    timeline = shared.points + [(t, _SHOCK, "", s) for t, s in shocks]
    return [n for n in sorted(timeline, key=_WHEN) if 0 <= n[0] <= shared.window]


def shock_now(shock: float, shock_at: float, now: float, half_life: float) -> float:
    """What is left at ``now`` of a shock level ``shock`` standing at ``shock_at``."""
    left: float = 0.5 ** ((now - shock_at) / half_life)
    return shock * left


#: The ``details`` of a re-solve's event (epoch, observed pressure) and of a shock's (size).
RESOLVE_DETAILS = "epoch=%d pressure=%.4f"
SHOCK_DETAILS = "size=%.4f"


def point_details(
    pressure: PressureModel, now: float, hours: float, label: str, scheduled: float, shock: float
) -> str:
    """The ``details`` of a dated point's event: its label and the pressure at ``now``, the
    point's time as the clock reached it (``scheduled`` is the series at ``hours``, ``shock``
    what is left of the shocks)."""
    if now != hours:
        scheduled = float(pressure.scheduled(now))
    level = pressure.scale * max(scheduled + shock, 0.0)
    return f"{label} level={level:.4f}"


def _points(game: Game) -> list[_News]:
    """The dated pressure points in the window, with the scheduled level at each."""
    pressure = game.scenario.pressure
    points = [] if pressure is None else list(pressure.points)
    hours = [game.schedule.hours_at(p.at) for p in points]
    levels = game.pressure.scheduled(np.array(hours, dtype=np.float64)).tolist()
    return [
        (h, _POINT, p.event or "", level)
        for h, p, level in zip(hours, points, levels, strict=True)
        if 0 <= h <= game.schedule.window_hours
    ]


@dataclass
class PathResult:
    """What happened on one path."""

    outcome: str
    decision_hours: float
    first_mover: str
    final_actions: tuple[str, str]
    payoffs: tuple[float, float]
    resolves: int
    events: list[Event] = field(default_factory=list)


class _Path:
    """The state and processes of one simulated path.

    Its draws are path ``index`` of :func:`draw_paths`. Per epoch the path records the cell
    played and the policy in force.
    """

    def __init__(self, game: Game, book: PolicyBook, draws: Draws, index: int = 0) -> None:
        self.book, self.tolerance = book, book.tolerance
        self.shared = _shared(game, book)
        self.env = simpy.Environment(0.0)
        self.shocks: list[list[float]] = draws.shocks[index].tolist()
        self.levels: list[float] = draws.levels[index].tolist()
        self.uniforms: list[float] = draws.uniforms[index].tolist()
        self.plan = book._initial_plan
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.plans: list[_Plan] = []
        self.last: tuple[int, int] | None = None
        self.first_concession: list[int | None] = [None, None]
        self.news: simpy.Event | None = None
        self.news_at = math.inf
        self.shock, self.shock_at = 0.0, 0.0
        self.outcome: str | None = None
        self.reached_deadline = False
        self.decided_at = math.nan
        self.resolves = 0
        self.events: list[Event] = []

    def log(self, actor: str, event: str, details: str) -> None:
        self.events.append((self.env.now, actor, event, details))

    def pressure_process(self) -> Generator[simpy.Event, Any, None]:
        """Dated points (logged as they pass) and random shocks (which move the level).

        ``news`` is the timeout the process waits on and ``news_at`` its time, so that the
        clock can let news at an epoch's instant come first. The clock reaches a time ``t``
        as ``now + (t - now)``, which rounding can leave an ulp past ``t``; news due by then
        comes at once (a delay of zero, never a negative one).
        """
        env, shared, timeout, events = self.env, self.shared, self.env.timeout, self.events
        half_life = shared.pressure.shock_half_life_hours
        for hours, kind, label, value in news(shared, self.shocks):
            delay = max(hours - env.now, 0.0)
            self.news_at, self.news = env.now + delay, timeout(delay)
            yield self.news
            now = env.now
            if kind == _SHOCK:
                self.shock = shock_now(self.shock, self.shock_at, now, half_life) + value
                self.shock_at = hours
                events.append((now, "pressure", "shock", SHOCK_DETAILS % value))
            else:
                left = shock_now(self.shock, self.shock_at, now, half_life)
                details = point_details(shared.pressure, now, hours, label, value, left)
                events.append((now, "pressure", "scheduled", details))
        self.news_at = math.inf

    def clock(self) -> Generator[simpy.Event, Any, None]:
        """Call each live epoch, let the players choose, and end the path."""
        env, shared = self.env, self.shared
        timeout, decide = env.timeout, self.decide
        for k, t in enumerate(shared.times):
            yield timeout(t - env.now)
            while self.news_at == env.now and self.news is not None:
                yield self.news  # already scheduled: no new event
            ended = decide(k)
            if ended is not None:
                self.decided_at = t
                self.log("both", "agreement", ended)
                yield timeout(shared.delay)
                self.outcome = ended
                self.log("both", "takes_effect", ended)
                return
        yield timeout(shared.window - env.now)
        self.reached_deadline = True
        self.outcome = shared.default_outcome
        self.log("deadline", "default", self.outcome)

    def decide(self, k: int) -> str | None:
        """Epoch k: the players choose; the outcome their cell ends the game in, if any.

        Each player in turn reads the pressure, re-solves if the policy in force is stale,
        and draws its action. The cell and the policy in force are recorded for the payoffs.
        """
        level, tolerance, uniforms = self.levels[k], self.tolerance, self.uniforms
        plan = self.plan
        if abs(level - plan.pressure[k - plan.first]) > tolerance:
            plan = self.resolve(k, level)
        i = bisect.bisect_right(plan.draws[0][k - plan.first], uniforms[2 * k])
        if abs(level - plan.pressure[k - plan.first]) > tolerance:
            plan = self.resolve(k, level)
        j = bisect.bisect_right(plan.draws[1][k - plan.first], uniforms[2 * k + 1])
        self.rows.append(i)
        self.cols.append(j)
        self.plans.append(plan)
        if (i, j) != self.last:
            self.settle(k, (i, j))
        return self.shared.outcome_at[i][j]

    def resolve(self, k: int, level: float) -> _Plan:
        """Re-solve from epoch k at the observed level (a cached policy on the grid)."""
        plan = self.plan = self.book._plan(k, level)
        self.resolves += 1
        self.events.append((self.env.now, "players", "resolve", RESOLVE_DETAILS % (k, level)))
        return plan

    def settle(self, k: int, cell: tuple[int, int]) -> None:
        """A new cell: log the actions that changed and note the first concessions."""
        shared, last = self.shared, self.last
        for p, a in enumerate(cell):
            if shared.concedes[p][a] and self.first_concession[p] is None:
                self.first_concession[p] = k
            if last is None or last[p] != a:
                self.log(shared.ids[p], "action", shared.actions[p][a])
        self.last = cell

    def run(self) -> _Path:
        """Run the two processes until the path ends."""
        env = self.env
        env.process(self.pressure_process())
        env.run(until=env.process(self.clock()))
        return self

    def result(self, payoffs: tuple[float, float]) -> PathResult:
        """What happened, given the path's payoffs (:meth:`_Shared.accrue`)."""
        assert self.outcome is not None
        actions, last = self.shared.actions, self.last
        finals = ("", "") if last is None else (actions[0][last[0]], actions[1][last[1]])
        return PathResult(
            outcome=self.outcome,
            decision_hours=self.decided_at,
            first_mover=first_mover(self.first_concession, self.shared.ids),
            final_actions=finals,
            payoffs=payoffs,
            resolves=self.resolves,
            events=self.events,
        )


def first_mover(first_concession: Sequence[int | None], ids: Sequence[str]) -> str:
    """Who conceded first, given each player's first conceding epoch (None if never):
    a player's id, ``simultaneous`` or ``none``."""
    first = first_concession
    if first[0] is None and first[1] is None:
        return "none"
    if first[0] == first[1]:
        return "simultaneous"
    if first[1] is None or (first[0] is not None and first[0] < first[1]):
        return ids[0]
    return ids[1]


def simulate_path(game: Game, book: PolicyBook, rng: np.random.Generator) -> PathResult:
    """Simulate one path with its own generator; deterministic given the generator's state.

    ``book`` holds the policies of ``game`` (``PolicyBook(game)``, prepared or not).
    """
    return simulate_each(game, book, [rng])[0]


def simulate_each(
    game: Game, book: PolicyBook, rngs: Sequence[np.random.Generator]
) -> list[PathResult]:
    """One path per generator, path i as ``simulate_path(game, book, rngs[i])`` gives it.

    The paths' draws and realised pressure are computed first, all together
    (:func:`draw_paths`); then each path runs in its own SimPy environment.
    """
    return run_each(game, book, draw_paths(game, rngs))


def run_each(game: Game, book: PolicyBook, draws: Draws) -> list[PathResult]:
    """One SimPy path per path of ``draws`` (:func:`draw_paths`)."""
    paths = [_Path(game, book, draws, i).run() for i in range(len(draws.shocks))]
    return [
        path.result((p[0], p[1])) for path, p in zip(paths, _payoffs(paths, draws), strict=True)
    ]


def _payoffs(paths: Sequence[_Path], draws: Draws) -> list[list[float]]:
    """Each path's payoffs, accrued for all of them together."""
    if not paths:
        return []
    shared = paths[0].shared
    cells = np.zeros((2, len(paths), len(shared.times)), dtype=np.intp)
    ahead = np.zeros((len(paths), len(shared.times), 2)) if shared.coupled else None
    for n, path in enumerate(paths):
        cells[0, n, : len(path.rows)], cells[1, n, : len(path.cols)] = path.rows, path.cols
        if ahead is not None:
            for k, plan in enumerate(path.plans):
                ahead[n, k] = plan.values[k - plan.first + 1]
    played = np.array([len(path.rows) for path in paths], dtype=np.intp)
    reached = np.array([path.reached_deadline for path in paths])
    total: list[list[float]] = shared.accrue(cells, played, draws.levels, ahead, reached).tolist()
    return total


@dataclass(frozen=True)
class Draws:
    """What P paths' generators gave: each path's shocks as (time, size) rows, the realised
    pressure at each live epoch and at the deadline, (P, L + 1), and each player's uniform
    at each live epoch, (P, 2L): epoch k uses uniforms 2k (player 0) and 2k + 1."""

    shocks: list[FloatArray]
    levels: FloatArray
    uniforms: FloatArray


def draw_paths(game: Game, rngs: Sequence[np.random.Generator]) -> Draws:
    """Each path's generator draws its shocks first, then one uniform per player per live
    epoch (player 0, then player 1, epoch by epoch), all at once."""
    pressure, schedule = game.pressure, game.schedule
    live = schedule.live
    shocks, uniforms = [], np.empty((len(rngs), 2 * live))
    for i, rng in enumerate(rngs):
        shocks.append(draw(pressure, schedule.window_hours, rng))
        uniforms[i] = rng.random(2 * live)
    times = np.append(game.live_times, schedule.window_hours)
    return Draws(shocks, pressure.realised(times, shocks), uniforms)
