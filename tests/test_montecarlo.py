"""Many points at once (``simulate_points``) against each point simulated alone with SimPy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.deadline import RESOLVE_TOLERANCE, Game, PolicyBook
from sim.simulate import (
    draw_paths,
    path_generator,
    prepare_books,
    reach,
    simulate,
    simulate_each,
    simulate_points,
)

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
POINTS = [
    {"us.pressure_scale": 0.0, "korea.us_cost": 1.0},
    {"us.pressure_scale": 1.3, "korea.us_cost": 7.5},
    {"us.pressure_scale": 2.9, "korea.us_cost": 0.4},
]


@pytest.fixture(scope="module")
def points() -> list[tuple[sim.Scenario, pd.DataFrame, int]]:
    """Each GSOMIA point's scenario, its SimPy runs table and its seed."""
    base = sim.load(GSOMIA)
    out = []
    for seed, values in enumerate(POINTS, start=20):
        here = sim.with_overrides(base, values)
        out.append((here, simulate(here, 120, seed).runs, seed))
    return out


def test_points_together_give_each_point_simulated_alone(
    points: list[tuple[sim.Scenario, pd.DataFrame, int]],
) -> None:
    games = [Game.from_scenario(here) for here, _, _ in points]
    together = simulate_points(games, 120, [seed for _, _, seed in points])
    for (_, expected, _), (_, got) in zip(points, together, strict=True):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_points_solve_only_the_policies_their_paths_reach_from_the_epoch_they_need_them(
    points: list[tuple[sim.Scenario, pd.DataFrame, int]],
) -> None:
    games = [Game.from_scenario(here) for here, _, _ in points]
    books = [book for book, _ in simulate_points(games, 120, [s for _, _, s in points])]
    later = 0
    for game, book, (_, _, seed) in zip(games, books, points, strict=True):
        need = reach(game, draw_paths(game, [path_generator(seed, 120, i) for i in range(120)]))
        assert book.solved == len(need)  # nothing solved again on the way: reach missed none
        assert len(need) < len(book.grid(game)) or not need
        for step, epoch in need.items():
            assert book.kept()[(0, step)].first == epoch
        later += sum(epoch > 0 for epoch in need.values())
    assert later > 0  # some policies are solved from a later epoch only


@pytest.mark.slow
def test_scheduled_forecasts_leave_policies_to_the_paths() -> None:
    doc = sim.load(GSOMIA).document
    scenario = sim.validate(
        {**doc, "pressure": {**doc["pressure"], "forecast": "scheduled"}}, GSOMIA
    )
    game = Game.from_scenario(scenario)
    assert reach(game, draw_paths(game, [path_generator(0, 3, i) for i in range(3)])) == {}
    ((book, got),) = simulate_points([game], 3, [4])
    pd.testing.assert_frame_equal(got, simulate(scenario, 3, 4).runs, check_exact=True)
    assert book.solved > 0  # solved by the paths, from the epochs they re-solved at


def test_books_prepared_for_needs_hold_tails_of_the_full_policies() -> None:
    game = Game.from_scenario(sim.load(GSOMIA))
    full = prepare_books([game])[0]
    grid = full.grid(game)
    need = {10: 0, 50: 17, 90: 40}
    (partial,) = prepare_books([game], [need])
    for step, epoch in need.items():
        kept, whole = partial.get(epoch, grid[step]), full.get(0, grid[step])
        assert kept.first == epoch
        assert kept.reasons == whole.reasons[epoch:]
        pd.testing.assert_frame_equal(pd.DataFrame(kept.row), pd.DataFrame(whole.row[epoch:]))
        assert (kept.values == whole.values[epoch:]).all()
    # an epoch before the one a policy was kept from solves it again, in full
    again = partial.get(5, grid[50])
    assert again.first == 0 and (again.values == full.get(0, grid[50]).values).all()


@pytest.mark.slow
def test_simpy_paths_on_a_book_of_later_epoch_policies_equal_those_on_a_full_book() -> None:
    """Plans of policies from different epochs; an earlier epoch solves one again in full."""
    game = Game.from_scenario(sim.load(GSOMIA))

    def rngs() -> list[np.random.Generator]:
        return [path_generator(6, 40, i) for i in range(40)]

    need = reach(game, draw_paths(game, rngs()))
    late = {step: min(epoch + 5, game.schedule.live) for step, epoch in need.items()}
    (partial,) = prepare_books([game], [late])  # too late for some paths: solved again
    full = prepare_books([game])[0]
    assert simulate_each(game, partial, rngs()) == simulate_each(game, full, rngs())
    assert any(policy.first == 0 for policy in partial.kept().values())


@pytest.mark.parametrize("scale", [0.3, 1.0, 2.7])
def test_grid_step_s_is_level_s_times_the_tolerance(scale: float) -> None:
    """What reach and prepare_books assume of the levels PolicyBook.grid gives."""
    game = Game.from_scenario(sim.load(GSOMIA, {"us.pressure_scale": scale}))
    grid = PolicyBook.grid(game)
    assert len(grid) > 10
    assert grid == [step * RESOLVE_TOLERANCE for step in range(len(grid))]
