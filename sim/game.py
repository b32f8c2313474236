"""A scenario made ready to solve: its schedule, pressure, payoffs and stage-game solver."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from sim.deadline import Block, Policy, Starts, solve_deadlines
from sim.equilibria import EquilibriumSet
from sim.pressure import PressureModel, build_pressure
from sim.scenario import Scenario
from sim.schedule import HOURS_PER_DAY, Schedule, build_schedule
from sim.solvers import StageSolver, make_solver
from sim.stagegame import PayoffModel, compile_payoffs, structure

__all__ = ["Game", "solve_policies"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Game:
    """Everything needed to build and solve a scenario's stage games and deadline game."""

    scenario: Scenario
    schedule: Schedule
    pressure: PressureModel
    payoffs: PayoffModel
    solver: StageSolver

    @classmethod
    def from_scenario(cls, scenario: Scenario, batched: bool = True) -> Game:
        """Compile a validated scenario (parameters as they are set in it)."""
        schedule = build_schedule(scenario)
        payoffs = compile_payoffs(scenario)
        return cls(
            scenario=scenario,
            schedule=schedule,
            pressure=build_pressure(scenario, schedule),
            payoffs=payoffs,
            solver=make_solver(scenario.equilibrium, payoffs.shape, batched),
        )

    @property
    def live_times(self) -> FloatArray:
        return self.schedule.times[: self.schedule.live]

    def forecast(self, first: int = 0, level: float | None = None) -> tuple[FloatArray, float]:
        """Pressure expected at each live epoch and at the deadline, seen from epoch ``first``.

        ``level`` is the pressure observed then (the scheduled level when None). With
        ``scheduled`` forecasts the players foresee the dated points and expect the gap between
        the observed and the scheduled level (a shock) to decay; with ``persistent`` forecasts
        they expect the observed level to last until the deadline.
        """
        p = self.pressure
        now = float(self.live_times[first]) if first < self.schedule.live else 0.0
        observed = float(p.level(now)) if level is None else level
        if p.persistent:
            return np.full(self.schedule.live, observed), observed
        shock = observed / p.scale - float(p.scheduled(now)) if p.scale > 0 else 0.0
        at_epochs = p.level(self.live_times, shock, now)
        return at_epochs, float(p.level(self.schedule.window_hours, shock, now))

    def policy(self, first: int = 0, level: float | None = None) -> Policy:
        """The equilibrium path from live epoch ``first``, given the pressure observed then."""
        return self.policies(first, [level])[0]

    def policies(self, first: int, levels: Sequence[float | None]) -> list[Policy]:
        """Policies for several observed pressure levels at once (one batched induction)."""
        block = self.block([self.forecast(first, lv) for lv in levels])
        return solve_deadlines([block], *self.induction, first)[0]

    def policies_from(self, firsts: Sequence[int]) -> list[Policy]:
        """``policy(k)`` for each live epoch k of ``firsts`` (the scheduled pressure observed
        then), all in one backward induction: each solved only from its own epoch."""
        block = self.block([self.forecast(k) for k in firsts])
        return solve_deadlines([block], *self.induction, min(firsts), [list(firsts)])[0]

    def block(self, forecasts: Sequence[tuple[FloatArray, float]]) -> Block:
        """A batch of :meth:`forecast` results as one block of
        :func:`sim.deadline.solve_deadlines`: the payoffs, pressure paths and deadline
        levels."""
        paths, ends = zip(*forecasts, strict=True)
        return self.payoffs, np.array(paths), np.array(ends)

    @property
    def induction(self) -> tuple[Schedule, StageSolver, str]:
        """The schedule, stage-game solver and selection rule a backward induction uses."""
        return self.schedule, self.solver, self.scenario.equilibrium.selection

    def stage(self, epoch: int, policy: Policy | None = None) -> tuple[FloatArray, FloatArray]:
        """The stage game at live epoch ``epoch`` with the continuation value of ``policy``
        (solved from epoch 0 on the scheduled pressure when not given)."""
        policy = policy if policy is not None else self.policy()
        k = epoch - policy.first
        times = self.live_times
        days = float(self.schedule.live_days[epoch])
        A, B = self.payoffs.stage(
            epoch,
            times[epoch] / self.schedule.window_hours,
            policy.pressure[k],
            days,
            policy.values[k + 1],
            self.schedule.discount_per_day**days,
        )
        return A[0], B[0]

    def pressure_ceiling(self) -> float:
        """A level the pressure rarely exceeds: the scheduled peak plus five typical shocks."""
        p = self.pressure
        peak = float(p.levels.max()) if p.levels.size else 0.0
        shocks = 0.0
        size = p.shock_size
        if p.has_shocks and size is not None:
            spread = float(getattr(size, "sd", 0.0) or getattr(size, "mean", 0.0) or 0.0)
            shocks = 5.0 * abs(spread)
        return p.scale * (peak + shocks)

    def discount_at(self, hours: float) -> float:
        """The discount factor from the start to ``hours``."""
        return float(self.schedule.discount_per_day ** (hours / HOURS_PER_DAY))

    @cached_property
    def realised(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """What a path earns in a cell, as ``base + pressure * slope + coupling @ discounted V``.

        Shapes (L, 2, m, n), (L, 2, m, n) and (L, 2, 2, m, n) over the live epochs: flows in
        the cells that continue, terminal payoffs in the agreement cells; ``coupling[k, p, r]``
        is how much player p's payoff depends on player r's discounted continuation value
        (``continuation`` terms). Linear in each, so computed once from unit inputs.
        """
        times = self.live_times
        days = self.schedule.live_days
        k = np.arange(len(times))
        e = times / self.schedule.window_hours
        cont = self.payoffs.continues.astype(np.float64)

        def at(p: float, v: tuple[float, float]) -> FloatArray:
            A, B = self.payoffs.stage(k, e, p, days, np.array(v), 1.0)
            out = np.stack([A, B], axis=1)
            return np.asarray(out - cont * np.array(v)[None, :, None, None])

        base = at(0.0, (0.0, 0.0))
        coupling = np.stack([at(0.0, (1.0, 0.0)) - base, at(0.0, (0.0, 1.0)) - base], axis=2)
        return base, at(1.0, (0.0, 0.0)) - base, coupling

    def equilibria(self, A: FloatArray, B: FloatArray) -> EquilibriumSet:
        """All equilibria of one stage game with the scenario's method."""
        return self.solver(A[None], B[None])[0]


def solve_policies(
    requests: Sequence[tuple[Game, Sequence[float | None]]],
    starts: Sequence[Starts | None] | None = None,
) -> list[list[Policy]]:
    """Policies for several games, each at several observed pressure levels (from epoch 0,
    or each level from its own start epoch).

    The games are one scenario at different parameter values (a sweep's points). Those that
    share a schedule, a solver and selection rule, agreement cells and payoff terms (all
    but the terms' values) are solved in one backward induction
    (:func:`sim.deadline.solve_deadlines`), so every numpy call of the stage-game solver
    works on the stage games of all of them. Returns, for each request,
    the policies in the order of its levels (``None`` is the scheduled level), equal to
    ``game.policies(0, levels)``.

    ``starts``, when given, has one entry per request: ``None``, or the live epoch to solve
    each of its levels from (parallel to the levels); that level's policy is then
    ``game.policies(0, levels)[j].tail(start)``, and the epochs before it are not solved.
    """
    if starts is not None and len(starts) != len(requests):
        raise ValueError(f"starts: {len(starts)} entries for {len(requests)} requests")
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, (game, _) in enumerate(requests):
        groups.setdefault(_solved_alike(game), []).append(i)
    out: list[list[Policy]] = [[] for _ in requests]
    for members in groups.values():
        blocks = [
            game.block([game.forecast(0, lv) for lv in levels])
            for game, levels in (requests[i] for i in members)
        ]
        lead = requests[members[0]][0]
        solved = solve_deadlines(
            blocks,
            *lead.induction,
            starts=None if starts is None else [starts[i] for i in members],
        )
        for i, policies in zip(members, solved, strict=True):
            out[i] = policies
    return out


def _solved_alike(game: Game) -> tuple[object, ...]:
    """What games must share to be solved in one backward induction."""
    s, payoffs = game.schedule, game.payoffs
    return (
        s.times.tobytes(),
        s.live,
        s.window_hours,
        s.discount_per_day,
        game.scenario.equilibrium,
        getattr(game.solver, "func", game.solver),  # batched or game by game
        payoffs.outcome_ids,
        payoffs.outcome_of_cell.shape,
        payoffs.outcome_of_cell.tobytes(),
        structure(payoffs),
    )
