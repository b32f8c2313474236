"""Equilibria of bimatrix stage games: the result types and the solver interface.

Every solver, per game (nashpy) or batched (:mod:`sim.batched`), returns an
:class:`EquilibriumSet` whose equilibria have been checked to be mutual best responses.

:func:`solve` runs one of nashpy's three algorithms, verifies every candidate it returns,
cleans and merges them, records nashpy's warnings and failures as flags (never as text on
stderr) and marks degenerate games (:func:`is_degenerate`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations, product
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.errors import SimError

__all__ = [
    "BEST_RESPONSE_TOL",
    "DEGENERACY_TOL",
    "DUPLICATE_TOL",
    "METHODS",
    "PROBABILITY_TOL",
    "Equilibrium",
    "EquilibriumSet",
    "GameError",
    "best_response_gap",
    "clean_strategy",
    "is_degenerate",
    "is_equilibrium",
    "solve",
    "validate_game",
]

#: Largest gain, in payoff units, a deviation may bring before a profile is not an equilibrium.
BEST_RESPONSE_TOL = 1e-7

#: Probabilities within this of 0 are set to 0; a more negative one makes a candidate invalid.
PROBABILITY_TOL = 1e-9

#: Two equilibria whose probabilities all differ by at most this are the same equilibrium.
DUPLICATE_TOL = 1e-6

#: Slack, relative to the payoff range, under which a best-response constraint counts as tight.
DEGENERACY_TOL = 1e-9

#: The algorithms :func:`solve` knows, in the order it falls back on them.
METHODS = ("support_enumeration", "vertex_enumeration", "lemke_howson")

#: Names for the warnings nashpy and numpy raise while solving, keyed by message text.
_KNOWN_WARNINGS = {
    "even number": "even_number_of_equilibria",
    "incorrect shapes": "incorrect_shapes",
    "divide by zero": "divide_by_zero",
    "invalid value": "invalid_value",
    "overflow": "overflow",
}

FloatArray = NDArray[np.float64]
Candidate = tuple[Any, Any]


class GameError(SimError, ValueError):
    """A payoff matrix pair, method or selection request that cannot be solved."""


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """One (possibly mixed) Nash equilibrium of a bimatrix game.

    Attributes
    ----------
    row, col:
        The row and column players' mixed strategies (non-negative, summing to 1).
    row_payoff, col_payoff:
        Each player's expected payoff under the profile.
    """

    row: FloatArray
    col: FloatArray
    row_payoff: float
    col_payoff: float

    @property
    def pure(self) -> bool:
        """Whether both strategies put all weight on one action."""
        return bool(np.isclose(self.row.max(), 1.0) and np.isclose(self.col.max(), 1.0))

    @property
    def profile(self) -> tuple[int, int] | None:
        """The pure profile ``(i, j)`` when the equilibrium is pure, else ``None``."""
        if not self.pure:
            return None
        return int(np.argmax(self.row)), int(np.argmax(self.col))

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable data."""
        return {
            "row": self.row.tolist(),
            "col": self.col.tolist(),
            "row_payoff": self.row_payoff,
            "col_payoff": self.col_payoff,
        }


@dataclass(frozen=True)
class EquilibriumSet:
    """All equilibria a method found for one game, verified and without duplicates.

    Attributes
    ----------
    equilibria:
        In the order the method found them.
    method:
        The method's name (``support_enumeration``, ``vertex_enumeration``, ``lemke_howson``).
    degenerate:
        True when the game is degenerate (some mixed strategy with support of size k has more
        than k pure best responses); the set may then be incomplete or contain a continuum's
        extreme points.
    flags:
        Further notes as data, e.g. ``("lemke_howson_failed_label_3",)``.
    """

    equilibria: tuple[Equilibrium, ...]
    method: str
    degenerate: bool = False
    flags: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.equilibria)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable data."""
        return {
            "equilibria": [e.to_dict() for e in self.equilibria],
            "method": self.method,
            "degenerate": self.degenerate,
            "flags": list(self.flags),
        }


def validate_game(A: ArrayLike, B: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Both payoff matrices as float arrays, after checking they form a bimatrix game.

    Raises
    ------
    GameError
        If either is not a non-empty 2-D array, the shapes differ or an entry is not finite.
    """
    a = np.asarray(A, dtype=np.float64)
    b = np.asarray(B, dtype=np.float64)
    for name, m in (("A", a), ("B", b)):
        if m.ndim != 2 or m.size == 0:
            raise GameError(f"payoff matrix {name} must be a non-empty 2-D array (got {m.shape})")
        if not np.all(np.isfinite(m)):
            raise GameError(f"payoff matrix {name} has non-finite entries")
    if a.shape != b.shape:
        raise GameError(f"payoff matrices differ in shape: A is {a.shape}, B is {b.shape}")
    return a, b


def best_response_gap(A: ArrayLike, B: ArrayLike, row: ArrayLike, col: ArrayLike) -> float:
    """The larger of the two players' best gains from deviating from ``(row, col)``.

    Returns
    -------
    float
        ``max(max_i (A y)_i - x'Ay, max_j (B'x)_j - x'By)``; 0 at an exact equilibrium.
    """
    a, b = validate_game(A, B)
    return _gap(a, b, np.asarray(row, dtype=np.float64), np.asarray(col, dtype=np.float64))


def is_equilibrium(
    A: ArrayLike, B: ArrayLike, row: ArrayLike, col: ArrayLike, tol: float = BEST_RESPONSE_TOL
) -> bool:
    """Whether ``(row, col)`` is a pair of mixed strategies that are mutual best responses.

    Each strategy must have the right length, be finite, non-negative and sum to 1 (within
    ``tol``), and no player may gain more than ``tol`` by deviating.
    """
    a, b = validate_game(A, B)
    x = np.asarray(row, dtype=np.float64)
    y = np.asarray(col, dtype=np.float64)
    return _is_equilibrium(a, b, x, y, tol)


def _is_equilibrium(A: FloatArray, B: FloatArray, x: FloatArray, y: FloatArray, tol: float) -> bool:
    """:func:`is_equilibrium` for arrays already validated."""
    if not (_is_distribution(x, A.shape[0], tol) and _is_distribution(y, A.shape[1], tol)):
        return False
    return _gap(A, B, x, y) <= tol


def _gap(A: FloatArray, B: FloatArray, x: FloatArray, y: FloatArray) -> float:
    row_values = A @ y
    col_values = x @ B
    return float(max(row_values.max() - x @ row_values, col_values.max() - col_values @ y))


def _is_distribution(p: FloatArray, size: int, tol: float) -> bool:
    if p.shape != (size,) or not np.all(np.isfinite(p)):
        return False
    return bool(p.min() >= -tol and abs(p.sum() - 1.0) <= tol)


def clean_strategy(p: ArrayLike, size: int) -> FloatArray | None:
    """A candidate strategy with round-off removed, or ``None`` when it is no strategy.

    Entries within :data:`PROBABILITY_TOL` of 0 become 0 and the rest are renormalised.
    ``None`` for the wrong length, non-finite or clearly negative entries, or zero mass.
    """
    x = np.asarray(p, dtype=np.float64)
    if x.shape != (size,) or not np.all(np.isfinite(x)) or x.min() < -PROBABILITY_TOL:
        return None
    x = np.where(x <= PROBABILITY_TOL, 0.0, x)
    total = x.sum()
    return x / total if total > 0 else None


def is_degenerate(A: ArrayLike, B: ArrayLike, tol: float = DEGENERACY_TOL) -> bool:
    """Whether some mixed strategy with support of size k has more than k pure best responses.

    The check is exact (up to ``tol``), through the best-response polytopes (von Stengel
    2002): after shifting the responder's payoffs M to [1, 2], a mixed strategy x of support
    size k with r best responses scales to a point of P = {z >= 0, M z <= 1} on
    (m - k) + r facets, and conversely. So the game is degenerate exactly when P has a
    point, hence a vertex, on more facets than its dimension. Every vertex is found by
    solving each square subsystem of the constraints; the work grows as C(m + n, m).
    """
    a, b = validate_game(A, B)
    return _overtight_vertex(b.T, tol) or _overtight_vertex(a, tol)


def _to_unit_range(M: FloatArray) -> FloatArray:
    """M moved to [1, 2] by a positive affine map, which leaves best responses unchanged."""
    span = float(M.max() - M.min())
    return np.asarray((M - M.min()) / (span if span > 0 else 1.0) + 1.0)


def _overtight_vertex(M: FloatArray, tol: float) -> bool:
    """Whether {z >= 0, M' z <= 1} (M' = M shifted to [1, 2]) has a vertex on too many facets.

    ``M[j, i]`` is the responder's payoff from response j against the mixer's action i.
    """
    responses, dim = M.shape
    H = np.vstack([-np.eye(dim), _to_unit_range(M)])
    h = np.concatenate([np.zeros(dim), np.ones(responses)])
    subsets = np.array(list(combinations(range(dim + responses), dim)))
    mats, rhs = H[subsets], h[subsets]
    singular = np.linalg.svd(mats, compute_uv=False)
    regular = singular[:, -1] > tol * singular[:, 0]
    vertices = np.linalg.solve(mats[regular], rhs[regular][..., None])[..., 0]
    slack = h[None, :] - vertices @ H.T
    feasible = slack.min(axis=1) >= -tol
    tight = np.count_nonzero(np.abs(slack) <= tol, axis=1)
    return bool(np.any(feasible & (tight > dim)))


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
        Largest deviation gain a returned equilibrium may allow (:func:`is_equilibrium`).

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
        raise GameError(f"unknown equilibrium method {method!r}; expected one of {METHODS}")
    a, b = validate_game(A, B)
    equilibria, flags = _verified(a, b, method, tol)
    for fallback in (m for m in METHODS if m != method):
        if equilibria:
            break
        equilibria, more = _verified(a, b, fallback, tol)
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
    A: FloatArray, B: FloatArray, method: str, tol: float
) -> tuple[list[Equilibrium], list[str]]:
    """One method's candidates, checked, cleaned and merged, with the flags they raised."""
    candidates, flags = _CANDIDATES[method](A, B, tol)
    equilibria: list[Equilibrium] = []
    dropped = 0
    for row, col in candidates:
        eq = _checked(A, B, row, col, tol)
        if eq is None:
            dropped += 1
        elif not any(_same(eq, seen) for seen in equilibria):
            equilibria.append(eq)
    if dropped:
        flags.append(f"dropped_{dropped}_non_equilibria")
    return equilibria, flags


def _checked(A: FloatArray, B: FloatArray, row: Any, col: Any, tol: float) -> Equilibrium | None:
    """The candidate as an :class:`Equilibrium`, or ``None`` if it is not one within ``tol``."""
    x = clean_strategy(row, A.shape[0])
    y = clean_strategy(col, A.shape[1])
    if x is None or y is None or not _is_equilibrium(A, B, x, y, tol):
        return None
    return Equilibrium(row=x, col=y, row_payoff=float(x @ A @ y), col_payoff=float(x @ B @ y))


def _same(e: Equilibrium, f: Equilibrium) -> bool:
    return bool(
        np.abs(e.row - f.row).max() <= DUPLICATE_TOL
        and np.abs(e.col - f.col).max() <= DUPLICATE_TOL
    )


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


def _support_enumeration(
    A: FloatArray, B: FloatArray, tol: float
) -> tuple[list[Candidate], list[str]]:
    """Support enumeration (Nisan et al. 2007, Algorithm 3.4) over supports of equal size.

    Not nashpy's: nashpy 0.0.43 rejects a support when a probability it solved for comes out
    as a round-off negative (-1e-17 on an action forced to 0) and compares payoffs with
    ``==``, so on random 2x2..4x4 float games it misses an equilibrium in about one game in
    seven. Here each indifference system is solved on the support alone and the result is
    kept when it is an equilibrium within ``tol``. Like nashpy's, it only finds equilibria
    whose supports have equal sizes, which are all of them in a non-degenerate game.
    """
    (m, n), candidates = A.shape, []
    for k in range(1, min(m, n) + 1):
        for rows, cols in product(combinations(range(m), k), combinations(range(n), k)):
            sr, sc = list(rows), list(cols)
            y = _indifference(A[sr][:, sc])
            x = _indifference(B[sr][:, sc].T) if y is not None else None
            if x is None or y is None:
                continue
            row, col = np.zeros(m), np.zeros(n)
            row[sr], col[sc] = x, y
            if _is_equilibrium(A, B, row, col, tol):
                candidates.append((row, col))
    return candidates, []


def _indifference(M: FloatArray) -> FloatArray | None:
    """Opponent probabilities making a player indifferent among the rows of the square M.

    ``M[i, j]`` is the player's payoff from action i against the opponent's action j;
    ``None`` when the system is singular or the solution is not a distribution.
    """
    k = M.shape[0]
    system = np.zeros((k + 1, k + 1))
    system[:k, :k], system[:k, k], system[k, :k] = M, -1.0, 1.0
    target = np.zeros(k + 1)
    target[k] = 1.0
    try:
        p = np.linalg.solve(system, target)[:k]
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(p)) or p.min() < -PROBABILITY_TOL:
        return None
    return p


def _vertex_enumeration(
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


def _nashpy_game(A: FloatArray, B: FloatArray) -> Any:
    """nashpy's game on payoffs moved to [1, 2]. nashpy is imported here, on first use: it
    takes most of a second to import and the batched solvers do not need it."""
    import nashpy

    return nashpy.Game(_to_unit_range(A), _to_unit_range(B))


def _one_action_candidates(A: FloatArray, B: FloatArray) -> list[Candidate]:
    """Every pure profile where the player with several actions best-responds."""
    m, n = A.shape
    best = B[0] >= B[0].max() if m == 1 else A[:, 0] >= A[:, 0].max()
    eye_m, eye_n = np.eye(m), np.eye(n)
    if m == 1:
        return [(eye_m[0], eye_n[j]) for j in np.flatnonzero(best)]
    return [(eye_m[i], eye_n[0]) for i in np.flatnonzero(best)]


def _lemke_howson(A: FloatArray, B: FloatArray, tol: float) -> tuple[list[Candidate], list[str]]:
    """Lemke-Howson from every initial dropped label; a failing label is flagged.

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
        flags += [f.replace("failed", f"failed_label_{label}") for f in raised]
    return candidates, flags


def _lemke_howson_path(game: Any, label: int) -> list[Candidate]:
    return [game.lemke_howson(initial_dropped_label=label)]


_CANDIDATES: dict[
    str, Callable[[FloatArray, FloatArray, float], tuple[list[Candidate], list[str]]]
] = {
    "support_enumeration": _support_enumeration,
    "vertex_enumeration": _vertex_enumeration,
    "lemke_howson": _lemke_howson,
}
