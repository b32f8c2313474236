"""``negsim run`` on the GSOMIA scenario: paths a second against the issue's target and
against SimPy on its own, measured in the same run.

Four measurements, each a row or two of the table:

- steady state, after ``PolicyBook.prepare()``: the SimPy model's paths
  (:func:`sim.simulate.simulate_each`, a chunk at a time), the paths run together with their
  event log as ``negsim run`` runs them (:func:`sim.simulate.run_logged`, a chunk of
  :data:`sim.simulate.CHUNK` at a time) and without it as a sweep point runs them, with
  SimPy's raw timeout loop and the SimPy skeleton of a path (:mod:`benchmarks.skeleton`)
  timed before every chunk (interleaved, as :mod:`benchmarks.timing` explains);
- the events a SimPy path schedules, counted by wrapping SimPy's scheduler (untimed);
- :func:`sim.simulate.simulate` on one core, compiling the game, pre-solving the policies
  and building the tables included;
- the issue's command, ``negsim run scenarios/gsomia-2019.toml --runs 10000`` (one process,
  the default), as a subprocess: process start-up and writing the results and the report
  included.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.report import Row
from benchmarks.skeleton import (
    EventCount,
    Timeline,
    counting_events,
    skeleton_paths,
    timeline,
    timeout_loop,
)
from benchmarks.timing import Clock, time_chunks, timed
from sim.deadline import Game, PolicyBook
from sim.scenario import Scenario, load
from sim.simulate import (
    CHUNK,
    PathResult,
    draw_paths,
    path_generators,
    run_logged,
    simulate,
    simulate_each,
    simulate_path,
    simulate_paths,
)

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "gsomia-2019.toml"

#: The issue's target: paths a second on one core.
PATHS_PER_CORE_TARGET = 2000.0
#: "Within a small factor" of the SimPy skeleton, read as: at least a fifth of its rate
#: (the skeleton runs about 10,000 paths a second, so this is the 2,000 of the target).
SKELETON_FACTOR = 5.0
#: Paths whose SimPy events are counted (untimed).
COUNTED_PATHS = 100
#: Paths per call of the batch engine: a sweep point's default.
BATCH = 200

#: Where the parts report what they are doing (standard error, so the table stays clean).
Say = Callable[[str], None]


@dataclass(frozen=True)
class RunSizes:
    """How much of each measurement to do."""

    chunks: int  # interleaved samples of our paths
    chunk: int  # paths per sample
    skeleton: int  # skeleton paths per tick
    timeouts: int  # timeouts per tick of the raw loop
    simulate_runs: int  # paths of one simulate() call
    simulate_repeats: int  # simulate() calls, the fastest kept
    command_runs: int  # negsim run --runs
    workers: int  # negsim run --workers (1: the default, and the flag left out)


#: Paths a chunk: as many as ``simulate()`` gives ``simulate_each`` at a time.
FULL_RUN = RunSizes(12, 250, 200, 100_000, 2000, 2, 10_000, 1)
QUICK_RUN = RunSizes(4, 50, 100, 50_000, 250, 1, 1000, 1)


@dataclass(frozen=True)
class Steady:
    """Our paths after pre-solving, and the two SimPy baselines ticked between them."""

    seconds: float  # fastest chunk, per path
    paths: list[PathResult]
    skeleton: Clock
    raw: Clock
    line: Timeline
    count: EventCount  # over COUNTED_PATHS paths
    batch_seconds: float  # fastest call of the batch engine on BATCH paths, per path
    batch_paths: int  # paths the batch engine ran, over all its calls
    logged_seconds: float  # fastest run_logged call on a chunk of CHUNK paths, per path
    logged_paths: int


def steady_state(game: Game, sizes: RunSizes, rng_seed: int) -> Steady:
    """Time ``simulate_each`` on chunks of paths with both SimPy baselines ticked before
    each; then count the events of a few more paths."""
    book = PolicyBook(game)
    book.prepare()
    line = timeline(game)
    skeleton = Clock(skeleton_paths(line, sizes.skeleton), sizes.skeleton)
    raw = Clock(timeout_loop(sizes.timeouts), sizes.timeouts)
    rngs = path_generators(rng_seed, sizes.chunks * sizes.chunk + COUNTED_PATHS)
    timed_rngs, counted_rngs = rngs[:-COUNTED_PATHS], rngs[-COUNTED_PATHS:]
    simulate_path(game, book, path_generators(rng_seed + 1, 1)[0])  # warm caches outside
    seconds, paths = time_chunks(
        lambda part: simulate_each(game, book, part), timed_rngs, sizes.chunk, [skeleton, raw]
    )
    with counting_events() as count:
        for rng in counted_rngs:
            simulate_path(game, book, rng)
    together = path_generators(rng_seed, sizes.chunks * BATCH)
    batch, _ = time_chunks(
        lambda part: [simulate_paths(game, book, part)], together, BATCH, skeleton
    )
    chunk = min(CHUNK, sizes.chunks * sizes.chunk)
    logged = path_generators(rng_seed, 3 * chunk)
    with_log, _ = time_chunks(
        lambda part: [run_logged(game, book, draw_paths(game, part))], logged, chunk, skeleton
    )
    return Steady(
        seconds, paths, skeleton, raw, line, count, batch, len(together), with_log, len(logged)
    )


def presolve_seconds(scenario: Scenario, repeats: int = 2) -> float:
    """Fastest time to compile the game and pre-solve its policies (``PolicyBook.prepare``)."""

    def compile_and_prepare() -> PolicyBook:
        book = PolicyBook(Game.from_scenario(scenario))
        book.prepare()
        return book

    return min(timed(compile_and_prepare)[0] for _ in range(repeats))


def simulate_seconds(scenario: Scenario, sizes: RunSizes, rng_seed: int, ticks: Clock) -> float:
    """Fastest ``simulate(..., workers=1)`` call, per path, a tick of ``ticks`` before each."""
    best = float("inf")
    for _ in range(sizes.simulate_repeats):
        ticks.tick()
        seconds, _ = timed(lambda: simulate(scenario, sizes.simulate_runs, rng_seed, workers=1))
        best = min(best, seconds / sizes.simulate_runs)
    return best


@dataclass(frozen=True)
class Command:
    """One ``negsim run`` as a subprocess."""

    argv: list[str]
    wall: float
    cores: int
    paths: int  # as summary.json reports them


def run_command(runs: int, workers: int, rng_seed: int, drawn: bool = False) -> Command:
    """Run ``negsim run`` (as ``python -m sim run``) into a temporary directory, timed: at the
    point values (``--fixed``), or ``drawn`` over the declared distributions (the default
    draws)."""
    cores = min(workers, os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="negsim-bench-") as tmp:
        out = Path(tmp) / "run"
        argv = [sys.executable, "-m", "sim", "run", str(SCENARIO.relative_to(ROOT))]
        argv += ["--runs", str(runs), "--rng-seed", str(rng_seed), "--out", str(out)]
        if workers > 1:
            argv += ["--workers", str(workers)]
        if not drawn:
            argv += ["--fixed"]
        wall, done = timed(
            lambda: subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return Command(argv, wall, cores, int(summary["runs"]))


def _shares(paths: list[PathResult]) -> str:
    counts = Counter(p.outcome for p in paths)
    return ", ".join(f"{100 * n / len(paths):.0f}% {o}" for o, n in counts.most_common(2))


def _against_target(operation: str, seconds: float, items: int, check: str, unit: str) -> Row:
    """A row of ours (seconds per path, or core-seconds per path) against 2,000 a second."""
    rate = "paths/s/core" if unit == "core-s/path" else "paths/s"
    return Row(
        operation,
        seconds,
        "target, one core",
        1 / PATHS_PER_CORE_TARGET,
        ours_items=items,
        baseline_items=0,
        check=check,
        target=1.0,
        unit=unit,
        rate=rate,
        goal=f">= {PATHS_PER_CORE_TARGET:,.0f} paths/s/core",
    )


def steady_rows(steady: Steady) -> list[Row]:
    """Our steady-state path rate against the target and against the SimPy skeleton, and
    SimPy's cost per event inside our path against its raw timeout loop."""
    operation = "SimPy paths, policies pre-solved (simulate_each)"
    n, line = len(steady.paths), steady.line
    per_path = steady.count.total / COUNTED_PATHS
    timeouts = steady.count.timeouts / COUNTED_PATHS
    skeleton = Row(
        operation,
        steady.seconds,
        f"SimPy skeleton of a path, {line.timeouts} timeouts",
        steady.skeleton.best,
        ours_items=n,
        baseline_items=len(steady.skeleton.samples) * steady.skeleton.items,
        check=_event_check(per_path, timeouts, line),
        target=1 / SKELETON_FACTOR,
        unit="s/path",
        rate="paths/s",
        goal=f"within {SKELETON_FACTOR:g}x of the skeleton",
        details=_event_details(steady.count, line),
    )
    check = f"fastest of {len(steady.raw.samples)} chunks; {_shares(steady.paths)}"
    return [
        _against_target(operation, steady.seconds, n, check, "s/path"),
        skeleton,
        _event_row(steady, per_path),
        _logged_row(steady),
        _batch_row(steady),
    ]


def _logged_row(steady: Steady) -> Row:
    """Paths run together with their event log, as ``negsim run`` runs them, against the
    target."""
    return _against_target(
        f"paths together with their event log (run_logged, {CHUNK} a call as negsim run)",
        steady.logged_seconds,
        steady.logged_paths,
        "the same runs and events tables as the SimPy paths (tests/test_eventlog.py)",
        "s/path",
    )


def _batch_row(steady: Steady) -> Row:
    """The batch engine of sweep points against the SimPy skeleton (no target)."""
    return Row(
        f"paths together, no event log (sim.simulate,  {BATCH} a call as a sweep point)",
        steady.batch_seconds,
        f"SimPy skeleton of a path, {steady.line.timeouts} timeouts",
        steady.skeleton.best,
        ours_items=steady.batch_paths,
        baseline_items=len(steady.skeleton.samples) * steady.skeleton.items,
        check="the same runs table as the SimPy paths, bit for bit (tests/test_batchpaths.py)",
        unit="s/path",
        rate="paths/s",
    )


def _event_details(count: EventCount, line: Timeline) -> dict[str, object]:
    return {
        "path_scheduled_per_path": count.total / COUNTED_PATHS,
        "path_timeouts_per_path": count.timeouts / COUNTED_PATHS,
        "path_processed_per_path": count.processed / COUNTED_PATHS,
        "path_scheduled_by_type": {k: v / COUNTED_PATHS for k, v in count.scheduled.items()},
        "counted_paths": COUNTED_PATHS,
        "skeleton_timeouts": line.timeouts,
        "skeleton_events": line.events,
        "skeleton_epochs": line.epochs,
        "skeleton_points": line.points,
        "skeleton_shocks": line.shocks,
        "skeleton_ends": line.ends,
    }


def _event_check(per_path: float, timeouts: float, line: Timeline) -> str:
    skeleton = (
        f"skeleton {line.events} ({line.epochs} epochs, {line.points} points, "
        f"{line.shocks} shocks, {line.ends} end, process start and end)"
    )
    if per_path == 0:
        return f"our path schedules no SimPy events; {skeleton}"
    return f"our path schedules {per_path:.0f} SimPy events ({timeouts:.0f} timeouts); {skeleton}"


def _event_row(steady: Steady, per_path: float) -> Row:
    """SimPy's cost per event in our path (all of the path's time over its events) against a
    bare loop of timeouts."""
    raw = steady.raw
    return Row(
        "SimPy event in our path (path time / its events)",
        steady.seconds / per_path if per_path else None,
        "bare env.timeout loop",
        raw.best,
        ours_items=int(per_path * len(steady.paths)),
        baseline_items=len(raw.samples) * raw.items,
        check=f"SimPy alone: {1e-6 / raw.best:.2f} M timeouts/s (the issue: about 0.9 M)",
        unit="s/event",
        rate="events/s",
    )


def simulate_row(scenario: Scenario, sizes: RunSizes, seconds: float, presolve: float) -> Row:
    """``simulate(..., workers=1)`` per path, everything included, against the target."""
    runs = sizes.simulate_runs
    row = _against_target(
        f"simulate(runs={runs}, workers=1), all included",
        seconds,
        runs,
        f"compiling and pre-solving alone: {presolve:.2f} s "
        f"({1e3 * presolve / runs:.2f} ms a path if done once)",
        "s/path",
    )
    return replace(row, details={"presolve_s": presolve})


def command_row(command: Command, fixed: Command, sizes: RunSizes) -> Row:
    """The whole ``negsim run`` command: core-seconds per path against the target; ``fixed``
    is the same command with one path (start-up, one pre-solve, writing, the report)."""
    workers = f" --workers {sizes.workers}" if sizes.workers > 1 else ""
    row = _against_target(
        f"negsim run --runs {sizes.command_runs}{workers} --fixed, whole command",
        command.wall * command.cores / command.paths,
        command.paths,
        f"{command.wall:.1f} s wall on {command.cores} core(s), start-up, writing and the "
        "report included; "
        f"with --runs 1: {fixed.wall:.1f} s",
        "core-s/path",
    )
    details = {"wall_s": command.wall, "cores": command.cores, "argv": command.argv}
    details |= {"runs_1_wall_s": fixed.wall}
    return replace(row, details=details)


#: The drawn run may take at most this many times the fixed run's time (issue 14).
DRAWN_FACTOR = 1.5


def drawn_row(drawn: Command, fixed: Command, sizes: RunSizes) -> Row:
    """The whole ``negsim run``, drawn (its default draws), against the same run ``--fixed``,
    side by side: the ratio is the fixed run's time over the drawn run's."""
    return Row(
        f"negsim run --runs {sizes.command_runs}, drawn (the default draws), whole command",
        drawn.wall,
        f"the same --fixed (target: drawn <= {DRAWN_FACTOR:g}x its time)",
        fixed.wall,
        ours_items=1,
        baseline_items=1,
        check=f"drawn {drawn.wall:.1f} s, fixed {fixed.wall:.1f} s wall",
        target=1 / DRAWN_FACTOR,
        unit="s",
        goal=f"drawn <= {DRAWN_FACTOR:g}x the fixed run",
        details={"drawn_argv": drawn.argv, "fixed_argv": fixed.argv},
    )


def run_rows(sizes: RunSizes, rng_seed: int, say: Say) -> tuple[list[Row], dict[str, object]]:
    """Every row of the ``run`` part, and its settings for the JSON file."""
    scenario = load(SCENARIO)
    game = Game.from_scenario(scenario)
    say(f"run: {sizes.chunks} chunks of {sizes.chunk} paths, each after the SimPy baselines")
    steady = steady_state(game, sizes, rng_seed)
    say(f"run: simulate(runs={sizes.simulate_runs}) x {sizes.simulate_repeats}")
    presolve = presolve_seconds(scenario)
    seconds = simulate_seconds(scenario, sizes, rng_seed, steady.skeleton)
    say(f"run: negsim run --runs {sizes.command_runs} (and --runs 1), {sizes.workers} worker(s)")
    command = run_command(sizes.command_runs, sizes.workers, rng_seed)
    fixed = run_command(1, sizes.workers, rng_seed)
    say(f"run: negsim run --runs {sizes.command_runs}, drawn")
    drawn = run_command(sizes.command_runs, sizes.workers, rng_seed, drawn=True)
    rows = [
        *steady_rows(steady),
        simulate_row(scenario, sizes, seconds, presolve),
        command_row(command, fixed, sizes),
        drawn_row(drawn, command, sizes),
    ]
    settings = {"scenario": str(SCENARIO.relative_to(ROOT)), "sizes": sizes.__dict__}
    return rows, {**settings, "rng_seed": rng_seed, "target_paths_per_core": PATHS_PER_CORE_TARGET}
