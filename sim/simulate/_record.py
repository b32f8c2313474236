"""The record as the paths see it: its likelihood over drawn shocks, and simulated records.

A scenario's ``[observed]`` record (the outcome, the epoch it was decided at, and dated moves)
becomes one boolean mask over the stage game's cells per live epoch up to the decision:
before it, the cells with no agreement that agree with the moves dated at that epoch; at it,
the cells of the observed outcome that agree with its moves. A default outcome (no
agreement by the deadline) masks every live epoch with the cells of no agreement.

Play at an epoch depends on a path only through the pressure it has read (the policy in
force), never on the actions played before, so given a path's shocks the record's
probability is the product over those epochs of ``x_k' M_k y_k``, with ``x_k`` and ``y_k`` the
strategies the path's policy plays there (the array engine's, so the likelihood is that of
the simulated model). :func:`record_likelihood` returns that product for each path of a draw;
averaging over paths integrates the shocks by simulation, and the same generators for every
parameter value give common random numbers.

:func:`simulated_records` runs the paths and reads off each one's record in the same terms
(outcome, decision epoch, the actions at the moves' epochs), for ABC.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.deadline import Game, PolicyBook
from sim.simulate._batch import _Steps, run_steps
from sim.simulate._draws import Draws
from sim.simulate._paths import _view

__all__ = ["RecordMasks", "observed_row", "record_likelihood", "record_masks", "simulated_records"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class RecordMasks:
    """The record as masks: ``masks[k]`` (m, n) for live epochs ``0 .. len(masks) - 1``;
    ``outcome`` its id, ``epoch`` the decision epoch (None for the default outcome) and
    ``moves`` (epoch, player index, action index) for each dated move."""

    masks: tuple[BoolArray, ...]
    outcome: str
    epoch: int | None
    moves: tuple[tuple[int, int, int], ...]


def record_masks(game: Game) -> RecordMasks:
    """The masks of the scenario's ``[observed]`` record (which must be set)."""
    scenario, schedule, payoffs = game.scenario, game.schedule, game.payoffs
    observed = scenario.observed
    if observed is None:
        raise ValueError("the scenario has no [observed] record")
    live = schedule.live
    cells = payoffs.outcome_of_cell
    default = observed.outcome == payoffs.default_outcome
    last = live - 1 if default else min(schedule.epoch_at(observed.at), live - 1)
    masks = [cells < 0 for _ in range(last + 1)]
    if not default:
        masks[last] = cells == payoffs.outcome_ids.index(observed.outcome)
    moves = []
    for move in observed.moves:
        p = next(i for i, player in enumerate(scenario.players) if player.id == move.player)
        a = scenario.players[p].actions.index(move.action)
        k = min(schedule.epoch_at(move.at), last)
        keep = np.zeros_like(masks[k])
        if p == 0:
            keep[a, :] = True
        else:
            keep[:, a] = True
        masks[k] = masks[k] & keep
        moves.append((k, p, a))
    return RecordMasks(tuple(masks), observed.outcome, None if default else last, tuple(moves))


def _strategies(cumulative: FloatArray) -> FloatArray:
    """Probabilities from a plan's cumulative strategies (last entry infinite)."""
    upper = cumulative.copy()
    upper[:, -1] = 1.0
    return np.diff(upper, prepend=0.0, axis=1)


def record_likelihood(
    game: Game, book: PolicyBook, draws: Draws, record: RecordMasks
) -> FloatArray:
    """The probability of the record on each path of ``draws`` (its shocks fixed), (P,)."""
    steps = _Steps(_view(game, book).shared, book, draws.levels, draws.uniforms)
    paths = np.arange(draws.levels.shape[0])
    probability = np.ones(paths.size)
    for k, mask in enumerate(record.masks):
        level = draws.levels[paths, k]
        strategies = []
        for p in range(2):
            steps.refresh(paths, level, k, p)
            strategies.append(_strategies(steps.table.draws[p][steps.plan[paths], k]))
        x, y = strategies
        probability *= np.einsum("pi,ij,pj->p", x, mask.astype(np.float64), y)
    return probability


def simulated_records(
    game: Game, book: PolicyBook, draws: Draws, record: RecordMasks
) -> FloatArray:
    """Each path's record in the terms of ``record``, as (P, 2 + moves) numbers: the outcome's
    index among the payoff model's outcomes (the default's: their count), the decision epoch
    (-1 for none), and the action of each move's player at its epoch (-1 if the path had
    ended before it)."""
    steps = run_steps(game, book, draws)
    ids = list(game.payoffs.outcome_ids)
    rows = np.empty((draws.levels.shape[0], 2 + len(record.moves)))
    rows[:, 0] = np.where(steps.outcome < 0, len(ids), steps.outcome)
    rows[:, 1] = steps.ended
    for m, (k, p, _a) in enumerate(record.moves):
        reached = (steps.ended < 0) | (steps.ended >= k)
        rows[:, 2 + m] = np.where(reached, steps.cells[p, :, k], -1)
    return rows


def observed_row(game: Game, record: RecordMasks) -> FloatArray:
    """The record itself as a row of :func:`simulated_records`."""
    ids = list(game.payoffs.outcome_ids)
    outcome = ids.index(record.outcome) if record.outcome in ids else len(ids)
    epoch = -1 if record.epoch is None else record.epoch
    return np.array([outcome, epoch, *[a for _k, _p, a in record.moves]], dtype=np.float64)
