"""The ``negsim`` command: parse arguments, make one library call, write the result.

Each subcommand lives in its own module with ``add_parser(subparsers)`` and ``main(args)``:
parse, one library call, print or write. Only this package prints, and only it speaks of
flags; library code returns values or raises :class:`sim.SimError` in its own words.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from sim.errors import ArgumentError, ScenarioError, SimError, shown

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


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, the module whose ``adder`` builds its parser, and the line
    ``negsim --help`` lists it with (the same ``help`` the module gives; a test checks)."""

    name: str
    module: str
    help: str
    adder: str = "add_parser"


#: The subcommands, in the order ``negsim --help`` lists them. A subcommand's module (and
#: what it imports: pandas, the solvers, plotly) is imported only when that subcommand runs.
COMMANDS: tuple[Command, ...] = (
    Command(
        "validate",
        "sim.cli.validate",
        "check scenario files, including every evidence quote against the seeds",
    ),
    Command(
        "solve",
        "sim.cli.solve",
        "solve a stage game (all equilibria, selection, static analysis) and the deadline game",
    ),
    Command("run", "sim.cli.run", "simulate a scenario from the start to the deadline many times"),
    Command(
        "sweep", "sim.cli.sweep", "simulate a scenario over a grid or sample of parameter values"
    ),
    Command(
        "fit",
        "sim.cli.fit",
        "fit parameters to the scenario's [observed] record (a posterior, diagnostics, a check)",
    ),
    Command(
        "report",
        "sim.cli.report",
        "rebuild a run's offline HTML report; export its figures as images",
    ),
    Command(
        "compare",
        "sim.cli.compare",
        "compare several runs (a baseline and counterfactuals) in one HTML page",
    ),
    Command(
        "scenarios",
        "sim.cli.scenarios",
        "list the scenarios that ship with negsim (run any of them by id)",
    ),
    Command(
        "new",
        "sim.cli.scenarios",
        "start a new scenario: a commented template and a seeds folder that validate",
        "add_new_parser",
    ),
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


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser, every subcommand built (``only=None``); or only subcommand
    ``only``, the others listed by name and help alone, taking any arguments and importing
    nothing (``""``: none built, enough for ``negsim --help`` and to find the subcommand)."""
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
    for command in COMMANDS:
        if only is None or command.name == only:
            getattr(importlib.import_module(command.module), command.adder)(sub)
        else:
            sub.add_parser(command.name, help=command.help, add_help=False)
    return parser


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments, parsed by a parser that builds (imports) only the subcommand given."""
    found, _ = build_parser(only="").parse_known_args(argv)
    return build_parser(only=found.command).parse_args(argv)


def _os_error(exc: OSError) -> str:
    """An OS error on one line, cut to a readable length: ``FILE: what went wrong``."""
    what = exc.strerror or " ".join(str(exc).split()) or type(exc).__name__
    where = f"{exc.filename}: " if exc.filename else ""
    text = f"{where}{what}"
    return text if len(text) <= 300 else text[:297] + "..."


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parse(argv)
    from sim.cli.common import full_width_when_piped  # here: rich is not needed for --help
    from sim.scenario import allow_roots

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
