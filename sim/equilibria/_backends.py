"""The solver methods: one registry, per-game solving with verification and fallbacks, and the
stage-game solver a scenario's games go to.

:data:`METHODS` maps each method's name (as scenario files, the command line and the docs
name it) to its :class:`Method`. :func:`solve` runs one method on one game, verifies every
candidate it returns, cleans and merges them, records warnings and failures as flags and
marks degenerate games (:func:`~sim.equilibria.is_degenerate`). :func:`make_solver` gives the
:data:`StageSolver` for many games of one shape: the batched solver of :mod:`._batched` where
the method has one, else :func:`solve` game by game.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.equilibria._arrays import EquilibriumArrays, unit_range
from sim.equilibria._batched import MAX_ACTIONS, MIN_ACTIONS, solve_arrays
from sim.equilibria._nashpy import Candidate, lemke_howson, vertex_enumeration
from sim.equilibria._support_enumeration import scan
from sim.equilibria._types import (
    BEST_RESPONSE_TOL,
    DEGENERACY_TOL,
    DUPLICATE_TOL,
    Equilibrium,
    EquilibriumSet,
    GameError,
    clean_strategy,
    validate_game,
)
from sim.equilibria._verify import _is_equilibrium, is_degenerate
from sim.equilibria._vertex_enumeration import vertex_enumeration_one

__all__ = ["DEGENERATE_BY_VERTICES", "METHODS", "Method", "StageSolver", "make_solver", "solve"]

FloatArray = NDArray[np.float64]

#: A solver of many stage games of one shape: (G, m, n) payoffs of both players to their
#: equilibria.
StageSolver = Callable[[FloatArray, FloatArray], EquilibriumArrays]
#: A method's candidates for one game, and the flags its run raised.
Candidates = Callable[[FloatArray, FloatArray, float], tuple[list[Candidate], list[str]]]


@dataclass(frozen=True)
class Method:
    """One way to find equilibria.

    Attributes
    ----------
    name:
        As scenario files (``[equilibrium] method``) and ``negsim solve --method`` name it.
    description:
        One line, for ``--help`` and the docs.
    candidates:
        Its candidates for one game (verified by :func:`solve`), with the flags raised.
    batched:
        Whether games of up to :data:`~sim.equilibria._batched.MAX_ACTIONS` actions a player
        go to the batched solver (:func:`~sim.equilibria.solve_arrays`) instead.
    """

    name: str
    description: str
    candidates: Candidates
    batched: bool = False


#: Flag of a degenerate game whose support-enumeration candidates are vertex enumeration's.
DEGENERATE_BY_VERTICES = "degenerate_game_solved_by_vertex_enumeration"


def _support_enumeration(
    A: FloatArray, B: FloatArray, tol: float
) -> tuple[list[Candidate], list[str]]:
    """Vectorised support enumeration on one game (:mod:`._support_enumeration`); a
    degenerate game, where equal-size supports miss equilibria, gets the extreme equilibria
    of vertex enumeration instead (ours up to 6x6, nashpy's beyond), as the batched solver
    gives it, with the flag :data:`DEGENERATE_BY_VERTICES`."""
    found = scan(A[None], B[None], DEGENERACY_TOL)
    if not found.degenerate[0]:
        return list(zip(found.hits.row, found.hits.col, strict=True)), []
    if max(A.shape) <= MAX_ACTIONS:
        vertices = vertex_enumeration_one(A, B)
        return [(e.row, e.col) for e in vertices.equilibria], [DEGENERATE_BY_VERTICES]
    candidates, flags = vertex_enumeration(A, B, tol)
    return candidates, [DEGENERATE_BY_VERTICES, *flags]


#: The methods, in the order :func:`solve` falls back on them.
METHODS: Mapping[str, Method] = MappingProxyType(
    {
        "support_enumeration": Method(
            "support_enumeration",
            "every equal-size support pair (degenerate games: vertex enumeration's set)",
            _support_enumeration,
            batched=True,
        ),
        "vertex_enumeration": Method(
            "vertex_enumeration",
            "nashpy's vertex enumeration of the best-response polytopes (all extreme equilibria)",
            vertex_enumeration,
        ),
        "lemke_howson": Method(
            "lemke_howson",
            "nashpy's Lemke-Howson from every initial label (a subset of the equilibria)",
            lemke_howson,
        ),
    }
)


def solve(
    A: ArrayLike, B: ArrayLike, method: str = "support_enumeration", tol: float = BEST_RESPONSE_TOL
) -> EquilibriumSet:
    """The verified Nash equilibria of the bimatrix game (A, B) found by ``method``.

    Parameters
    ----------
    A, B:
        Row and column players' payoff matrices, both of shape (m, n).
    method:
        One of :data:`METHODS`. Lemke-Howson is run from every initial dropped label
        0 .. m + n - 1 and returns the distinct equilibria reached (a subset of all).
    tol:
        Largest deviation gain a returned equilibrium may allow, relative to the deviating
        player's payoff range (:func:`is_equilibrium`). Every method runs on each player's
        payoffs mapped onto [0, 1], so the set does not change under a positive affine map of
        either player's payoffs; the payoffs reported are the original ones.

    Returns
    -------
    EquilibriumSet
        Equilibria in the order found. ``flags`` records nashpy's warnings
        (``<method>_warning_<what>``), failures (``<method>_failed...``), candidates that
        were not equilibria (``dropped_<k>_non_equilibria``) and, when the method found no
        equilibrium at all, the method that was used instead (``fallback_to_<method>``).

    Raises
    ------
    GameError
        For an unknown method or an invalid game (:func:`validate_game`).
    """
    if method not in METHODS:
        raise GameError(f"unknown equilibrium method {method!r}; expected one of {tuple(METHODS)}")
    a, b = validate_game(A, B)
    unit = unit_range(a, (0, 1), 0.0), unit_range(b, (0, 1), 0.0)
    equilibria, flags = _verified(a, b, unit, method, tol)
    for fallback in (m for m in METHODS if m != method):
        if equilibria:
            break
        equilibria, more = _verified(a, b, unit, fallback, tol)
        flags += [f"fallback_to_{fallback}", *(_prefixed(fallback, f) for f in more)]
    return EquilibriumSet(
        equilibria=tuple(equilibria),
        method=method,
        degenerate=is_degenerate(a, b),
        flags=tuple(dict.fromkeys(flags)),
    )


def _prefixed(method: str, flag: str) -> str:
    return flag if flag.startswith(method) else f"{method}_{flag}"


def _verified(
    A: FloatArray, B: FloatArray, unit: tuple[FloatArray, FloatArray], method: str, tol: float
) -> tuple[list[Equilibrium], list[str]]:
    """One method's candidates on the payoffs mapped onto [0, 1] (``unit``), checked there,
    cleaned and merged, with their payoffs on the original ``A, B`` and the flags raised."""
    candidates, flags = METHODS[method].candidates(*unit, tol)
    equilibria: list[Equilibrium] = []
    dropped = 0
    for row, col in candidates:
        eq = _checked(A, B, unit, row, col, tol)
        if eq is None:
            dropped += 1
        elif not any(_same(eq, seen) for seen in equilibria):
            equilibria.append(eq)
    if dropped:
        flags.append(f"dropped_{dropped}_non_equilibria")
    return equilibria, flags


def _checked(
    A: FloatArray,
    B: FloatArray,
    unit: tuple[FloatArray, FloatArray],
    row: Any,
    col: Any,
    tol: float,
) -> Equilibrium | None:
    """The candidate as an :class:`Equilibrium`, or ``None`` if it is not one within ``tol``
    on the payoffs mapped onto [0, 1] (``unit``)."""
    x = clean_strategy(row, A.shape[0])
    y = clean_strategy(col, A.shape[1])
    if x is None or y is None or not _is_equilibrium(*unit, x, y, tol):
        return None
    return Equilibrium(row=x, col=y, row_payoff=float(x @ A @ y), col_payoff=float(x @ B @ y))


def _same(e: Equilibrium, f: Equilibrium) -> bool:
    return bool(
        np.abs(e.row - f.row).max() <= DUPLICATE_TOL
        and np.abs(e.col - f.col).max() <= DUPLICATE_TOL
    )


def _per_game(A: FloatArray, B: FloatArray, method: str, tol: float) -> EquilibriumArrays:
    sets = [solve(a, b, method=method, tol=tol) for a, b in zip(A, B, strict=True)]
    return EquilibriumArrays.from_sets(sets, *A.shape[1:])


def make_solver(
    method: str, tolerance: float, shape: tuple[int, int], batched: bool = True
) -> StageSolver:
    """The solver for stage games of one shape.

    A method with a batched solver, on games of 2x2 up to 6x6, goes to it
    (:func:`~sim.equilibria.solve_arrays`: nashpy's support-enumeration equilibria on
    non-degenerate games; degenerate ones, flagged, get vertex enumeration's set, by iterated
    strict dominance when it leaves one profile) unless ``batched`` is False; otherwise
    :func:`solve` runs game by game.

    Raises
    ------
    GameError
        For an unknown method.
    """
    if method not in METHODS:
        raise GameError(f"unknown equilibrium method {method!r}; expected one of {tuple(METHODS)}")
    if (
        batched
        and METHODS[method].batched
        and MIN_ACTIONS <= min(shape) <= max(shape) <= MAX_ACTIONS
    ):
        return partial(solve_arrays, tol=tolerance)
    return partial(_per_game, method=method, tol=tolerance)
