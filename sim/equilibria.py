"""Equilibria of bimatrix stage games: the result types and the solver interface.

Every solver, per game (nashpy) or batched (:mod:`sim.batched`), returns an
:class:`EquilibriumSet` whose equilibria have been checked to be mutual best responses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

__all__ = ["BEST_RESPONSE_TOL", "Equilibrium", "EquilibriumSet"]

#: Largest gain, in payoff units, a deviation may bring before a profile is not an equilibrium.
BEST_RESPONSE_TOL = 1e-7

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """One (possibly mixed) Nash equilibrium of a bimatrix game.

    Attributes
    ----------
    row, col:
        The row and column players' mixed strategies (non-negative, summing to 1).
    row_payoff, col_payoff:
        Each player's expected payoff under the profile.
    """

    row: FloatArray
    col: FloatArray
    row_payoff: float
    col_payoff: float

    @property
    def pure(self) -> bool:
        """Whether both strategies put all weight on one action."""
        return bool(np.isclose(self.row.max(), 1.0) and np.isclose(self.col.max(), 1.0))


@dataclass(frozen=True)
class EquilibriumSet:
    """All equilibria a method found for one game, verified and without duplicates.

    Attributes
    ----------
    equilibria:
        In the order the method found them.
    method:
        The method's name (``support_enumeration``, ``vertex_enumeration``, ``lemke_howson``).
    degenerate:
        True when the game is degenerate (some mixed strategy with support of size k has more
        than k pure best responses); the set may then be incomplete or contain a continuum's
        extreme points.
    flags:
        Further notes as data, e.g. ``("lemke_howson_failed_label_3",)``.
    """

    equilibria: tuple[Equilibrium, ...]
    method: str
    degenerate: bool = False
    flags: tuple[str, ...] = field(default=())
