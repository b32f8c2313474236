"""The subcommands' parser pieces, light enough for ``negsim SUB --help`` (issue 20).

Nothing here imports pandas, rich, plotly, numpy or the scenario loader at import time: a
subcommand's module builds its parser from these and imports the library in its handler.
The few library defaults a parser shows are repeated here; tests/test_cli_startup.py checks
that they are the library's.
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_RUNS",
    "DEFAULT_SWEEP_RUNS",
    "FIT_DEFAULTS",
    "FIT_METHODS",
    "FORMATS",
    "SAMPLERS",
    "SCENARIO_ARGUMENT",
    "SOLVE_METHODS",
    "SOLVE_RULES",
    "SWEEP_DESIGNS",
    "add_command",
    "add_set_argument",
    "scenario_path",
]

#: :data:`sim.simulate.DEFAULT_RUNS`, :data:`sim.simulate.DEFAULT_DRAWS` and
#: :data:`sim.simulate.SAMPLERS`.
DEFAULT_RUNS = 4000
DEFAULT_DRAWS = 100
SAMPLERS = ("sobol", "lhs")
#: :data:`sim.report.FORMATS`.
FORMATS = ("png", "svg", "pdf")
#: :data:`sim.calibrate.METHODS` and :data:`sim.calibrate.DEFAULTS`.
FIT_METHODS = ("likelihood", "abc")
FIT_DEFAULTS = {
    "paths": 64,
    "walkers": 16,
    "steps": 400,
    "particles": 400,
    "generations": 8,
    "predictive_runs": 1000,
}

#: The names and descriptions of :data:`sim.equilibria.METHODS` and :data:`sim.equilibria.RULES`.
SOLVE_METHODS = {
    "support_enumeration": "every equal-size support pair (degenerate games: vertex "
    "enumeration's set)",
    "vertex_enumeration": "nashpy's vertex enumeration of the best-response polytopes (all "
    "extreme equilibria)",
    "lemke_howson": "nashpy's Lemke-Howson from every initial label (a subset of the equilibria)",
}
SOLVE_RULES = {
    "payoff_dominant": "the equilibrium best for both players; else the largest payoff sum",
    "risk_dominant": "the larger product of deviation losses (2x2 games; else payoff_dominant)",
    "max_entropy": "the most mixed equilibrium",
    "first_found": "the first equilibrium the method found",
    "logit_limit": "the limit of the logit QRE's principal branch as the precision grows",
    "all": "every equilibrium, for analysis (selects none)",
}

#: :data:`sim.experiments.DEFAULT_SWEEP_RUNS`, and the names and descriptions of
#: :data:`sim.experiments.DESIGNS`.
DEFAULT_SWEEP_RUNS = 200
SWEEP_DESIGNS = {
    "grid": "every combination of the parameters' values",
    "lhs": "a Latin hypercube over the ranges",
    "sobol": "Saltelli's extension of a Sobol sequence; first-order and total indices",
    "morris": "Morris trajectories; elementary-effect screening",
}


def scenario_path(text: str) -> str:
    """A scenario argument's file: ``text`` itself, or the bundled scenario of that id
    (:func:`sim.scenario.find_scenario`, imported only when an argument is parsed)."""
    from sim.scenario import find_scenario

    return str(find_scenario(text))


#: The SCENARIO argument of solve, run and sweep: a file, or the id of a bundled scenario.
SCENARIO_ARGUMENT: dict[str, Any] = {
    "metavar": "SCENARIO",
    "type": lambda text: scenario_path(text),
    "help": "scenario file (TOML), or the id of a bundled one (negsim scenarios lists them)",
}


def add_command(
    sub: Any, name: str, help: str, description: str, epilog: str
) -> argparse.ArgumentParser:
    """A subcommand whose description and examples keep their line breaks."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def add_set_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a number before solving: a dotted parameter name (us.pressure_scale=0.5) "
        "or the dotted key of any number in the file (schedule.epochs=120); repeatable",
    )
