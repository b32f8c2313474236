"""The deadline game: backward induction over the decision epochs, and the policies it gives.

- :class:`Game` holds a compiled :class:`~sim.model.Model` and the solver of its stage games;
  :meth:`Game.policy` is the equilibrium path from an epoch at an observed pressure.
- :func:`solve_deadlines` is the backward induction itself: at every epoch the stage games of
  all the batch's forecasts (and of all the parameter values of a sweep) go to the solver in
  one call, and the selection rule picks one equilibrium each.
- :class:`PolicyBook` keeps the policies paths re-solve to, by epoch and pressure on a grid.
- :func:`solve` is ``sim.solve``: one stage game, its equilibria and analysis, and the path.
- :func:`solve_beliefs` is the deadline game with private types (issue #15): a perfect
  Bayesian equilibrium on a grid of public beliefs (:class:`BeliefSolution`), its type spaces
  (:class:`TypeSpace`, :func:`type_spaces`, :func:`has_types`), Bayes' rule
  (:func:`posterior`, :func:`belief_path`) and the grid's interpolation (:func:`interpolate`).

>>> import sim
>>> r = sim.solve("scenarios/alternating-offers.toml")
>>> round(float(r.path.values[0][0]), 6)  # (1 - (-0.9)**7) / 1.9
0.778051
"""

from sim.deadline._bayesgame import interpolate
from sim.deadline._beliefs import (
    BELIEF_GRID,
    BeliefSolution,
    belief_path,
    posterior,
    solve_beliefs,
)
from sim.deadline._game import Game, solve_policies
from sim.deadline._induction import Block, Starts, solve_deadline, solve_deadlines
from sim.deadline._policies import RESOLVE_TOLERANCE, Key, PolicyBook, grid_steps
from sim.deadline._policy import Policy
from sim.deadline._solve import SolveResult, path_records, solve, solve_epochs
from sim.deadline._typespace import MAX_TYPES, TypeSpace, has_types, type_spaces

__all__ = [
    "BELIEF_GRID",
    "MAX_TYPES",
    "RESOLVE_TOLERANCE",
    "BeliefSolution",
    "Block",
    "Game",
    "Key",
    "Policy",
    "PolicyBook",
    "SolveResult",
    "Starts",
    "TypeSpace",
    "belief_path",
    "grid_steps",
    "has_types",
    "interpolate",
    "path_records",
    "posterior",
    "solve",
    "solve_beliefs",
    "solve_deadline",
    "solve_deadlines",
    "solve_epochs",
    "solve_policies",
    "type_spaces",
]
