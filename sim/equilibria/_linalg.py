"""Small square systems solved by the stack: the arithmetic the batched solvers share.

Cramer's rule through adjugates for systems of size 1 to 3 (far cheaper than one LAPACK call
per tiny system), and the tests of which systems are well enough conditioned to use:
``s_min > tol * s_max``, decided from bounds on ``|det|`` and singular values only for the
few systems the bounds leave in doubt.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from numpy.typing import NDArray

__all__: list[str] = []

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


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
    system with ``|det| > tol f^k`` passes. For ``k = 4`` the bounds of :func:`_solve_small`
    (``|det| / (a f) <= s_min / s_max <= k |det| / (a f)``, ``a`` the Frobenius norm of the
    adjugate) decide most of the rest: a 4x4 game's polytopes have 70 such systems each,
    a third of them singular, and their singular values had cost most of vertex
    enumeration. Singular values are computed only for the systems still in doubt.
    """
    k = mats.shape[-1]
    with np.errstate(all="ignore"):
        det = np.linalg.det(mats)
        frobenius = np.sqrt(np.square(mats).sum(axis=(-2, -1)))
        regular: BoolArray = np.abs(det) > tol * frobenius**k
        doubtful = ~regular
        if k == 4 and doubtful.any():
            scale = tol * frobenius[doubtful] * _adjugate_norm4(mats[doubtful])
            regular[doubtful] = np.abs(det[doubtful]) > scale
            doubtful[doubtful] = ~regular[doubtful] & (k * np.abs(det[doubtful]) > scale)
    if doubtful.any():
        values = np.linalg.svd(mats[doubtful], compute_uv=False)
        regular[doubtful] = values[..., -1] > tol * values[..., 0]
    return regular


def _adjugate_norm4(mats: FloatArray) -> FloatArray:
    """Frobenius norms of the adjugates of 4x4 matrices ``(..., 4, 4)``: the root of the sum
    of their sixteen squared 3x3 minors, each expanded along its last row from the 2x2
    minors of the rows above."""
    r = [np.moveaxis(mats[..., i, :], -1, 0) for i in range(4)]  # row i, columns first

    def pairs(i: int, j: int) -> dict[tuple[int, int], FloatArray]:
        return {(c, d): r[i][c] * r[j][d] - r[i][d] * r[j][c] for c, d in combinations(range(4), 2)}

    total = np.zeros(mats.shape[:-2])
    for (i, j), lasts in (((0, 1), (2, 3)), ((0, 2), (3,)), ((1, 2), (3,))):
        m = pairs(i, j)
        for last in lasts:
            row = r[last]
            for c1, c2, c3 in combinations(range(4), 3):
                minor = row[c1] * m[c2, c3] - row[c2] * m[c1, c3] + row[c3] * m[c1, c2]
                total += np.square(minor)
    norm: FloatArray = np.sqrt(total)
    return norm


def _bordered(diff: FloatArray) -> FloatArray:
    """The systems ``[D; 1']`` as a stack ``(..., k, k)`` from ``diff`` of shape
    ``(k - 1, k, ...)``."""
    ones = np.ones((1, *diff.shape[1:]))
    return np.moveaxis(np.concatenate((diff, ones)), (0, 1), (-2, -1))


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
