"""``python -m benchmarks [--json FILE] [--quick]``: run the suite, print the table."""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.equilibria import FULL, QUICK, SHAPE, enumeration_rows
from benchmarks.report import format_table, write_json

#: Seed of the random games, so that every run times the same games.
DEFAULT_RNG_SEED = 2019


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time negsim's solvers against their baselines, side by side in one run.",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the rows as JSON")
    parser.add_argument("--quick", action="store_true", help="fewer games: a smoke run")
    parser.add_argument("--rng-seed", type=int, default=DEFAULT_RNG_SEED)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the suite, print the table and, if asked, write the JSON file."""
    args = _parser().parse_args(argv)
    sizes = QUICK if args.quick else FULL
    run, rows = enumeration_rows(sizes, args.rng_seed)
    m, n = SHAPE
    print(
        f"{m}x{n} games, payoffs N(0, 1), rng_seed={args.rng_seed}; times are per game; "
        f"ours: solve_batch on {sizes.games} games at once ({run.degenerate} flagged degenerate)"
    )
    print(format_table(rows))
    if args.json is not None:
        settings = {
            "sizes": sizes.__dict__,
            "shape": SHAPE,
            "rng_seed": args.rng_seed,
            "ours_samples": len(run.clock.samples),
        }
        write_json(rows, settings, args.json)
        print(f"saved {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
