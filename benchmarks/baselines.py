"""The solvers we compare with, each turning one game into a list of (row, col) profiles.

QuantEcon and pygambit are optional (the ``bench`` extra): their loaders return ``None``
when the package is not installed, and nothing here imports them at import time.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

import nashpy
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Profile = tuple[FloatArray, FloatArray]
Solver = Callable[[FloatArray, FloatArray], list[Profile]]


def _profiles(pairs: Any) -> list[Profile]:
    return [(np.asarray(row, dtype=float), np.asarray(col, dtype=float)) for row, col in pairs]


def nashpy_support_enumeration(A: FloatArray, B: FloatArray) -> list[Profile]:
    """nashpy's ``support_enumeration`` (its even-count warning silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _profiles(nashpy.Game(A, B).support_enumeration())


def nashpy_vertex_enumeration(A: FloatArray, B: FloatArray) -> list[Profile]:
    """nashpy's ``vertex_enumeration``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _profiles(nashpy.Game(A, B).vertex_enumeration())


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def quantecon_game_theory() -> ModuleType | None:
    """``quantecon.game_theory``, or ``None`` when QuantEcon is not installed."""
    return _optional("quantecon.game_theory")


def quantecon_solve(game_theory: ModuleType, game: Any) -> list[Profile]:
    """QuantEcon's numba ``support_enumeration`` on a prebuilt ``NormalFormGame``."""
    return _profiles(game_theory.support_enumeration(game))


def quantecon_game(game_theory: ModuleType, A: FloatArray, B: FloatArray) -> Any:
    """A QuantEcon ``NormalFormGame`` from the two payoff matrices."""
    return game_theory.NormalFormGame(np.stack((A, B), axis=-1))


def pygambit_module() -> ModuleType | None:
    """``pygambit``, or ``None`` when it is not installed."""
    return _optional("pygambit")


def pygambit_enummixed(gambit: ModuleType, A: FloatArray, B: FloatArray) -> list[Profile]:
    """pygambit's ``enummixed_solve`` in floating point, game construction included."""
    game = gambit.Game.from_arrays(A, B)
    result = gambit.nash.enummixed_solve(game, rational=False)
    found: list[Profile] = []
    for profile in result.equilibria:
        row, col = (
            np.array([float(profile[s]) for s in player.strategies]) for player in game.players
        )
        found.append((row, col))
    return found
