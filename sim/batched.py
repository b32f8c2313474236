"""All equilibria of many small bimatrix games at once, by vectorised support enumeration.

:func:`solve_batch` takes a stack of games of one shape ``(G, m, n)`` with 2 <= m, n <= 6 and
enumerates, for each support size ``k``, every pair of supports ``(I, J)`` with
``|I| = |J| = k`` for all games in one set of numpy calls: it solves the indifference systems,
checks that the solutions are probability vectors and mutual best responses, and tests every
solution for degeneracy. Non-degenerate games get nashpy's ``support_enumeration``
equilibria, in nashpy's order (support size, then rows' support, then columns' support, each
in lexicographic order). Degenerate games keep ``degenerate=True`` and are solved again, all
at once: those that iterated elimination of strictly dominated pure strategies reduces to a
single profile get that profile, their only equilibrium (``method="iterated_strict_dominance"``);
the rest go to the vectorised vertex enumeration of :mod:`sim.vertex`. Both give the set of
nashpy's ``vertex_enumeration`` (tested). Stage games with shared continuation values are
degenerate by construction and mostly dominance-solvable, so this route is the common one in
the deadline game.

:func:`solve_arrays` returns the equilibria as :class:`~sim.equilibrium_arrays.EquilibriumArrays`
(no Python object per equilibrium); :func:`solve_batch` as a list of
:class:`~sim.equilibria.EquilibriumSet`.

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
not a probability vector. In our runs one random 3x3 game in eleven, and one in five over
shapes 2x2 to 6x6, lost a genuine equilibrium this way. Here the off-support
probabilities are zero by construction, so such equilibria are kept: the result equals
nashpy's algorithm with that rounding repaired, and QuantEcon's ``support_enumeration``
as a set.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache, partial
from itertools import combinations
from math import comb
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.equilibria import BEST_RESPONSE_TOL, EquilibriumSet
from sim.equilibrium_arrays import EquilibriumArrays, solve_in_chunks
from sim.vertex import _cross, game_batch, vertex_enumeration_arrays

__all__ = [
    "DEGENERACY_TOL",
    "DOMINANCE",
    "DOMINANCE_MARGIN",
    "MAX_ACTIONS",
    "MIN_ACTIONS",
    "UNVERIFIED_DROPPED",
    "VERTEX_ENUMERATION_FAILED",
    "solve_arrays",
    "solve_batch",
    "solve_one",
]

#: Relative tolerance for ties between payoffs (on payoffs mapped onto [0, 1]), for
#: probabilities counted as zero, and for indifference systems counted as singular.
DEGENERACY_TOL = 1e-9

#: Fewest and most actions per player that :func:`solve_batch` accepts.
MIN_ACTIONS, MAX_ACTIONS = 2, 6

#: Vertex-enumeration probabilities below this are rounding error and are set to 0.
_ROUNDING_TOL = 1e-12

#: Games per chunk are chosen so that one (games x support pairs x actions) array holds
#: about this many numbers, which bounds memory for 6 x 6 games.
_CHUNK_ENTRIES = 1 << 21

_SUPPORT_ENUMERATION = "support_enumeration"
#: The ``method`` of a degenerate game solved by iterated strict dominance.
DOMINANCE = "iterated_strict_dominance"
#: How much better (on payoffs mapped onto [0, 1]) an action must be against every
#: surviving opponent action to eliminate another; far above every solver tolerance, so a
#: dominated action can be neither played nor a best response in any equilibrium found.
DOMINANCE_MARGIN = 1e-6
#: Flag on a degenerate game whose vertex enumeration failed (its support-enumeration
#: equilibria, verified, are returned instead).
VERTEX_ENUMERATION_FAILED = "vertex_enumeration_failed"
#: Flag on a game from which a candidate that failed best-response verification was dropped.
UNVERIFIED_DROPPED = "unverified_equilibrium_dropped"

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]


class _Tied(NamedTuple):
    """Solutions of one stack of indifference systems."""

    weights: FloatArray  # (k, P, G): the opponent's probabilities on its support
    usable: BoolArray  # (P, G): the system is well conditioned, so ``weights`` solves it


class _Hits(NamedTuple):
    """Equilibria found in a chunk of games, in nashpy's order within each game."""

    game: IntArray  # (H,)
    row: FloatArray  # (H, m)
    col: FloatArray  # (H, n)


def solve_one(A: ArrayLike, B: ArrayLike, tol: float = DEGENERACY_TOL) -> EquilibriumSet:
    """All equilibria of one bimatrix game; see :func:`solve_batch`.

    Parameters
    ----------
    A, B:
        The row and column players' payoff matrices, each of shape ``(m, n)``.
    tol:
        Relative tolerance of the degeneracy test (see :func:`solve_batch`).

    Returns
    -------
    EquilibriumSet
        The game's verified equilibria.

    Examples
    --------
    >>> pennies = solve_one([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> [e.row.tolist() for e in pennies.equilibria]
    [[0.5, 0.5]]
    """
    return solve_batch(np.asarray(A)[None], np.asarray(B)[None], tol)[0]


def solve_batch(A: ArrayLike, B: ArrayLike, tol: float = DEGENERACY_TOL) -> list[EquilibriumSet]:
    """All equilibria of a stack of bimatrix games of one shape.

    A game is flagged degenerate when, for some support pair, the solution of an
    indifference system is (within ``tol``) a mixed strategy with more pure best responses
    (payoffs within ``tol`` of the best) than actions it plays with probability above ``tol``.
    This is the standard definition (some mixed strategy with support of size ``k`` has more
    than ``k`` pure best responses) tested on every strategy that could witness it: if ``x``
    with support ``I`` has best responses ``K``, ``|K| > |I|``, the strategies on the face
    ``I`` that keep ``K`` among their best responses form a polytope; at a vertex ``x*`` of
    it the ties that bind determine ``x*``, so some ``|supp x*|`` of its best responses give
    a non-singular indifference system whose solution is ``x*``, a witness the enumeration
    meets. Singular systems (condition number at least ``1 / tol``) are skipped, as nashpy
    skips the exactly singular ones. The slack ``tol`` also flags every game in which a
    rounding error could decide whether a candidate is an equilibrium.

    Parameters
    ----------
    A, B:
        Payoff matrices of the row and column players, each of shape ``(G, m, n)`` with
        ``2 <= m, n <= 6``; finite numbers.
    tol:
        Relative tolerance of the degeneracy test, on payoffs mapped onto ``[0, 1]``.

    Returns
    -------
    list of EquilibriumSet
        One per game, in input order. Non-degenerate games: ``method="support_enumeration"``,
        the equilibria of nashpy's ``support_enumeration`` in its order. Degenerate games:
        ``method="vertex_enumeration"``, ``degenerate=True``. Every equilibrium is a mutual
        best response within :data:`sim.equilibria.BEST_RESPONSE_TOL`.

    Raises
    ------
    ValueError
        If the arrays do not have one shape ``(G, m, n)`` with sides in range, are not
        finite, or ``tol`` is not in (0, 1).
    """
    return solve_arrays(A, B, tol).sets()


def solve_arrays(A: ArrayLike, B: ArrayLike, tol: float = DEGENERACY_TOL) -> EquilibriumArrays:
    """:func:`solve_batch` with the result as arrays, without a Python object per
    equilibrium (for code that works on many games at once; the objects cost more than
    the enumeration).

    Raises
    ------
    ValueError
        As :func:`solve_batch`.
    """
    A, B = game_batch(A, B, MIN_ACTIONS, MAX_ACTIONS)
    if not 0 < tol < 1:
        raise ValueError(f"tol must lie strictly between 0 and 1; got {tol}")
    _, m, n = A.shape
    chunk = max(1, _CHUNK_ENTRIES // (_most_pairs(m, n) * (m + n)))
    return solve_in_chunks(partial(_solve_chunk, tol=tol), A, B, chunk)


def _most_pairs(m: int, n: int) -> int:
    """The largest number of equal-size support pairs over support sizes."""
    return max(comb(m, k) * comb(n, k) for k in range(1, min(m, n) + 1))


def _solve_chunk(A: FloatArray, B: FloatArray, tol: float) -> EquilibriumArrays:
    """Support enumeration over one chunk of games, then one result per game.

    The scan works on action-major arrays (``At[i, j, g]``, ``Bt[j, i, g]``): with the
    games on the last, contiguous axis every numpy call runs over all games at once.
    """
    At = _unit_range(np.ascontiguousarray(A.transpose(1, 2, 0)))
    Bt = _unit_range(np.ascontiguousarray(B.transpose(2, 1, 0)))
    hits, degenerate = _scan_pure(At, Bt, tol)
    found = [hits]
    for k in range(2, min(A.shape[1:]) + 1):
        hits, flagged = _scan_support_size(At, Bt, k, tol)
        found.append(hits)
        degenerate |= flagged
    return _assemble(A, B, (At, Bt), _merge(found), degenerate)


def _unit_range(Mt: FloatArray) -> FloatArray:
    """Map each game's matrix affinely onto [0, 1] (a constant matrix onto 0); ``Mt`` is
    action-major, games on the last axis (reductions over the leading axes are fast)."""
    low = Mt.min(axis=(0, 1))
    span = Mt.max(axis=(0, 1)) - low
    unit: FloatArray = (Mt - low) / np.where(span > 0, span, 1.0)
    return unit


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


def _scan_pure(At: FloatArray, Bt: FloatArray, tol: float) -> tuple[_Hits, BoolArray]:
    """Supports of size 1: pure equilibria, and games where a pure strategy has more than
    one pure best response (payoffs within ``tol`` of the best)."""
    m, n, _ = At.shape
    row_best, col_best = At.max(axis=0), Bt.max(axis=0)  # against each column, each row
    equilibrium = (At >= row_best) & (Bt >= col_best).transpose(1, 0, 2)
    column_ties = np.count_nonzero(At >= row_best - tol, axis=0) > 1  # (n, G)
    row_ties = np.count_nonzero(Bt >= col_best - tol, axis=0) > 1  # (m, G)
    game, row, col = np.nonzero(equilibrium.transpose(2, 0, 1))
    hits = _Hits(game, np.eye(m)[row], np.eye(n)[col])
    return hits, column_ties.any(axis=0) | row_ties.any(axis=0)


def _scan_support_size(
    At: FloatArray, Bt: FloatArray, k: int, tol: float
) -> tuple[_Hits, BoolArray]:
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
    hits = _Hits(
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


def _bordered(diff: FloatArray) -> FloatArray:
    """The systems ``[D; 1']`` as a stack ``(..., k, k)`` from ``diff`` of shape
    ``(k - 1, k, ...)``."""
    ones = np.ones((1, *diff.shape[1:]))
    return np.moveaxis(np.concatenate((diff, ones)), (0, 1), (-2, -1))


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


def _conditioning(diff: FloatArray, det: FloatArray, tol: float) -> BoolArray:
    """Which systems ``M = [D; 1']`` are well conditioned: ``s_min > tol * s_max``.

    With ``f`` the Frobenius norm of ``M`` and ``a`` that of its adjugate (for ``k <= 3``;
    ``a**2`` is the sum over ``j`` of the products of all squared singular values but the
    ``j``-th): ``|det| / (a f) <= s_min / s_max <= k |det| / (a f)``. So a system is usable
    when the lower bound exceeds ``tol``, singular when the upper one does not (every
    exactly singular system, the common case in games with ties), and only the few in
    between get singular values. For ``k > 3``, ``|det| <= s_min f^(k-1)`` gives the
    first test alone.
    """
    k = diff.shape[1]
    squares = np.square(diff).reshape(k - 1, k, *det.shape)
    row_sq = squares.sum(axis=1)  # (k - 1, ...): each row of D
    frobenius_sq = row_sq.sum(axis=0) + k
    if k <= 3:
        scale = tol * np.sqrt(frobenius_sq * _adjugate_sq(diff, row_sq, frobenius_sq))
        usable: BoolArray = np.abs(det) > scale
        doubtful = ~usable & (k * np.abs(det) > scale)
    else:
        usable = np.abs(det) > tol * np.sqrt(frobenius_sq) ** k
        doubtful = ~usable
    if doubtful.any():
        values = np.linalg.svd(_bordered(diff[:, :, doubtful]), compute_uv=False)
        usable[doubtful] = values[..., -1] > tol * values[..., 0]
    return usable


def _adjugate_sq(diff: FloatArray, row_sq: FloatArray, frobenius_sq: FloatArray) -> FloatArray:
    """Squared Frobenius norm of the adjugate of ``[D; 1']`` for ``k`` = 2 or 3.

    For ``k = 2`` it equals that of the matrix. For ``k = 3`` the adjugate's rows are the
    cross products of pairs of rows ``d0, d1, 1``, and ``|u x w|^2 = |u|^2 |w|^2 - (u.w)^2``.
    """
    if diff.shape[1] == 2:
        return frobenius_sq
    d0, d1 = diff[0], diff[1]
    dot = (d0 * d1).sum(axis=0)
    sums = diff.sum(axis=1)  # (2, ...)
    cross = row_sq[0] * row_sq[1] - dot * dot
    adjugate = cross + 3 * row_sq[0] - sums[0] ** 2 + 3 * row_sq[1] - sums[1] ** 2
    clipped: FloatArray = np.maximum(adjugate, 0.0)  # rounding can leave -1e-17 for 0
    return clipped


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


def _merge(found: list[_Hits]) -> _Hits:
    """Hits of all support sizes, grouped by game, keeping nashpy's order within a game."""
    game = np.concatenate([hits.game for hits in found])
    order = np.argsort(game, kind="stable")
    row = np.concatenate([hits.row for hits in found])[order]
    col = np.concatenate([hits.col for hits in found])[order]
    return _Hits(game[order], row, col)


def _best_response_gaps(
    A: FloatArray, B: FloatArray, hits: _Hits
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Each hit's payoffs in the original units, and whether it is a mutual best response
    within :data:`~sim.equilibria.BEST_RESPONSE_TOL`."""
    row_pure = np.einsum("hmn,hn->hm", A[hits.game], hits.col)
    col_pure = np.einsum("hm,hmn->hn", hits.row, B[hits.game])
    row_value = np.einsum("hm,hm->h", hits.row, row_pure)
    col_value = np.einsum("hn,hn->h", hits.col, col_pure)
    verified = (row_pure.max(axis=-1) - row_value <= BEST_RESPONSE_TOL) & (
        col_pure.max(axis=-1) - col_value <= BEST_RESPONSE_TOL
    )
    return row_value, col_value, verified


def _assemble(
    A: FloatArray,
    B: FloatArray,
    unit: tuple[FloatArray, FloatArray],
    hits: _Hits,
    degenerate: BoolArray,
) -> EquilibriumArrays:
    """The chunk's result: support-enumeration hits for non-degenerate games; for degenerate
    ones, iterated strict dominance when it leaves one profile, else vertex enumeration.
    ``unit`` holds the scan's action-major payoffs on [0, 1] (``At``, ``Bt``)."""
    row_value, col_value, verified = _best_response_gaps(A, B, hits)
    G = A.shape[0]
    dropped = np.bincount(hits.game[~verified], minlength=G) > 0
    found = EquilibriumArrays(
        hits.game[verified],
        hits.row[verified],
        hits.col[verified],
        row_value[verified],
        col_value[verified],
        np.zeros(G, dtype=bool),
        (_SUPPORT_ENUMERATION,) * G,
        {g: (UNVERIFIED_DROPPED,) for g in np.flatnonzero(dropped & ~degenerate).tolist()},
    )
    games = np.flatnonzero(degenerate)
    if not games.size:
        return found
    regular = np.flatnonzero(~degenerate)
    At, Bt = (M[:, :, games] for M in unit)
    parts = [(regular, _subset(found, regular)), *_degenerate_parts(A, B, At, Bt, games, found)]
    return EquilibriumArrays.merge(parts)


def _subset(result: EquilibriumArrays, games: IntArray) -> EquilibriumArrays:
    """``result`` restricted to ``games`` (ascending), renumbered ``0 .. len(games) - 1``."""
    position = np.full(len(result), -1, dtype=np.intp)
    position[games] = np.arange(games.size)
    keep = position[result.game] >= 0
    return EquilibriumArrays(
        position[result.game[keep]],
        result.row[keep],
        result.col[keep],
        result.row_payoff[keep],
        result.col_payoff[keep],
        result.degenerate[games],
        tuple(result.method[g] for g in games.tolist()),
        {int(position[g]): f for g, f in result.flags.items() if position[g] >= 0},
    )


def _degenerate_parts(
    A: FloatArray,
    B: FloatArray,
    At: FloatArray,
    Bt: FloatArray,
    games: IntArray,
    found: EquilibriumArrays,
) -> list[tuple[IntArray, EquilibriumArrays]]:
    """Results for the degenerate ``games``, flagged degenerate.

    A game that iterated elimination of strictly dominated pure strategies reduces to one
    profile has that profile as its only equilibrium (the set vertex enumeration returns);
    the others go to :func:`sim.vertex.vertex_enumeration_arrays`. A game in which vertex
    enumeration finds nothing verifiable keeps its verified support-enumeration equilibria
    (from ``found``, the chunk's) and the flag :data:`VERTEX_ENUMERATION_FAILED`.
    """
    rows, cols, solved = _dominance_solved(At, Bt)
    parts = []
    if solved.any():
        on = games[solved]
        parts.append((on, _pure_results(rows[solved], cols[solved], A[on], B[on], DOMINANCE)))
    rest = games[~solved]
    if rest.size:
        vertices = vertex_enumeration_arrays(A[rest], B[rest])
        failed = rest[vertices.counts == 0]
        if failed.size:
            vertices = _subset(vertices, np.flatnonzero(vertices.counts > 0))
            flags = dict.fromkeys(range(failed.size), (VERTEX_ENUMERATION_FAILED,))
            parts.append((failed, replace(_subset(found, failed), flags=flags)))
            rest = rest[np.isin(rest, failed, invert=True)]
        parts.append((rest, vertices))
    return [(on, replace(part, degenerate=np.ones(len(part), dtype=bool))) for on, part in parts]


def _dominance_solved(At: FloatArray, Bt: FloatArray) -> tuple[IntArray, IntArray, BoolArray]:
    """Iterated elimination of pure strategies strictly dominated by pure strategies.

    ``At[i, j, g]`` and ``Bt[j, i, g]`` are the players' payoffs mapped onto [0, 1]. A row
    is eliminated when another surviving row beats it by more than
    :data:`DOMINANCE_MARGIN` against every surviving column, and likewise for columns;
    order does not matter for strict dominance. Returns the surviving row and column of
    each game and whether exactly one profile survives.
    """
    m, n, G = At.shape
    rows_beat, cols_beat = _beats(At), _beats(Bt)
    alive_r, alive_c = np.ones((m, G), dtype=bool), np.ones((n, G), dtype=bool)
    for _ in range(m + n - 2):
        dominated_r = _dominated(rows_beat, alive_r, alive_c)
        dominated_c = _dominated(cols_beat, alive_c, alive_r)
        if not (dominated_r.any() or dominated_c.any()):
            break
        alive_r &= ~dominated_r
        alive_c &= ~dominated_c
    solved = (np.count_nonzero(alive_r, axis=0) == 1) & (np.count_nonzero(alive_c, axis=0) == 1)
    return alive_r.argmax(axis=0), alive_c.argmax(axis=0), solved


def _beats(own: FloatArray) -> BoolArray:
    """``(a, a2, k, G)``: the player's action ``a2`` pays more than ``a`` by more than
    :data:`DOMINANCE_MARGIN` against the opponent's action ``k`` (``own`` is ``(a, k, G)``)."""
    beats: BoolArray = own[None, :] - own[:, None] > DOMINANCE_MARGIN
    return beats


def _dominated(beats: BoolArray, alive: BoolArray, opponent_alive: BoolArray) -> BoolArray:
    """Which surviving actions ``(a, G)`` a surviving action beats against every surviving
    opponent action."""
    everywhere = np.logical_and.reduce(beats | ~opponent_alive[None, None], axis=2)
    dominated: BoolArray = np.logical_or.reduce(everywhere & alive[None], axis=1) & alive
    return dominated


def _pure_results(
    rows: IntArray, cols: IntArray, A: FloatArray, B: FloatArray, method: str
) -> EquilibriumArrays:
    """One pure equilibrium ``(rows[g], cols[g])`` for each game ``g`` of ``A, B``."""
    G, m, n = A.shape
    index = np.arange(G)
    return EquilibriumArrays(
        index.astype(np.intp),
        np.eye(m)[rows],
        np.eye(n)[cols],
        A[index, rows, cols],
        B[index, rows, cols],
        np.zeros(G, dtype=bool),
        (method,) * G,
    )
