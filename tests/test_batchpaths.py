"""Paths advanced together (``sim.batchpaths``) against SimPy paths, column by column."""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sim
from sim.deadline import Game, PolicyBook
from sim.scenario import Scenario
from sim.simulate import path_generator, simulate, simulate_paths, simulate_prepared
from sim.simulate._batch import _bisect_right
from sim.simulate._runner import _prepared

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(p.name for p in (ROOT / "scenarios").glob("*.toml"))
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"


def _variant(section: str, **changes: Any) -> Scenario:
    doc = sim.load(GSOMIA).document
    return sim.validate({**doc, section: {**doc[section], **changes}}, GSOMIA)


def _without_shocks() -> Scenario:
    doc = sim.load(GSOMIA).document
    pressure = {k: v for k, v in doc["pressure"].items() if k != "shocks"}
    return sim.validate({**doc, "pressure": pressure}, GSOMIA)


VARIANTS = {
    # each policy solved lazily from the epoch it is needed at (the table grows mid-run)
    "scheduled forecasts": lambda: _variant("pressure", forecast="scheduled"),
    "no shocks": lambda: _without_shocks(),
    "strong pressure": lambda: sim.load(GSOMIA, {"us.pressure_scale": 3.0}),
    "discounted": lambda: _variant("schedule", discount_per_day=0.99),
    # the delay outlasts the window: every path goes to the deadline without a decision
    "no live epoch": lambda: sim.load(GSOMIA, {"window.days": 1.0, "schedule.delay_hours": 48}),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_gives_the_simpy_runs_table_bit_for_bit(name: str) -> None:
    scenario = sim.load(ROOT / "scenarios" / name)
    _assert_same_runs(scenario, runs=300, rng_seed=5)


@pytest.mark.parametrize("label", sorted(VARIANTS))
def test_variants_give_the_simpy_runs_table_bit_for_bit(label: str) -> None:
    runs = 12 if label == "scheduled forecasts" else 200  # every re-solve is a new induction
    _assert_same_runs(VARIANTS[label](), runs=runs, rng_seed=8)


def _assert_same_runs(scenario: Scenario, runs: int, rng_seed: int) -> None:
    expected = simulate(scenario, runs, rng_seed).runs
    game, book = _prepared(scenario)  # the book the SimPy paths used (and filled in)
    got = simulate_prepared(game, book, runs, rng_seed)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_a_book_left_empty_is_filled_as_the_paths_need_it() -> None:
    """Paths on a book that was never prepared solve each policy on first use, like SimPy's."""
    game = Game.from_scenario(sim.load(GSOMIA))
    lazy = PolicyBook(game)
    rngs = [path_generator(4, 3, i) for i in range(3)]
    got = simulate_paths(game, lazy, rngs)
    assert lazy.solved > 0
    expected = simulate(sim.load(GSOMIA), 3, 4).runs
    np.testing.assert_array_equal(got.payoffs[:, 0], expected["payoff_korea"].to_numpy())
    np.testing.assert_array_equal(got.resolves, expected["resolves"].to_numpy())
    assert got.outcome == expected["outcome"].tolist()


def test_bisect_right_takes_the_same_halving_steps_as_the_standard_library() -> None:
    rng = np.random.default_rng(0)
    for width in (1, 2, 3, 4, 6):
        rows = rng.integers(0, 4, size=(500, width)).astype(float) / 3  # ties and disorder
        rows[:250] = np.sort(rows[:250], axis=1)
        rows[::7, -1] = np.inf
        u = rng.integers(0, 4, size=500) / 3 + rng.choice([0.0, 1e-9, -1e-9], size=500)
        got = _bisect_right(rows, u)
        assert got.tolist() == [
            bisect.bisect_right(r.tolist(), x) for r, x in zip(rows, u, strict=True)
        ]


def test_a_run_solves_the_levels_its_paths_leave_the_grid_for_before_they_run() -> None:
    """Shocks that pile up (10 a day, halving in two days) take the pressure above the
    book's grid; :func:`solve_reached` solves those levels in one induction first, the
    paths then solve nothing on the way, and they are the paths of a book that solved
    them as they came."""
    from sim.simulate import draw_paths, path_generators, prepare_books, run_paths, solve_reached
    from sim.simulate._runner import _runs_table

    fixture = ROOT / "benchmarks" / "scenarios" / "stress-4x4.toml"
    changes = {"schedule.epochs": 24, "shock_rate": 10, "pressure.shocks.decay_half_life_hours": 48}
    scenario = sim.load(fixture, changes)
    game = Game.from_scenario(scenario)
    book, lazy = prepare_books([game, game])
    draws = draw_paths(game, path_generators(3, 200))
    assert draws.levels.max() > game.pressure.ceiling() + 0.05
    grid = book.solved
    solve_reached(game, book, draws)
    assert book.solved > grid
    solved, ahead = book.solved, run_paths(game, book, draws)
    assert book.solved == solved  # nothing left to solve on the way
    as_they_came = run_paths(game, lazy, draws)
    assert lazy.solved > grid
    pd.testing.assert_frame_equal(
        _runs_table(scenario, range(200), ahead), _runs_table(scenario, range(200), as_they_came)
    )
