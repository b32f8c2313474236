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
    "FIT_DEFAULTS",
    "FIT_METHODS",
    "FORMATS",
    "SAMPLERS",
    "SCENARIO_ARGUMENT",
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
