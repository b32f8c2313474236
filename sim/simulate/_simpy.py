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
from typing import Any

import numpy as np
import simpy

from sim.deadline import Game, PolicyBook
from sim.simulate._draws import Draws, draw_paths
from sim.simulate._paths import (
    _SHOCK,
    RESOLVE_DETAILS,
    SHOCK_DETAILS,
    Event,
    PathResult,
    _Plan,
    _view,
    first_mover,
    news,
    point_details,
)

__all__ = ["run_each", "simulate_each", "simulate_path"]


class _Path:
    """The state and processes of one simulated path.

    Its draws are path ``index`` of :func:`draw_paths`. Per epoch the path records the cell
    played and the policy in force.
    """

    def __init__(self, game: Game, book: PolicyBook, draws: Draws, index: int = 0) -> None:
        self.book, self.tolerance = book, book.tolerance
        view = _view(game, book)
        self.shared, self.kept = view.shared, view.plans
        self.env = simpy.Environment(0.0)
        self.shocks: list[list[float]] = draws.shocks[index].tolist()
        self.levels: list[float] = draws.levels[index].tolist()
        self.uniforms: list[float] = draws.uniforms[index].tolist()
        self.plan = self.kept.initial
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
        shock_left = shared.pressure.shock_left
        for hours, kind, label, value in news(shared, self.shocks):
            delay = max(hours - env.now, 0.0)
            self.news_at, self.news = env.now + delay, timeout(delay)
            yield self.news
            now = env.now
            if kind == _SHOCK:
                self.shock = shock_left(self.shock, self.shock_at, now) + value
                self.shock_at = hours
                events.append((now, "pressure", "shock", SHOCK_DETAILS % value))
            else:
                left = shock_left(self.shock, self.shock_at, now)
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
        plan = self.plan = self.kept.get(k, level)
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
