"""The discrete-event model of one path from the start to the deadline (SimPy).

Processes: the decision clock (the live epochs), the exogenous pressure (dated points and
random shocks from the path's generator), and each player. At an epoch a player reads the
pressure; when it differs from what the current policy assumed, the player re-solves the
remaining deadline game from now (receding horizon), then draws its action from the policy's
(possibly mixed) strategy. An agreement takes effect after the implementation delay; if none
has been reached, the default outcome happens at the deadline. Every change of state goes to
the event log.
"""

from __future__ import annotations

import bisect
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from sim.deadline import Policy
from sim.game import Game
from sim.pressure import draw

__all__ = ["EVENT_COLUMNS", "PathResult", "PolicyBook", "simulate_path"]

#: Pressure difference (in pressure units) above which a player re-solves; also the grid
#: to which shock levels are rounded, so that re-solved policies can be shared.
RESOLVE_TOLERANCE = 0.01

EVENT_COLUMNS = ("hours", "actor", "event", "details")


class PolicyBook:
    """Receding-horizon policies, computed once per (epoch, observed pressure on a grid).

    With ``persistent`` forecasts the forecast does not depend on the epoch it is made at, so
    the policy from epoch k at level P is the tail of the policy from epoch 0 at level P: one
    backward induction per level serves every epoch.
    """

    def __init__(self, game: Game, tolerance: float = RESOLVE_TOLERANCE) -> None:
        self.game = game
        self.tolerance = tolerance
        self._cache: dict[tuple[int, int], Policy] = {}
        self._tails: dict[tuple[int, int], Policy] = {}
        self.initial = game.policy()

    def get(self, first: int, level: float) -> Policy:
        """The policy from live epoch ``first`` given the observed ``level`` (on the grid)."""
        step = round(level / self.tolerance)
        if not self.game.pressure.persistent:
            return self._solved(first, step)
        key = (first, step)
        if key not in self._tails:
            self._tails[key] = self._solved(0, step).tail(first)
        return self._tails[key]

    def prepare(self, levels: Sequence[float] | None = None) -> None:
        """Solve the policies for many levels (persistent forecasts) in one batched call.

        By default, every level on the grid from 0 to the highest scheduled pressure plus
        five times the typical shock.
        """
        if not self.game.pressure.persistent:
            return
        if levels is None:
            levels = np.arange(
                0.0, self.game.pressure_ceiling() + self.tolerance, self.tolerance
            ).tolist()
        steps = sorted({round(v / self.tolerance) for v in levels} - {k for _, k in self._cache})
        if steps:
            solved = self.game.policies(0, [k * self.tolerance for k in steps])
            self._cache.update({(0, k): p for k, p in zip(steps, solved, strict=True)})

    def _solved(self, first: int, step: int) -> Policy:
        key = (first, step)
        if key not in self._cache:
            self._cache[key] = self.game.policy(first, step * self.tolerance)
        return self._cache[key]

    @property
    def solved(self) -> int:
        return len(self._cache)


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
    """The state and processes of one simulated path."""

    def __init__(self, game: Game, book: PolicyBook, rng: np.random.Generator) -> None:
        self.game, self.book, self.rng = game, book, rng
        self.env = simpy.Environment()
        self.shocks = draw(game.pressure, game.schedule.window_hours, rng)
        times = np.append(game.live_times, game.schedule.window_hours)
        self.levels = game.pressure.realised(times, self.shocks).tolist()
        self.shock, self.shock_at = 0.0, 0.0
        self.policy = book.initial
        self.epoch = 0
        self.level = self.levels[0]
        self.choices: list[int | None] = [None, None]
        self.last: list[int | None] = [None, None]
        self.first_concession: list[int | None] = [None, None]
        self.ask = self.env.event()
        self.answered = self.env.event()
        self.outcome: str | None = None
        self.decided_at = float("nan")
        self.resolves = 0
        self.payoff = np.zeros(2)
        self.events: list[tuple[float, str, str, str]] = []

    def log(self, actor: str, event: str, details: str) -> None:
        self.events.append((float(self.env.now), actor, event, details))

    def pressure_now(self) -> float:
        now = float(self.env.now)
        return float(self.game.pressure.level(now, self.current_shock(), now))

    def current_shock(self) -> float:
        decay = self.game.pressure.decay(float(self.env.now) - self.shock_at)
        return float(self.shock * decay)

    def pressure_process(self) -> Generator[simpy.Event, Any, None]:
        """Dated points (logged as they pass) and random shocks (which move the level)."""
        scenario = self.game.scenario
        points = [] if scenario.pressure is None else list(scenario.pressure.points)
        timeline: list[tuple[float, str, str | float]] = [
            (self.game.schedule.hours_at(p.at), "point", p.event or "") for p in points
        ]
        timeline += [(float(t), "shock", float(s)) for t, s in self.shocks]
        for hours, kind, what in sorted(timeline, key=lambda e: (e[0], e[1])):
            if hours < 0 or hours > self.game.schedule.window_hours:
                continue
            yield self.env.timeout(hours - float(self.env.now))
            if kind == "shock":
                self.shock, self.shock_at = self.current_shock() + float(what), float(hours)
                self.log("pressure", "shock", f"size={float(what):.4f}")
            else:
                self.log("pressure", "scheduled", f"{what} level={self.pressure_now():.4f}")

    def clock(self) -> Generator[simpy.Event, Any, None]:
        """Call each live epoch, settle the profile, and end the path."""
        game, env = self.game, self.env
        for k, t in enumerate(game.live_times):
            yield env.timeout(float(t) - float(env.now))
            self.epoch = k
            self.level = self.levels[k]
            answered = self.answered = env.event()
            ask, self.ask = self.ask, env.event()
            ask.succeed(k)
            yield answered
            ended = self.settle(k)
            if ended is not None:
                self.decided_at = float(t)
                self.log("both", "agreement", ended)
                yield env.timeout(game.schedule.delay_hours)
                self.outcome = ended
                self.log("both", "takes_effect", ended)
                return
        yield env.timeout(game.schedule.window_hours - float(env.now))
        at_deadline = game.payoffs.default_payoffs(self.levels[-1])[0]
        self.payoff += at_deadline * game.discount_at(game.schedule.window_hours)
        self.outcome = game.payoffs.default_outcome
        self.log("deadline", "default", self.outcome)

    def player(self, p: int) -> Generator[simpy.Event, Any, None]:
        """At each call: read the pressure, re-solve if the policy is stale, draw an action."""
        while True:
            k = yield self.ask
            self.refresh(k)
            policy = self.policy
            cumulative = policy.cumulative[p][k - policy.first]
            choice = bisect.bisect_right(cumulative, self.rng.random())
            self.choices[p] = min(choice, len(cumulative) - 1)
            if all(c is not None for c in self.choices):
                self.answered.succeed()

    def refresh(self, k: int) -> None:
        """Re-solve from epoch k when the observed pressure is off the policy's forecast."""
        observed = self.level
        expected = float(self.policy.pressure[k - self.policy.first])
        if abs(observed - expected) <= self.book.tolerance:
            return
        self.policy = self.book.get(k, observed)
        self.resolves += 1
        self.log("players", "resolve", f"epoch={k} pressure={observed:.4f}")

    def settle(self, k: int) -> str | None:
        """Record the profile played at epoch k; the outcome it ends in, if any."""
        i, j = self.choices
        assert i is not None and j is not None
        self.choices = [None, None]
        game = self.game
        for p, a in enumerate((i, j)):
            player = game.scenario.players[p]
            name = player.actions[a]
            if name in player.concessions and self.first_concession[p] is None:
                self.first_concession[p] = k
            if self.last[p] != a:
                self.log(player.id, "action", name)
            self.last[p] = a
        base, slope, coupling = game.realised
        times = game.live_times
        step = game.schedule.discount_per_day ** float(game.schedule.live_days[k])
        ahead = step * self.policy.values[k - self.policy.first + 1]
        stage = base[k, :, i, j] + self.level * slope[k, :, i, j]
        stage += coupling[k, :, :, i, j] @ ahead
        self.payoff += stage * game.discount_at(float(times[k]))
        index = int(game.payoffs.outcome_of_cell[i, j])
        return game.payoffs.outcome_ids[index] if index >= 0 else None

    def first_mover(self) -> str:
        first = self.first_concession
        ids = [p.id for p in self.game.scenario.players]
        if first[0] is None and first[1] is None:
            return "none"
        if first[0] == first[1]:
            return "simultaneous"
        if first[1] is None or (first[0] is not None and first[0] < first[1]):
            return ids[0]
        return ids[1]


def simulate_path(game: Game, book: PolicyBook, rng: np.random.Generator) -> PathResult:
    """Simulate one path with its own generator; deterministic given the generator's state."""
    path = _Path(game, book, rng)
    env = path.env
    env.process(path.pressure_process())
    env.process(path.player(0))
    env.process(path.player(1))
    done = env.process(path.clock())
    env.run(until=done)
    players = game.scenario.players
    finals = tuple(players[p].actions[a] if a is not None else "" for p, a in enumerate(path.last))
    assert path.outcome is not None
    return PathResult(
        outcome=path.outcome,
        decision_hours=path.decided_at,
        first_mover=path.first_mover(),
        final_actions=(finals[0], finals[1]),
        payoffs=(float(path.payoff[0]), float(path.payoff[1])),
        resolves=path.resolves,
        events=path.events,
    )
