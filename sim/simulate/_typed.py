"""Paths of the deadline game with private types (issue #15, item 3): each path draws the
players' types from the prior and plays its types' equilibrium strategies (the belief
solver's, :func:`sim.deadline.solve_beliefs`), the public beliefs updated by Bayes' rule
on the actions played."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.deadline import BeliefSolution, interpolate
from sim.model import Model

__all__ = ["TypedPaths", "play_types"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class TypedPaths:
    """Paths with types.

    ``runs``: one row per path (``path``, ``row_type``, ``col_type``, ``outcome``,
    ``epoch`` the last epoch played, ``hours`` its time). ``events``: one row per path,
    epoch and player whose public belief changed (``belief_before``, ``belief_after``: the
    probability of the player's first type), with ``action`` and its probability ``prob``
    under the belief before (Bayes' rule: after = before * P(action | first type) / prob),
    and the belief state at that epoch (``state_row``, ``state_col``).
    """

    runs: pd.DataFrame
    events: pd.DataFrame


def _mixed(solution: BeliefSolution, k: int, state: FloatArray) -> tuple[FloatArray, ...]:
    """Each path's types' mixed actions (N, T, a) per player at their belief states."""
    return tuple(
        interpolate(s[k], solution.grids, state[:, 0], state[:, 1]) for s in solution.strategy
    )


EVENT_COLUMNS = [
    "path",
    "epoch",
    "player",
    "action",
    "prob",
    "belief_before",
    "belief_after",
    "state_row",
    "state_col",
]


def _draw_actions(
    mixed: tuple[FloatArray, ...], types: NDArray[np.intp], rng: np.random.Generator
) -> list[NDArray[np.intp]]:
    """Each path's actions, drawn from its types' mixed actions."""
    chosen = []
    for p in range(2):
        own = np.asarray(mixed[p][np.arange(types.shape[0]), types[:, p]])
        u = rng.random((types.shape[0],))
        chosen.append(np.minimum((own.cumsum(axis=1) < u[:, None]).sum(axis=1), own.shape[1] - 1))
    return chosen


def _update(
    model: Model,
    mixed: tuple[FloatArray, ...],
    chosen: list[NDArray[np.intp]],
    state: FloatArray,
    where: tuple[int, NDArray[np.intp]],
    events: list[dict[str, object]],
) -> FloatArray:
    """The belief states after the actions ``chosen`` (Bayes' rule; passive off path),
    logging every change."""
    k, idx = where
    out = state.copy()
    for p, player in enumerate(model.scenario.players):
        if mixed[p].shape[1] == 1:
            continue
        belief = np.stack([state[:, p], 1 - state[:, p]], axis=1)
        like = mixed[p][np.arange(len(idx)), :, chosen[p]]  # (N, T)
        prob = (belief * like).sum(axis=1)
        safe = np.where(prob > 0, prob, 1.0)
        out[:, p] = np.where(prob > 0, belief[:, 0] * like[:, 0] / safe, belief[:, 0])
        for j in np.flatnonzero(out[:, p] != state[:, p]):
            values: list[object] = [
                int(idx[j]),
                k,
                player.id,
                player.actions[chosen[p][j]],
                float(prob[j]),
            ]
            values += [float(state[j, p]), float(out[j, p]), float(state[j, 0]), float(state[j, 1])]
            events.append(dict(zip(EVENT_COLUMNS, values, strict=True)))
    return out


def play_types(
    solution: BeliefSolution, model: Model, runs: int, rng: np.random.Generator
) -> TypedPaths:
    """``runs`` paths: types drawn from the prior (independently), actions from their
    types' strategies at the public belief state, beliefs updated by Bayes' rule."""
    spaces = solution.spaces
    types = np.stack([rng.choice(sp.count, size=runs, p=sp.prior) for sp in spaces], axis=1)
    state = np.array([solution.prior_state()] * runs, dtype=np.float64)
    alive = np.ones(runs, bool)
    last = np.full(runs, model.schedule.live - 1)
    outcome = np.full(runs, -1)
    events: list[dict[str, object]] = []
    for k in range(model.schedule.live):
        idx = np.flatnonzero(alive)
        if idx.size == 0:
            break
        mixed = _mixed(solution, k, state[idx])
        chosen = _draw_actions(mixed, types[idx], rng)
        state[idx] = _update(model, mixed, chosen, state[idx], (k, idx), events)
        ends = model.payoffs.outcome_of_cell[chosen[0], chosen[1]]
        done = ends >= 0
        outcome[idx[done]], last[idx[done]] = ends[done], k
        alive[idx[done]] = False
    ids = [*model.payoffs.outcome_ids]
    default = ids.index(model.payoffs.default_outcome)
    frame = pd.DataFrame(
        {
            "path": np.arange(runs),
            "row_type": [spaces[0].ids[t] for t in types[:, 0]],
            "col_type": [spaces[1].ids[t] for t in types[:, 1]],
            "outcome": [ids[o if o >= 0 else default] for o in outcome],
            "epoch": last,
            "hours": model.schedule.times[last],
        }
    )
    return TypedPaths(frame, pd.DataFrame(events, columns=EVENT_COLUMNS))
