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
keeps both polytopes bounded and full-dimensional (:mod:`._polytope` finds their vertices):

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
:func:`sim.equilibria.is_degenerate`, on the same vertices.

Labels are bitmasks (``m + n <= 12`` bits). A vertex is determined by its set of tight
constraints, so vertices are deduplicated exactly by ``(game, labels)``. A pair ``(x, y)``
other than the origins is an equilibrium when ``labels(x) | labels(y)`` has all ``m + n``
bits; ``x`` and ``y`` are then scaled to probability vectors, cleaned of rounding (as
:func:`sim.equilibria.clean_strategy` does), verified to be mutual best responses on the
payoffs within :data:`sim.equilibria.BEST_RESPONSE_TOL` of each player's range, and ordered.

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
from functools import partial
from math import comb
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.equilibria._arrays import EquilibriumArrays, game_batch, solve_in_chunks, unit_range
from sim.equilibria._polytope import _Vertices, _vertices
from sim.equilibria._types import (
    DEGENERACY_TOL,
    DUPLICATE_TOL,
    PROBABILITY_TOL,
    EquilibriumSet,
    GameError,
    validate_game,
)
from sim.equilibria._verify import verified_payoffs

__all__ = [
    "NO_EQUILIBRIUM_FOUND",
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
        equilibrium components), each a mutual best response within
        :data:`sim.equilibria.BEST_RESPONSE_TOL` of each player's payoff range, in
        lexicographic order (module docstring).
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
    a, b = game_batch(A, B, MIN_ACTIONS, MAX_ACTIONS)
    if not 0 < tol < 1:
        raise GameError(f"tol must lie strictly between 0 and 1; got {tol}")
    _, m, n = a.shape
    chunk = max(1, _CHUNK_ENTRIES // (comb(m + n, m) * (m * m + n * n)))
    return solve_in_chunks(partial(_solve_chunk, tol=tol), a, b, chunk)


def _solve_chunk(A: FloatArray, B: FloatArray, tol: float) -> EquilibriumArrays:
    """Vertex enumeration for one chunk of games, one result per game."""
    m, n = A.shape[1:]
    rows = _vertices(np.swapaxes(unit_range(B, (1, 2), 1.0), 1, 2), tol, shift=0)
    cols = _vertices(unit_range(A, (1, 2), 1.0), tol, shift=m)
    found = _clean(_pairs(rows, cols, A.shape[0], m + n))
    row_value, col_value, verified = verified_payoffs(A, B, found.game, found.row, found.col)
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
