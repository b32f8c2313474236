"""``python -m benchmarks [--json FILE] [--quick] [--only PARTS]``: run the suite, print the
tables."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.equilibria import FULL, QUICK, SHAPE, enumeration_rows
from benchmarks.other import FULL_OTHER, QUICK_OTHER, other_rows
from benchmarks.paths import (
    FULL_RUN,
    PATHS_PER_CORE_TARGET,
    QUICK_RUN,
    SCENARIO,
    SKELETON_FACTOR,
    run_rows,
)
from benchmarks.qre import FULL_QRE, MAX_SLOWDOWN, QUICK_QRE, qre_rows
from benchmarks.report import Row, format_table, write_json
from benchmarks.sweeps import (
    FULL_SWEEP,
    QUICK_SWEEP,
    SWEEP_TARGET_S,
    SWEPT,
    run_sweep,
    sweep_row,
    sweep_settings,
)
from sim.scenario import load

#: Seed of the random games and of the simulated paths, so that every run times the same.
DEFAULT_RNG_SEED = 2019

PARTS = ("enumeration", "run", "qre", "sweep", "other")

DESCRIPTION = """\
Time negsim against the baselines and targets of the performance issue (#7), each
ratio measured in the same run, and print one table per part: operation, ours,
baseline, ratio (how many times faster ours is; below 1x, slower), the issue's
target (met / NOT met) and a check. Progress goes to standard error.

parts (all by default; choose with --only or --skip):
  enumeration  all equilibria of random 3x3 games: sim.equilibria.solve_arrays against
               nashpy, QuantEcon and pygambit on the same games (10-20 s; quick 7 s)
  run          the GSOMIA scenario, paths a second on one core, against the target of
               2,000 and against SimPy alone: a bare env.timeout loop (SimPy's raw event
               rate) and a SimPy skeleton of a path (a timeout per live epoch, dated
               pressure point and expected shock, and one for the end, no model logic;
               "a small factor" is read as within 5x of it). Rows, with the policies
               pre-solved (steady state, interleaved with the baselines): the SimPy
               model's paths (simulate_each), the paths run together with their event
               log as negsim run runs them (run_logged) and without it as a sweep point
               runs them; then simulate(workers=1) with compiling and pre-solving
               included, and the issue's whole command, `negsim run
               scenarios/gsomia-2019.toml --runs 10000` (one process, the default), as a
               subprocess (start-up, writing and the report included). Also counts the
               SimPy events a path schedules. (20-30 s; quick 15 s)
  qre          the GSOMIA scenario played at logit QRE ([equilibrium] concept = "logit")
               against Nash play: simulate(runs=10000, workers=1), compiling and
               pre-solving included, alternately under each concept, the fastest of two
               each; target: no more than 2x the time of Nash play at lambda 10, and rows
               without a target at lambda 1 and 100 (about 2 minutes; quick: 1000 paths
               at lambda 10, 15 s)
  sweep        sim.sweep over a 50x50 grid of us.pressure_scale x korea.us_cost (their
               declared ranges), 200 runs a point, 2 workers, into a temporary directory,
               against the target of 120 s; at the time of writing it takes about
               90 s (7 minutes before the batch path engine). --sweep-budget SECONDS (or
               Ctrl-C) stops it and projects the full time from the points done.
               --quick: a 5x5 grid with 20 runs a point and no target (7-25 s)
  other        a scenario unlike the flagship (benchmarks/scenarios/stress-4x4.toml: 4x4
               actions, 480 epochs, 4 shocks a day) against the flagship, one core:
               compiling and pre-solving a run's policies, the paths with their event
               log (1000), one sweep point (200 paths); no target, the ratio says how many
               times slower it is (about a minute; quick: 120 epochs, 200 and 50 paths)
"""

EPILOG = """\
examples:
  python -m benchmarks --quick                      # every part, small sizes
  python -m benchmarks --json bench.json            # the full suite, saved
  python -m benchmarks --only run,sweep --quick     # skip the enumeration
  python -m benchmarks --skip sweep --json b.json   # all but the long sweep
  python -m benchmarks --only sweep --sweep-budget 300

--json FILE records every row in SI units (seconds per game, path or event; the sweep
in seconds), the sizes and settings, the time each part took, and package versions.
"""


def _parts(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in PARTS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"{text!r}: choose from {', '.join(PARTS)}")
    return names


def parser() -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the rows as JSON")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--only", type=_parts, metavar="PARTS", help="comma-separated parts to run")
    parser.add_argument(
        "--skip", type=_parts, default=[], metavar="PARTS", help="comma-separated parts to skip"
    )
    parser.add_argument(
        "--sweep-budget",
        type=float,
        metavar="SECONDS",
        help="stop the sweep after this long and project its time from the points done",
    )
    parser.add_argument("--rng-seed", type=int, default=DEFAULT_RNG_SEED, metavar="S")
    return parser


@dataclass(frozen=True)
class Part:
    """What one part measured: a heading, its rows and its settings."""

    heading: str
    rows: list[Row]
    settings: dict[str, object]


def _enumeration(args: argparse.Namespace) -> Part:
    sizes = QUICK if args.quick else FULL
    run, rows = enumeration_rows(sizes, args.rng_seed)
    m, n = SHAPE
    heading = (
        f"{m}x{n} games, payoffs N(0, 1), rng_seed={args.rng_seed}; times are per game; "
        f"ours: solve_arrays on {sizes.games} games at once ({run.degenerate} flagged degenerate)"
    )
    settings = {
        "sizes": sizes.__dict__,
        "shape": SHAPE,
        "rng_seed": args.rng_seed,
        "ours_samples": len(run.clock.samples),
    }
    return Part(heading, rows, settings)


def _run(args: argparse.Namespace) -> Part:
    sizes = QUICK_RUN if args.quick else FULL_RUN
    rows, settings = run_rows(sizes, args.rng_seed, say)
    heading = (
        f"scenarios/gsomia-2019.toml, rng_seed={args.rng_seed}; rates are per core; "
        f"target {PATHS_PER_CORE_TARGET:,.0f} paths/s/core and within "
        f"{SKELETON_FACTOR:g}x of the SimPy skeleton"
    )
    return Part(heading, rows, settings)


def _qre(args: argparse.Namespace) -> Part:
    sizes = QUICK_QRE if args.quick else FULL_QRE
    rows = qre_rows(load(SCENARIO), sizes, args.rng_seed, say)
    heading = (
        f"scenarios/gsomia-2019.toml at logit QRE against Nash play, rng_seed={args.rng_seed}; "
        f"{sizes.runs} paths a call, one core; target: <= {MAX_SLOWDOWN:g}x the time of Nash "
        "play (a ratio >= 0.5x)"
    )
    sized = {**sizes.__dict__, "lambdas": list(sizes.lambdas)}
    settings = {"sizes": sized, "rng_seed": args.rng_seed}
    return Part(heading, rows, settings)


def _sweep(args: argparse.Namespace) -> Part:
    size = QUICK_SWEEP if args.quick else FULL_SWEEP
    say(f"sweep: {size.points} points x {size.runs} runs on {size.workers} workers")
    run = run_sweep(size, args.rng_seed, args.sweep_budget, say)
    quick = " (the quick size; the target is for 50x50, 200 runs)" if args.quick else ""
    heading = (
        f"sweep of scenarios/gsomia-2019.toml over {' x '.join(SWEPT)}: "
        f"{size.side}x{size.side} points, {size.runs} runs a point, {size.workers} workers"
        f"{quick}; target {SWEEP_TARGET_S:g} s at the full size"
    )
    settings = sweep_settings(size, args.rng_seed, args.sweep_budget)
    return Part(heading, [sweep_row(run)], settings)


def _other(args: argparse.Namespace) -> Part:
    sizes = QUICK_OTHER if args.quick else FULL_OTHER
    rows, settings = other_rows(sizes, args.rng_seed, say)
    heading = (
        "a scenario unlike the flagship against the flagship, one core, rng_seed="
        f"{args.rng_seed}; no target: a ratio below 1x is how many times slower it is"
    )
    return Part(heading, rows, settings)


RUNNERS: dict[str, Callable[[argparse.Namespace], Part]] = {
    "enumeration": _enumeration,
    "run": _run,
    "qre": _qre,
    "sweep": _sweep,
    "other": _other,
}


def say(message: str) -> None:
    """Progress, on standard error."""
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen parts, print a table after each and, if asked, write the JSON file."""
    args = parser().parse_args(argv)
    chosen = args.only or list(PARTS)
    parts = [p for p in PARTS if p in chosen and p not in args.skip]
    rows: list[Row] = []
    settings: dict[str, object] = {"quick": args.quick, "parts": parts}
    for name in parts:
        say(f"== {name} ==")
        start = time.perf_counter()
        part = RUNNERS[name](args)
        seconds = time.perf_counter() - start
        print(f"{part.heading}\n{format_table(part.rows)}\n[{name}: {seconds:.0f} s]\n")
        rows += part.rows
        settings[name] = {**part.settings, "seconds": seconds}
        if args.json is not None:  # after every part, so that a long run keeps what it has
            write_json(rows, settings, args.json)
    if args.json is not None:
        print(f"saved {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
