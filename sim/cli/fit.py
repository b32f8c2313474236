"""``negsim fit``: a posterior for named parameters given the scenario's record."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.parsing import (
    FIT_DEFAULTS,
    FIT_METHODS,
    SCENARIO_ARGUMENT,
    add_command,
    add_set_argument,
)

__all__ = ["add_parser", "main"]

FIT_SIZES = {
    "paths": "likelihood: shock paths the record's probability is averaged over (default %d)",
    "walkers": "likelihood: emcee walkers (default %d)",
    "steps": "likelihood: MCMC steps per walker, the first half burn-in (default %d)",
    "particles": "abc: particles per generation (default %d)",
    "generations": "abc: ABC-SMC generations (default %d)",
    "predictive_runs": "paths of the posterior predictive run (default %d)",
}

HELP = "fit parameters to the scenario's [observed] record (a posterior, diagnostics, a check)"

DESCRIPTION = """\
Fit the parameters named by --param to the scenario's [observed] record (the outcome, when
it was decided, and the dated moves), with priors from their declared distributions (or
uniform on their ranges). docs/calibration.md describes the methods and their checks.

  --method likelihood   logit QRE play ([equilibrium] concept = "logit"); the record's
                        probability averaged over --paths shock paths (common random
                        numbers); its maximum (scipy.optimize) and an emcee posterior
                        (--walkers, --steps; the first half is burn-in)
  --method abc          ABC-SMC by pyabc (--particles, --generations), the distance on the
                        record of docs/calibration.md; needs negsim[fit]

Writes into DIR (--out), each file atomically:
  posterior.parquet     one row per posterior draw, a weight column (summing to 1)
  diagnostics.json      the maximum, means, 90% intervals, ESS, acceptance, R-hat, and the
                        posterior predictive check against the record
  predictive.parquet    the posterior predictive run, one row per path
  report.html           marginals, pairs, prior against posterior, predictive against record
  chain.npz / abc.db    the checkpoint: the same command again continues from it
"""

EPILOG = """\
examples:
  negsim fit tests/scenarios/fit/logit-choice.toml --param theta --out fits/choice
  negsim fit gsomia-2019 --lambda 10 --param korea.audience_cost --param us.pressure_scale \\
      --walkers 8 --steps 50 --paths 32 --out fits/gsomia     # docs/calibration.md
  negsim fit ... --scheduler local --workers 2      # evaluations on a Dask LocalCluster
  negsim run gsomia-2019 --posterior fits/gsomia    # parameters drawn from the posterior
"""


def add_parser(sub: Any) -> None:
    parser = add_command(sub, "fit", HELP, DESCRIPTION, EPILOG)
    parser.add_argument("scenario", **SCENARIO_ARGUMENT)
    parser.add_argument(
        "--param",
        action="append",
        required=True,
        metavar="NAME",
        help="a dotted parameter name to fit (korea.audience_cost); repeatable",
    )
    parser.add_argument(
        "--method", choices=FIT_METHODS, default="likelihood", help="the fitting method (above)"
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="directory for the fit's files"
    )
    parser.add_argument(
        "--rng-seed", type=int, default=0, metavar="N", help="seed of every draw (default 0)"
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="evaluate on Dask: tcp://HOST:PORT, or 'local' for a LocalCluster of --workers",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="processes of a --scheduler local cluster (default 2)",
    )
    parser.add_argument(
        "--lambda",
        dest="lam",
        type=float,
        default=None,
        metavar="L",
        help="play every stage game at its logit QRE at precision L (the likelihood method "
        "needs logit play; a scenario's own [equilibrium] concept = 'logit' needs no flag)",
    )
    _add_sizes(parser)
    add_set_argument(parser)
    parser.set_defaults(handler=main)


def _add_sizes(parser: argparse.ArgumentParser) -> None:
    """The fit sizes (--paths, --walkers, ...), each with its default in its help."""
    for key, value in FIT_DEFAULTS.items():
        flag = "--" + key.replace("_", "-")
        parser.add_argument(
            flag, type=int, default=value, metavar="N", dest=key, help=FIT_SIZES[key] % value
        )


def main(args: argparse.Namespace) -> int:
    from sim.calibrate import DEFAULTS, diagnostics_of, fit, logit_play, write_fit
    from sim.cli.common import overrides, progress_bar, stdout
    from sim.report import write_fit_report
    from sim.scenario import load

    scenario = load(args.scenario, overrides(args.overrides))
    if args.lam is not None:
        scenario = logit_play(scenario, args.lam)
    sizes = {key: getattr(args, key) for key in DEFAULTS}
    total = sizes["steps"] if args.method == "likelihood" else sizes["generations"]
    label = "MCMC steps" if args.method == "likelihood" else "ABC generations"
    with progress_bar(total, label) as advance:
        result = fit(
            scenario,
            args.param,
            args.method,
            rng_seed=args.rng_seed,
            out=args.out,
            scheduler=args.scheduler,
            workers=args.workers,
            progress=advance,
            **sizes,
        )
    write_fit(result, args.out)
    write_fit_report(result, args.out)
    summary = diagnostics_of(result)
    stdout.print(f"fit {args.method}: {', '.join(result.names)}")
    for name in result.names:
        low, high = summary["interval90"][name]
        mean = summary["posterior_mean"][name]
        stdout.print(f"  {name}: mean {mean:.4g}, 90% interval [{low:.4g}, {high:.4g}]")
    stdout.print(f"wrote {args.out}")
    return 0
