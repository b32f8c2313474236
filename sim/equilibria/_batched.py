"""All equilibria of many small bimatrix games at once: the solver the deadline game uses.

:func:`solve_batch` takes a stack of games of one shape ``(G, m, n)`` with 2 <= m, n <= 6.
Support enumeration (:mod:`._support_enumeration`) scans every equal-size support pair of all
games together and tests every solution for degeneracy. Non-degenerate games get nashpy's
``support_enumeration`` equilibria, in nashpy's order (support size, then rows' support, then
columns' support, each in lexicographic order). Degenerate games keep ``degenerate=True`` and
are solved again, all at once: those that iterated elimination of strictly dominated pure
strategies reduces to a single profile get that profile, their only equilibrium
(``method="iterated_strict_dominance"``, :mod:`._dominance`); the rest go to the vectorised
vertex enumeration of :mod:`._vertex_enumeration`. Both give the set of nashpy's
``vertex_enumeration`` (tested). Stage games with shared continuation values are degenerate
by construction and mostly dominance-solvable, so this route is the common one in the
deadline game.

:func:`solve_arrays` returns the equilibria as :class:`~sim.equilibria.EquilibriumArrays`
(no Python object per equilibrium); :func:`solve_batch` as a list of
:class:`~sim.equilibria.EquilibriumSet`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.equilibria._arrays import EquilibriumArrays, game_batch, solve_in_chunks
from sim.equilibria._dominance import DOMINANCE, dominance_solved, pure_results
from sim.equilibria._support_enumeration import Hits, most_pairs, scan
from sim.equilibria._types import DEGENERACY_TOL, EquilibriumSet
from sim.equilibria._verify import verified_payoffs
from sim.equilibria._vertex_enumeration import vertex_enumeration_arrays

__all__ = [
    "MAX_ACTIONS",
    "MIN_ACTIONS",
    "UNVERIFIED_DROPPED",
    "VERTEX_ENUMERATION_FAILED",
    "solve_arrays",
    "solve_batch",
    "solve_one",
]

#: Fewest and most actions per player that :func:`solve_batch` accepts.
MIN_ACTIONS, MAX_ACTIONS = 2, 6

#: Games per chunk are chosen so that one (games x support pairs x actions) array holds
#: about this many numbers, which bounds memory for 6 x 6 games.
_CHUNK_ENTRIES = 1 << 21

_SUPPORT_ENUMERATION = "support_enumeration"

#: Flag on a degenerate game whose vertex enumeration failed (its support-enumeration
#: equilibria, verified, are returned instead).
VERTEX_ENUMERATION_FAILED = "vertex_enumeration_failed"

#: Flag on a game from which a candidate that failed best-response verification was dropped.
UNVERIFIED_DROPPED = "unverified_equilibrium_dropped"

FloatArray = NDArray[np.float64]

BoolArray = NDArray[np.bool_]

IntArray = NDArray[np.intp]


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
        best response within :data:`sim.equilibria.BEST_RESPONSE_TOL` of each player's
        payoff range.

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
    chunk = max(1, _CHUNK_ENTRIES // (most_pairs(m, n) * (m + n)))
    return solve_in_chunks(partial(_solve_chunk, tol=tol), A, B, chunk)


def _solve_chunk(A: FloatArray, B: FloatArray, tol: float) -> EquilibriumArrays:
    """Support enumeration over one chunk of games, then one result per game."""
    found = scan(A, B, tol)
    return _assemble(A, B, (found.At, found.Bt), found.hits, found.degenerate)


def _assemble(
    A: FloatArray,
    B: FloatArray,
    unit: tuple[FloatArray, FloatArray],
    hits: Hits,
    degenerate: BoolArray,
) -> EquilibriumArrays:
    """The chunk's result: support-enumeration hits for non-degenerate games; for degenerate
    ones, iterated strict dominance when it leaves one profile, else vertex enumeration.
    ``unit`` holds the scan's action-major payoffs on [0, 1] (``At``, ``Bt``)."""
    on_unit = unit[0].transpose(2, 0, 1), unit[1].transpose(2, 1, 0)
    row_value, col_value, verified = verified_payoffs(A, B, hits.game, hits.row, hits.col, on_unit)
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
    the others go to :func:`sim.equilibria.vertex_enumeration_arrays`. A game in which vertex
    enumeration finds nothing verifiable keeps its verified support-enumeration equilibria
    (from ``found``, the chunk's) and the flag :data:`VERTEX_ENUMERATION_FAILED`.
    """
    rows, cols, solved = dominance_solved(At, Bt)
    parts = []
    if solved.any():
        on = games[solved]
        parts.append((on, pure_results(rows[solved], cols[solved], A[on], B[on], DOMINANCE)))
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
