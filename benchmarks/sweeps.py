"""The issue's sweep: a 50x50 grid of two parameters, 200 runs a point, on 2 cores, within
2 minutes.

:func:`sim.sweep` on the GSOMIA scenario over ``us.pressure_scale`` and ``korea.us_cost``,
each over the range the scenario declares for it, into a temporary directory (the part files,
``results.parquet`` and the sweep report are written and timed, as ``negsim sweep`` writes
them). One wall-clock timing: the sweep is minutes long, so interleaving adds nothing.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.paths import ROOT, SCENARIO, Say
from benchmarks.report import Row
from sim.experiments import ParamSpec, sweep
from sim.scenario import Scenario, load

#: The two swept parameters.
SWEPT = ("us.pressure_scale", "korea.us_cost")
#: The issue's target for the full size, in seconds.
SWEEP_TARGET_S = 120.0


@dataclass(frozen=True)
class SweepSize:
    """Values per parameter, paths per point and worker processes."""

    side: int
    runs: int
    workers: int

    @property
    def points(self) -> int:
        """Points of the grid."""
        return int(self.side ** len(SWEPT))

    @property
    def paths(self) -> int:
        """Paths over the whole sweep."""
        return self.points * self.runs


FULL_SWEEP = SweepSize(side=50, runs=200, workers=2)
QUICK_SWEEP = SweepSize(side=5, runs=20, workers=2)


def grid_specs(scenario: Scenario, names: Sequence[str], side: int) -> list[ParamSpec]:
    """``side`` evenly spaced values of each parameter over its declared ``range``, both ends
    included (``--param NAME=LOW:HIGH:SIDE``)."""
    specs = []
    for name in names:
        declared = scenario.parameters[name].range
        if declared is None:
            raise ValueError(f"{name}: the scenario declares no range to sweep")
        low, high = declared
        specs.append(ParamSpec(name, start=float(low), stop=float(high), n=side))
    return specs


class OverBudget(Exception):
    """Raised from the progress callback to stop a sweep that has run past its budget."""


class Progress:
    """Counts finished points, reports every tenth of the sweep, and stops it when it has
    run for longer than ``budget`` seconds."""

    def __init__(self, points: int, budget: float | None, say: Say) -> None:
        self.points, self.budget, self.say = points, budget, say
        self.done = 0
        self.start = time.perf_counter()
        self.next_report = points / 10

    def __call__(self, finished: int) -> None:
        self.done += finished
        elapsed = time.perf_counter() - self.start
        if self.next_report <= self.done < self.points:
            self.say(f"sweep: {self.done}/{self.points} points after {elapsed:.0f} s")
            while self.next_report <= self.done:
                self.next_report += self.points / 10
        if self.budget is not None and elapsed > self.budget and self.done < self.points:
            raise OverBudget


@dataclass(frozen=True)
class SweepRun:
    """One timed sweep: wall seconds, and the points done (fewer when stopped early)."""

    size: SweepSize
    wall: float
    done: int

    @property
    def complete(self) -> bool:
        return self.done >= self.size.points

    @property
    def projected(self) -> float | None:
        """The wall time of the whole sweep: measured, or scaled up from the points done
        (``None`` if none was). Points come in grid order, low ``us.pressure_scale`` first,
        and those are the cheaper ones: a projection from few points is optimistic."""
        if self.complete:
            return self.wall
        return self.wall * self.size.points / self.done if self.done else None


def run_sweep(size: SweepSize, rng_seed: int, budget: float | None, say: Say) -> SweepRun:
    """Time :func:`sim.sweep` over the grid into a temporary directory.

    Past ``budget`` seconds, or on Ctrl-C, the sweep stops (its workers too) and the run
    records the points done, from which :attr:`SweepRun.projected` scales the time up.
    """
    scenario = load(SCENARIO)
    specs = grid_specs(scenario, SWEPT, size.side)
    progress = Progress(size.points, budget, say)
    with tempfile.TemporaryDirectory(prefix="negsim-bench-sweep-") as tmp:
        start = time.perf_counter()
        try:
            sweep(
                scenario,
                specs,
                runs=size.runs,
                rng_seed=rng_seed,
                workers=size.workers,
                out=Path(tmp) / "sweep",
                progress=progress,
            )
        except (OverBudget, KeyboardInterrupt) as stop:
            why = "--sweep-budget" if isinstance(stop, OverBudget) else "interrupted"
            say(f"sweep: stopped at {progress.done}/{size.points} points ({why})")
        wall = time.perf_counter() - start
    return SweepRun(size, wall, min(progress.done, size.points))


def _operation(size: SweepSize) -> str:
    grid = "x".join(str(size.side) for _ in SWEPT)
    return f"sweep {grid}, {size.runs} runs a point, {size.workers} workers"


def sweep_row(run: SweepRun) -> Row:
    """The sweep's wall time against the 120 s target (full size only)."""
    size = run.size
    full = size == FULL_SWEEP
    per_core = run.done * size.runs / (run.wall * size.workers)
    needed = FULL_SWEEP.paths / (SWEEP_TARGET_S * FULL_SWEEP.workers)
    check = (
        f"{run.done / run.wall:.2f} points/s, {per_core:,.0f} paths/s/core (target: {needed:,.0f})"
    )
    if not run.complete:
        done = f"stopped after {run.wall:.0f} s at {run.done}/{size.points} points"
        check = f"{done}, projected linearly (early points are cheaper); {check}"
    return Row(
        _operation(size),
        run.projected,
        "target" if full else "target is for 50x50, 200 runs",
        SWEEP_TARGET_S if full else None,
        ours_items=size.points,
        baseline_items=0,
        check=check,
        target=1.0 if full else None,
        unit="s",
        goal=f"within {SWEEP_TARGET_S:g} s" if full else "quick size: no target",
        details={"wall_s": run.wall, "points_done": run.done, "complete": run.complete},
    )


def sweep_settings(size: SweepSize, rng_seed: int, budget: float | None) -> dict[str, object]:
    """The sweep's settings for the JSON file."""
    return {
        "scenario": str(SCENARIO.relative_to(ROOT)),
        "parameters": {s.name: [s.start, s.stop] for s in grid_specs(load(SCENARIO), SWEPT, 2)},
        "size": size.__dict__,
        "points": size.points,
        "rng_seed": rng_seed,
        "budget_s": budget,
        "quick_size": size != FULL_SWEEP,
        "target_s": SWEEP_TARGET_S,
    }
