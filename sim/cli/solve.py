"""``negsim solve``: a stage game's equilibria and analysis, and the deadline game."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from sim.cli.parsing import (
    SCENARIO_ARGUMENT,
    SOLVE_METHODS,
    SOLVE_RULES,
    add_command,
    add_set_argument,
)

__all__ = ["add_parser", "main"]

HELP = "solve a stage game (all equilibria, selection, static analysis) and the deadline game"

DESCRIPTION = """\
Build the stage game at one decision epoch (the first by default) with the
continuation values of the deadline game, list all its equilibria (verified mutual
best responses; degenerate games flagged), the selected one and why, and the static
analysis: pure equilibria, dominated actions and iterated elimination, Pareto-efficient
profiles, maxmin values, the Nash bargaining point, risk dominance (2x2).
--path prints the equilibrium path of the whole deadline game instead.

--concept logit --lambda L plays the deadline game at each epoch's logit quantal
response equilibrium (precision L, in 1 / payoff units) and prints the stage game's
QRE and the principal branch that leads to it from uniform play at lambda = 0, then
the stage game's Nash equilibria for comparison (docs/qre.md).
"""

EPILOG = """\
examples:
  negsim solve scenarios/gsomia-2019.toml
  negsim solve scenarios/gsomia-2019.toml --at 2019-11-22T12:00+09:00
  negsim solve scenarios/gsomia-2019.toml --epoch 40 --rule all --method vertex_enumeration
  negsim solve scenarios/war-of-attrition-deadline.toml --path
  negsim solve scenarios/gsomia-2019.toml --epoch 55 --concept logit --lambda 10
  negsim solve scenarios/war-of-attrition-deadline.toml --set schedule.epochs=400 \
      --rule logit_limit --path
  negsim solve scenarios/gsomia-2019.toml --json | python -m json.tool
  negsim solve scenarios/gsomia-2019.toml --epoch 55 --nfg epoch55.nfg   # for Gambit

--json prints one object (documented in docs/outputs.md): scenario, epoch, hours,
datetime, hours_before_deadline, pressure, players, stage_game, equilibria, selected,
analysis, path (one record per epoch), path_outcomes; under the logit concept also
concept, qre and branch.
"""


def add_parser(sub: Any) -> None:
    p = add_command(sub, "solve", HELP, DESCRIPTION, EPILOG)
    p.add_argument("scenario", **SCENARIO_ARGUMENT)
    when = p.add_mutually_exclusive_group()
    when.add_argument(
        "--at", type=_datetime, metavar="DATETIME", help="ISO datetime with a timezone"
    )
    when.add_argument("--epoch", type=int, metavar="K", help="live decision epoch number")
    add_set_argument(p)
    p.add_argument(
        "--method",
        choices=list(SOLVE_METHODS),
        help="override the scenario's method: "
        + "; ".join(f"{name}: {text}" for name, text in SOLVE_METHODS.items()),
    )
    p.add_argument(
        "--rule",
        choices=list(SOLVE_RULES),
        help="override the selection rule: "
        + "; ".join(f"{name}: {text}" for name, text in SOLVE_RULES.items()),
    )
    p.add_argument(
        "--concept",
        choices=["nash", "logit"],
        help="override the solution concept: nash (the selected Nash equilibrium) or logit "
        "(the logit QRE on the principal branch; needs a precision, --lambda or the file's)",
    )
    p.add_argument(
        "--lambda",
        dest="lam",
        type=float,
        metavar="L",
        help="the logit precision lambda (>= 0, in 1 / payoff units): 0 is uniform play, "
        "larger is closer to best responses",
    )
    p.add_argument("--path", action="store_true", help="print the equilibrium path")
    p.add_argument(
        "--nfg",
        type=Path,
        metavar="FILE",
        help="also write the stage game to FILE in Gambit's .nfg format (for gambit-enummixed, "
        "pygambit.read_nfg)",
    )
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    _add_tipping(p)
    p.set_defaults(handler=main)


def _add_tipping(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tipping",
        action="store_true",
        help="where each drawn parameter flips the modal outcome (docs/uncertainty.md)",
    )
    p.add_argument(
        "--tipping-runs",
        type=int,
        default=200,
        metavar="N",
        help="paths judging each value for --tipping (default %(default)s)",
    )


def _datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO datetime: {text!r}") from None


def main(args: argparse.Namespace) -> int:
    """Solve: :mod:`sim.cli.solving` (numpy, rich, the solvers), imported only now."""
    from sim.cli.solving import main as solve_main

    return solve_main(args)
