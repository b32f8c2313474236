"""Vectorised support enumeration: every equal-size support pair of many games at once.

:func:`scan` takes a stack of games of one shape ``(G, m, n)`` and enumerates, for each
support size ``k``, every pair of supports ``(I, J)`` with ``|I| = |J| = k`` for all games in
one set of numpy calls: it solves the indifference systems, checks that the solutions are
probability vectors and mutual best responses, and tests every solution for degeneracy. The
hits come in nashpy's order (support size, then rows' support, then columns' support, each in
lexicographic order). :mod:`._batched` routes the degenerate games on, and
:func:`sim.equilibria.solve` takes one game's hits.

The indifference system
-----------------------
The column strategy ``y`` on ``J`` that leaves the row player indifferent among the rows ``I``
solves ``A[I, J] y = v 1``, ``1' y = 1``. Subtracting consecutive rows removes ``v``: ``y``
solves the ``k x k`` system ``[D; 1'] y = e_k`` with ``D[r] = A[I[r+1], J] - A[I[r], J]``.
For ``k <= 3`` its solution is written out by Cramer's rule (``y`` is the last row of the
cofactor matrix over the determinant); for larger ``k`` it goes to a batched
:func:`numpy.linalg.solve`. The row strategy ``x`` solves the same system built from ``B'``.
Payoffs are first mapped, per game and per player, onto ``[0, 1]`` (an affine map, which
changes no equilibrium), so that one relative tolerance serves every game.

Where this differs from nashpy 0.0.43
-------------------------------------
nashpy solves an ``n x n`` system in which the actions outside ``J`` get rows ``y_j = 0``;
rounding in that solve can return ``y_j = -1e-17``, and nashpy then rejects the candidate as
not a probability vector; it also compares payoffs with ``==``. In our runs one random 3x3
game in eleven, and one in five over shapes 2x2 to 6x6, lost a genuine equilibrium this way.
Here the off-support probabilities are zero by construction, so such equilibria are kept: the
result equals nashpy's algorithm with that rounding repaired, and QuantEcon's
``support_enumeration`` as a set. Like nashpy's, it only finds equilibria whose supports have
equal sizes, which are all of them in a non-degenerate game.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations
from math import comb
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from sim.equilibria._arrays import unit_range
from sim.equilibria._linalg import _bordered, _conditioning, _cross

__all__ = [
    "Hits",
    "most_pairs",
    "scan",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]


class _Tied(NamedTuple):
    """Solutions of one stack of indifference systems."""

    weights: FloatArray  # (k, P, G): the opponent's probabilities on its support
    usable: BoolArray  # (P, G): the system is well conditioned, so ``weights`` solves it


class Hits(NamedTuple):
    """Equilibria found in a stack of games, in nashpy's order within each game."""

    game: IntArray  # (H,)
    row: FloatArray  # (H, m)
    col: FloatArray  # (H, n)


class Scan(NamedTuple):
    """What :func:`scan` found: the hits, which games are degenerate, and the action-major
    payoffs on [0, 1] it worked on (``At[i, j, g]``, ``Bt[j, i, g]``)."""

    hits: Hits
    degenerate: BoolArray
    At: FloatArray
    Bt: FloatArray


def scan(A: FloatArray, B: FloatArray, tol: float) -> Scan:
    """Support enumeration over a stack ``(G, m, n)`` of checked games.

    The scan works on action-major arrays (``At[i, j, g]``, ``Bt[j, i, g]``): with the
    games on the last, contiguous axis every numpy call runs over all games at once.
    """
    At = unit_range(np.ascontiguousarray(A.transpose(1, 2, 0)), (0, 1), 0.0)
    Bt = unit_range(np.ascontiguousarray(B.transpose(2, 1, 0)), (0, 1), 0.0)
    hits, degenerate = _scan_pure(At, Bt, tol)
    found = [hits]
    for k in range(2, min(A.shape[1:]) + 1):
        hits, flagged = _scan_support_size(At, Bt, k, tol)
        found.append(hits)
        degenerate |= flagged
    return Scan(_merge(found), degenerate, At, Bt)


def most_pairs(m: int, n: int) -> int:
    """The largest number of equal-size support pairs over support sizes."""
    return max(comb(m, k) * comb(n, k) for k in range(1, min(m, n) + 1))


@cache
def _support_pairs(m: int, n: int, k: int) -> tuple[IntArray, IntArray]:
    """Rows' and columns' supports of size ``k`` for every pair, in nashpy's order.

    Returns read-only arrays ``rows`` and ``cols`` of shape ``(k, P)``, one support per
    column, with ``P = C(m, k) C(n, k)``: rows' supports vary slowest.
    """
    row_sets = np.array(list(combinations(range(m), k)), dtype=np.intp)
    col_sets = np.array(list(combinations(range(n), k)), dtype=np.intp)
    rows = np.ascontiguousarray(np.repeat(row_sets, len(col_sets), axis=0).T)
    cols = np.ascontiguousarray(np.tile(col_sets, (len(row_sets), 1)).T)
    rows.setflags(write=False)
    cols.setflags(write=False)
    return rows, cols


def _scan_pure(At: FloatArray, Bt: FloatArray, tol: float) -> tuple[Hits, BoolArray]:
    """Supports of size 1: pure equilibria, and games where a pure strategy has more than
    one pure best response (payoffs within ``tol`` of the best)."""
    m, n, _ = At.shape
    row_best, col_best = At.max(axis=0), Bt.max(axis=0)  # against each column, each row
    equilibrium = (At >= row_best) & (Bt >= col_best).transpose(1, 0, 2)
    column_ties = np.count_nonzero(At >= row_best - tol, axis=0) > 1  # (n, G)
    row_ties = np.count_nonzero(Bt >= col_best - tol, axis=0) > 1  # (m, G)
    game, row, col = np.nonzero(equilibrium.transpose(2, 0, 1))
    hits = Hits(game, np.eye(m)[row], np.eye(n)[col])
    return hits, column_ties.any(axis=0) | row_ties.any(axis=0)


def _scan_support_size(
    At: FloatArray, Bt: FloatArray, k: int, tol: float
) -> tuple[Hits, BoolArray]:
    """Equilibria with supports of size ``k`` of every game, and which games are degenerate.

    ``At[i, j, g]`` and ``Bt[j, i, g]`` are the row and column players' payoffs; every
    intermediate array is ``(..., P, G)`` over support pairs and games.
    """
    rows, cols = _support_pairs(At.shape[0], At.shape[1], k)
    col_tied = _solve_tied(At[rows[:, None], cols[None, :]], tol)
    row_tied = _solve_tied(Bt[cols[:, None], rows[None, :]], tol)
    row_payoffs = _pure_payoffs(At, cols, col_tied.weights)
    col_payoffs = _pure_payoffs(Bt, rows, row_tied.weights)
    row_best, col_best = row_payoffs.max(axis=0), col_payoffs.max(axis=0)
    x_lowest, y_lowest = row_tied.weights.min(axis=0), col_tied.weights.min(axis=0)
    equilibrium = _supports_hold(row_tied, x_lowest, col_payoffs, col_best, cols)
    equilibrium &= _supports_hold(col_tied, y_lowest, row_payoffs, row_best, rows)
    excess = _excess_best_responses(row_tied, x_lowest, col_payoffs, col_best, tol)
    excess |= _excess_best_responses(col_tied, y_lowest, row_payoffs, row_best, tol)
    pair, game = np.nonzero(equilibrium.T)[::-1]
    hits = Hits(
        game,
        _spread(row_tied.weights[:, pair, game], rows[:, pair], At.shape[0]),
        _spread(col_tied.weights[:, pair, game], cols[:, pair], At.shape[1]),
    )
    return hits, np.logical_or.reduce(excess, axis=0)


def _solve_tied(own: FloatArray, tol: float) -> _Tied:
    """Opponent probabilities on its support that tie the player's ``k`` actions.

    ``own[r, c, p, g]`` is the player's payoff from its ``r``-th support action against the
    opponent's ``c``-th; each system is ``[D; 1'] w = e_k`` (see the module docstring).
    """
    k = own.shape[0]
    if k == 1:
        return _Tied(np.ones(own.shape[1:]), np.ones(own.shape[2:], dtype=bool))
    diff = own[1:] - own[:-1]
    if k == 2:
        cofactors = np.stack((-diff[0, 1], diff[0, 0]))
    elif k == 3:
        cofactors = _cross(diff[0], diff[1])
    else:
        return _solve_tied_lapack(diff, tol)
    det = cofactors.sum(axis=0)
    usable = _conditioning(diff, det, tol)
    weights = np.divide(cofactors, det, out=np.zeros_like(cofactors), where=usable)
    return _Tied(weights, usable)


def _solve_tied_lapack(diff: FloatArray, tol: float) -> _Tied:
    """Solve ``[D; 1'] w = e_k`` with LAPACK, replacing singular systems by the identity."""
    k = diff.shape[1]
    system = np.ascontiguousarray(_bordered(diff))
    usable = _conditioning(diff, np.linalg.det(system), tol)
    system[~usable] = np.eye(k)
    last = np.zeros((k, 1))
    last[-1] = 1.0
    weights = np.moveaxis(np.linalg.solve(system, last)[..., 0], -1, 0)
    return _Tied(weights.astype(np.float64, copy=False), usable)


def _pure_payoffs(own: FloatArray, support: IntArray, weights: FloatArray) -> FloatArray:
    """A player's payoffs ``(size, P, G)`` from each pure action against the opponent's
    strategies ``weights`` ``(k, P, G)`` on ``support`` ``(k, P)``.

    A sum of ``k`` products rather than one reduction: numpy reduces a short middle axis
    of a large array several times slower than it adds whole arrays.
    """
    payoffs: FloatArray = own[:, support[0]] * weights[0]
    for c in range(1, support.shape[0]):
        payoffs += own[:, support[c]] * weights[c]
    return payoffs


def _supports_hold(
    tied: _Tied,
    lowest: FloatArray,
    opponent_payoffs: FloatArray,
    opponent_best: FloatArray,
    opponent_support: IntArray,
) -> BoolArray:
    """nashpy's test of one side of a support pair: the strategy is positive on its support
    (``lowest`` is its smallest weight) and the opponent's best pure payoff against it is
    reached on the opponent's support."""
    pairs = np.arange(opponent_support.shape[1])
    on_support = opponent_payoffs[opponent_support, pairs].max(axis=0)
    holds: BoolArray = tied.usable & (lowest > 0) & (opponent_best <= on_support)
    return holds


def _excess_best_responses(
    tied: _Tied,
    lowest: FloatArray,
    opponent_payoffs: FloatArray,
    opponent_best: FloatArray,
    tol: float,
) -> BoolArray:
    """Which solutions are (within ``tol``) strategies with more pure best responses than
    actions played with probability above ``tol``: witnesses of degeneracy."""
    replies = np.count_nonzero(opponent_payoffs >= opponent_best - tol, axis=0)
    played = np.count_nonzero(tied.weights > tol, axis=0)
    excess: BoolArray = tied.usable & (lowest >= -tol) & (replies > played)
    return excess


def _spread(weights: FloatArray, support: IntArray, size: int) -> FloatArray:
    """Full-length strategies ``(H, size)`` from weights and supports of shape ``(k, H)``."""
    full = np.zeros((weights.shape[1], size))
    full[np.arange(weights.shape[1]), support] = weights
    return full


def _merge(found: list[Hits]) -> Hits:
    """Hits of all support sizes, grouped by game, keeping nashpy's order within a game."""
    game = np.concatenate([hits.game for hits in found])
    order = np.argsort(game, kind="stable")
    row = np.concatenate([hits.row for hits in found])[order]
    col = np.concatenate([hits.col for hits in found])[order]
    return Hits(game[order], row, col)
