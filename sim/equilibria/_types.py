"""The result types of the equilibrium solvers, the check of a bimatrix game, and the
tolerances every solver shares.

Every solver returns an :class:`EquilibriumSet` (or, for many games,
:class:`~sim.equilibria.EquilibriumArrays`) whose equilibria have been checked to be mutual
best responses (:mod:`sim.equilibria._verify`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.errors import SimError

__all__ = [
    "BEST_RESPONSE_TOL",
    "CONSTANT_RANGE",
    "DEGENERACY_TOL",
    "DUPLICATE_TOL",
    "PROBABILITY_TOL",
    "Equilibrium",
    "EquilibriumSet",
    "GameError",
    "clean_strategy",
    "payoff_span",
    "validate_game",
]

#: Largest gain a deviation may bring before a profile is not an equilibrium, relative to the
#: deviating player's payoff range (the gain is measured on payoffs mapped onto [0, 1]).
BEST_RESPONSE_TOL = 1e-7

#: A player's payoff matrix whose range is at most this times its largest magnitude counts as
#: constant (every action is then a best response to everything): such a spread is rounding
#: noise (float64 resolves about 2.2e-16 of a number's magnitude), not structure, and is never
#: stretched onto [0, 1]. Applied once, by :func:`payoff_span`, for every solver and check.
CONSTANT_RANGE = 1e-12

#: Probabilities within this of 0 are set to 0; a more negative one makes a candidate invalid.
PROBABILITY_TOL = 1e-9

#: Two equilibria whose probabilities all differ by at most this are the same equilibrium.
DUPLICATE_TOL = 1e-6

#: Slack, relative to the payoff range, under which a best-response constraint counts as tight,
#: a tie between payoffs counts as a tie, and a square system counts as singular.
DEGENERACY_TOL = 1e-9

FloatArray = NDArray[np.float64]


class GameError(SimError, ValueError):
    """A payoff matrix pair, method or selection request that cannot be solved."""


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

    @property
    def profile(self) -> tuple[int, int] | None:
        """The pure profile ``(i, j)`` when the equilibrium is pure, else ``None``."""
        if not self.pure:
            return None
        return int(np.argmax(self.row)), int(np.argmax(self.col))

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable data."""
        return {
            "row": self.row.tolist(),
            "col": self.col.tolist(),
            "row_payoff": self.row_payoff,
            "col_payoff": self.col_payoff,
        }


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

    def __len__(self) -> int:
        return len(self.equilibria)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable data."""
        return {
            "equilibria": [e.to_dict() for e in self.equilibria],
            "method": self.method,
            "degenerate": self.degenerate,
            "flags": list(self.flags),
        }


def validate_game(A: ArrayLike, B: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Both payoff matrices as float arrays, after checking they form a bimatrix game.

    Raises
    ------
    GameError
        If either is not a non-empty 2-D array, the shapes differ or an entry is not finite.
    """
    a = np.asarray(A, dtype=np.float64)
    b = np.asarray(B, dtype=np.float64)
    for name, m in (("A", a), ("B", b)):
        if m.ndim != 2 or m.size == 0:
            raise GameError(f"payoff matrix {name} must be a non-empty 2-D array (got {m.shape})")
        if not np.all(np.isfinite(m)):
            raise GameError(f"payoff matrix {name} has non-finite entries")
    if a.shape != b.shape:
        raise GameError(f"payoff matrices differ in shape: A is {a.shape}, B is {b.shape}")
    return a, b


def payoff_span(M: FloatArray, axis: tuple[int, int]) -> tuple[FloatArray, FloatArray]:
    """Each game's least payoff and payoff range (``axis`` holds a game's two action axes,
    kept with length 1), the range 0 where the matrix counts as constant
    (:data:`CONSTANT_RANGE`).

    >>> least, span = payoff_span(np.array([[0.3, 0.1 + 0.2]]), (0, 1))
    >>> float(least[0, 0]), float(span[0, 0])
    (0.3, 0.0)
    """
    least = M.min(axis=axis, keepdims=True)
    most = M.max(axis=axis, keepdims=True)
    span = most - least
    noise = CONSTANT_RANGE * np.maximum(np.abs(least), np.abs(most))
    flat: FloatArray = np.where(span > noise, span, 0.0)
    return least, flat


def clean_strategy(p: ArrayLike, size: int) -> FloatArray | None:
    """A candidate strategy with round-off removed, or ``None`` when it is no strategy.

    Entries within :data:`PROBABILITY_TOL` of 0 become 0 and the rest are renormalised.
    ``None`` for the wrong length, non-finite or clearly negative entries, or zero mass.
    """
    x = np.asarray(p, dtype=np.float64)
    if x.shape != (size,) or not np.all(np.isfinite(x)) or x.min() < -PROBABILITY_TOL:
        return None
    x = np.where(x <= PROBABILITY_TOL, 0.0, x)
    total = x.sum()
    return x / total if total > 0 else None
