"""Checking candidates: best-response gaps, one game or many at once, and the degeneracy test.

Every equilibrium a solver returns passes :func:`is_equilibrium` (one game) or
:func:`verified_payoffs` (many) within :data:`~sim.equilibria.BEST_RESPONSE_TOL` relative to
each player's payoff range: the gains from deviating are measured on each player's payoffs
mapped onto [0, 1] (:func:`~sim.equilibria._arrays.unit_range`), so that the check, like the
equilibria, is unchanged by a positive affine map of either player's payoffs, and a player
whose payoffs count as constant (:data:`~sim.equilibria.CONSTANT_RANGE`) is indifferent.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.equilibria._arrays import unit_range
from sim.equilibria._polytope import _vertices
from sim.equilibria._types import BEST_RESPONSE_TOL, DEGENERACY_TOL, validate_game

__all__ = ["best_response_gap", "is_degenerate", "is_equilibrium", "verified_payoffs"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]


def best_response_gap(A: ArrayLike, B: ArrayLike, row: ArrayLike, col: ArrayLike) -> float:
    """The larger of the two players' best gains from deviating from ``(row, col)``.

    Returns
    -------
    float
        ``max(max_i (A y)_i - x'Ay, max_j (B'x)_j - x'By)``, in payoff units (not relative
        to the payoff ranges, unlike :func:`is_equilibrium`); 0 at an exact equilibrium.
    """
    a, b = validate_game(A, B)
    return _gap(a, b, np.asarray(row, dtype=np.float64), np.asarray(col, dtype=np.float64))


def is_equilibrium(
    A: ArrayLike, B: ArrayLike, row: ArrayLike, col: ArrayLike, tol: float = BEST_RESPONSE_TOL
) -> bool:
    """Whether ``(row, col)`` is a pair of mixed strategies that are mutual best responses.

    Each strategy must have the right length, be finite, non-negative and sum to 1 (within
    ``tol``), and no player may gain more than ``tol`` times their payoff range by deviating
    (the gain is measured on their payoffs mapped onto [0, 1]).

    >>> is_equilibrium([[1e9, 0], [0, 1e9]], [[0, 1e9], [1e9, 0]], [0.5, 0.5], [0.5, 0.5])
    True
    """
    a, b = validate_game(A, B)
    x = np.asarray(row, dtype=np.float64)
    y = np.asarray(col, dtype=np.float64)
    return _is_equilibrium(unit_range(a, (0, 1), 0.0), unit_range(b, (0, 1), 0.0), x, y, tol)


def _is_equilibrium(A: FloatArray, B: FloatArray, x: FloatArray, y: FloatArray, tol: float) -> bool:
    """:func:`is_equilibrium` for arrays already validated and mapped onto [0, 1]."""
    if not (_is_distribution(x, A.shape[0], tol) and _is_distribution(y, A.shape[1], tol)):
        return False
    return _gap(A, B, x, y) <= tol


def _gap(A: FloatArray, B: FloatArray, x: FloatArray, y: FloatArray) -> float:
    row_values = A @ y
    col_values = x @ B
    return float(max(row_values.max() - x @ row_values, col_values.max() - col_values @ y))


def _is_distribution(p: FloatArray, size: int, tol: float) -> bool:
    if p.shape != (size,) or not np.all(np.isfinite(p)):
        return False
    return bool(p.min() >= -tol and abs(p.sum() - 1.0) <= tol)


def verified_payoffs(
    A: FloatArray,
    B: FloatArray,
    game: NDArray[np.integer],
    row: FloatArray,
    col: FloatArray,
    unit: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Each candidate's payoffs on the original matrices of its game, and whether it is a
    mutual best response within :data:`~sim.equilibria.BEST_RESPONSE_TOL` on each player's
    payoffs mapped onto [0, 1].

    ``A`` and ``B`` are ``(G, m, n)``; candidate ``h`` plays ``row[h]`` and ``col[h]`` in game
    ``game[h]``. ``unit`` holds ``A`` and ``B`` mapped onto [0, 1] when the caller has them.
    """
    A_unit, B_unit = unit or (unit_range(A, (1, 2), 0.0), unit_range(B, (1, 2), 0.0))
    row_value = _values(A[game], row, col)[1]
    col_value = _values(B[game], row, col, column=True)[1]
    row_pure, row_unit = _values(A_unit[game], row, col)
    col_pure, col_unit = _values(B_unit[game], row, col, column=True)
    verified = (row_pure.max(axis=-1, initial=-np.inf) - row_unit <= BEST_RESPONSE_TOL) & (
        col_pure.max(axis=-1, initial=-np.inf) - col_unit <= BEST_RESPONSE_TOL
    )
    return row_value, col_value, verified


def _values(
    M: FloatArray, row: FloatArray, col: FloatArray, column: bool = False
) -> tuple[FloatArray, FloatArray]:
    """A player's pure payoffs against the opponent (the row player's unless ``column``) and
    the expected payoff of each candidate, on ``M`` ``(H, m, n)``."""
    if column:
        pure = np.einsum("hm,hmn->hn", row, M)
        return pure, np.einsum("hn,hn->h", col, pure)
    pure = np.einsum("hmn,hn->hm", M, col)
    return pure, np.einsum("hm,hm->h", row, pure)


def is_degenerate(A: ArrayLike, B: ArrayLike, tol: float = DEGENERACY_TOL) -> bool:
    """Whether some mixed strategy with support of size k has more than k pure best responses.

    The check is exact (up to ``tol``), through the best-response polytopes (von Stengel
    2002): after mapping the responder's payoffs M onto [1, 2], a mixed strategy x of support
    size k with r best responses scales to a point of P = {z >= 0, M z <= 1} on
    (m - k) + r facets, and conversely. So the game is degenerate exactly when P has a
    point, hence a vertex, on more facets than its dimension. Every vertex is found by
    solving each square subsystem of the constraints (:mod:`._polytope`, the vertices vertex
    enumeration pairs); the work grows as C(m + n, m).
    """
    a, b = validate_game(A, B)
    rows = _vertices(unit_range(b.T[None], (1, 2), 1.0), tol, shift=0)
    cols = _vertices(unit_range(a[None], (1, 2), 1.0), tol, shift=a.shape[0])
    return bool(rows.degenerate[0] or cols.degenerate[0])
