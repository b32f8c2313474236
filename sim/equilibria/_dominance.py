"""Strict dominance: one game's dominated actions and their iterated elimination (mixed
dominators allowed, a linear programme each), and many games' iterated elimination of pure
strategies dominated by pure strategies, at once (the batched solver's shortcut for the
degenerate stage games that it solves to one profile).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.equilibria._arrays import EquilibriumArrays, unit_range
from sim.equilibria._types import BEST_RESPONSE_TOL, GameError, validate_game

__all__ = [
    "DOMINANCE",
    "DOMINANCE_MARGIN",
    "Elimination",
    "dominance_solved",
    "dominated_actions",
    "iterated_elimination",
    "pure_results",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]
Elimination = tuple[tuple[int, ...], tuple[int, ...], tuple[tuple[int, str, int], ...]]

#: The ``method`` of a degenerate game solved by iterated strict dominance.
DOMINANCE = "iterated_strict_dominance"

#: How much better (on payoffs mapped onto [0, 1]) an action must be against every
#: surviving opponent action to eliminate another; far above every solver tolerance, so a
#: dominated action can be neither played nor a best response in any equilibrium found.
DOMINANCE_MARGIN = 1e-6


def dominated_actions(
    M: ArrayLike, mixed: bool = True, tol: float = BEST_RESPONSE_TOL
) -> tuple[int, ...]:
    """Actions (rows of ``M``, the player's payoffs) strictly dominated by more than ``tol``
    times the payoff range of ``M`` (none when ``M`` counts as constant,
    :data:`~sim.equilibria.CONSTANT_RANGE`).

    With ``mixed`` the dominating strategy may be any mixture of the other actions
    (a linear programme per action), otherwise it must be a single other action.

    >>> dominated_actions([[3e9, 1e9], [2e9, 0.0]], mixed=False)
    (1,)
    """
    return _dominated_on_unit(unit_range(np.asarray(M, dtype=np.float64), (0, 1), 0.0), mixed, tol)


def _dominated_on_unit(m: FloatArray, mixed: bool, tol: float) -> tuple[int, ...]:
    """:func:`dominated_actions` on payoffs already mapped onto [0, 1] (of the whole game,
    when ``m`` is a part of it that iterated elimination left)."""
    return tuple(k for k in range(m.shape[0]) if _is_dominated(m, k, mixed, tol))


def _is_dominated(M: FloatArray, k: int, mixed: bool, tol: float) -> bool:
    """Pure domination first: it implies mixed domination and needs no linear programme.
    Nor does an action within ``tol`` of the best against some column: there no mixture of
    the others gains more than ``tol`` on it, so none dominates it by more."""
    if _pure_domination_margin(M, k) > tol:
        return True
    return mixed and not _best_somewhere(M, k, tol) and _mixed_domination_margin(M, k) > tol


def _best_somewhere(M: FloatArray, k: int, tol: float) -> bool:
    """Whether action k is within ``tol`` of the best action against some column."""
    others = np.delete(M, k, axis=0)
    return bool(others.size == 0 or ((others - M[k]).max(axis=0) <= tol).any())


def _pure_domination_margin(M: FloatArray, k: int) -> float:
    """The largest, over other actions i, of min_j (M[i, j] - M[k, j]); -inf if none."""
    others = np.delete(M, k, axis=0)
    return float((others - M[k]).min(axis=1).max()) if others.size else -np.inf


def _mixed_domination_margin(M: FloatArray, k: int) -> float:
    """max over mixtures s of the other actions of min_j (s'M[:, j] - M[k, j]); -inf if none.

    The linear programme: maximise e subject to s'M[:, j] - e >= M[k, j] for every column j,
    s >= 0, sum(s) = 1.
    """
    others = np.delete(M, k, axis=0)
    if not others.size:
        return -np.inf
    r, n = others.shape
    from scipy.optimize import linprog  # on first use: it takes most of a second to import

    result = linprog(
        c=np.append(np.zeros(r), -1.0),
        A_ub=np.hstack([-others.T, np.ones((n, 1))]),
        b_ub=-M[k],
        A_eq=np.append(np.ones(r), 0.0)[None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * r + [(None, None)],
        method="highs",
    )
    if result.status != 0:
        raise GameError(f"domination linear programme failed: {result.message}")
    return float(-result.fun)


def iterated_elimination(A: ArrayLike, B: ArrayLike, tol: float = BEST_RESPONSE_TOL) -> Elimination:
    """Iterated elimination of strictly dominated strategies (mixed dominators allowed).

    Each round removes, for both players at once, every action strictly dominated in the
    game that is left (by more than ``tol`` times the player's payoff range in the whole
    game); the result does not depend on the order (strict dominance).

    Returns
    -------
    tuple
        Surviving row actions, surviving column actions, and the eliminations as
        ``(round, player, action)`` with original indices, rounds counted from 1.
    """
    a, b = (unit_range(M, (0, 1), 0.0) for M in validate_game(A, B))
    rows, cols = list(range(a.shape[0])), list(range(a.shape[1]))
    order: list[tuple[int, str, int]] = []
    for round_ in range(1, a.shape[0] + a.shape[1]):
        out_rows = [rows[k] for k in _dominated_on_unit(a[np.ix_(rows, cols)], True, tol)]
        out_cols = [cols[k] for k in _dominated_on_unit(b[np.ix_(rows, cols)].T, True, tol)]
        if not out_rows and not out_cols:
            break
        order += [(round_, "row", i) for i in out_rows] + [(round_, "col", j) for j in out_cols]
        rows = [i for i in rows if i not in out_rows]
        cols = [j for j in cols if j not in out_cols]
    return tuple(rows), tuple(cols), tuple(order)


def dominance_solved(At: FloatArray, Bt: FloatArray) -> tuple[IntArray, IntArray, BoolArray]:
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


def pure_results(
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
