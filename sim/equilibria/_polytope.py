"""The vertices of best-response polytopes of many games at once.

For a player whose opponent's payoffs (mapped onto [1, 2]) are ``M`` of shape
``(responses, dim)``, the polytope is ``{z in R^dim : z >= 0, M z <= 1}``. A vertex solves
some ``dim`` linearly independent constraints with equality: every one of the
``C(responses + dim, dim)`` square subsystems of every game is solved (:mod:`._linalg`),
singular ones (smallest singular value at most ``tol`` times the largest) are skipped, and a
solution is a vertex when it satisfies every constraint within ``tol``. Its labels are *all*
the constraints tight within ``tol``; a vertex on more facets than its dimension makes the
game degenerate (von Stengel 2002). Vertex enumeration (:mod:`._vertex_enumeration`) pairs
the vertices of both polytopes; the degeneracy test (:func:`sim.equilibria.is_degenerate`)
asks only whether some vertex is over-tight.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from sim.equilibria._linalg import _regular, _solve_small

__all__: list[str] = []

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


class _Vertices(NamedTuple):
    """The distinct non-zero vertices of one polytope of every game in a chunk."""

    game: IntArray  # (V,): the game each vertex belongs to, ascending
    point: FloatArray  # (V, dim): the vertex
    labels: IntArray  # (V,): bit l set when the vertex has label l (game label numbering)
    degenerate: BoolArray  # (G,): some vertex of the game's polytope has more than dim labels


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
        # only the regular systems are solved (LAPACK solves each on its own, so the others
        # change nothing); a singular one keeps its right-hand side, which no vertex uses
        point = np.array(rhs, dtype=np.float64)
        with np.errstate(all="ignore"):
            point[regular] = np.linalg.solve(mats[regular], rhs[regular][..., None])[..., 0]
    with np.errstate(all="ignore"):
        slack: FloatArray = h - np.einsum("gcd,gsd->gsc", H, point)
    finite = np.all(np.isfinite(slack), axis=-1)
    slack = np.where(finite[..., None], slack, 0.0)
    found: BoolArray = regular & finite & (slack.min(axis=-1) >= -tol)
    return point, slack, found
