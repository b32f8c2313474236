"""The deadline game solved by backward induction.

At each live epoch t_0 < ... < t_{L-1} the players play the stage game; agreement cells end
the game with their payoffs, the others continue to the next epoch with the discounted
continuation value; after the last live epoch (the last one whose decisions can take effect
before the deadline) the default outcome applies at the deadline. The selection rule picks
one (possibly mixed) equilibrium per epoch; under the logit concept each epoch's stage game
is played at its logit QRE instead (an agent QRE: the continuation values are those of the
next epoch's QRE).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.deadline._policy import Policy
from sim.equilibria import (
    RULES,
    EquilibriumArrays,
    QREArrays,
    QuantalSolver,
    StageSolver,
    select_many,
)
from sim.errors import SimError
from sim.model import PayoffModel, Schedule, stack_models

__all__ = ["Block", "Starts", "solve_deadline", "solve_deadlines"]

FloatArray = NDArray[np.float64]

IntArray = NDArray[np.intp]

#: The live epochs to solve a block's rows from, one per row.
Starts = Sequence[int] | NDArray[np.integer[Any]]

#: One payoff model's pressure forecasts: the model, (G, L) pressure, (G,) at the deadline.
Block = tuple[PayoffModel, FloatArray, FloatArray]

#: What solves each epoch's stage games: Nash equilibria (then selected by the rule) or
#: logit QREs (played as they are).
Solver = StageSolver | QuantalSolver


def solve_deadline(
    model: PayoffModel,
    schedule: Schedule,
    pressure: FloatArray,
    deadline_pressure: FloatArray,
    solver: Solver,
    rule: str,
    first: int = 0,
) -> list[Policy]:
    """Backward induction for a batch of G pressure forecasts.

    Parameters
    ----------
    pressure:
        (G, L) pressure at each live epoch (columns ``first`` .. L-1 are used).
    deadline_pressure:
        (G,) pressure at the deadline, for the default outcome.
    solver, rule:
        How stage games are solved and which equilibrium is selected: a Nash solver's
        equilibria are selected by ``rule``; a QRE solver's QREs are played as they are.
    first:
        The epoch to solve from (receding horizon); earlier epochs are not solved.
    """
    return solve_deadlines([(model, pressure, deadline_pressure)], schedule, solver, rule, first)[0]


def solve_deadlines(
    blocks: Sequence[Block],
    schedule: Schedule,
    solver: Solver,
    rule: str,
    first: int = 0,
    starts: Sequence[Starts | None] | None = None,
) -> list[list[Policy]]:
    """Backward induction for several payoff models on one schedule, together.

    Each block is ``(model, pressure, deadline_pressure)`` as in :func:`solve_deadline`;
    the models must share their players' actions and outcomes (the same scenario at
    different parameter values). At every epoch the stage games of all blocks go to the
    solver in one call, so that a sweep solves many games per numpy call. Returns the
    policies of each block.

    ``starts``, when given, has one entry per block: ``None`` (all its rows from ``first``)
    or the live epoch each of its rows is solved from (``first`` .. L). Epoch k then solves
    only the rows that start by k, and each row's policy is, bit for bit, the one
    :func:`solve_deadline` gives for that row alone from its start.

    Raises
    ------
    ValueError
        If ``starts`` does not give one start from ``first`` to L for every row.
    """
    if rule in RULES and not RULES[rule].selects:
        raise SimError(f"selection {rule!r} is for analysis; the deadline game needs one rule")
    models = [model for model, _, _ in blocks]
    pressure = [np.atleast_2d(np.asarray(p, dtype=np.float64)) for _, p, _ in blocks]
    sizes = np.cumsum([0] + [p.shape[0] for p in pressure])
    row_starts = _row_starts(starts, [p.shape[0] for p in pressure], first, schedule.live)
    if not blocks:
        return []
    at_deadline = [
        model.default_payoffs(np.asarray(end).reshape(p.shape[0]))
        for model, p, (_, _, end) in zip(models, pressure, blocks, strict=True)
    ]
    model = stack_models(models) if len(models) > 1 else models[0]
    block = np.repeat(np.arange(len(models)), np.diff(sizes))
    value, both = np.concatenate(at_deadline), np.concatenate(pressure)
    if row_starts is not None:  # rows by start: each epoch solves a prefix of them
        order = np.argsort(row_starts, kind="stable")
        value, both, block, row_starts = value[order], both[order], block[order], row_starts[order]
    which = block if len(models) > 1 else None
    steps = _induct(model, schedule, solver, rule, both, value, which, first, row_starts)
    path = _Induction.stack(model, steps, len(value), schedule.times[: schedule.live])
    if row_starts is None:
        return [
            path.policies(m, slice(a, z), first, p, end)
            for m, p, end, a, z in zip(
                models, pressure, at_deadline, sizes[:-1], sizes[1:], strict=True
            )
        ]
    return _from_starts(path, models, pressure, at_deadline, sizes, order, row_starts)


def _row_starts(
    starts: Sequence[Starts | None] | None, counts: list[int], first: int, live: int
) -> IntArray | None:
    """Each row's start epoch, blocks concatenated; None when every row starts at ``first``."""
    if starts is None:
        return None
    if len(starts) != len(counts):
        raise ValueError(f"starts: {len(starts)} entries for {len(counts)} blocks")
    rows = []
    for b, (given, g) in enumerate(zip(starts, counts, strict=True)):
        row = np.full(g, first) if given is None else np.asarray(given)
        if row.shape != (g,) or (g > 0 and row.dtype.kind not in "iu"):
            raise ValueError(
                f"starts[{b}]: {g} integer epochs expected, got shape {row.shape} of {row.dtype}"
            )
        bad = np.flatnonzero((row < first) | (row > live))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"starts[{b}][{i}] = {row[i]}: not an epoch from {first} to {live}")
        rows.append(row.astype(np.intp))
    out = np.concatenate(rows) if rows else np.zeros(0, np.intp)
    return out if (out != first).any() else None


def _induct(
    model: PayoffModel,
    schedule: Schedule,
    solver: Solver,
    rule: str,
    pressure: FloatArray,
    value: FloatArray,
    which: IntArray | None,
    first: int,
    starts: IntArray | None,
) -> list[_Step]:
    """The steps of the backward induction from the last live epoch down to ``first``, in
    epoch order. With ``starts`` (each row's, ascending) epoch k solves only the rows that
    start by k, and the steps begin at the earliest start."""
    live = schedule.live
    times, days = schedule.times[:live], schedule.live_days
    steps: list[_Step] = []
    for k in range(live - 1, first - 1, -1):
        n = len(value) if starts is None else int(np.searchsorted(starts, k, side="right"))
        if n == 0:
            break
        elapsed, discount = times[k] / schedule.window_hours, schedule.discount_per_day ** days[k]
        rows = None if which is None else which[:n]
        A, B = model.stage(k, elapsed, pressure[:n, k], days[k], value[:n], discount, which=rows)
        found = solver(A, B)
        if isinstance(found, QREArrays):
            step = _Step.quantal(model, found)
        else:
            step = _Step.solve(model, found, rule, A, B)
        steps.append(step)
        value = step.value
    steps.reverse()
    return steps


def _from_starts(
    path: _Induction,
    models: list[PayoffModel],
    pressure: list[FloatArray],
    at_deadline: list[FloatArray],
    sizes: IntArray,
    order: IntArray,
    starts: IntArray,
) -> list[list[Policy]]:
    """Each block's policies, from a path whose rows are those of the blocks in ``order``
    (by ``starts``, ascending): runs of rows of one block with one start at a time."""
    block = np.searchsorted(sizes, order, side="right") - 1
    cuts = np.flatnonzero((np.diff(starts) != 0) | (np.diff(block) != 0)) + 1
    found: list[dict[int, Policy]] = [{} for _ in models]
    for a, z in pairwise([0, *cuts.tolist(), len(order)]):
        b, start = int(block[a]), int(starts[a])
        rows = order[a:z] - sizes[b]
        policies = path.policies(
            models[b], slice(a, z), start, pressure[b][rows], at_deadline[b][rows]
        )
        found[b].update(zip(rows.tolist(), policies, strict=True))
    return [[f[i] for i in range(p.shape[0])] for f, p in zip(found, pressure, strict=True)]


@dataclass(frozen=True)
class _Step:
    """One epoch of the backward induction, for the whole batch."""

    row: FloatArray
    col: FloatArray
    value: FloatArray
    agree: FloatArray
    degenerate: NDArray[np.bool_]
    count: NDArray[np.int64]
    reasons: tuple[str, ...]

    @classmethod
    def solve(
        cls, model: PayoffModel, found: EquilibriumArrays, rule: str, A: FloatArray, B: FloatArray
    ) -> _Step:
        index, reasons = select_many(found, rule, A, B)
        x, y = found.row[index], found.col[index]
        return cls(
            row=x,
            col=y,
            value=np.stack((found.row_payoff[index], found.col_payoff[index]), axis=1),
            agree=_agreement(model, x, y),
            degenerate=found.degenerate,
            count=found.counts.astype(np.int64),
            reasons=reasons,
        )

    @classmethod
    def quantal(cls, model: PayoffModel, found: QREArrays) -> _Step:
        """The epoch played at each game's logit QRE (one, on the principal branch)."""
        return cls(
            row=found.row,
            col=found.col,
            value=np.stack((found.row_payoff, found.col_payoff), axis=1),
            agree=_agreement(model, found.row, found.col),
            degenerate=np.zeros(len(found), dtype=bool),
            count=np.ones(len(found), dtype=np.int64),
            reasons=found.reasons(),
        )


@dataclass(frozen=True)
class _Induction:
    """The steps of one backward induction, batch element first: arrays (G, K, ...) over
    live epochs ``first`` .. L-1 (zeros where an element was not solved); ``reasons`` per
    epoch, each for the elements solved then (a prefix of the batch)."""

    first: int
    times: FloatArray
    row: FloatArray
    col: FloatArray
    value: FloatArray
    agree: FloatArray
    degenerate: NDArray[np.bool_]
    count: NDArray[np.int64]
    reasons: list[tuple[str, ...]]

    @classmethod
    def stack(cls, model: PayoffModel, steps: list[_Step], g: int, times: FloatArray) -> _Induction:
        """The steps (in epoch order, the last at L-1) of a batch of G; ``times`` (L,)."""
        m, n = model.shape

        def stack(name: str, *shape: int, dtype: type = np.float64) -> NDArray[Any]:
            out: NDArray[Any] = np.zeros((g, len(steps), *shape), dtype)
            for k, step in enumerate(steps):
                part = getattr(step, name)
                out[: len(part), k] = part
            return out

        return cls(
            first=len(times) - len(steps),
            times=times,
            row=stack("row", m),
            col=stack("col", n),
            value=stack("value", 2),
            agree=stack("agree", len(model.outcome_ids)),
            degenerate=stack("degenerate", dtype=np.bool_),
            count=stack("count", dtype=np.int64),
            reasons=[s.reasons for s in steps],
        )

    def policies(
        self,
        model: PayoffModel,
        rows: slice,
        start: int,
        pressure: FloatArray,
        deadline_value: FloatArray,
    ) -> list[Policy]:
        """The policies of batch elements ``rows`` from live epoch ``start`` on, given their
        (G', L) pressure and (G', 2) payoffs of the default outcome."""
        k = start - self.first
        g = pressure.shape[0]
        row, col, agree = self.row[rows, k:], self.col[rows, k:], self.agree[rows, k:]
        values = np.concatenate((self.value[rows, k:], deadline_value[:, None]), axis=1)
        degenerate, count = self.degenerate[rows, k:], self.count[rows, k:]
        reasons = list(zip(*(r[rows] for r in self.reasons[k:]), strict=True)) or [()] * g
        return [
            Policy(
                first=start,
                times=self.times[start:],
                pressure=pressure[i, start:],
                row=row[i],
                col=col[i],
                values=values[i],
                agree=agree[i],
                outcome_ids=model.outcome_ids,
                default_outcome=model.default_outcome,
                degenerate=degenerate[i],
                equilibria=count[i],
                reasons=tuple(reasons[i]),
            )
            for i in range(g)
        ]


def _agreement(model: PayoffModel, x: FloatArray, y: FloatArray) -> FloatArray:
    """(G, O) probability of each outcome's profiles under the strategies x, y."""
    joint = (x[:, :, None] * y[:, None, :]).reshape(x.shape[0], -1)
    cells = model.outcome_of_cell.reshape(-1)
    which = cells[:, None] == np.arange(len(model.outcome_ids))[None, :]
    out: FloatArray = joint @ which.astype(np.float64)
    return out
