"""A compiled model made ready to solve: its stage-game solver and selection rule (or, under
the logit concept, its QRE solver), and the deadline game's policies from any epoch and
observed pressure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.deadline._induction import Block, Starts, solve_deadlines
from sim.deadline._policy import Policy
from sim.deadline._typespace import has_types
from sim.equilibria import (
    EquilibriumSet,
    QuantalSolver,
    StageSolver,
    make_logit_solver,
    make_solver,
)
from sim.errors import SimError
from sim.model import Model, PayoffModel, PressureModel, Schedule, compile_model, structure
from sim.scenario import Scenario

__all__ = ["Game", "solve_policies"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Game:
    """A scenario's compiled :class:`~sim.model.Model` with the solver of its stage games.

    ``solver`` finds a stage game's Nash equilibria; ``quantal``, under the logit concept,
    its logit QRE at the scenario's precision, which the backward induction then plays.
    """

    model: Model
    solver: StageSolver
    quantal: QuantalSolver | None = None

    @classmethod
    def from_scenario(cls, scenario: Scenario, batched: bool = True) -> Game:
        """Compile a validated scenario (parameters as they are set in it)."""
        return cls.of(compile_model(scenario), batched)

    @classmethod
    def of(cls, model: Model, batched: bool = True) -> Game:
        """The game of a compiled model, its stage games solved by the scenario's method.

        Raises
        ------
        SimError
            For a scenario with private types (:func:`sim.deadline.has_types`).
        """
        if has_types(model.scenario):
            raise SimError(
                "players.types: this scenario has private types; they are solved by "
                "sim.deadline.solve_beliefs and played by sim.simulate.play_types (the run, "
                "solve and sweep commands do not take types yet, docs/types.md)"
            )
        config = model.scenario.equilibrium
        shape = model.payoffs.shape
        solver = make_solver(config.method, config.tolerance, shape, batched)
        lam = model.scenario.precision
        return cls(model, solver, None if lam is None else make_logit_solver(lam))

    @property
    def scenario(self) -> Scenario:
        return self.model.scenario

    @property
    def schedule(self) -> Schedule:
        return self.model.schedule

    @property
    def pressure(self) -> PressureModel:
        return self.model.pressure

    @property
    def payoffs(self) -> PayoffModel:
        return self.model.payoffs

    @property
    def live_times(self) -> FloatArray:
        return self.model.live_times

    def forecast(self, first: int = 0, level: float | None = None) -> tuple[FloatArray, float]:
        """Pressure expected at each live epoch and at the deadline, seen from epoch ``first``
        (:meth:`sim.model.Model.forecast`)."""
        return self.model.forecast(first, level)

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
    def precision(self) -> float | None:
        """The logit precision lambda under the logit concept, else ``None``."""
        return self.scenario.precision

    @property
    def induction(self) -> tuple[Schedule, StageSolver | QuantalSolver, str]:
        """The schedule, stage-game solver (the QRE solver under the logit concept) and
        selection rule a backward induction uses."""
        solver = self.solver if self.quantal is None else self.quantal
        return self.schedule, solver, self.scenario.equilibrium.selection

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
        game.precision,
        getattr(game.solver, "func", game.solver),  # batched or game by game
        payoffs.outcome_ids,
        payoffs.outcome_of_cell.shape,
        payoffs.outcome_of_cell.tobytes(),
        structure(payoffs),
    )
