"""Static analysis of a bimatrix stage game, before any equilibrium is selected.

Pure equilibria, strict dominance (by pure and by mixed strategies) and its iterated
elimination (:mod:`._dominance`), Pareto-efficient pure profiles, security (maxmin) levels,
the Nash bargaining point over the pure outcomes and over their convex hull, and risk
dominance in 2x2 games.
Everything is plain data; :meth:`StaticAnalysis.to_dict` is JSON-serialisable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.equilibria._arrays import unit_range
from sim.equilibria._dominance import Elimination, dominated_actions, iterated_elimination
from sim.equilibria._types import BEST_RESPONSE_TOL, GameError, clean_strategy, validate_game

__all__ = [
    "Bargaining",
    "PlayerAnalysis",
    "StaticAnalysis",
    "analyse",
    "deviation_loss_products",
    "maxmin",
    "nash_bargaining_hull",
    "nash_bargaining_pure",
    "pareto_efficient_profiles",
    "pure_equilibria",
    "risk_dominant_equilibrium",
    "strict_pure_equilibria",
]

FloatArray = NDArray[np.float64]
Profile = tuple[int, int]
Lottery = tuple[tuple[Profile, float], ...]

#: A pure profile within this (payoff units) of the Nash bargaining point is the whole lottery.
LOTTERY_TOL = 1e-9


@dataclass(frozen=True)
class PlayerAnalysis:
    """One player's strategic position.

    Attributes
    ----------
    dominated_by_pure:
        Actions strictly dominated by another of the player's actions.
    dominated_by_mixed:
        Actions strictly dominated by some mixed strategy (a superset of the above).
    surviving:
        Actions left after iterated elimination of strictly dominated strategies.
    maxmin_value, maxmin_strategy:
        The security level and a mixed strategy that guarantees it (one of possibly many).
    """

    dominated_by_pure: tuple[int, ...]
    dominated_by_mixed: tuple[int, ...]
    surviving: tuple[int, ...]
    maxmin_value: float
    maxmin_strategy: tuple[float, ...]


@dataclass(frozen=True)
class Bargaining:
    """The Nash bargaining point relative to a disagreement point.

    Attributes
    ----------
    disagreement:
        The disagreement payoffs (d1, d2).
    pure_profile, pure_payoffs:
        The pure profile maximising (u1 - d1)(u2 - d2) among those giving both players at
        least d; ``None`` when no pure profile does.
    hull_payoffs, hull_lottery:
        The maximiser over the convex hull of the pure payoff pairs (outcomes reachable by a
        jointly randomised agreement), and the lottery over at most two pure profiles that
        reaches it; ``None`` and ``()`` when no point gives both players strictly more than d.
    """

    disagreement: tuple[float, float]
    pure_profile: Profile | None
    pure_payoffs: tuple[float, float] | None
    hull_payoffs: tuple[float, float] | None
    hull_lottery: Lottery


@dataclass(frozen=True)
class StaticAnalysis:
    """Everything :func:`analyse` finds about a bimatrix game; indices are 0-based.

    Attributes
    ----------
    shape:
        (number of row actions, number of column actions).
    pure_equilibria, strict_pure_equilibria:
        Pure Nash equilibria ``(i, j)`` in row-major order, and those where both actions are
        the unique best response.
    row, col:
        Each player's :class:`PlayerAnalysis`.
    eliminations:
        The iterated elimination as ``(round, player, action)``, player ``"row"``/``"col"``;
        each round removes every action then strictly dominated (by a mixed strategy).
    pareto_efficient:
        Pure profiles whose payoff pair no other pure profile Pareto-dominates.
    bargaining:
        The Nash bargaining point (:class:`Bargaining`).
    risk_dominant:
        In a 2x2 game with two strict pure equilibria, the one with the larger product of
        deviation losses (Harsanyi and Selten 1988); otherwise, or on a tie, ``None``.
    """

    shape: tuple[int, int]
    pure_equilibria: tuple[Profile, ...]
    strict_pure_equilibria: tuple[Profile, ...]
    row: PlayerAnalysis
    col: PlayerAnalysis
    eliminations: tuple[tuple[int, str, int], ...]
    pareto_efficient: tuple[Profile, ...]
    bargaining: Bargaining
    risk_dominant: Profile | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dicts, lists, numbers, strings, ``None``) for JSON."""
        return _plain(asdict(self))  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    """Tuples as lists, recursively, so the dict round-trips through JSON unchanged."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def analyse(
    A: ArrayLike,
    B: ArrayLike,
    disagreement: tuple[float, float] | None = None,
    tol: float = BEST_RESPONSE_TOL,
) -> StaticAnalysis:
    """The static analysis of the bimatrix game (A, B).

    Parameters
    ----------
    A, B:
        Row and column players' payoff matrices, shape (m, n).
    disagreement:
        The bargaining disagreement point; default: the two maxmin values.
    tol:
        Payoff differences up to ``tol`` count as ties (no strict dominance, no strictness).
    """
    a, b = validate_game(A, B)
    elimination = iterated_elimination(a, b, tol)
    row = _player(a, "row", elimination, tol)
    col = _player(b.T, "col", elimination, tol)
    d = (row.maxmin_value, col.maxmin_value) if disagreement is None else disagreement
    return StaticAnalysis(
        shape=(a.shape[0], a.shape[1]),
        pure_equilibria=pure_equilibria(a, b, tol),
        strict_pure_equilibria=strict_pure_equilibria(a, b, tol),
        row=row,
        col=col,
        eliminations=elimination[2],
        pareto_efficient=pareto_efficient_profiles(a, b, tol),
        bargaining=_bargaining(a, b, (float(d[0]), float(d[1])), tol),
        risk_dominant=risk_dominant_equilibrium(a, b, tol),
    )


def _player(M: FloatArray, name: str, elimination: Elimination, tol: float) -> PlayerAnalysis:
    """One player's analysis from ``M``, their payoffs with their own actions as rows.

    The actions dominated in the full game are those the first elimination round removed.
    """
    rows, cols, order = elimination
    value, strategy = maxmin(M)
    return PlayerAnalysis(
        dominated_by_pure=dominated_actions(M, mixed=False, tol=tol),
        dominated_by_mixed=tuple(k for r, who, k in order if r == 1 and who == name),
        surviving=rows if name == "row" else cols,
        maxmin_value=value,
        maxmin_strategy=tuple(float(p) for p in strategy),
    )


def _bargaining(A: FloatArray, B: FloatArray, d: tuple[float, float], tol: float) -> Bargaining:
    pure = nash_bargaining_pure(A, B, d, tol)
    hull = nash_bargaining_hull(A, B, d, tol)
    return Bargaining(
        disagreement=d,
        pure_profile=pure,
        pure_payoffs=None if pure is None else (float(A[pure]), float(B[pure])),
        hull_payoffs=None if hull is None else hull[0],
        hull_lottery=() if hull is None else hull[1],
    )


def _unit_game(A: ArrayLike, B: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """The game, checked, with each player's payoffs mapped onto [0, 1]."""
    a, b = validate_game(A, B)
    return unit_range(a, (0, 1), 0.0), unit_range(b, (0, 1), 0.0)


def pure_equilibria(
    A: ArrayLike, B: ArrayLike, tol: float = BEST_RESPONSE_TOL
) -> tuple[Profile, ...]:
    """Pure profiles where each action is a best response (within ``tol`` times the player's
    payoff range), row-major."""
    a, b = _unit_game(A, B)
    row_best = a >= a.max(axis=0, keepdims=True) - tol
    col_best = b >= b.max(axis=1, keepdims=True) - tol
    return tuple((int(i), int(j)) for i, j in np.argwhere(row_best & col_best))


def strict_pure_equilibria(
    A: ArrayLike, B: ArrayLike, tol: float = BEST_RESPONSE_TOL
) -> tuple[Profile, ...]:
    """Pure equilibria where every deviation loses more than ``tol`` times the deviating
    player's payoff range, row-major."""
    a, b = _unit_game(A, B)
    strict = []
    for i, j in pure_equilibria(a, b, tol):
        row_others = np.delete(a[:, j], i)
        col_others = np.delete(b[i], j)
        if np.all(a[i, j] - row_others > tol) and np.all(b[i, j] - col_others > tol):
            strict.append((i, j))
    return tuple(strict)


def pareto_efficient_profiles(
    A: ArrayLike, B: ArrayLike, tol: float = BEST_RESPONSE_TOL
) -> tuple[Profile, ...]:
    """Pure profiles no other pure profile Pareto-dominates (by more than ``tol`` times each
    player's payoff range), row-major."""
    a, b = _unit_game(A, B)
    u = np.column_stack([a.ravel(), b.ravel()])
    at_least = np.all(u[:, None, :] >= u[None, :, :] - tol, axis=2)
    better = np.any(u[:, None, :] > u[None, :, :] + tol, axis=2)
    dominated = np.any(at_least & better, axis=0)
    n = a.shape[1]
    return tuple((int(k // n), int(k % n)) for k in np.flatnonzero(~dominated))


def maxmin(M: ArrayLike) -> tuple[float, FloatArray]:
    """A player's security level and a mixed strategy guaranteeing it.

    Parameters
    ----------
    M:
        The player's payoffs with their own actions as rows (``A`` for the row player,
        ``B.T`` for the column player).

    Returns
    -------
    tuple
        ``max_x min_j (x'M)_j`` and a maximising x (the linear programme's vertex; the
        maximiser need not be unique). The programme is solved on the payoffs mapped onto
        [0, 1] (HiGHS rejects payoffs near 1e9), the value computed on ``M``.
    """
    m = np.asarray(M, dtype=np.float64)
    r, n = m.shape
    from scipy.optimize import linprog

    result = linprog(
        c=np.append(np.zeros(r), -1.0),
        A_ub=np.hstack([-unit_range(m, (0, 1), 0.0).T, np.ones((n, 1))]),
        b_ub=np.zeros(n),
        A_eq=np.append(np.ones(r), 0.0)[None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * r + [(None, None)],
        method="highs",
    )
    strategy = clean_strategy(result.x[:r], r) if result.status == 0 else None
    if strategy is None:
        raise GameError(f"maxmin linear programme failed: {result.message}")
    return float((strategy @ m).min()), strategy


def nash_bargaining_pure(
    A: ArrayLike, B: ArrayLike, disagreement: tuple[float, float], tol: float = BEST_RESPONSE_TOL
) -> Profile | None:
    """The pure profile maximising (u1 - d1)(u2 - d2) among those with both gains >= 0.

    Ties (within ``tol``) go to the larger sum of gains, then to the first profile in
    row-major order; ``None`` when no profile gives both players at least d.
    """
    a, b = validate_game(A, B)
    g1, g2 = (a - disagreement[0]).ravel(), (b - disagreement[1]).ravel()
    feasible = np.flatnonzero((g1 >= -tol) & (g2 >= -tol))
    if not feasible.size:
        return None
    product = np.clip(g1, 0, None) * np.clip(g2, 0, None)
    best = feasible[product[feasible] >= product[feasible].max() - tol]
    k = int(best[np.argmax(g1[best] + g2[best] > (g1[best] + g2[best]).max() - tol)])
    return k // a.shape[1], k % a.shape[1]


def nash_bargaining_hull(
    A: ArrayLike, B: ArrayLike, disagreement: tuple[float, float], tol: float = BEST_RESPONSE_TOL
) -> tuple[tuple[float, float], Lottery] | None:
    """The Nash bargaining point over the convex hull of the pure payoff pairs.

    The maximiser of (u1 - d1)(u2 - d2) lies on the hull's Pareto frontier, a chain of
    segments with negative slope; on each segment the product is a concave quadratic in the
    position t, maximised in closed form and clipped to the part of the segment where both
    gains are >= 0.

    Returns
    -------
    tuple or None
        The payoff pair and a lottery over at most two pure profiles reaching it (a single
        profile when one pays exactly the point, the first in row-major order); ``None``
        when the largest Nash product is at most ``tol**2`` (no point of the hull gives both
        players materially more than d).
    """
    a, b = validate_game(A, B)
    d = np.asarray(disagreement, dtype=np.float64)
    frontier = _pareto_frontier(np.column_stack([a.ravel(), b.ravel()]))
    segments = list(pairwise(frontier)) or [(frontier[0], frontier[0])]
    best: tuple[float, FloatArray, FloatArray, float] | None = None
    for p, q in segments:
        t = _best_position(p - d, q - p)
        if t is None:
            continue
        gain = p - d + t * (q - p)
        if best is None or gain[0] * gain[1] > best[0]:
            best = (float(gain[0] * gain[1]), p, q, t)
    if best is None or best[0] <= tol**2:
        return None
    _, p, q, t = best
    point = p + t * (q - p)
    return (float(point[0]), float(point[1])), _lottery(a, b, p, q, t)


def _pareto_frontier(points: FloatArray) -> FloatArray:
    """Vertices of the Pareto frontier of conv(points), by increasing u1 (decreasing u2).

    Andrew's monotone chain gives the upper hull from left to right; the frontier is its
    part from the (rightmost) highest point to the end.
    """
    pts = np.unique(points, axis=0)  # sorted by u1, then u2
    upper: list[FloatArray] = []
    for p in pts[::-1]:
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    chain = np.array(upper[::-1])
    top = np.flatnonzero(chain[:, 1] == chain[:, 1].max())[-1]
    return np.asarray(chain[top:])


def _cross(o: FloatArray, p: FloatArray, q: FloatArray) -> float:
    return float((p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0]))


def _best_position(g: FloatArray, delta: FloatArray) -> float | None:
    """argmax over t in [0, 1] of (g1 + t D1)(g2 + t D2) where both factors are >= 0.

    ``g`` is the gain at the segment's start and ``delta`` the step to its end (D1 > 0 >= D2,
    or zero for a one-point frontier); ``None`` when no such t exists.
    """
    lo, hi = 0.0, 1.0
    if delta[0] > 0:
        lo = max(lo, -g[0] / delta[0])
    elif g[0] < 0:
        return None
    if delta[1] < 0:
        hi = min(hi, g[1] / -delta[1])
    elif g[1] < 0:
        return None
    if lo > hi:
        return None
    curvature = 2 * delta[0] * delta[1]
    t = -(delta[0] * g[1] + delta[1] * g[0]) / curvature if curvature < 0 else hi
    return float(np.clip(t, lo, hi))


def _lottery(A: FloatArray, B: FloatArray, p: FloatArray, q: FloatArray, t: float) -> Lottery:
    """A pure profile paying ``p + t (q - p)`` if there is one, else p and q weighted 1 - t, t."""
    point = p + t * (q - p)
    exact = np.argwhere(
        np.isclose(A, point[0], rtol=0.0, atol=LOTTERY_TOL)
        & np.isclose(B, point[1], rtol=0.0, atol=LOTTERY_TOL)
    )
    if exact.size:
        return (((int(exact[0][0]), int(exact[0][1])), 1.0),)
    return ((_profile_with(A, B, p), 1.0 - t), (_profile_with(A, B, q), t))


def _profile_with(A: FloatArray, B: FloatArray, u: FloatArray) -> Profile:
    """The first pure profile (row-major) whose payoff pair is exactly ``u``."""
    i, j = np.argwhere(np.equal(A, u[0]) & np.equal(B, u[1]))[0]
    return int(i), int(j)


def deviation_loss_products(
    A: ArrayLike, B: ArrayLike, tol: float = BEST_RESPONSE_TOL
) -> dict[Profile, float]:
    """In a 2x2 game, each strict pure equilibrium's product of the two deviation losses.

    At (i, j) the row player loses A[i, j] - A[1 - i, j] by deviating and the column player
    B[i, j] - B[i, 1 - j]. Empty for games that are not 2x2.
    """
    a, b = validate_game(A, B)
    if a.shape != (2, 2):
        return {}
    return {
        (i, j): float((a[i, j] - a[1 - i, j]) * (b[i, j] - b[i, 1 - j]))
        for i, j in strict_pure_equilibria(a, b, tol)
    }


def risk_dominant_equilibrium(
    A: ArrayLike, B: ArrayLike, tol: float = BEST_RESPONSE_TOL
) -> Profile | None:
    """The risk-dominant equilibrium of a 2x2 game (Harsanyi and Selten 1988), if any.

    Defined when the game has two strict pure equilibria: the one whose product of
    deviation losses is larger. ``None`` otherwise, or when the products tie within ``tol``
    (on each player's payoffs mapped onto [0, 1]).
    """
    products = deviation_loss_products(*_unit_game(A, B), tol)
    if len(products) != 2:
        return None
    (p, x), (q, y) = products.items()
    if abs(x - y) <= tol:
        return None
    return p if x > y else q
