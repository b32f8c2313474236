"""``negsim sweep``: simulate a scenario over a design of parameter values."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.parsing import (
    DEFAULT_SWEEP_RUNS,
    SCENARIO_ARGUMENT,
    SWEEP_DESIGNS,
    add_command,
    add_set_argument,
)

__all__ = ["add_parser", "main"]

HELP = "simulate a scenario over a grid or sample of parameter values"

DESCRIPTION = """\
Simulate the scenario at every point of an experiment design, --runs paths per point,
and write one row per point. Any number --set accepts can be swept by its dotted name
(an unknown name is rejected with the list of valid ones).

  --param NAME=START:STOP:N   N evenly spaced values, both ends included
  --param NAME=V1,V2,...      listed values (grid only)
  --param NAME=START:STOP     a range, for --design lhs, sobol or morris
  --param NAME                the parameter's declared range (9 grid values on a grid);
                              with --from-distributions (lhs, sobol, morris), its declared
                              distribution: the design's unit values through its quantiles

designs: grid (every combination), lhs (--samples points of a Latin hypercube),
sobol (Saltelli sampling, --samples N base points, a power of 2: N*(d+2) points),
morris (--samples trajectories: N*(d+1) points).

Point i is seeded by SeedSequence(--rng-seed).spawn(points)[i], so the results are the
same with any --workers or --scheduler, and after --resume.

Writes into DIR, each file atomically:
  manifest.json          versions, scenario sha256, the design, params, runs, seed
  points/part-*.parquet  rows as points finish (what --resume keeps)
  results.parquet        one row per point, sorted by point: the parameters, rng_seed,
                         p_<outcome>, ci_low_/ci_high_<outcome>, hours_q05..hours_q95,
                         share_last_5pct, window_hours, payoff_<player>, and
                         degenerate_epochs (of epochs) at the scheduled pressure,
                         foreseen_outcome (most probable on the equilibrium path foreseen
                         at the first epoch; not a simulated outcome)
  sensitivity.parquet    sobol: S1, S1_conf, ST, ST_conf; morris: mu_star,
                         mu_star_conf, sigma; per output and parameter (docs/sweeps.md)
  report.html            figures: probabilities against one parameter, heatmaps over two,
                         parallel coordinates over more; Sobol index bars
"""

EPILOG = """\
examples:
  negsim sweep scenarios/gsomia-2019.toml --param us.pressure_scale=0:2:9 \\
      --param window.days=30:92:5 --runs 200
  negsim sweep scenarios/gsomia-2019.toml --param korea.audience_cost=0.5,1,2 --workers 2
  negsim sweep scenarios/war-of-attrition-deadline.toml --set schedule.epochs=40 \\
      --param waiting_cost=0.2:0.8:4 --runs 50     # --set fixes a value for every point
  negsim sweep scenarios/gsomia-2019.toml --design lhs --samples 32 --from-distributions \\
      --param korea.audience_cost --param us.pressure_scale --runs 50 --prim
  negsim sweep scenarios/gsomia-2019.toml --design sobol --samples 64 \\
      --param us.pressure_scale=0:2 --param korea.audience_cost=0.5:2 --out sweeps/sobol
  negsim sweep ... --scheduler tcp://10.0.0.5:8786   # an existing Dask cluster
  negsim sweep ... --scheduler local --workers 4     # a Dask LocalCluster of 4 processes
  negsim sweep ... --out sweeps/sobol --resume       # after Ctrl-C, SIGTERM or kill -9

read the results:
  python -c "import pandas as pd; print(pd.read_parquet('sweeps/.../results.parquet'))"
"""


def add_parser(sub: Any) -> None:
    p = add_command(sub, "sweep", HELP, DESCRIPTION, EPILOG)
    p.add_argument("scenario", **SCENARIO_ARGUMENT)
    p.add_argument(
        "--param",
        dest="params",
        action="append",
        default=[],
        required=True,
        metavar="NAME=RANGE",
        help="a swept parameter (see above); repeatable",
    )
    p.add_argument(
        "--design",
        choices=list(SWEEP_DESIGNS),
        default="grid",
        help="default grid; "
        + "; ".join(f"{name}: {text}" for name, text in SWEEP_DESIGNS.items()),
    )
    p.add_argument("--samples", type=int, metavar="N", help="size of an lhs/sobol/morris design")
    p.add_argument("--from-distributions", action="store_true", help=FROM_DISTRIBUTIONS_HELP)
    p.add_argument("--prim", action="store_true", help=PRIM_HELP)
    p.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_SWEEP_RUNS,
        metavar="R",
        help="paths per point (default %(default)s)",
    )
    p.add_argument("--rng-seed", type=int, default=0, metavar="S", help="root seed (default 0)")
    add_set_argument(p)
    p.add_argument(
        "--workers",
        type=int,
        metavar="K",
        help="local processes, or the size of --scheduler local (default: number of cores)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="tcp://HOST:PORT of a Dask scheduler, or 'local' for a Dask LocalCluster",
    )
    p.add_argument("--out", type=Path, metavar="DIR", help="default sweeps/<scenario>-<time>/")
    p.add_argument("--resume", action="store_true", help="compute only the points DIR lacks")
    p.add_argument("--quiet", action="store_true", help="no progress bar, no table")
    p.set_defaults(handler=main)


FROM_DISTRIBUTIONS_HELP = (
    "a --param NAME given alone is drawn from its declared distribution (lhs, sobol, morris; "
    "a NAME without one uses its range)"
)
PRIM_HELP = (
    "PRIM boxes: where each outcome is likely, into prim.json and the report "
    "(needs negsim[discovery])"
)


def main(args: argparse.Namespace) -> int:
    """Sweep: :mod:`sim.cli.sweeping` (pandas, rich, the simulator), imported only now."""
    from sim.cli.sweeping import main as sweep_main

    return sweep_main(args)
