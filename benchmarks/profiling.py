"""``python -m benchmarks.profiling [--part PART]``: where the time goes (pyinstrument).

Parts:

* ``enumeration`` (default): random 3x3 games, nashpy's per-game ``support_enumeration``
  (before) and :func:`sim.equilibria.solve_arrays` on a batch (after);
* ``policies``: pre-solving the GSOMIA policies of one process (``PolicyBook.prepare``);
* ``paths``: GSOMIA paths with the policies pre-solved (``simulate_each``);
* ``sweep``: 32 sweep points over the full ranges of ``us.pressure_scale`` and
  ``korea.us_cost``, 200 runs each, in this process (one task of ``negsim sweep``).

pyinstrument comes from the ``bench`` extra.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
from pyinstrument import Profiler

from benchmarks.baselines import nashpy_support_enumeration
from benchmarks.equilibria import SHAPE
from sim.equilibria import solve_arrays

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


SCENARIO = "scenarios/gsomia-2019.toml"


def _simulation(part: str, show_all: bool) -> str:
    """The profile of one of the simulation parts (see the module docstring)."""
    from sim.deadline import Game, PolicyBook
    from sim.experiments import point_seeds
    from sim.experiments._sweep import _simulate_points
    from sim.scenario import load
    from sim.simulate import simulate_each

    scenario = load(SCENARIO)
    game = Game.from_scenario(scenario)
    if part == "policies":
        return profile(lambda: PolicyBook(game).prepare(), 3, show_all)
    if part == "paths":
        book = PolicyBook(game)
        book.prepare()
        seeds = np.random.SeedSequence(2019).spawn(1000)

        def paths() -> list[object]:
            return simulate_each(game, book, [np.random.default_rng(s) for s in seeds])

        return profile(paths, 1, show_all)
    rng = np.random.default_rng(2019)
    points = [
        {
            "point": i,
            "rng_seed": seed,
            "us.pressure_scale": 3 * rng.random(),
            "korea.us_cost": 10 * rng.random(),
        }
        for i, seed in enumerate(point_seeds(2019, 32))
    ]
    return profile(lambda: _simulate_points(scenario, points, 200), 1, show_all)


def main(argv: list[str] | None = None) -> int:
    """Profile the part asked for and print the call tree(s)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling")
    parser.add_argument(
        "--part", choices=("enumeration", "policies", "paths", "sweep"), default="enumeration"
    )
    parser.add_argument("--games", type=int, default=2000, help="games per batched call")
    parser.add_argument("--repeats", type=int, default=20, help="batched calls profiled")
    parser.add_argument("--nashpy-games", type=int, default=100)
    parser.add_argument("--rng-seed", type=int, default=2019)
    parser.add_argument("--all", action="store_true", help="show library frames (long)")
    args = parser.parse_args(argv)
    if args.part != "enumeration":
        print(f"== {args.part} ==")
        print(_simulation(args.part, args.all))
        return 0
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
