"""nashpy as a backend: its vertex enumeration and Lemke-Howson, one game at a time, with its
warnings and failures turned into flags (never text on stderr).

nashpy is imported on first use: it takes most of a second to import, and the batched
solvers do not need it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from functools import partial
from itertools import cycle
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.equilibria._arrays import unit_range

__all__ = [
    "LEMKE_HOWSON_MAX_PIVOTS",
    "PIVOT_LIMIT",
    "Candidate",
    "lemke_howson",
    "vertex_enumeration",
]

FloatArray = NDArray[np.float64]
Candidate = tuple[Any, Any]

#: Most pivots a Lemke-Howson path may take from one initial label before it is abandoned.
#: Paths that end take at most about 30 on random games up to 10 x 10 (docs/numerics.md);
#: nashpy's integer pivoting on floats never divides, so on some games (degenerate ones, and
#: a few labels of random 8 x 8 and larger) its entries overflow and the path never ends.
LEMKE_HOWSON_MAX_PIVOTS = 1000

#: Flag (followed by ``_label_<k>``) of a Lemke-Howson path abandoned at the pivot limit.
PIVOT_LIMIT = "lemke_howson_pivot_limit"


class _PivotLimit(Exception):
    """A Lemke-Howson path reached :data:`LEMKE_HOWSON_MAX_PIVOTS`."""


#: Names for the warnings nashpy and numpy raise while solving, keyed by message text.
_KNOWN_WARNINGS = {
    "even number": "even_number_of_equilibria",
    "incorrect shapes": "incorrect_shapes",
    "divide by zero": "divide_by_zero",
    "invalid value": "invalid_value",
    "overflow": "overflow",
}


def _caught(
    method: str, run: Callable[[], Iterable[Candidate]]
) -> tuple[list[Candidate], list[str]]:
    """Run one nashpy call, turning its warnings and any exception into flags."""
    flags: list[str] = []
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        try:
            found = list(run())
        except Exception as error:  # any nashpy or qhull failure is data, not a crash
            found = []
            flags.append(f"{method}_failed_{type(error).__name__}")
    flags[:0] = [f"{method}_warning_{_slug(str(w.message))}" for w in caught]
    return found, flags


def _slug(message: str) -> str:
    """A short, stable name for a warning message (numbers dropped)."""
    text = message.lower()
    for pattern, name in _KNOWN_WARNINGS.items():
        if pattern in text:
            return name
    return "_".join(re.findall(r"[a-z]+", text)[:6]) or "unnamed"


def vertex_enumeration(
    A: FloatArray, B: FloatArray, tol: float
) -> tuple[list[Candidate], list[str]]:
    """nashpy's vertex enumeration on payoffs moved to [1, 2] (equilibria are unchanged).

    nashpy builds the polytopes from payoffs shifted only to >= 0, which leaves them
    unbounded when a matrix has a column at its minimum; qhull cannot handle a game where
    a player has one action, so that case is solved directly.
    """
    if min(A.shape) == 1:
        return _one_action_candidates(A, B), []
    game = _nashpy_game(A, B)
    return _caught("vertex_enumeration", game.vertex_enumeration)


def lemke_howson(A: FloatArray, B: FloatArray, tol: float) -> tuple[list[Candidate], list[str]]:
    """Lemke-Howson from every initial dropped label; a failing label is flagged, and so is
    a path abandoned after :data:`LEMKE_HOWSON_MAX_PIVOTS` pivots
    (``lemke_howson_pivot_limit_label_<k>``; when no label gives an equilibrium,
    :func:`~sim.equilibria.solve` falls back on the other methods).

    Payoffs are moved to [1, 2] first: nashpy pivots without dividing, so entries grow
    with every pivot and large payoffs overflow. nashpy's tableaux fail when a player has
    one action; that case is solved directly.
    """
    if min(A.shape) == 1:
        return _one_action_candidates(A, B), []
    game = _nashpy_game(A, B)
    candidates: list[Candidate] = []
    flags: list[str] = []
    for label in range(sum(A.shape)):
        found, raised = _caught("lemke_howson", partial(_lemke_howson_path, game, label))
        candidates += found
        flags += [_label_flag(f, label) for f in raised]
    return candidates, flags


def _label_flag(flag: str, label: int) -> str:
    if flag.endswith(_PivotLimit.__name__):
        return f"{PIVOT_LIMIT}_label_{label}"
    return flag.replace("failed", f"failed_label_{label}")


def _lemke_howson_path(
    game: Any, label: int, limit: int = LEMKE_HOWSON_MAX_PIVOTS
) -> list[Candidate]:
    """nashpy's ``lemke_howson`` (0.0.43, lexicographic) from one initial dropped label, on
    its own tableaux, stopped with :class:`_PivotLimit` after ``limit`` pivots."""
    from nashpy.linalg import create_col_tableau, create_row_tableau

    col = create_col_tableau(game.payoff_matrices[0], True)
    row = create_row_tableau(game.payoff_matrices[1], True)
    tableaux = cycle((row, col) if label in row.non_basic_variables else (col, row))
    entering = label
    for _ in range(limit):
        entering = next(tableaux).pivot_and_drop_label(entering)
        if col.non_basic_variables | row.non_basic_variables == col.labels:
            x = row.to_strategy(col.non_basic_variables)
            y = col.to_strategy(row.non_basic_variables)
            m = (game.payoff_matrices[0].shape[0],)
            if x.shape != m and y.shape != m:  # nashpy's test, as it is
                warnings.warn("incorrect shapes of probability vectors", RuntimeWarning, 2)
            return [(x, y)]
    raise _PivotLimit(f"no equilibrium after {limit} pivots from label {label}")


def _nashpy_game(A: FloatArray, B: FloatArray) -> Any:
    """nashpy's game on payoffs moved to [1, 2]. nashpy is imported here, on first use: it
    takes most of a second to import and the batched solvers do not need it."""
    import nashpy

    return nashpy.Game(unit_range(A, (0, 1), 1.0), unit_range(B, (0, 1), 1.0))


def _one_action_candidates(A: FloatArray, B: FloatArray) -> list[Candidate]:
    """Every pure profile where the player with several actions best-responds."""
    m, n = A.shape
    best = B[0] >= B[0].max() if m == 1 else A[:, 0] >= A[:, 0].max()
    eye_m, eye_n = np.eye(m), np.eye(n)
    if m == 1:
        return [(eye_m[0], eye_n[j]) for j in np.flatnonzero(best)]
    return [(eye_m[i], eye_n[0]) for i in np.flatnonzero(best)]
