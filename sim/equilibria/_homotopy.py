"""Path-following along the principal branch of the logit QRE correspondence, many games at once.

The branch of a bimatrix game (A, B) is traced in log-odds coordinates: ``r_i = log(x_i / x_0)``
(i = 1 .. m - 1) for the row player, ``s_j = log(y_j / y_0)`` for the column player, and the
precision lambda. The logit QRE equations

    F(z, lambda) = (r - lambda DA y, s - lambda DB x) = 0,

with ``DA y`` the row player's payoff advantage of each action over action 0 and ``DB x`` the
column player's, define one curve through ``(0, 0)`` (uniform play at lambda = 0). Each game
is traced by a predictor-corrector method in ``(z, lambda)`` space, parametrised by arc
length (Allgower and Georg 1990; as Turocy 2005 and Gambit's ``logit`` solver do), so that a
branch that turns back in lambda is followed through the turn.

One step, for every game still tracing, with its own step length ``h``:

1. predictor: ``u + h t`` along the unit tangent ``t``;
2. corrector: Newton's method on ``F = 0`` restricted to the hyperplane orthogonal to ``t``
   (the system ``[J; t'] d = [-F; 0]``), until the correction is below
   :data:`CORRECTOR_TOL`. The step is rejected (``h`` halved) when the first correction
   exceeds :data:`MAX_DISTANCE`, a correction fails to contract by :data:`MAX_CONTRACTION`,
   the corrector needs more than :data:`MAX_CORRECTIONS` iterations, the new tangent
   turns by more than ``arccos(MIN_COSINE)``, or the branch's orientation (the sign of
   ``det [J; t']``) changes: a jump onto another branch passing close by, or a bifurcation
   point crossed, taken as the latter once the step is below :data:`BIFURCATION_STEP`;
3. the new tangent solves ``[J; t'] t_new = e`` (so that it keeps the orientation), and the
   step length adapts to how hard the corrector worked, growing by at most
   :data:`MAX_GROWTH` a step (Gambit's rule).

A game stops at the first point of its branch where lambda reaches its target: the predictor
aims at the target, a step that overshoots it by more than :data:`TARGET_TOL` is retried
shorter (secant rule on the arc length), and the point reached is then polished by Newton's
method at the target lambda exactly (:data:`POLISH_TOL`). A game whose step falls below
:data:`MIN_STEP`, or that takes more than :data:`MAX_STEPS` steps, stops where it is and is
reported as not converged. In symmetric games (:class:`Games` ``symmetric``) only the row
player's log-odds are unknowns: the branch is followed on the symmetric line. The details and
the checks: ``docs/qre.md``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

__all__ = ["POLISH_TOL", "Games", "trace"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

#: The arc length of every game's first step.
FIRST_STEP = 0.1
#: The most a step may lengthen from one step to the next.
MAX_GROWTH = 2.0
#: Largest first correction (Euclidean norm in (z, lambda)) of an accepted step.
MAX_DISTANCE = 0.4
#: Largest ratio of one correction to the one before it.
MAX_CONTRACTION = 0.6
#: A correction below this ends the corrector.
CORRECTOR_TOL = 1e-6
#: Most corrector iterations a step may take.
MAX_CORRECTIONS = 8
#: Smallest cosine between consecutive tangents of an accepted step.
MIN_COSINE = 0.8
#: A step that changes the branch's orientation is retried shorter until it is below this,
#: then taken: it crosses a bifurcation point (as in symmetric games).
BIFURCATION_STEP = 1e-3
#: A step shorter than this ends the trace, not converged.
MIN_STEP = 1e-10
#: Most accepted and rejected steps a trace may take.
MAX_STEPS = 5000
#: A point within this of the target lambda, relative to ``1 + target``, ends the trace.
TARGET_TOL = 1e-3
#: The polish at the target lambda stops when its correction (max norm) is below this, times
#: the largest log-odds (at least 1).
POLISH_TOL = 1e-12
#: Most polishing iterations.
MAX_POLISH = 20


@dataclass(frozen=True)
class Games:
    """G games of one shape (m, n) as the QRE equations read them.

    ``DA[g, i]`` is row ``i + 1`` of ``A[g]`` minus row 0 (shape (G, m - 1, n)); ``DB[g, j]``
    is column ``j + 1`` of ``B[g]`` minus column 0, as a row (shape (G, n - 1, m)). In
    ``symmetric`` games (``DB == DA``) the column player mirrors the row player, and only the
    row player's log-odds are unknowns: the branch is followed on the symmetric line.
    """

    DA: FloatArray
    DB: FloatArray
    symmetric: bool = False

    @classmethod
    def of(cls, A: FloatArray, B: FloatArray, symmetric: bool = False) -> Games:
        DA = A[:, 1:, :] - A[:, :1, :]
        if symmetric:
            return cls(DA, DA, True)
        return cls(DA, np.swapaxes(B[:, :, 1:] - B[:, :, :1], 1, 2))

    @property
    def m(self) -> int:
        return int(self.DA.shape[1]) + 1

    @property
    def size(self) -> int:
        """The number of unknowns besides lambda: ``m - 1`` if symmetric, else ``m + n - 2``."""
        rows, cols = int(self.DA.shape[1]), int(self.DB.shape[1])
        return rows if self.symmetric else rows + cols

    def take(self, games: IntArray) -> Games:
        return Games(self.DA[games], self.DB[games], self.symmetric)

    def strategies(self, z: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Both players' mixed strategies from the unknowns (log-odds against action 0)."""
        if self.symmetric:
            x = _softmax(z)
            return x, x
        return _softmax(z[:, : self.m - 1]), _softmax(z[:, self.m - 1 :])


def _softmax(odds: FloatArray) -> FloatArray:
    full = np.concatenate([np.zeros((odds.shape[0], 1)), odds], axis=1)
    e = np.exp(full - full.max(axis=1, keepdims=True))
    out: FloatArray = e / e.sum(axis=1, keepdims=True)
    return out


def _system(g: Games, z: FloatArray, lam: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``F`` (G, D) and its Jacobian ``[dF/dz, dF/dlambda]`` (G, D, D + 1) at ``(z, lam)``.

    With ``(DA y)_i`` each row action's payoff advantage over action 0,
    ``d(DA y)_i / d s_l = y_{l+1} (DA[i, l+1] - (DA y)_i)``, and the same for the column player.
    """
    k, d = g.m - 1, g.size
    x, y = g.strategies(z)
    ay = (g.DA @ y[:, :, None])[:, :, 0]
    J = np.zeros((len(lam), d, d + 1))
    J[:, np.arange(d), np.arange(d)] = 1.0
    if g.symmetric:
        J[:, :, :d] -= lam[:, None, None] * x[:, None, 1:] * (g.DA[:, :, 1:] - ay[:, :, None])
        J[:, :, d] = -ay
        return z - lam[:, None] * ay, J
    bx = (g.DB @ x[:, :, None])[:, :, 0]
    F = np.concatenate([z[:, :k] - lam[:, None] * ay, z[:, k:] - lam[:, None] * bx], axis=1)
    J[:, :k, k:d] = -lam[:, None, None] * y[:, None, 1:] * (g.DA[:, :, 1:] - ay[:, :, None])
    J[:, k:d, :k] = -lam[:, None, None] * x[:, None, 1:] * (g.DB[:, :, 1:] - bx[:, :, None])
    J[:, :k, d] = -ay
    J[:, k:d, d] = -bx
    return F, J


def _solve(M: FloatArray, rhs: FloatArray) -> FloatArray:
    """``M x = rhs`` for a stack of square systems, ``rhs`` (G, D) or (G, D, k); NaN where a
    system is singular."""
    if rhs.ndim == 2:
        return _solve(M, rhs[:, :, None])[:, :, 0]
    try:
        out: FloatArray = np.asarray(np.linalg.solve(M, rhs), dtype=np.float64)
        return out
    except np.linalg.LinAlgError:
        rows = np.full(rhs.shape, np.nan)
        for i in range(len(M)):
            if np.isfinite(M[i]).all():
                with contextlib.suppress(np.linalg.LinAlgError):
                    rows[i] = np.linalg.solve(M[i], rhs[i])
        return rows


def _bordered(J: FloatArray, t: FloatArray) -> FloatArray:
    return np.concatenate([J, t[:, None, :]], axis=1)


def _tangent(g: Games, u: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The unit tangent at the points ``u`` (G, D + 1), oriented like ``t``, and the sign of
    the determinant of the Jacobian bordered by it (the branch's orientation)."""
    _, J = _system(g, u[:, :-1], u[:, -1])
    M = _bordered(J, t)
    e = np.zeros_like(u)
    e[:, -1] = 1.0
    return _unit(_solve(M, e)), np.sign(np.linalg.det(M))


def _unit(tau: FloatArray) -> FloatArray:
    out: FloatArray = tau / np.linalg.norm(tau, axis=1, keepdims=True)
    return out


@dataclass
class _Corrected:
    """What the corrector gives for each game: the point ``u``, whether it converged
    (``ok``), how much to shorten the next step (``shrink``, >= 1 / MAX_GROWTH), the unit
    tangent there oriented like the previous one, and the branch's orientation there."""

    u: FloatArray
    ok: BoolArray
    shrink: FloatArray
    tangent: FloatArray
    sign: FloatArray


def _correct(g: Games, u: FloatArray, t: FloatArray) -> _Corrected:
    """Newton's corrector from the predicted points ``u``, orthogonally to ``t``. The tangent
    comes from the same bordered system as the last correction, ``[J; t'] tau = e`` (with
    ``det [J; tau'] = |tau|^2 det [J; t']``, the orientation is the sign of its determinant)."""
    G, d = u.shape
    ok, done = np.ones(G, dtype=bool), np.zeros(G, dtype=bool)
    shrink, previous = np.full(G, 1.0 / MAX_GROWTH), np.zeros(G)
    rhs = np.zeros((G, d, 2))
    rhs[:, -1, 1] = 1.0
    tau, last = np.zeros((G, d)), np.zeros((G, d, d))
    for k in range(MAX_CORRECTIONS):
        F, J = _system(g, u[:, :-1], u[:, -1])
        rhs[:, :-1, 0] = -F
        M = _bordered(J, t)
        both = _solve(M, rhs)
        step, dist = both[:, :, 0], np.linalg.norm(both[:, :, 0], axis=1)
        live = ok & ~done
        bad = ~(dist < MAX_DISTANCE)  # NaN too
        grow = np.sqrt(dist / MAX_DISTANCE)
        if k:
            ratio = dist / (previous + 0.1 * CORRECTOR_TOL)
            bad |= ratio > MAX_CONTRACTION
            grow = np.maximum(grow, np.sqrt(ratio / MAX_CONTRACTION))
        shrink = np.where(live, np.maximum(shrink, grow * MAX_GROWTH), shrink)
        ok &= ~(live & bad)
        moving = live & ~bad
        u = np.where(moving[:, None], u + step, u)
        arrived = moving & (dist <= CORRECTOR_TOL)
        tau = np.where(arrived[:, None], both[:, :, 1], tau)
        last = np.where(arrived[:, None, None], M, last)
        done |= arrived
        previous = dist
        if (done | ~ok).all():
            break
    sign = np.sign(np.linalg.det(last))
    return _Corrected(u, ok & done, np.minimum(shrink, MAX_GROWTH), _unit(tau), sign)


def _polish(g: Games, z: FloatArray, lam: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Newton's method at fixed lambda from ``z``: the points and whether each converged."""
    done = np.zeros(len(z), dtype=bool)
    for _ in range(MAX_POLISH):
        F, J = _system(g, z, lam)
        d = _solve(J[:, :, :-1], -F)
        step = np.abs(d).max(axis=1, initial=0.0)
        z = np.where((~done & np.isfinite(step))[:, None], z + d, z)
        done |= step <= POLISH_TOL * np.maximum(1.0, np.abs(z).max(axis=1, initial=0.0))
        if done.all():
            break
    return z, done & np.isfinite(z).all(axis=1)


@dataclass
class Traced:
    """Where each game's trace ended: ``z`` (G, D) at ``lam`` (G,), after ``steps`` accepted
    steps, with ``turns`` changes of direction in lambda and ``bifurcations`` bifurcation
    points crossed; ``converged`` where lambda reached
    its target and the point was polished; ``points`` the accepted points of each game, when
    recorded."""

    z: FloatArray
    lam: FloatArray
    steps: IntArray
    turns: IntArray
    bifurcations: IntArray
    converged: BoolArray
    points: list[list[FloatArray]] = field(default_factory=list)


@dataclass
class _State:
    """The games still tracing (indices ``games`` into the batch), compressed."""

    games: IntArray
    payoffs: Games
    u: FloatArray
    t: FloatArray
    h: FloatArray
    target: FloatArray
    sign: FloatArray
    longest: float

    def keep(self, mask: BoolArray) -> _State:
        return _State(
            self.games[mask],
            self.payoffs.take(np.flatnonzero(mask)),
            self.u[mask],
            self.t[mask],
            self.h[mask],
            self.target[mask],
            self.sign[mask],
            self.longest,
        )


def trace(
    payoffs: Games, target: FloatArray, record: bool = False, longest: float = np.inf
) -> Traced:
    """Every game's principal branch from lambda = 0 to the first point at ``target`` (G,),
    with steps no longer than ``longest`` (to record a branch with points close together)."""
    G, d = len(target), payoffs.size
    out = Traced(
        z=np.zeros((G, d)),
        lam=np.zeros(G),
        steps=np.zeros(G, dtype=np.intp),
        turns=np.zeros(G, dtype=np.intp),
        bifurcations=np.zeros(G, dtype=np.intp),
        converged=target <= 0,
        points=[[np.zeros(d + 1)] for _ in range(G)] if record else [],
    )
    start = np.flatnonzero(target > 0)
    if d == 0 or not start.size:
        out.converged[:] = True
        return out
    u = np.zeros((start.size, d + 1))
    t = np.zeros_like(u)
    t[:, -1] = 1.0
    sub = payoffs.take(start)
    t, sign = _tangent(sub, u, t)
    h = np.full(start.size, min(FIRST_STEP, longest))
    state = _State(start, sub, u, t, h, target[start], sign, longest)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for _ in range(MAX_STEPS):
            state = _step(state, out, record)
            if not state.games.size:
                break
        out.z[state.games], out.lam[state.games] = state.u[:, :-1], state.u[:, -1]
    return out


def _step(s: _State, out: Traced, record: bool) -> _State:
    """One predictor-corrector step of every game still tracing; the games that go on."""
    c = _correct(s.payoffs, s.u + s.h[:, None] * s.t, s.t)
    u, shrink, t, sign = c.u, c.shrink, c.tangent, c.sign
    ok = c.ok & np.isfinite(t).all(axis=1) & ((t * s.t).sum(axis=1) >= MIN_COSINE)
    # a change of orientation is a jump to another branch, or a bifurcation point crossed:
    # retried with shorter steps until the step is below BIFURCATION_STEP, then crossed
    flipped = ok & (sign != s.sign)
    ok &= ~flipped | (s.h <= BIFURCATION_STEP)
    window = TARGET_TOL * (1.0 + s.target)
    lam, before = u[:, -1], s.u[:, -1]
    over = ok & (lam > s.target + window)
    # overshot: retry from the same point with the arc length that reaches the target (secant)
    secant = s.h * (s.target - before) / np.where(over, lam - before, 1.0)
    h = np.where(over, secant, np.where(ok, s.h / shrink, s.h / 2.0))
    ok &= ~over
    out.steps[s.games] += ok
    out.turns[s.games] += ok & (np.sign(t[:, -1]) != np.sign(s.t[:, -1]))
    out.bifurcations[s.games] += ok & flipped
    if record:
        for i in np.flatnonzero(ok).tolist():
            out.points[int(s.games[i])].append(u[i].copy())
    s.u, s.t = np.where(ok[:, None], u, s.u), np.where(ok[:, None], t, s.t)
    s.sign = np.where(ok, sign, s.sign)
    return _advance(s, h, ok & (np.abs(lam - s.target) <= window), out, record)


def _advance(s: _State, h: FloatArray, arrived: BoolArray, out: Traced, record: bool) -> _State:
    """The next step lengths (aimed at the target, no further); the games that ``arrived``
    polished, those whose step fell below :data:`MIN_STEP` stopped; the games that go on."""
    ahead = np.where(s.t[:, -1] > 0, (s.target - s.u[:, -1]) / s.t[:, -1], np.inf)
    s.h = np.minimum(np.minimum(h, s.longest), np.where(ahead > 0, ahead, np.inf))
    stuck = ~arrived & ~(s.h >= MIN_STEP)
    if arrived.any():
        _finish(s, arrived, out, record)
    if stuck.any():
        gone = s.games[stuck]
        out.z[gone], out.lam[gone] = s.u[stuck, :-1], s.u[stuck, -1]
    return s.keep(~(arrived | stuck)) if (arrived | stuck).any() else s


def _finish(s: _State, arrived: BoolArray, out: Traced, record: bool) -> None:
    """Polish the games that ``arrived`` at their target lambda, and record them."""
    which = np.flatnonzero(arrived)
    games, lam = s.games[which], s.target[which]
    z, ok = _polish(s.payoffs.take(which), s.u[which, :-1], lam)
    out.z[games], out.lam[games], out.converged[games] = z, lam, ok
    if record:
        for g, point in zip(games.tolist(), np.column_stack([z, lam]), strict=True):
            out.points[g][-1] = point
