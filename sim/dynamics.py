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
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any

import numpy as np
import simpy
from numpy.typing import NDArray

from sim.deadline import Policy
from sim.game import Game
from sim.pressure import PressureModel, draw
from sim.stagegame import PayoffModel

__all__ = [
    "EVENT_COLUMNS",
    "Draws",
    "PathResult",
    "PolicyBook",
    "draw_paths",
    "first_mover",
    "run_each",
    "simulate_each",
    "simulate_path",
]

FloatArray = NDArray[np.float64]

#: Pressure difference (in pressure units) above which a player re-solves; also the grid
#: to which shock levels are rounded, so that re-solved policies can be shared.
RESOLVE_TOLERANCE = 0.01

EVENT_COLUMNS = ("hours", "actor", "event", "details")

#: Kinds of pressure news, in the order they are handled at equal times.
_POINT, _SHOCK = 0, 1

#: Timeline entries: hours, kind, label (a point's event), value (the scheduled level at a
#: point, the size of a shock).
_News = tuple[float, int, str, float]
_WHEN = itemgetter(0, 1)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A policy as plain Python lists, for the per-epoch lookups of a path.

    Rows are indexed by ``k - first`` as in the policy. ``draws[p][k - first]`` is player
    p's cumulative strategy at epoch k with its last entry set to infinity, so that
    ``bisect_right(draws, u)`` maps a uniform u to an action even when rounding leaves the
    cumulative sum just below one (the last action, as ``min(..., m - 1)`` would give).
    """

    policy: Policy
    first: int
    pressure: list[float]
    draws: tuple[list[list[float]], list[list[float]]]
    values: list[list[float]]

    @classmethod
    def of(cls, policy: Policy) -> _Plan:
        return cls.many([policy])[0]

    @classmethod
    def many(cls, policies: Sequence[Policy]) -> list[_Plan]:
        """The plans of policies, with a few numpy calls for all of those from each epoch."""
        firsts = {p.first for p in policies}
        if len(firsts) > 1:
            plans: dict[int, _Plan] = {}
            for first in firsts:
                group = [i for i, p in enumerate(policies) if p.first == first]
                plans.update(zip(group, cls.many([policies[i] for i in group]), strict=True))
            return [plans[i] for i in range(len(policies))]
        if not policies:
            return []

        def draws(name: str) -> list[list[list[float]]]:
            cumulative = np.cumsum(np.stack([getattr(p, name) for p in policies]), axis=2)
            cumulative[:, :, -1] = math.inf
            out: list[list[list[float]]] = cumulative.tolist()
            return out

        rows, cols = draws("row"), draws("col")
        pressure = np.stack([p.pressure for p in policies]).tolist()
        values = np.stack([p.values for p in policies]).tolist()
        return [
            cls(p, p.first, pressure[i], (rows[i], cols[i]), values[i])
            for i, p in enumerate(policies)
        ]


class PolicyBook:
    """Receding-horizon policies, computed once per (epoch, observed pressure on a grid).

    With ``persistent`` forecasts the forecast does not depend on the epoch it is made at, so
    the policy from epoch k at level P is the policy from epoch 0 at level P read from row k
    on: one backward induction per level serves every epoch. With ``scheduled`` forecasts
    each (epoch, level) is solved from that epoch.

    A persistent policy may also be kept from a later epoch s (:meth:`add`, when the paths
    are known not to need it earlier): it serves the epochs from s, and an earlier epoch
    solves it again in full.
    """

    def __init__(
        self, game: Game, tolerance: float = RESOLVE_TOLERANCE, initial: Policy | None = None
    ) -> None:
        self.game = game
        self.tolerance = tolerance
        self._persistent = game.pressure.persistent
        self._cache: dict[tuple[int, int], Policy] = {}
        self._plans: dict[tuple[int, int], _Plan] = {}
        self._unplanned: list[tuple[int, int]] = []
        #: The policy on the scheduled pressure from epoch 0 (solved here when not given).
        self.initial = game.policy() if initial is None else initial

    @staticmethod
    def grid(game: Game, tolerance: float = RESOLVE_TOLERANCE) -> list[float]:
        """The levels :meth:`prepare` solves by default (none with scheduled forecasts).

        Every level on the grid from 0 to the highest scheduled pressure plus five times the
        typical shock.
        """
        if not game.pressure.persistent:
            return []
        return np.arange(0.0, game.pressure_ceiling() + tolerance, tolerance).tolist()

    def get(self, first: int, level: float) -> Policy:
        """The policy in force from live epoch ``first`` given the observed ``level``.

        The level is rounded to the grid. With persistent forecasts the policy is the one
        solved from epoch 0 (or from an epoch up to ``first``, see :meth:`add`); read it at
        row ``k - policy.first``.
        """
        return self._solved(self._key(first, level), first)

    @property
    def solved(self) -> int:
        return len(self._cache)

    def prepare(self, levels: Sequence[float] | None = None) -> None:
        """Solve the policies for many levels (persistent forecasts) in one batched call.

        By default the levels of :meth:`grid`; levels already solved are skipped.
        """
        if not self._persistent:
            return
        wanted = self.grid(self.game, self.tolerance) if levels is None else levels
        steps = sorted({round(v / self.tolerance) for v in wanted} - {k for _, k in self._cache})
        if steps:
            on_grid = [k * self.tolerance for k in steps]
            self.add(on_grid, self.game.policies(0, on_grid))

    def add(self, levels: Sequence[float], policies: Sequence[Policy]) -> None:
        """Policies solved elsewhere at these observed levels (on the grid, as :meth:`grid`
        gives them), e.g. many games' together by :func:`sim.game.solve_policies`: from
        epoch 0, or with persistent forecasts from any epoch (they then serve the epochs
        from theirs).
        """
        for level, policy in zip(levels, policies, strict=True):
            if policy.first != 0 and not self._persistent:
                raise ValueError(f"policy from epoch {policy.first}, not from epoch 0")
            self._cache[self._key(0, level)] = policy
        self._unplanned.extend(self._key(0, level) for level in levels)

    def keys(self, first: int, levels: FloatArray) -> tuple[int, NDArray[np.int64]]:
        """Where the policies from live epoch ``first`` at the observed ``levels`` are kept:
        the epoch they are solved from, and each level's step on the grid."""
        return (0 if self._persistent else first), grid_steps(levels, self.tolerance)

    def kept(self) -> dict[tuple[int, int], Policy]:
        """The policies solved so far, by key (:meth:`key`)."""
        return dict(self._cache)

    def policies_at(self, epoch: int, steps: Sequence[int]) -> list[Policy]:
        """The policies re-solved at live epoch ``epoch`` to these grid steps, valid there:
        those not kept yet (or kept from a later epoch) solved in one batched induction."""
        first = 0 if self._persistent else epoch
        keys = [(first, step) for step in steps]
        missing = [k for k in keys if k not in self._cache or self._cache[k].first > epoch]
        if missing:
            levels = [step * self.tolerance for _, step in missing]
            self._cache.update(zip(missing, self.game.policies(first, levels), strict=True))
        return [self._cache[k] for k in keys]

    def _key(self, first: int, level: float) -> tuple[int, int]:
        return (0 if self._persistent else first), round(level / self.tolerance)

    def _solved(self, key: tuple[int, int], epoch: int) -> Policy:
        policy = self._cache.get(key)
        if policy is None or policy.first > epoch:
            first, step = key
            policy = self._cache[key] = self.game.policy(first, step * self.tolerance)
        return policy

    def _plan(self, first: int, level: float) -> _Plan:
        """:meth:`get` as plain lists (cached), for the paths."""
        key = (0 if self._persistent else first), round(level / self.tolerance)  # _key, inlined
        plan = self._plans.get(key)
        if plan is None or plan.first > first:
            if self._unplanned:  # the plans of added policies, built in bulk on first use
                keys, self._unplanned = self._unplanned, []
                policies = [self._cache[k] for k in keys]
                self._plans.update(zip(keys, _Plan.many(policies), strict=True))
                return self._plan(first, level)
            plan = self._plans[key] = _Plan.of(self._solved(key, first))
        return plan

    @cached_property
    def _initial_plan(self) -> _Plan:
        return _Plan.of(self.initial)

    @cached_property
    def _shared(self) -> _Shared:
        return _Shared.of(self.game)


def grid_steps(levels: FloatArray, tolerance: float) -> NDArray[np.int64]:
    """The grid step of each level, ``round(level / tolerance)`` as :class:`PolicyBook`
    keys it (numpy's ``rint`` takes halves to even, as ``round`` does)."""
    return np.rint(levels / tolerance).astype(np.int64)


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
    events: list[tuple[float, str, str, str]] = field(default_factory=list)


class _Path:
    """The state and processes of one simulated path.

    Its draws are path ``index`` of :func:`draw_paths`. Per epoch the path records the cell
    played and the policy in force.
    """

    def __init__(self, game: Game, book: PolicyBook, draws: Draws, index: int = 0) -> None:
        self.book, self.tolerance = book, book.tolerance
        self.shared = book._shared if book.game is game else _Shared.of(game)
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
        self.events: list[tuple[float, str, str, str]] = []

    def log(self, actor: str, event: str, details: str) -> None:
        self.events.append((self.env.now, actor, event, details))

    def current_shock(self) -> float:
        """What is left now of the shocks so far."""
        elapsed = self.env.now - self.shock_at
        left: float = 0.5 ** (elapsed / self.shared.pressure.shock_half_life_hours)
        return self.shock * left

    def pressure_at_point(self, hours: float, scheduled: float) -> float:
        """The pressure now, at a dated point (``scheduled`` is the series at ``hours``)."""
        now = self.env.now
        if now != hours:
            scheduled = float(self.shared.pressure.scheduled(now))
        return self.shared.pressure.scale * max(scheduled + self.current_shock(), 0.0)

    def pressure_process(self) -> Generator[simpy.Event, Any, None]:
        """Dated points (logged as they pass) and random shocks (which move the level).

        ``news`` is the timeout the process waits on and ``news_at`` its time, so that the
        clock can let news at an epoch's instant come first.
        """
        env, shared, timeout, events = self.env, self.shared, self.env.timeout, self.events
        shocks: list[_News] = [(t, _SHOCK, "", s) for t, s in self.shocks]
        for hours, kind, label, value in sorted(shared.points + shocks, key=_WHEN):
            if hours < 0 or hours > shared.window:
                continue
            delay = hours - env.now
            self.news_at, self.news = env.now + delay, timeout(delay)
            yield self.news
            if kind == _SHOCK:
                self.shock, self.shock_at = self.current_shock() + value, hours
                events.append((env.now, "pressure", "shock", f"size={value:.4f}"))
            else:
                level = self.pressure_at_point(hours, value)
                self.log("pressure", "scheduled", f"{label} level={level:.4f}")
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
        self.events.append((self.env.now, "players", "resolve", f"epoch={k} pressure={level:.4f}"))
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
