"""Payoff assembly: the bimatrix stage game at a moment, from a scenario and its parameters.

Each player's payoff matrix is a sum of named terms ``coef * prod(weights) * matrix``, each
multiplied by the pressure if ``[pressure] scales`` names it, by its time profile, and, for
``flow`` terms, by the days until the next epoch. Cells that are agreements end the game;
the other cells continue and add the discounted continuation value.

Everything is vectorised over a leading batch axis so that many epochs or sweep points can be
assembled, and solved, in one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.scenario import MatrixTerm, ScalarTerm, Scenario

__all__ = ["PayoffModel", "Term", "compile_payoffs", "stack_models", "structure"]

FloatArray = NDArray[np.float64]
TimeProfile = Literal["constant", "elapsed", "remaining"]


@dataclass(frozen=True)
class Term:
    """A payoff term with its parameters multiplied in."""

    component: str
    matrix: FloatArray
    pressure: bool
    time: TimeProfile
    flow: bool = False
    parity: str = "all"
    continuation: int | None = None


@dataclass(frozen=True)
class PayoffModel:
    """A scenario's payoffs with parameter values fixed; pressure and time still free.

    Attributes
    ----------
    terms:
        For the row and the column player, their matrix terms.
    default_terms:
        For each player, the default outcome's terms (1x1 matrices).
    outcome_of_cell:
        (m, n) index into ``outcome_ids`` for agreement cells, -1 for cells that continue.
    """

    terms: tuple[tuple[Term, ...], tuple[Term, ...]]
    default_terms: tuple[tuple[Term, ...], tuple[Term, ...]]
    outcome_of_cell: NDArray[np.int64]
    outcome_ids: tuple[str, ...]
    default_outcome: str

    @property
    def shape(self) -> tuple[int, int]:
        m, n = self.outcome_of_cell.shape
        return m, n

    @property
    def continues(self) -> NDArray[np.bool_]:
        """(m, n) mask of the cells that do not end the game."""
        return np.asarray(self.outcome_of_cell < 0)

    def stage(
        self,
        epoch: ArrayLike,
        elapsed: ArrayLike,
        pressure: ArrayLike,
        interval_days: ArrayLike,
        continuation: ArrayLike,
        discount: ArrayLike = 1.0,
        live: ArrayLike = True,
        which: NDArray[np.intp] | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """Stage games for a batch of moments.

        Parameters
        ----------
        epoch, elapsed, pressure, interval_days, discount:
            Shape (G,) or scalars: epoch index, elapsed share of the window, pressure level,
            days to the next epoch, and the discount factor over that interval.
        continuation:
            Shape (G, 2): each player's value of continuing from the next epoch.
        live:
            Shape (G,): False where a decision could not take effect before the deadline, so
            that every cell continues.
        which:
            Shape (G,): for a model of :func:`stack_models`, the model of each element.

        Returns
        -------
        (A, B):
            Row and column payoff arrays of shape (G, m, n).
        """
        g = _batch(epoch, elapsed, pressure, interval_days, discount, live)
        cont = np.broadcast_to(np.asarray(continuation, dtype=np.float64), (g, 2))
        ends = (~self.continues)[None] & np.broadcast_to(np.asarray(live, bool), (g,))[
            :, None, None
        ]
        mats = []
        for p, terms in enumerate(self.terms):
            total = np.zeros((g, *self.shape))
            for term in terms:
                f = _factor(term, epoch, elapsed, pressure, g)
                if term.continuation is not None:
                    f = f * np.broadcast_to(np.asarray(discount, np.float64), (g,))
                    f = f * cont[:, term.continuation]
                matrix = term.matrix[None] if which is None else term.matrix[which]
                if term.flow:
                    f = f * np.broadcast_to(np.asarray(interval_days, np.float64), (g,))
                    total += (f[:, None, None] * matrix) * ~ends
                else:
                    total += f[:, None, None] * matrix * ends
            value = np.broadcast_to(np.asarray(discount, np.float64), (g,)) * cont[:, p]
            total += value[:, None, None] * ~ends
            mats.append(total)
        return mats[0], mats[1]

    def default_payoffs(self, pressure: ArrayLike, elapsed: ArrayLike = 1.0) -> FloatArray:
        """Each player's payoff from the default outcome, shape (G, 2)."""
        g = _batch(pressure, elapsed)
        out = np.zeros((g, 2))
        for p, terms in enumerate(self.default_terms):
            for term in terms:
                out[:, p] += _factor(term, 0, elapsed, pressure, g) * term.matrix[0, 0]
        return out


def stack_models(models: Sequence[PayoffModel]) -> PayoffModel:
    """One model whose term matrices hold those of ``models`` on a leading axis, for
    :meth:`PayoffModel.stage` with ``which``: the stage games of many parameter values in
    one call, with the same arithmetic (so the same numbers) as model by model.

    Raises
    ------
    ValueError
        If the models differ in anything but their term matrices (not one scenario).
    """
    lead = models[0]
    if any(_kinds(m.terms) != _kinds(lead.terms) for m in models):
        raise ValueError("models to stack must have the same payoff terms")
    if any(
        m.outcome_ids != lead.outcome_ids
        or m.shape != lead.shape
        or not np.array_equal(m.outcome_of_cell, lead.outcome_of_cell)
        for m in models
    ):
        raise ValueError("models to stack must have the same actions and outcomes")

    def stacked(p: int) -> tuple[Term, ...]:
        return tuple(
            replace(term, matrix=np.stack([m.terms[p][t].matrix for m in models]))
            for t, term in enumerate(lead.terms[p])
        )

    return replace(lead, terms=(stacked(0), stacked(1)))


def structure(model: PayoffModel) -> tuple[object, ...]:
    """Everything about a model's terms but their matrices: models with the same structure,
    actions and outcomes can be stacked (:func:`stack_models`)."""
    return _kinds((*model.terms, *model.default_terms))


def _kinds(terms: Sequence[tuple[Term, ...]]) -> tuple[tuple[object, ...], ...]:
    """Everything about each player's terms but their matrices."""
    return tuple(
        tuple((t.component, t.pressure, t.time, t.flow, t.parity, t.continuation) for t in player)
        for player in terms
    )


def _batch(*arrays: ArrayLike) -> int:
    return int(np.broadcast(*[np.atleast_1d(np.asarray(a)) for a in arrays]).shape[0])


def _factor(
    term: Term, epoch: ArrayLike, elapsed: ArrayLike, pressure: ArrayLike, g: int
) -> FloatArray:
    f = np.ones(g)
    if term.pressure:
        f = f * np.broadcast_to(np.asarray(pressure, np.float64), (g,))
    if term.time != "constant":
        e = np.broadcast_to(np.asarray(elapsed, np.float64), (g,))
        f = f * (e if term.time == "elapsed" else 1.0 - e)
    if term.parity != "all":
        k = np.broadcast_to(np.asarray(epoch, np.int64), (g,))
        f = f * ((k % 2) == (1 if term.parity == "odd" else 0))
    return f


def _weight(scenario: Scenario, values: dict[str, float], names: tuple[str, ...]) -> float:
    w = 1.0
    for name in names:
        w *= values[name]
    return w


def compile_payoffs(scenario: Scenario) -> PayoffModel:
    """Multiply each term's parameters in; map agreement cells to outcomes."""
    values = scenario.values()
    scaled = set(scenario.pressure.scales) if scenario.pressure is not None else set()

    def matrix_term(pid: str, t: MatrixTerm) -> Term:
        m = np.asarray(t.matrix, dtype=np.float64) * t.coef * _weight(scenario, values, t.weight)
        ref = None if t.continuation is None else ("row", "col").index(t.continuation)
        scaled_by = f"{pid}.{t.component}" in scaled
        return Term(t.component, m, scaled_by, t.time, t.flow, t.parity, ref)

    def scalar_term(pid: str, t: ScalarTerm) -> Term:
        v = t.value * t.coef * _weight(scenario, values, t.weight)
        return Term(t.component, np.array([[v]]), f"{pid}.{t.component}" in scaled, t.time)

    row, col = scenario.players
    default = scenario.default_outcome
    ids = tuple(o.id for o in scenario.outcomes)
    cells = np.full((len(row.actions), len(col.actions)), -1, dtype=np.int64)
    for index, outcome in enumerate(scenario.outcomes):
        for r, c in outcome.profiles:
            cells[row.actions.index(r), col.actions.index(c)] = index
    payoff = default.payoff or {}
    return PayoffModel(
        terms=(
            tuple(matrix_term(row.id, t) for t in row.payoff),
            tuple(matrix_term(col.id, t) for t in col.payoff),
        ),
        default_terms=(
            tuple(scalar_term(row.id, t) for t in payoff.get(row.id, ())),
            tuple(scalar_term(col.id, t) for t in payoff.get(col.id, ())),
        ),
        outcome_of_cell=cells,
        outcome_ids=ids,
        default_outcome=default.id,
    )
