"""All extreme equilibria of many small bimatrix games at once, by vectorised vertex enumeration.

:func:`vertex_enumeration_batch` takes a stack of games of one shape ``(G, m, n)`` with
``1 <= m, n <= 6`` and, for all games in one set of numpy calls, enumerates the vertices of
both best-response polytopes (von Stengel 2007, "Equilibrium computation for two-player games
in strategic and extensive form", in Nisan et al., *Algorithmic Game Theory*, ch. 3, the
algorithm nashpy cites as Algorithm 3.5) and pairs those whose labels cover every action.

The polytopes
-------------
Each payoff matrix is first mapped onto [1, 2] by a positive affine map (exactly as
:func:`sim.equilibria.solve` does before calling nashpy), which changes no equilibrium and
keeps both polytopes bounded and full-dimensional:

* ``P = {x in R^m : x >= 0, B'x <= 1}``; ``x_i = 0`` is label ``i``, ``(B'x)_j = 1`` is
  label ``m + j``;
* ``Q = {y in R^n : Ay <= 1, y >= 0}``; ``(Ay)_i = 1`` is label ``i``, ``y_j = 0`` is label
  ``m + j``.

A vertex of ``P`` solves some ``m`` linearly independent constraints with equality. Every one
of the ``C(m + n, m)`` square subsystems of every game is solved by a batched
:func:`numpy.linalg.solve`; singular ones (smallest singular value at most ``tol`` times the
largest) are skipped, and a solution is a vertex when it satisfies every constraint within
``tol``. Its labels are *all* the constraints tight within ``tol``: in a degenerate game a
vertex can lie on more facets than its dimension, and the game is degenerate exactly when one
does (both polytopes simple <=> the game is non-degenerate). This is the test of
:func:`sim.equilibria.is_degenerate`, run with the same matrices, subsystems and tolerance.

Labels are bitmasks (``m + n <= 12`` bits). A vertex is determined by its set of tight
constraints, so vertices are deduplicated exactly by ``(game, labels)``. A pair ``(x, y)``
other than the origins is an equilibrium when ``labels(x) | labels(y)`` has all ``m + n``
bits; ``x`` and ``y`` are then scaled to probability vectors, cleaned of rounding (as
:func:`sim.equilibria.clean_strategy` does), verified to be mutual best responses on the
original payoffs within :data:`sim.equilibria.BEST_RESPONSE_TOL`, and ordered.

Where this differs from nashpy 0.0.43
-------------------------------------
nashpy lets qhull find the vertices and counts a facet as tight by :func:`numpy.isclose`
(relative 1e-5). Here the tolerance is ``tol`` (1e-9 on the [1, 2] scale). On games with exact
ties (integer payoffs, shared continuation values) and on generic games the two agree; on
games with near-ties of about 1e-8 of the payoff range they can differ, nashpy returning
approximate equilibria of a nearby game, this function the exact extreme equilibria of the
game itself (both pass the best-response check at ``BEST_RESPONSE_TOL``).

Order of the equilibria
-----------------------
nashpy's vertex enumeration yields equilibria in the order qhull lists the vertices, which
depends on qhull's internals and cannot be reproduced. Here each game's equilibria are sorted
lexicographically, ascending, by ``(row[0], ..., row[m-1], col[0], ..., col[n-1])`` with the
probabilities rounded to :data:`ORDER_DECIMALS` decimals for the comparison (so rounding noise
cannot swap two equilibria).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, partial
from itertools import combinations
from math import comb
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.equilibria import (
    BEST_RESPONSE_TOL,
    DEGENERACY_TOL,
    DUPLICATE_TOL,
    PROBABILITY_TOL,
    EquilibriumSet,
    GameError,
    validate_game,
)
from sim.equilibrium_arrays import EquilibriumArrays, solve_in_chunks

__all__ = [
    "MAX_ACTIONS",
    "METHOD",
    "MIN_ACTIONS",
    "NO_EQUILIBRIUM_FOUND",
    "ORDER_DECIMALS",
    "game_batch",
    "vertex_enumeration_arrays",
    "vertex_enumeration_batch",
    "vertex_enumeration_one",
]

#: Fewest and most actions per player that :func:`vertex_enumeration_batch` accepts.
MIN_ACTIONS, MAX_ACTIONS = 1, 6

#: The ``method`` recorded on every result.
METHOD = "vertex_enumeration"

#: Decimals to which probabilities are rounded when equilibria are put in order.
ORDER_DECIMALS = 9

#: Flag on a game for which no fully labelled vertex pair survived verification (never seen;
#: it would mean the tolerances cut off every equilibrium).
NO_EQUILIBRIUM_FOUND = "vertex_enumeration_found_none"

#: Games per chunk are chosen so that the stack of square subsystems of one chunk holds about
#: this many numbers, which bounds memory for 6 x 6 games (924 subsystems of 6 x 6 each).
_CHUNK_ENTRIES = 1 << 21

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


class _Vertices(NamedTuple):
    """The distinct non-zero vertices of one polytope of every game in a chunk."""

    game: IntArray  # (V,): the game each vertex belongs to, ascending
    point: FloatArray  # (V, dim): the vertex
    labels: IntArray  # (V,): bit l set when the vertex has label l (game label numbering)
    degenerate: BoolArray  # (G,): some vertex of the game's polytope has more than dim labels


class _Found(NamedTuple):
    """Candidate equilibria of a chunk, as probability vectors."""

    game: IntArray  # (H,)
    row: FloatArray  # (H, m)
    col: FloatArray  # (H, n)


def vertex_enumeration_one(
    A: ArrayLike, B: ArrayLike, tol: float = DEGENERACY_TOL
) -> EquilibriumSet:
    """All extreme equilibria of one bimatrix game; see :func:`vertex_enumeration_batch`.

    Parameters
    ----------
    A, B:
        The row and column players' payoff matrices, each of shape ``(m, n)``.
    tol:
        Tolerance for tight, violated and singular constraints (see
        :func:`vertex_enumeration_batch`).

    Returns
    -------
    EquilibriumSet
        The game's verified extreme equilibria, in lexicographic order.

    Raises
    ------
    GameError
        If ``(A, B)`` is not a bimatrix game with 1 to 6 actions per player.

    Examples
    --------
    >>> battle = vertex_enumeration_one([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    >>> [(e.row.round(9).tolist(), e.col.round(9).tolist()) for e in battle.equilibria]
    [([0.0, 1.0], [0.0, 1.0]), ([0.6, 0.4], [0.4, 0.6]), ([1.0, 0.0], [1.0, 0.0])]
    """
    a, b = validate_game(A, B)
    return vertex_enumeration_batch(a[None], b[None], tol)[0]


def vertex_enumeration_batch(
    A: ArrayLike | Sequence[ArrayLike],
    B: ArrayLike | Sequence[ArrayLike],
    tol: float = DEGENERACY_TOL,
) -> list[EquilibriumSet]:
    """All extreme equilibria of a stack of bimatrix games of one shape.

    Parameters
    ----------
    A, B:
        Row and column players' payoffs, each of shape ``(G, m, n)`` (or a sequence of ``G``
        matrices of one shape ``(m, n)``) with ``1 <= m, n <= 6``; finite numbers.
    tol:
        Absolute tolerance, on payoffs mapped onto [1, 2], under which a constraint of a
        best-response polytope counts as tight (and a violation as rounding), and relative
        tolerance (smallest over largest singular value) under which a square subsystem counts
        as singular. The default is :data:`sim.equilibria.DEGENERACY_TOL`.

    Returns
    -------
    list of EquilibriumSet
        One per game, in input order, with ``method="vertex_enumeration"``. Equilibria are the
        fully labelled vertex pairs (in a degenerate game, the extreme points of the
        equilibrium components), each a mutual best response on the original payoffs within
        :data:`sim.equilibria.BEST_RESPONSE_TOL`, in lexicographic order (module docstring).
        ``degenerate`` is :func:`sim.equilibria.is_degenerate` at tolerance ``tol``. ``flags``
        is empty unless a fully labelled pair failed verification
        (``dropped_<k>_non_equilibria``) or nothing was found (:data:`NO_EQUILIBRIUM_FOUND`).

    Raises
    ------
    GameError
        If the games do not share one shape, a side is out of range, a payoff is not finite,
        or ``tol`` is not in (0, 1).
    """
    return vertex_enumeration_arrays(A, B, tol).sets()


def vertex_enumeration_arrays(
    A: ArrayLike | Sequence[ArrayLike],
    B: ArrayLike | Sequence[ArrayLike],
    tol: float = DEGENERACY_TOL,
) -> EquilibriumArrays:
    """:func:`vertex_enumeration_batch` with the result as arrays (no per-equilibrium objects).

    Raises
    ------
    GameError
        As :func:`vertex_enumeration_batch`.
    """
    a, b = game_batch(A, B)
    if not 0 < tol < 1:
        raise GameError(f"tol must lie strictly between 0 and 1; got {tol}")
    _, m, n = a.shape
    chunk = max(1, _CHUNK_ENTRIES // (comb(m + n, m) * (m * m + n * n)))
    return solve_in_chunks(partial(_solve_chunk, tol=tol), a, b, chunk)


def game_batch(
    A: ArrayLike | Sequence[ArrayLike],
    B: ArrayLike | Sequence[ArrayLike],
    min_actions: int = MIN_ACTIONS,
    max_actions: int = MAX_ACTIONS,
) -> tuple[FloatArray, FloatArray]:
    """Both payoff stacks as float arrays of one shape ``(G, m, n)``, checked.

    Raises
    ------
    GameError
        For stacks of different shapes, sides outside [min_actions, max_actions], or
        payoffs that are not finite numbers.
    """
    a, b = _stack(A, "A"), _stack(B, "B")
    if a.ndim != 3 or a.shape != b.shape:
        raise GameError(
            f"payoffs must be two arrays of one shape (G, m, n); got {a.shape} and {b.shape}"
        )
    if not all(min_actions <= side <= max_actions for side in a.shape[1:]):
        raise GameError(
            f"each player needs {min_actions} to {max_actions} actions; got shape {a.shape[1:]}"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise GameError("payoffs must be finite numbers")
    return a, b


def _stack(M: ArrayLike | Sequence[ArrayLike], name: str) -> FloatArray:
    """One player's payoffs as a float array, naming the shapes when the games differ."""
    if isinstance(M, Sequence) and not isinstance(M, str | bytes):
        shapes = list(dict.fromkeys(_shape_of(game) for game in M))
        if len(shapes) > 1:
            raise GameError(
                f"payoff matrices {name} of a batch must all have one shape; got {shapes}"
            )
    try:
        return np.asarray(M, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise GameError(f"payoffs {name} are not an array of numbers: {error}") from None


def _shape_of(game: ArrayLike) -> tuple[int, ...] | str:
    """The shape of one game's matrix, or ``"ragged"`` when its rows differ in length."""
    try:
        return tuple(np.shape(game))
    except ValueError:
        return "ragged"


def _solve_chunk(A: FloatArray, B: FloatArray, tol: float) -> EquilibriumArrays:
    """Vertex enumeration for one chunk of games, one result per game."""
    m, n = A.shape[1:]
    rows = _vertices(np.swapaxes(_unit_range(B), 1, 2), tol, shift=0)
    cols = _vertices(_unit_range(A), tol, shift=m)
    found = _clean(_pairs(rows, cols, A.shape[0], m + n))
    row_value, col_value, verified = _values(A, B, found)
    dropped = np.bincount(found.game[~verified], minlength=A.shape[0])
    kept = _Found(found.game[verified], found.row[verified], found.col[verified])
    order = _lexicographic(kept)
    return _assemble(
        _Found(kept.game[order], kept.row[order], kept.col[order]),
        row_value[verified][order],
        col_value[verified][order],
        rows.degenerate | cols.degenerate,
        dropped,
    )


def _unit_range(M: FloatArray) -> FloatArray:
    """Each game's matrix mapped onto [1, 2] (a constant matrix onto 1), as
    :func:`sim.equilibria.solve` maps it before calling nashpy."""
    low = M.min(axis=(1, 2), keepdims=True)
    span = M.max(axis=(1, 2), keepdims=True) - low
    unit: FloatArray = (M - low) / np.where(span > 0, span, 1.0) + 1.0
    return unit


@cache
def _subsets(dim: int, total: int) -> IntArray:
    """Every ``dim``-subset of ``range(total)``, one per row, in lexicographic order."""
    subsets = np.array(list(combinations(range(total), dim)), dtype=np.int64)
    subsets.setflags(write=False)
    return subsets


def _vertices(M: FloatArray, tol: float, shift: int) -> _Vertices:
    """The non-zero vertices of ``{z >= 0, M z <= 1}`` for every game's ``M`` ``(G, r, dim)``.

    Constraint ``c`` is ``z_c >= 0`` for ``c < dim`` and row ``c - dim`` of ``M`` after; it
    is game label ``(c + shift) mod (m + n)`` (``shift`` is 0 for ``P`` and ``m`` for ``Q``).
    """
    G, responses, dim = M.shape
    total = responses + dim
    H = np.concatenate((np.broadcast_to(-np.eye(dim), (G, dim, dim)), M), axis=1)
    h = np.concatenate((np.zeros(dim), np.ones(responses)))
    point, slack, found = _solve_subsystems(H, h, _subsets(dim, total), tol)
    tight = np.abs(slack) <= tol
    degenerate = (found & (np.count_nonzero(tight, axis=-1) > dim)).any(axis=1)
    local = (tight.astype(np.int64) << np.arange(total)).sum(axis=-1)
    found &= local != (1 << dim) - 1  # the origin is tight on exactly z >= 0
    game, subset = np.nonzero(found)
    local = local[game, subset]
    key = game * (1 << total) + local
    _, first = np.unique(key, return_index=True)  # sorted by game, then labels
    labels = _rotate(local[first], shift, total)
    return _Vertices(game[first], point[game[first], subset[first]], labels, degenerate)


def _rotate(local: IntArray, shift: int, total: int) -> IntArray:
    """Bitmasks with bit ``c`` moved to bit ``(c + shift) mod total``."""
    full = (1 << total) - 1
    rotated: IntArray = ((local << shift) | (local >> (total - shift))) & full
    return rotated


def _solve_subsystems(
    H: FloatArray, h: FloatArray, subsets: IntArray, tol: float
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Solve ``H[S] z = h[S]`` for every subset ``S`` of every game.

    Returns the solutions ``(G, S, dim)``, the slack ``h - H z`` of every constraint at them
    ``(G, S, total)``, and which are vertices: regular systems whose solution is finite and
    violates no constraint by more than ``tol``.
    """
    mats = H[:, subsets]  # (G, S, dim, dim)
    rhs = np.broadcast_to(h[subsets], mats.shape[:-1])
    if mats.shape[-1] <= 3:
        point, regular = _solve_small(mats, rhs, tol)
    else:
        regular = _regular(mats, tol)
        mats = np.where(regular[..., None, None], mats, np.eye(mats.shape[-1]))
        with np.errstate(all="ignore"):
            solved = np.linalg.solve(mats, rhs[..., None])[..., 0]
        point = solved.astype(np.float64, copy=False)
    with np.errstate(all="ignore"):
        slack: FloatArray = h - np.einsum("gcd,gsd->gsc", H, point)
    finite = np.all(np.isfinite(slack), axis=-1)
    slack = np.where(finite[..., None], slack, 0.0)
    found: BoolArray = regular & finite & (slack.min(axis=-1) >= -tol)
    return point, slack, found


def _solve_small(mats: FloatArray, rhs: FloatArray, tol: float) -> tuple[FloatArray, BoolArray]:
    """Solutions of square systems of size 1 to 3 by their adjugates (Cramer's rule, far
    cheaper than one LAPACK call per tiny system), and which systems are regular.

    With ``f`` and ``a`` the Frobenius norms of a matrix and of its adjugate,
    ``|det| / (a f) <= s_min / s_max <= k |det| / (a f)``: a system is regular when the lower
    bound exceeds ``tol``, singular when the upper one does not, and only the rest get
    singular values (the test of :func:`_regular`). Singular systems get a zero solution.
    """
    k = mats.shape[-1]
    rows = [mats[..., r, :] for r in range(k)]
    if k == 1:
        adjugate = [np.ones_like(rows[0])]
    elif k == 2:
        (a, b), (c, d) = (np.moveaxis(r, -1, 0) for r in rows)
        adjugate = [np.stack((d, -c), axis=-1), np.stack((-b, a), axis=-1)]
    else:
        u = [np.moveaxis(r, -1, 0) for r in rows]
        adjugate = [np.moveaxis(_cross(u[i], u[j]), 0, -1) for i, j in ((1, 2), (2, 0), (0, 1))]
    # adjugate[r] is column r of adj(M) = det * M^-1, so M^-1 b = sum_r b_r adjugate[r] / det
    det = (rows[0] * adjugate[0]).sum(axis=-1)
    frobenius = np.sqrt(np.square(mats).sum(axis=(-2, -1)))
    adjugate_norm = np.sqrt(sum(np.square(col).sum(axis=-1) for col in adjugate))
    scale = tol * frobenius * adjugate_norm
    regular: BoolArray = np.abs(det) > scale
    doubtful = ~regular & (k * np.abs(det) > scale)
    if doubtful.any():
        values = np.linalg.svd(mats[doubtful], compute_uv=False)
        regular[doubtful] = values[..., -1] > tol * values[..., 0]
    weighted = sum(rhs[..., r, None] * adjugate[r] for r in range(k))
    point: FloatArray = np.where(
        regular[..., None], weighted / np.where(regular, det, 1.0)[..., None], 0.0
    )
    return point, regular


def _cross(u: FloatArray, w: FloatArray) -> FloatArray:
    """Cross products of 3-vectors stacked on the first axis: ``np.cross``'s arithmetic (the
    same numbers) without its per-call overhead, which dominated the small systems' solves."""
    return np.stack(
        (
            u[1] * w[2] - u[2] * w[1],
            u[2] * w[0] - u[0] * w[2],
            u[0] * w[1] - u[1] * w[0],
        )
    )


def _regular(mats: FloatArray, tol: float) -> BoolArray:
    """Which square systems have smallest singular value above ``tol`` times the largest.

    ``|det| <= s_min s_max^(k-1)`` and ``s_max`` is at most the Frobenius norm ``f``, so every
    system with ``|det| > tol f^k`` passes; singular values are computed only for the rest.
    """
    k = mats.shape[-1]
    with np.errstate(all="ignore"):
        det = np.linalg.det(mats)
        bound = tol * np.sqrt(np.square(mats).sum(axis=(-2, -1))) ** k
    regular: BoolArray = np.abs(det) > bound
    doubtful = ~regular
    if doubtful.any():
        values = np.linalg.svd(mats[doubtful], compute_uv=False)
        regular[doubtful] = values[..., -1] > tol * values[..., 0]
    return regular


def _pairs(rows: _Vertices, cols: _Vertices, G: int, total: int) -> _Found:
    """Every fully labelled pair of a vertex of ``P`` and one of ``Q`` of the same game.

    The vertices of each game are laid out in a padded ``(G, most)`` table with label mask 0
    in the padding (no non-zero vertex completes a mask 0, since only the origin of the other
    polytope has all of its own labels), so the pairing is one broadcast ``|``.
    """
    row_labels, row_points = _padded(rows, G)
    col_labels, col_points = _padded(cols, G)
    full = (1 << total) - 1
    complete = (row_labels[:, :, None] | col_labels[:, None, :]) == full
    game, r, c = np.nonzero(complete)
    return _Found(game.astype(np.int64), row_points[game, r], col_points[game, c])


def _padded(vertices: _Vertices, G: int) -> tuple[IntArray, FloatArray]:
    """Labels ``(G, most)`` and points ``(G, most, dim)`` of each game's vertices."""
    counts = np.bincount(vertices.game, minlength=G)
    starts = np.cumsum(counts) - counts
    slot = np.arange(vertices.game.size) - starts[vertices.game]
    most = max(1, int(counts.max(initial=0)))
    labels = np.zeros((G, most), dtype=np.int64)
    points = np.zeros((G, most, vertices.point.shape[1]))
    labels[vertices.game, slot] = vertices.labels
    points[vertices.game, slot] = vertices.point
    return labels, points


def _clean(found: _Found) -> _Found:
    """Vertices scaled to probability vectors, then cleaned as
    :func:`sim.equilibria.clean_strategy` cleans a candidate."""
    return _Found(found.game, _probabilities(found.row), _probabilities(found.col))


def _probabilities(points: FloatArray) -> FloatArray:
    """Rows scaled to sum 1, entries at most :data:`~sim.equilibria.PROBABILITY_TOL` set to 0
    and the rest rescaled (every row of a non-zero vertex has a positive sum)."""
    scaled = points / points.sum(axis=-1, keepdims=True)
    kept = np.where(scaled <= PROBABILITY_TOL, 0.0, scaled)
    cleaned: FloatArray = kept / kept.sum(axis=-1, keepdims=True)
    return cleaned


def _values(
    A: FloatArray, B: FloatArray, found: _Found
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Each candidate's payoffs on the original matrices, and whether it is a mutual best
    response there within :data:`~sim.equilibria.BEST_RESPONSE_TOL`."""
    row_pure = np.einsum("hmn,hn->hm", A[found.game], found.col)
    col_pure = np.einsum("hm,hmn->hn", found.row, B[found.game])
    row_value = np.einsum("hm,hm->h", found.row, row_pure)
    col_value = np.einsum("hn,hn->h", found.col, col_pure)
    verified = (row_pure.max(axis=-1, initial=-np.inf) - row_value <= BEST_RESPONSE_TOL) & (
        col_pure.max(axis=-1, initial=-np.inf) - col_value <= BEST_RESPONSE_TOL
    )
    return row_value, col_value, verified


def _lexicographic(found: _Found) -> IntArray:
    """The order by game, then the rounded row strategy, then the rounded column strategy."""
    row = np.round(found.row, ORDER_DECIMALS)
    col = np.round(found.col, ORDER_DECIMALS)
    keys = np.vstack((col.T[::-1], row.T[::-1], found.game[None]))
    order: IntArray = np.lexsort(keys).astype(np.int64)
    return order


def _assemble(
    found: _Found,
    row_value: FloatArray,
    col_value: FloatArray,
    degenerate: BoolArray,
    dropped: IntArray,
) -> EquilibriumArrays:
    """The result of a chunk from equilibria sorted by game, duplicates dropped
    (:func:`_distinct`)."""
    unique = _distinct(found)
    counts = np.bincount(found.game[unique], minlength=degenerate.size)
    flags = {
        g: _flags(k, counts[g] > 0)
        for g in np.flatnonzero((dropped > 0) | (counts == 0)).tolist()
        for k in (int(dropped[g]),)
    }
    return EquilibriumArrays(
        found.game[unique].astype(np.intp),
        found.row[unique],
        found.col[unique],
        row_value[unique],
        col_value[unique],
        degenerate,
        (METHOD,) * degenerate.size,
        flags,
    )


def _distinct(found: _Found) -> BoolArray:
    """Which equilibria (sorted by game) to keep: each one unless it lies within
    :data:`~sim.equilibria.DUPLICATE_TOL`, in every probability, of one kept before it in the
    same game (the rule :func:`sim.equilibria.solve` applies, in this order)."""
    counts = np.bincount(found.game)
    slot = np.arange(found.game.size) - (np.cumsum(counts) - counts)[found.game]
    most = int(counts.max(initial=0))
    table = np.full((counts.size, most, found.row.shape[1] + found.col.shape[1]), np.inf)
    table[found.game, slot] = np.concatenate((found.row, found.col), axis=1)
    with np.errstate(invalid="ignore"):  # inf - inf in the padding, which is never compared
        close = np.abs(table[:, :, None] - table[:, None, :]).max(axis=-1) <= DUPLICATE_TOL
    keep = np.ones((counts.size, most), dtype=bool)
    for k in range(1, most):
        keep[:, k] = ~(close[:, :k, k] & keep[:, :k]).any(axis=1)
    kept: BoolArray = keep[found.game, slot]
    return kept


def _flags(dropped: int, any_found: bool) -> tuple[str, ...]:
    """The flags of one game: candidates dropped in verification, and an empty result."""
    flags = (f"dropped_{dropped}_non_equilibria",) if dropped else ()
    return flags if any_found else (*flags, NO_EQUILIBRIUM_FOUND)
