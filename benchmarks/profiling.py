"""``python -m benchmarks.profiling [--games N]``: where the time goes, before and after.

Prints two pyinstrument call trees for random 3x3 games: nashpy's per-game
``support_enumeration`` (before) and :func:`sim.batched.solve_arrays` on a batch (after).
pyinstrument comes from the ``bench`` extra.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
from pyinstrument import Profiler

from benchmarks.baselines import nashpy_support_enumeration
from benchmarks.equilibria import SHAPE
from sim.batched import solve_arrays

#: Sampling interval in seconds: fine enough for calls of a few microseconds.
INTERVAL = 0.0001


def profile(run: Callable[[], object], repeats: int, show_all: bool) -> str:
    """pyinstrument's text call tree of ``repeats`` calls of ``run`` (library frames too
    if ``show_all``)."""
    run()  # warm caches and imports outside the profile
    profiler = Profiler(interval=INTERVAL)
    profiler.start()
    for _ in range(repeats):
        run()
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=show_all)


def main(argv: list[str] | None = None) -> int:
    """Profile nashpy on ``--nashpy-games`` games and ours on ``--games``, print both."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling")
    parser.add_argument("--games", type=int, default=2000, help="games per batched call")
    parser.add_argument("--repeats", type=int, default=20, help="batched calls profiled")
    parser.add_argument("--nashpy-games", type=int, default=100)
    parser.add_argument("--rng-seed", type=int, default=2019)
    parser.add_argument("--all", action="store_true", help="show library frames (long)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.rng_seed)
    A, B = rng.normal(size=(args.games, *SHAPE)), rng.normal(size=(args.games, *SHAPE))
    few = list(zip(A[: args.nashpy_games], B[: args.nashpy_games], strict=True))
    print(f"== before: nashpy support_enumeration, {len(few)} games one by one ==")
    print(profile(lambda: [nashpy_support_enumeration(a, b) for a, b in few], 1, args.all))
    print(f"== after: solve_arrays, {args.repeats} calls on {args.games} games each ==")
    print(profile(lambda: solve_arrays(A, B), args.repeats, args.all))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
