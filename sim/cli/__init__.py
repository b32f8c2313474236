"""The ``negsim`` command: parse arguments, make one library call, write the result.

Each subcommand lives in its own module with ``add_parser(subparsers)`` and ``main(args)``:
parse, one library call, print or write. Only this package prints, and only it speaks of
flags; library code returns values or raises :class:`sim.SimError` in its own words.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType

from sim.cli import compare as compare_cmd
from sim.cli import fit as fit_cmd
from sim.cli import report as report_cmd
from sim.cli import run as run_cmd
from sim.cli import scenarios as scenarios_cmd
from sim.cli import solve as solve_cmd
from sim.cli import sweep as sweep_cmd
from sim.cli import validate as validate_cmd
from sim.cli.common import full_width_when_piped
from sim.errors import ArgumentError, ScenarioError, SimError, shown
from sim.scenario import allow_roots

__all__ = ["main"]

EXIT_OK = 0
EXIT_USAGE = 2

#: The flag of each library argument, for messages (the library names its arguments).
FLAGS = {
    "at": "--at",
    "design": "--design",
    "epoch": "--epoch",
    "format": "--format",
    "generations": "--generations",
    "method": "--method",
    "particles": "--particles",
    "paths": "--paths",
    "predictive_runs": "--predictive-runs",
    "steps": "--steps",
    "walkers": "--walkers",
    "param": "--param",
    "replay": "--replay",
    "rng_seed": "--rng-seed",
    "runs": "--runs",
    "samples": "--samples",
    "workers": "--workers",
}

COMMANDS: tuple[ModuleType, ...] = (
    validate_cmd,
    solve_cmd,
    run_cmd,
    sweep_cmd,
    fit_cmd,
    report_cmd,
    compare_cmd,
    scenarios_cmd,
)

DESCRIPTION = """\
Simulate deadline bargaining between two governments under outside pressure.

A scenario file (TOML) names two players and their actions, payoffs built from
evidence-cited parameters, a hard deadline and an exogenous pressure series.
See docs/scenario-format.md.
"""

EPILOG = """\
examples:
  negsim validate scenarios/*.toml      check scenario files and their evidence
  negsim solve scenarios/gsomia-2019.toml --epoch 55   stage game, equilibria, analysis
  negsim solve scenarios/gsomia-2019.toml --path       the deadline game's equilibrium path
  negsim run scenarios/gsomia-2019.toml   simulate the standoff, write runs/<scenario>-<time>/
  negsim scenarios                        the bundled scenarios; negsim run gsomia-2019 runs one
  negsim new my-standoff                  start a scenario of your own from a template
  negsim report runs/gsomia-2019-<time>/  rebuild that run's offline report.html
  negsim compare runs/a runs/b --out compare.html   runs side by side
  python -m sim validate --json scenarios/gsomia-2019.toml

exit status: 0 success, 2 invalid input (one line per problem on stderr)
"""


def _version() -> str:
    try:
        return version("negsim")
    except PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="negsim",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"negsim {_version()}")
    parser.add_argument(
        "--allow-root",
        dest="allow_roots",
        action="append",
        default=[],
        metavar="DIR",
        help="let scenarios read seeds_dir and base under DIR too, not only inside their "
        "project (see docs/reliability.md); repeatable",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.add_parser(sub)
    scenarios_cmd.add_new_parser(sub)
    return parser


def _os_error(exc: OSError) -> str:
    """An OS error on one line, cut to a readable length: ``FILE: what went wrong``."""
    what = exc.strerror or " ".join(str(exc).split()) or type(exc).__name__
    where = f"{exc.filename}: " if exc.filename else ""
    text = f"{where}{what}"
    return text if len(text) <= 300 else text[:297] + "..."


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    full_width_when_piped()
    try:
        with allow_roots(args.allow_roots):
            status: int = args.handler(args)
    except ScenarioError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return EXIT_USAGE
    except ArgumentError as exc:
        flag = FLAGS.get(exc.argument, exc.argument)
        print(f"negsim: {flag} {shown(exc.value)}: {exc.rule}", file=sys.stderr)
        return EXIT_USAGE
    except SimError as exc:
        print(f"negsim: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("negsim: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # disk full, read-only, permissions, an unreachable scheduler
        print(f"negsim: {_os_error(exc)}", file=sys.stderr)
        return EXIT_USAGE
    return status
