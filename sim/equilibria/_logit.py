"""Logit quantal response equilibrium (McKelvey and Palfrey 1995) of bimatrix games.

At precision ``lambda`` each player plays every action with a probability proportional to
``exp(lambda * payoff)`` against the other's strategy:

    x_i = exp(lambda (A y)_i) / sum_k exp(lambda (A y)_k),
    y_j = exp(lambda (B' x)_j) / sum_k exp(lambda (B' x)_k).

lambda = 0 is uniform play; as lambda grows the players respond ever more precisely. The QRE
returned is the one on the **principal branch**, the curve of solutions that starts at uniform
play at lambda = 0, followed by arc-length path-following (:mod:`._homotopy`) to the first
point where lambda reaches the precision asked for. lambda multiplies payoffs in the units
they are given in: it is not scale-free (doubling every payoff is doubling lambda).

:func:`logit_qre` solves one game, :func:`logit_qre_arrays` a stack of games of one shape
(vectorised: every game takes its own steps), :func:`logit_branch` records the branch, and
:func:`logit_limit` follows it to a large precision relative to each game's payoffs, where it
is within :data:`LIMIT_TOL` of the Nash equilibrium it converges to.

>>> from sim.equilibria import logit_qre
>>> q = logit_qre([[1, 0], [0, 0]], [[0, 0], [0, 0]], 2.0)  # row's first action: +1 if y_0
>>> q.row.round(6).tolist()
[0.731059, 0.268941]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.equilibria._arrays import EquilibriumArrays, game_batch
from sim.equilibria._homotopy import POLISH_TOL, Games, trace
from sim.equilibria._types import GameError

__all__ = [
    "LIMIT_PRECISION",
    "LIMIT_TOL",
    "LOGIT_TOL",
    "QRE",
    "Branch",
    "QREArrays",
    "QuantalSolver",
    "limit_selection",
    "logit_branch",
    "logit_limit",
    "logit_qre",
    "logit_qre_arrays",
    "make_logit_solver",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: A QRE's log-odds are polished by Newton's method at its lambda until a correction is below
#: this; its probabilities are then exact to about this, relative to each.
LOGIT_TOL = POLISH_TOL
#: The precision, times a game's payoff range (the larger of the two players'), to which
#: :func:`logit_limit` follows the branch.
LIMIT_PRECISION = 1e6
#: The branch converges to an equilibrium when, at :data:`LIMIT_PRECISION`, no probability
#: differs from the equilibrium's by more than this.
LIMIT_TOL = 1e-3
#: A square game whose column player's payoff advantages equal the row player's (transposed)
#: to within this, relative to its payoff range, is symmetric: its branch is followed on the
#: symmetric line (see :func:`logit_qre_arrays`).
SYMMETRY_TOL = 1e-9
#: The longest step (arc length in log-odds and lambda) of a branch :func:`logit_branch`
#: records, so that its points lie close enough together to draw.
BRANCH_STEP = 0.25


@dataclass(frozen=True, eq=False)
class QRE:
    """The logit QRE of one game on its principal branch.

    Attributes
    ----------
    row, col:
        Both players' mixed strategies (every probability positive).
    row_payoff, col_payoff:
        Each player's expected payoff.
    lam:
        The precision reached: the one asked for when ``converged``, else where the trace
        stopped.
    steps, turns:
        The branch's accepted path-following steps, and how many times it turned back in
        lambda on the way (0 for a branch along which lambda only grows).
    converged:
        Whether the trace reached ``lam`` as asked and its point was polished there.
    """

    row: FloatArray
    col: FloatArray
    row_payoff: float
    col_payoff: float
    lam: float
    steps: int
    turns: int
    converged: bool

    @property
    def reason(self) -> str:
        """One line: where the QRE lies on the branch, e.g. for a policy's epoch."""
        return _reason(self.lam, self.steps, self.turns, self.converged)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable data."""
        return {
            "lambda": self.lam,
            "row": self.row.tolist(),
            "col": self.col.tolist(),
            "row_payoff": self.row_payoff,
            "col_payoff": self.col_payoff,
            "steps": self.steps,
            "turns": self.turns,
            "converged": self.converged,
        }


def _reason(lam: float, steps: int, turns: int, converged: bool) -> str:
    turned = "" if turns == 0 else f"; it turned back in lambda {turns} times on the way"
    if not converged:
        return f"logit QRE not reached: the branch stopped at lambda {lam:.6g} after {steps} steps"
    return f"logit QRE at lambda {lam:.6g} on the principal branch ({steps} steps{turned})"


@dataclass(frozen=True, eq=False)
class QREArrays:
    """The logit QREs of ``G`` games of one shape ``(m, n)``: the fields of :class:`QRE`
    as arrays with one row per game."""

    row: FloatArray
    col: FloatArray
    row_payoff: FloatArray
    col_payoff: FloatArray
    lam: FloatArray
    steps: IntArray
    turns: IntArray
    converged: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.lam)

    def __getitem__(self, g: int) -> QRE:
        """Game ``g``'s QRE."""
        if not -len(self) <= g < len(self):
            raise IndexError(f"game {g} is not among {len(self)} games")
        return QRE(
            self.row[g].copy(),
            self.col[g].copy(),
            float(self.row_payoff[g]),
            float(self.col_payoff[g]),
            float(self.lam[g]),
            int(self.steps[g]),
            int(self.turns[g]),
            bool(self.converged[g]),
        )

    def reasons(self) -> tuple[str, ...]:
        """:attr:`QRE.reason` of every game."""
        return tuple(
            map(
                _reason,
                self.lam.tolist(),
                self.steps.tolist(),
                self.turns.tolist(),
                self.converged.tolist(),
            )
        )


@dataclass(frozen=True, eq=False)
class Branch:
    """The principal branch of one game from lambda = 0 to its QRE: the accepted points of the
    path-following, in order (lambda may go down where the branch turns back)."""

    lam: FloatArray
    row: FloatArray
    col: FloatArray
    qre: QRE

    def to_dict(self) -> list[dict[str, Any]]:
        """One record a point: ``lambda``, ``row``, ``col``."""
        return [
            {"lambda": lam, "row": row, "col": col}
            for lam, row, col in zip(
                self.lam.tolist(), self.row.tolist(), self.col.tolist(), strict=True
            )
        ]


#: A solver of many stage games of one shape at one precision: (G, m, n) payoffs of both
#: players to their logit QREs.
QuantalSolver = Callable[[FloatArray, FloatArray], QREArrays]


def _precision(lam: ArrayLike, games: int) -> FloatArray:
    value = np.broadcast_to(np.asarray(lam, dtype=np.float64), (games,)).copy()
    if not (np.isfinite(value).all() and (value >= 0).all()):
        raise GameError(f"the precision lambda must be a finite number >= 0, not {lam!r}")
    return value


def _span(a: FloatArray, b: FloatArray) -> FloatArray:
    """Each game's payoff range: the larger of the two players'."""
    span: FloatArray = np.maximum(np.ptp(a, axis=(1, 2)), np.ptp(b, axis=(1, 2)))
    return span


def _symmetric(a: FloatArray, b: FloatArray) -> NDArray[np.bool_]:
    """Which games are symmetric (:data:`SYMMETRY_TOL`)."""
    G, m, n = a.shape
    if m != n:
        return np.zeros(G, dtype=bool)
    DA = a[:, 1:, :] - a[:, :1, :]
    DB = np.swapaxes(b[:, :, 1:] - b[:, :, :1], 1, 2)
    gap = np.abs(DA - DB).max(axis=(1, 2), initial=0.0)
    out: NDArray[np.bool_] = gap <= SYMMETRY_TOL * _span(a, b)
    return out


def _solved(
    a: FloatArray, b: FloatArray, target: FloatArray, record: bool = False
) -> tuple[QREArrays, list[list[FloatArray]]]:
    """The QREs of the games (symmetric ones on the symmetric line), and, when ``record``,
    each game's accepted points as (x, y, lambda) rows."""
    G, m, n = a.shape
    x, y = np.zeros((G, m)), np.zeros((G, n))
    lam, steps, turns = np.zeros(G), np.zeros(G, np.intp), np.zeros(G, np.intp)
    converged = np.zeros(G, dtype=bool)
    points: list[list[FloatArray]] = [[] for _ in range(G)]
    symmetric = _symmetric(a, b)
    for kind in (True, False):
        games = np.flatnonzero(symmetric == kind)
        if not games.size:
            continue
        payoffs = Games.of(a[games], b[games], kind)
        traced = trace(payoffs, target[games], record, BRANCH_STEP if record else np.inf)
        x[games], y[games] = payoffs.strategies(traced.z)
        lam[games], steps[games], turns[games] = traced.lam, traced.steps, traced.turns
        converged[games] = traced.converged
        for g, path in zip(games.tolist(), traced.points, strict=False):
            u = np.array(path)
            points[g] = [np.column_stack([*payoffs.strategies(u[:, :-1]), u[:, -1]])]
    payoff = np.einsum("gi,gij,gj->g", x, a, y), np.einsum("gi,gij,gj->g", x, b, y)
    return QREArrays(x, y, *payoff, lam, steps, turns, converged), points


def logit_qre_arrays(A: ArrayLike, B: ArrayLike, lam: ArrayLike) -> QREArrays:
    """The logit QRE of each of a stack of bimatrix games of one shape.

    Parameters
    ----------
    A, B:
        (G, m, n) payoffs of the row and the column player.
    lam:
        The precision: one number, or one per game (G,), each >= 0, in units of 1/payoff.

    Notes
    -----
    A symmetric game (square, the column player's payoff advantages those of the row player
    transposed, to within :data:`SYMMETRY_TOL` of its payoff range) has a symmetric
    principal branch, but it can pass a pitchfork bifurcation where asymmetric branches
    split off (as in a game of chicken); an asymmetry of rounding size would then decide
    which way the traced branch goes. Such games are solved on the symmetric line (both
    players' strategies equal), which is their principal branch exactly.

    Raises
    ------
    GameError
        For payoffs that are not a stack of games of one shape, or a precision that is
        negative or not finite.
    """
    a, b = game_batch(A, B, 1, sys.maxsize)
    return _solved(a, b, _precision(lam, a.shape[0]))[0]


def logit_qre(A: ArrayLike, B: ArrayLike, lam: float) -> QRE:
    """The logit QRE of the bimatrix game (A, B) at precision ``lam`` (see
    :func:`logit_qre_arrays`)."""
    return logit_qre_arrays(np.asarray(A)[None], np.asarray(B)[None], lam)[0]


def logit_branch(A: ArrayLike, B: ArrayLike, lam: float) -> Branch:
    """The principal branch of the game (A, B) from lambda = 0 to its QRE at ``lam``: every
    point the path-following accepted (with steps of at most :data:`BRANCH_STEP`), the
    polished QRE last.

    >>> from sim.equilibria import logit_branch
    >>> b = logit_branch([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], 5.0)  # matching pennies
    >>> float(b.lam[0]), float(b.lam[-1]), b.row[-1].tolist()
    (0.0, 5.0, [0.5, 0.5])
    """
    a, b = game_batch(np.asarray(A)[None], np.asarray(B)[None], 1, sys.maxsize)
    found, points = _solved(a, b, _precision(lam, 1), record=True)
    m, n = a.shape[1:]
    rows = points[0][0] if points[0] else np.zeros((1, m + n + 1))
    return Branch(rows[:, -1].copy(), rows[:, :m].copy(), rows[:, m : m + n].copy(), found[0])


def logit_limit(A: ArrayLike, B: ArrayLike) -> QREArrays:
    """Each game's logit QRE at :data:`LIMIT_PRECISION` divided by its payoff range (the
    larger of the two players' ranges; 1 for a game of constant payoffs): near the limit of
    its principal branch, a Nash equilibrium (within :data:`LIMIT_TOL` when the branch
    converges to an isolated one)."""
    a, b = game_batch(A, B, 1, sys.maxsize)
    span = _span(a, b)
    return _solved(a, b, LIMIT_PRECISION / np.where(span > 0, span, 1.0))[0]


def make_logit_solver(lam: float) -> QuantalSolver:
    """The solver of stacks of stage games at precision ``lam``
    (:func:`logit_qre_arrays`).

    Raises
    ------
    GameError
        For a precision that is negative or not finite.
    """
    _precision(lam, 1)
    return partial(logit_qre_arrays, lam=lam)


def limit_selection(
    found: EquilibriumArrays, games: IntArray, A: FloatArray, B: FloatArray
) -> tuple[IntArray, list[str]]:
    """The ``logit_limit`` selection rule on the ``(G', m, n)`` games ``A, B`` (games
    ``games`` of ``found``, each with an equilibrium): the position of the equilibrium found
    nearest (max norm) to each game's :func:`logit_limit`, and why."""
    limit = logit_limit(A, B)
    at, valid = found.slots(games)
    gap = np.maximum(
        np.abs(found.row[at] - limit.row[:, None, :]).max(axis=2),
        np.abs(found.col[at] - limit.col[:, None, :]).max(axis=2),
    )
    gap = np.where(valid, gap, np.inf)
    index = gap.argmin(axis=1).astype(np.intp)
    nearest = gap[np.arange(len(games)), index].tolist()
    counts = found.counts[games].tolist()
    return index, [
        _limit_reason(limit, g, k, d, n)
        for g, (k, d, n) in enumerate(zip(index.tolist(), nearest, counts, strict=True))
    ]


def _limit_reason(limit: QREArrays, g: int, k: int, gap: float, count: int) -> str:
    """Why ``logit_limit`` took equilibrium ``k`` of ``count``, ``gap`` from game ``g``'s
    QRE at the limit precision."""
    at = f"lambda {limit.lam[g]:.6g}"
    if not limit.converged[g]:
        return (
            f"the branch could not be followed past {at}; the nearest equilibrium "
            f"({k + 1} of {count}, {gap:.2g} away) taken"
        )
    if gap > LIMIT_TOL:
        return (
            f"the branch does not converge to an equilibrium found: at {at} the nearest "
            f"({k + 1} of {count}) is {gap:.2g} away; taken"
        )
    return f"the branch converges to equilibrium {k + 1} of {count} ({gap:.1e} away at {at})"
