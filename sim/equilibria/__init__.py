"""Equilibria of two-player stage games (bimatrix games), one algorithm per module.

This package knows nothing of scenarios: it takes payoff arrays and imports nothing of
``sim`` but its errors.

- The result types: :class:`Equilibrium`, :class:`EquilibriumSet` (one game) and
  :class:`EquilibriumArrays` (many games as flat arrays).
- Methods: :data:`METHODS` is the registry scenario files, the command line and the docs read.
  :func:`solve` runs one method on one game and verifies what it finds; :func:`make_solver`
  gives the solver of many stage games of one shape. The vectorised solvers:
  :func:`solve_arrays` (support enumeration, degenerate games by dominance or vertex
  enumeration) and :func:`vertex_enumeration_arrays`.
- Export: :func:`nfg_text` (Gambit's ``.nfg``) and :func:`nashpy_game`.
- Checks: :func:`is_equilibrium`, :func:`best_response_gap`, :func:`is_degenerate`.
- Logit quantal response equilibrium (:mod:`._logit`, path-following in :mod:`._homotopy`):
  :func:`logit_qre`, :func:`logit_qre_arrays`, :func:`logit_branch`, :func:`logit_limit`,
  :func:`make_logit_solver`.
- Selection: :data:`RULES`, :func:`select`, :func:`select_many`, :func:`select_all`.
- Static analysis: :func:`analyse` and its parts (dominance, Pareto efficiency, maxmin, the
  Nash bargaining point, risk dominance).

>>> from sim.equilibria import solve
>>> pennies = solve([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
>>> [e.row.tolist() for e in pennies.equilibria]
[[0.5, 0.5]]
"""

from sim.equilibria._analysis import (
    Bargaining,
    PlayerAnalysis,
    StaticAnalysis,
    analyse,
    deviation_loss_products,
    maxmin,
    nash_bargaining_hull,
    nash_bargaining_pure,
    pareto_efficient_profiles,
    pure_equilibria,
    risk_dominant_equilibrium,
    strict_pure_equilibria,
)
from sim.equilibria._arrays import EquilibriumArrays
from sim.equilibria._backends import (
    DEGENERATE_BY_VERTICES,
    METHODS,
    Method,
    StageSolver,
    make_solver,
    solve,
)
from sim.equilibria._batched import (
    UNVERIFIED_DROPPED,
    VERTEX_ENUMERATION_FAILED,
    solve_arrays,
    solve_batch,
    solve_one,
)
from sim.equilibria._dominance import (
    DOMINANCE,
    DOMINANCE_MARGIN,
    dominated_actions,
    iterated_elimination,
)
from sim.equilibria._export import nashpy_game, nfg_text
from sim.equilibria._logit import (
    LIMIT_PRECISION,
    LIMIT_TOL,
    LOGIT_TOL,
    QRE,
    Branch,
    QREArrays,
    QuantalSolver,
    logit_branch,
    logit_limit,
    logit_qre,
    logit_qre_arrays,
    make_logit_solver,
)
from sim.equilibria._nashpy import LEMKE_HOWSON_MAX_PIVOTS, PIVOT_LIMIT
from sim.equilibria._selection import (
    RULES,
    Rule,
    Selection,
    entropy,
    select,
    select_all,
    select_many,
)
from sim.equilibria._ties import TIE_TOL, order_decided
from sim.equilibria._types import (
    BEST_RESPONSE_TOL,
    CONSTANT_RANGE,
    DEGENERACY_TOL,
    DUPLICATE_TOL,
    PROBABILITY_TOL,
    Equilibrium,
    EquilibriumSet,
    GameError,
    clean_strategy,
    validate_game,
)
from sim.equilibria._verify import best_response_gap, is_degenerate, is_equilibrium
from sim.equilibria._vertex_enumeration import (
    NO_EQUILIBRIUM_FOUND,
    vertex_enumeration_arrays,
    vertex_enumeration_batch,
    vertex_enumeration_one,
)

__all__ = [
    "BEST_RESPONSE_TOL",
    "CONSTANT_RANGE",
    "DEGENERACY_TOL",
    "DEGENERATE_BY_VERTICES",
    "DOMINANCE",
    "DOMINANCE_MARGIN",
    "DUPLICATE_TOL",
    "LEMKE_HOWSON_MAX_PIVOTS",
    "LIMIT_PRECISION",
    "LIMIT_TOL",
    "LOGIT_TOL",
    "METHODS",
    "NO_EQUILIBRIUM_FOUND",
    "PIVOT_LIMIT",
    "PROBABILITY_TOL",
    "QRE",
    "RULES",
    "TIE_TOL",
    "UNVERIFIED_DROPPED",
    "VERTEX_ENUMERATION_FAILED",
    "Bargaining",
    "Branch",
    "Equilibrium",
    "EquilibriumArrays",
    "EquilibriumSet",
    "GameError",
    "Method",
    "PlayerAnalysis",
    "QREArrays",
    "QuantalSolver",
    "Rule",
    "Selection",
    "StageSolver",
    "StaticAnalysis",
    "analyse",
    "best_response_gap",
    "clean_strategy",
    "deviation_loss_products",
    "dominated_actions",
    "entropy",
    "is_degenerate",
    "is_equilibrium",
    "iterated_elimination",
    "logit_branch",
    "logit_limit",
    "logit_qre",
    "logit_qre_arrays",
    "make_logit_solver",
    "make_solver",
    "maxmin",
    "nash_bargaining_hull",
    "nash_bargaining_pure",
    "nashpy_game",
    "nfg_text",
    "order_decided",
    "pareto_efficient_profiles",
    "pure_equilibria",
    "risk_dominant_equilibrium",
    "select",
    "select_all",
    "select_many",
    "solve",
    "solve_arrays",
    "solve_batch",
    "solve_one",
    "strict_pure_equilibria",
    "validate_game",
    "vertex_enumeration_arrays",
    "vertex_enumeration_batch",
    "vertex_enumeration_one",
]
