"""The deadline game solved by backward induction.

At each live epoch t_0 < ... < t_{L-1} the players play the stage game; agreement cells end
the game with their payoffs, the others continue to the next epoch with the discounted
continuation value; after the last live epoch (the last one whose decisions can take effect
before the deadline) the default outcome applies at the deadline. The selection rule picks
one (possibly mixed) equilibrium per epoch.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from sim.equilibria import EquilibriumSet
from sim.errors import SimError
from sim.schedule import Schedule
from sim.selection import select
from sim.solvers import StageSolver
from sim.stagegame import PayoffModel

__all__ = ["Policy", "solve_deadline"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Policy:
    """The equilibrium path of a deadline game from epoch ``first`` on.

    Arrays are indexed by live epoch k = first .. L-1 (row k - first).

    Attributes
    ----------
    times:
        Hours since the start of each epoch.
    pressure:
        The pressure the policy assumed at each epoch.
    row, col:
        Selected mixed strategies, shapes (K, m) and (K, n).
    values:
        (K + 1, 2): each player's value on reaching epoch k; the last row is the default
        outcome's payoff at the deadline.
    agree:
        (K, O): probability, on reaching epoch k, that each outcome's profiles are played.
    degenerate, equilibria, reasons:
        Per epoch: whether the stage game was degenerate, how many equilibria it had, and
        why the selected one was chosen.
    """

    first: int
    times: FloatArray
    pressure: FloatArray
    row: FloatArray
    col: FloatArray
    values: FloatArray
    agree: FloatArray
    outcome_ids: tuple[str, ...]
    default_outcome: str
    degenerate: NDArray[np.bool_]
    equilibria: NDArray[np.int64]
    reasons: tuple[str, ...]

    @cached_property
    def cumulative(self) -> tuple[list[list[float]], list[list[float]]]:
        """Each epoch's cumulative row and column strategies, as lists (for fast draws)."""
        return np.cumsum(self.row, axis=1).tolist(), np.cumsum(self.col, axis=1).tolist()

    @property
    def p_agree(self) -> FloatArray:
        """Probability, on reaching each epoch, that the game ends there."""
        return np.asarray(self.agree.sum(axis=1))

    @property
    def reach(self) -> FloatArray:
        """Probability of reaching each epoch (K,) without an agreement."""
        survive = np.cumprod(1.0 - self.p_agree)
        return np.concatenate(([1.0], survive[:-1]))

    def tail(self, first: int) -> Policy:
        """The same policy from live epoch ``first`` on (``first`` >= ``self.first``)."""
        if first == self.first:
            return self
        i = first - self.first
        if not 0 < i <= len(self.times):
            raise IndexError(f"epoch {first} is not in this policy (from {self.first})")
        return Policy(
            first=first,
            times=self.times[i:],
            pressure=self.pressure[i:],
            row=self.row[i:],
            col=self.col[i:],
            values=self.values[i:],
            agree=self.agree[i:],
            outcome_ids=self.outcome_ids,
            default_outcome=self.default_outcome,
            degenerate=self.degenerate[i:],
            equilibria=self.equilibria[i:],
            reasons=self.reasons[i:],
        )

    def outcome_probabilities(self) -> dict[str, float]:
        """Probability of each outcome, the default one included, along the path."""
        by_epoch = self.reach[:, None] * self.agree
        probs = {o: float(by_epoch[:, i].sum()) for i, o in enumerate(self.outcome_ids)}
        probs[self.default_outcome] = float(np.prod(1.0 - self.p_agree))
        return probs


def solve_deadline(
    model: PayoffModel,
    schedule: Schedule,
    pressure: FloatArray,
    deadline_pressure: FloatArray,
    solver: StageSolver,
    rule: str,
    first: int = 0,
) -> list[Policy]:
    """Backward induction for a batch of G pressure forecasts.

    Parameters
    ----------
    pressure:
        (G, L) pressure at each live epoch (columns ``first`` .. L-1 are used).
    deadline_pressure:
        (G,) pressure at the deadline, for the default outcome.
    solver, rule:
        How stage games are solved and which equilibrium is selected.
    first:
        The epoch to solve from (receding horizon); earlier epochs are not solved.
    """
    if rule == "all":
        raise SimError("selection 'all' is for analysis; the deadline game needs one rule")
    live = schedule.live
    pressure = np.atleast_2d(np.asarray(pressure, dtype=np.float64))
    g = pressure.shape[0]
    times = schedule.times[:live]
    days = schedule.live_days
    value = at_deadline = model.default_payoffs(np.asarray(deadline_pressure).reshape(g))
    steps: list[_Step] = []
    for k in range(live - 1, first - 1, -1):
        A, B = model.stage(
            k,
            times[k] / schedule.window_hours,
            pressure[:, k],
            days[k],
            value,
            schedule.discount_per_day ** days[k],
        )
        step = _Step.solve(model, solver(A, B), rule, A, B)
        steps.append(step)
        value = step.value
    return _policies(model, steps[::-1], times[first:], pressure[:, first:], at_deadline, first)


@dataclass(frozen=True)
class _Step:
    """One epoch of the backward induction, for the whole batch."""

    row: FloatArray
    col: FloatArray
    value: FloatArray
    agree: FloatArray
    degenerate: NDArray[np.bool_]
    count: NDArray[np.int64]
    reasons: tuple[str, ...]

    @classmethod
    def solve(
        cls, model: PayoffModel, sets: list[EquilibriumSet], rule: str, A: FloatArray, B: FloatArray
    ) -> _Step:
        picked = [select(eqs, rule, a, b) for eqs, a, b in zip(sets, A, B, strict=True)]
        x = np.array([s.equilibrium.row for s in picked])
        y = np.array([s.equilibrium.col for s in picked])
        return cls(
            row=x,
            col=y,
            value=np.array([[s.equilibrium.row_payoff, s.equilibrium.col_payoff] for s in picked]),
            agree=_agreement(model, x, y),
            degenerate=np.array([eqs.degenerate for eqs in sets]),
            count=np.array([len(eqs.equilibria) for eqs in sets], dtype=np.int64),
            reasons=tuple(s.reason for s in picked),
        )


def _policies(
    model: PayoffModel,
    steps: list[_Step],
    times: FloatArray,
    pressure: FloatArray,
    deadline_value: FloatArray,
    first: int,
) -> list[Policy]:
    """Split the batched steps (in epoch order) into one policy per batch element."""
    m, n = model.shape
    k = len(steps)

    def stack(name: str, i: int, width: int) -> FloatArray:
        return np.array([getattr(s, name)[i] for s in steps], dtype=np.float64).reshape(k, width)

    policies = []
    for i in range(pressure.shape[0]):
        values = np.vstack([stack("value", i, 2), deadline_value[i][None]])
        policies.append(
            Policy(
                first=first,
                times=times,
                pressure=pressure[i],
                row=stack("row", i, m),
                col=stack("col", i, n),
                values=values,
                agree=stack("agree", i, len(model.outcome_ids)),
                outcome_ids=model.outcome_ids,
                default_outcome=model.default_outcome,
                degenerate=np.array([s.degenerate[i] for s in steps], dtype=bool),
                equilibria=np.array([s.count[i] for s in steps], dtype=np.int64),
                reasons=tuple(s.reasons[i] for s in steps),
            )
        )
    return policies


def _agreement(model: PayoffModel, x: FloatArray, y: FloatArray) -> FloatArray:
    """(G, O) probability of each outcome's profiles under the strategies x, y."""
    joint = x[:, :, None] * y[:, None, :]
    out = np.zeros((x.shape[0], len(model.outcome_ids)))
    for o in range(len(model.outcome_ids)):
        out[:, o] = (joint * (model.outcome_of_cell == o)).sum(axis=(1, 2))
    return out
