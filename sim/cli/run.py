"""``negsim run``: simulate a scenario many times, summarise, and write the results."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.parsing import (
    DEFAULT_DRAWS,
    DEFAULT_RUNS,
    SAMPLERS,
    SCENARIO_ARGUMENT,
    add_command,
    add_set_argument,
)

__all__ = ["add_parser", "main"]

HELP = "simulate a scenario from the start to the deadline many times"

DESCRIPTION = """\
Simulate the standoff path by path: at each decision epoch the players read the
pressure, re-solve the remaining deadline game when it has moved, and draw their actions
from the equilibrium; agreements take effect after the implementation delay; otherwise
the default outcome happens at the deadline. The model is a SimPy one (sim.simulate);
the paths of a run advance together, a thousand at a time, and their event log is the
one the SimPy model writes (tested event for event); --replay runs its path in SimPy.

When the scenario declares parameter distributions, the run draws them: --draws K
parameter draws (a scrambled, seeded Sobol' or Latin hypercube design), each with its share
of the --runs paths; the summary splits each outcome's variance between the parameters and
the shocks (docs/uncertainty.md). --set NAME=VALUE pins a parameter; --fixed draws nothing.

Writes into DIR, as a whole: the files are written into a hidden sibling of DIR, which
then replaces DIR (an earlier run there is replaced whole; a non-empty directory that is not
a negsim output is refused):
  summary.json   outcome probabilities with 95% intervals, concession timing,
                 first movers, expected payoffs, the backtest against [observed]
  runs.parquet   one row per path;  events.parquet  the event log of every path
                 (not with --no-events, which skips building it: the same runs.parquet,
                 less time and memory; the report then leaves out the timeline)
  manifest.json  versions, sha256 of the scenario and seeds, parameters, seed, command
  scenario.json  the validated scenario document
  report.html    an offline report with interactive figures (docs/report.md);
                 report-data.json holds the stage games it shows
"""

EPILOG = """\
examples:
  negsim run scenarios/gsomia-2019.toml
  negsim run scenarios/gsomia-2019.toml --runs 20000 --workers 2 --rng-seed 7
  negsim run scenarios/gsomia-2019.toml --fixed            # the point values, nothing drawn
  negsim run scenarios/gsomia-2019.toml --draws 200 --sampler lhs
  negsim run scenarios/gsomia-2019.toml --set us.pressure_scale=0.5 --out runs/half
  negsim run scenarios/gsomia-2019.toml --runs 2000 --scheduler tcp://10.0.0.5:8786  # on Dask
  negsim run scenarios/gsomia-2019.toml --replay 17      # path 17 alone in SimPy, same rows
  negsim run scenarios/gsomia-2019.toml --runs 20000 --no-events   # no event log
  negsim run scenarios/war-of-attrition-deadline.toml --runs 500 --open   # view the report

read the results:
  python -c "import pandas as pd; print(pd.read_parquet('runs/.../runs.parquet'))"
"""


def add_parser(sub: Any) -> None:
    p = add_command(sub, "run", HELP, DESCRIPTION, EPILOG)
    p.add_argument("scenario", **SCENARIO_ARGUMENT)
    p.add_argument(
        "--runs", type=int, default=DEFAULT_RUNS, metavar="N", help="paths (default %(default)s)"
    )
    p.add_argument("--rng-seed", type=int, default=0, metavar="S", help="root seed (default 0)")
    add_set_argument(p)
    p.add_argument(
        "--draws",
        type=int,
        metavar="K",
        help=f"parameter draws, --runs paths in all (default {DEFAULT_DRAWS} or --runs if "
        "fewer; docs/uncertainty.md)",
    )
    p.add_argument(
        "--sampler",
        choices=SAMPLERS,
        default="sobol",
        help="design of the draws: scrambled Sobol' or Latin hypercube (default %(default)s)",
    )
    p.add_argument(
        "--fixed", action="store_true", help="run the point values: draw no distribution"
    )
    p.add_argument(
        "--posterior",
        type=Path,
        metavar="DIR",
        help="draw the fitted parameters from a negsim fit's posterior in DIR (--draws rows, "
        "resampled by weight; docs/calibration.md)",
    )
    _add_executor(p)
    p.add_argument("--out", type=Path, metavar="DIR", help="default runs/<scenario>-<time>/")
    p.add_argument("--replay", type=int, metavar="I", help="simulate only path I of the N")
    p.add_argument(
        "--no-events",
        action="store_true",
        help="do not build the event log: no events.parquet, the same runs.parquet",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar, no table")
    p.add_argument("--open", action="store_true", help="open report.html in a web browser")
    p.set_defaults(handler=main)


def _add_executor(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="K",
        help="processes; results do not depend on it (default 1)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on Dask: tcp://HOST:PORT of a scheduler, or 'local' for a LocalCluster of "
        "--workers processes (same results; needs negsim[dask])",
    )


def main(args: argparse.Namespace) -> int:
    """Run: :mod:`sim.cli.running` (pandas, rich, the simulation), imported only now."""
    from sim.cli.running import main as run_main

    return run_main(args)
