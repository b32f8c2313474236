"""A perfect Bayesian equilibrium of the deadline game with private types (issue #15).

The state at live epoch k is the pair of public beliefs: each player's belief is the
probability of its first type (a player with one type has none), on a grid of
``belief_grid`` points in [0, 1]. Backward induction from the deadline: at every epoch, the
stage games of all grid states go to the scenario's stage-game solver in one batched call.
A state's stage game is the Bayesian game of the rational types in strategic form (a plan
is an action for each rational type; each type counts with weight one, so that every type
best-responds, also one the others believe absent), against the behavioural types' fixed
actions, with continuation values interpolated (bilinearly) at the posteriors each cell
leads to. The posteriors depend on the strategies played, so each epoch is a fixed point:
the conjectured strategies give the posteriors, the selected equilibrium the new
strategies, and the conjecture moves towards them by a step that halves whenever the move
reverses (a bisection for the one-dimensional concession probabilities of a war of
attrition). What is left of the fixed point is measured as each state's *regret*: the most
any rational type would gain by a pure deviation, in the game its own strategies induce.

Bayes' rule on path; off path (an action no type plays) beliefs stay where they were
(passive beliefs). docs/types.md states the method and its errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.deadline._bayesgame import EpochGames, weights
from sim.deadline._typespace import TypeSpace, type_spaces
from sim.errors import SimError
from sim.model import Model

__all__ = ["BELIEF_GRID", "BeliefSolution", "belief_path", "posterior", "solve_beliefs"]

FloatArray = NDArray[np.float64]

#: Grid points per two-type player's belief, unless the scenario sets ``belief_grid``.
BELIEF_GRID = 41


@dataclass(frozen=True)
class BeliefSolution:
    """The equilibrium on the belief grid.

    Attributes
    ----------
    spaces:
        The row and column players' :class:`TypeSpace`.
    grids:
        Each player's belief grid (the probability of its first type); ``[1.0]`` for a
        player with one type.
    strategy:
        Per player, (L, n_row, n_col, T, a): each type's mixed action at each live epoch and
        grid state (behavioural types: their fixed actions).
    value:
        Per player, (L + 1, n_row, n_col, T): each rational type's expected payoff from the
        epoch on (NaN for behavioural types); the last entry is the deadline.
    regret:
        (L,) the largest regret of any state at each epoch.
    iterations:
        (L,) fixed-point iterations at each epoch.
    """

    spaces: tuple[TypeSpace, TypeSpace]
    grids: tuple[FloatArray, FloatArray]
    strategy: tuple[FloatArray, FloatArray]
    value: tuple[FloatArray, FloatArray]
    regret: FloatArray
    iterations: NDArray[np.int64]

    def at(self, epoch: int, belief: tuple[float, float]) -> tuple[FloatArray, FloatArray]:
        """Each type's mixed action, (T, a) per player, at ``epoch`` and the belief state
        ``belief`` (interpolated on the grid)."""
        lo_r, hi_r, w_r = weights(self.grids[0], np.array([belief[0]]))
        lo_c, hi_c, w_c = weights(self.grids[1], np.array([belief[1]]))
        out = []
        for s in self.strategy:
            table = s[epoch]
            mixed = (
                (1 - w_r) * (1 - w_c) * table[lo_r, lo_c]
                + (1 - w_r) * w_c * table[lo_r, hi_c]
                + w_r * (1 - w_c) * table[hi_r, lo_c]
                + w_r * w_c * table[hi_r, hi_c]
            )
            out.append(mixed[0])
        return out[0], out[1]

    def prior_state(self) -> tuple[float, float]:
        """The belief state at the start: each player's prior of its first type."""
        return float(self.spaces[0].prior[0]), float(self.spaces[1].prior[0])


def posterior(belief: FloatArray, strategies: FloatArray, action: int) -> FloatArray:
    """Bayes' rule: the belief over a player's types (T,) after it played ``action``, each
    type playing ``strategies`` (T, a); passive (unchanged) when no type plays it."""
    joint = belief * strategies[:, action]
    total = joint.sum()
    return belief.copy() if total <= 0.0 else joint / total


def _grid(space: TypeSpace, points: int) -> FloatArray:
    return np.array([1.0]) if space.count == 1 else np.linspace(0.0, 1.0, points)


def solve_beliefs(model: Model, points: int = BELIEF_GRID) -> BeliefSolution:
    """The perfect Bayesian equilibrium of ``model``'s deadline game with its types, on the
    scheduled pressure, by backward induction over epochs and the belief grid.

    Raises
    ------
    SimError
        For type spaces the solver does not take (:func:`type_spaces`).
    """
    if points < 2:
        raise SimError(f"belief_grid: {points} points; at least 2 are needed")
    spaces = type_spaces(model)
    grids = (_grid(spaces[0], points), _grid(spaces[1], points))
    epoch = EpochGames(model, spaces, grids)
    live = model.schedule.live
    shape = (len(grids[0]), len(grids[1]))
    value = [np.full((live + 1, *shape, sp.count), np.nan) for sp in spaces]
    strategy = [np.zeros((live, *shape, sp.count, sp.fixed.shape[2])) for sp in spaces]
    pressure, end = model.forecast(0)
    for p, sp in enumerate(spaces):
        for t in sp.rational:
            m = sp.models[t]
            assert m is not None
            value[p][live, ..., t] = m.default_payoffs(np.array([end]))[0, p]
    regret, iterations = np.zeros(live), np.zeros(live, np.int64)
    guess = None
    for k in range(live - 1, -1, -1):
        nxt = (value[0][k + 1], value[1][k + 1])
        sig, vals, regret[k], iterations[k] = epoch.solve(k, float(pressure[k]), nxt, guess)
        for p in range(2):
            strategy[p][k], value[p][k] = sig[p], vals[p]
        guess = sig
    return BeliefSolution(
        spaces, grids, (strategy[0], strategy[1]), (value[0], value[1]), regret, iterations
    )


def belief_path(
    solution: BeliefSolution, actions: list[tuple[int, int]]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The public beliefs along a history of action pairs, by Bayes' rule on the strategies
    the solution plays at each epoch's belief state.

    Returns each player's belief over its types before each epoch and after the last,
    (K + 1, T) per player, and (K, 2) each player's probability of the action it played.
    """
    beliefs = [solution.spaces[0].prior.copy(), solution.spaces[1].prior.copy()]
    out: list[list[FloatArray]] = [[beliefs[0]], [beliefs[1]]]
    played = np.zeros((len(actions), 2))
    for k, pair in enumerate(actions):
        state = (float(beliefs[0][0]), float(beliefs[1][0]))
        mixed = solution.at(k, state)
        for p in range(2):
            played[k, p] = float(beliefs[p] @ mixed[p][:, pair[p]])
            beliefs[p] = posterior(beliefs[p], mixed[p], pair[p])
            out[p].append(beliefs[p])
    return np.array(out[0]), np.array(out[1]), played
