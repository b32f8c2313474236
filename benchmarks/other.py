"""A scenario unlike the flagship (issue #18 item 12): what a run and a sweep point cost on
``benchmarks/scenarios/stress-4x4.toml`` (4x4 actions, 480 epochs, 4 shocks a day) against
the same measurements on ``scenarios/gsomia-2019.toml`` in the same run.

Three rows, each "ours" the fixture and "baseline" the flagship (a ratio below 1x: the
fixture is that many times slower), one core, each measured once:

- compiling the game and pre-solving the policies a run starts with
  (:func:`sim.simulate.prepare_books`), per run;
- the paths as ``negsim run`` runs them, policies pre-solved: their draws and realised
  pressure, the levels they leave the book's grid for, the paths and their event log, per
  path;
- one sweep point (:func:`sim.simulate.simulate_points`: draws, the policies the paths
  reach, the paths), per point.

The quick size runs the fixture at 120 epochs (``schedule.epochs``), fewer paths.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import Row
from benchmarks.timing import timed
from sim.deadline import Game, PolicyBook
from sim.scenario import Scenario, load, with_overrides
from sim.simulate import (
    draw_paths,
    path_generators,
    prepare_books,
    run_logged,
    simulate_points,
    solve_reached,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "benchmarks" / "scenarios" / "stress-4x4.toml"
FLAGSHIP = ROOT / "scenarios" / "gsomia-2019.toml"

Say = Callable[[str], None]


@dataclass(frozen=True)
class OtherSizes:
    """Paths of the run row, paths of the sweep point, and the fixture's epochs (``None``:
    as written)."""

    runs: int
    point_runs: int
    epochs: int | None


FULL_OTHER = OtherSizes(runs=1000, point_runs=200, epochs=None)
QUICK_OTHER = OtherSizes(runs=200, point_runs=50, epochs=120)


@dataclass(frozen=True)
class Costs:
    """One scenario's measurements: seconds to pre-solve, for the paths, for a point."""

    presolve: float
    paths: float
    point: float
    stage_games: int


def measure(scenario: Scenario, sizes: OtherSizes, rng_seed: int) -> Costs:
    """Time the three operations on ``scenario``, one after the other."""
    presolve, (game, book) = timed(lambda: _prepared(scenario))

    def paths() -> None:
        draws = draw_paths(game, path_generators(rng_seed, sizes.runs))
        solve_reached(game, book, draws)
        run_logged(game, book, draws)

    seconds, _ = timed(paths)
    point, _ = timed(lambda: simulate_points([game], sizes.point_runs, [rng_seed]))
    levels = max(len(PolicyBook.grid(game)), 1)
    return Costs(presolve, seconds, point, levels * game.schedule.live)


def _prepared(scenario: Scenario) -> tuple[Game, PolicyBook]:
    game = Game.from_scenario(scenario)
    return game, prepare_books([game])[0]


def other_rows(sizes: OtherSizes, rng_seed: int, say: Say) -> tuple[list[Row], dict[str, object]]:
    """Every row of the ``other`` part, and its settings for the JSON file."""
    fixture = load(FIXTURE)
    if sizes.epochs is not None:
        fixture = with_overrides(fixture, {"schedule.epochs": sizes.epochs})
    say(f"other: the flagship, {sizes.runs} paths and a point of {sizes.point_runs}")
    flagship = measure(load(FLAGSHIP), sizes, rng_seed)
    say(f"other: {fixture.meta.id}, {fixture.schedule.epochs} epochs, the same")
    ours = measure(fixture, sizes, rng_seed)
    name = f"{FIXTURE.relative_to(ROOT)} ({fixture.schedule.epochs} epochs)"
    details = {"stage_games_presolved": ours.stage_games, "flagship": flagship.stage_games}
    per_path = ours.paths / sizes.runs, flagship.paths / sizes.runs
    rows = [
        _row(
            f"{name}: compile and pre-solve a run's policies",
            ours.presolve,
            flagship.presolve,
            1,
            "s",
            details=details,
        ),
        _row(
            f"{name}: paths with their event log, policies pre-solved",
            *per_path,
            sizes.runs,
            "s/path",
            rate="paths/s",
        ),
        _row(
            f"{name}: one sweep point of {sizes.point_runs} paths",
            ours.point,
            flagship.point,
            1,
            "s",
        ),
    ]
    settings = {"fixture": str(FIXTURE.relative_to(ROOT)), "sizes": sizes.__dict__}
    return rows, {**settings, "rng_seed": rng_seed}


def _row(
    operation: str,
    ours: float,
    flagship: float,
    items: int,
    unit: str,
    rate: str = "",
    details: Mapping[str, object] | None = None,
) -> Row:
    """A row of the fixture ("ours") against the flagship (the baseline), no target."""
    return Row(
        operation,
        ours,
        "gsomia-2019",
        flagship,
        items,
        items,
        "-",
        unit=unit,
        rate=rate,
        details=details or {},
    )
