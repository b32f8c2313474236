"""The equilibrium path of a deadline game: the strategies, values and agreement probabilities
the backward induction selected at each live epoch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Policy"]

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
