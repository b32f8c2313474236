"""One small interface for solving many stage games: per game through nashpy, or batched.

A solver maps row and column payoff arrays of shape (G, m, n) to the equilibria of the G
games as :class:`~sim.equilibrium_arrays.EquilibriumArrays`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
from numpy.typing import NDArray

from sim.equilibria import solve
from sim.equilibrium_arrays import EquilibriumArrays
from sim.scenario import EquilibriumConfig

__all__ = ["BATCHED_MAX_ACTIONS", "StageSolver", "make_solver"]

StageSolver = Callable[[NDArray[np.float64], NDArray[np.float64]], EquilibriumArrays]

#: Largest game, in actions per player, the batched solver handles.
BATCHED_MAX_ACTIONS = 6


def _per_game(
    A: NDArray[np.float64], B: NDArray[np.float64], method: str, tol: float
) -> EquilibriumArrays:
    sets = [solve(a, b, method=method, tol=tol) for a, b in zip(A, B, strict=True)]
    return EquilibriumArrays.from_sets(sets, *A.shape[1:])


def make_solver(
    config: EquilibriumConfig, shape: tuple[int, int], batched: bool = True
) -> StageSolver:
    """The solver for a scenario's stage games.

    Support enumeration on games up to 6x6 goes to the batched solver
    (:func:`sim.batched.solve_arrays`: nashpy's equilibria on non-degenerate games;
    degenerate ones, flagged, get vertex enumeration's set, by iterated strict dominance
    when it leaves one profile) unless ``batched`` is False; every other method runs nashpy
    game by game.
    """
    if batched and config.method == "support_enumeration" and max(shape) <= BATCHED_MAX_ACTIONS:
        from sim.batched import solve_arrays

        return partial(solve_arrays, tol=config.tolerance)
    return partial(_per_game, method=config.method, tol=config.tolerance)
