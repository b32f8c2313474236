"""The SimPy path model and the Monte Carlo runner, against the exact policy and theory."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.dynamics import PolicyBook, simulate_path
from sim.game import Game
from sim.montecarlo import path_generator, simulate

WOA = "scenarios/war-of-attrition-deadline.toml"
GSOMIA = "scenarios/gsomia-2019.toml"
T_DAYS, C = 10.0, 8.0


@pytest.fixture(scope="module")
def woa_runs() -> pd.DataFrame:
    return simulate(sim.load(WOA), runs=3000, rng_seed=11).runs


def test_simulated_outcomes_match_the_exact_policy(woa_runs: pd.DataFrame) -> None:
    # Without shocks the players never re-solve, so each outcome's frequency is a binomial
    # draw around the probability the backward induction gives.
    exact = Game.from_scenario(sim.load(WOA)).policy().outcome_probabilities()
    n = len(woa_runs)
    for outcome, p in exact.items():
        freq = float((woa_runs["outcome"] == outcome).mean())
        sd = math.sqrt(p * (1 - p) / n)
        assert abs(freq - p) <= 4 * sd + 1e-12, outcome
    assert (woa_runs["resolves"] == 0).all()


def test_simulated_concession_times_follow_the_closed_form(woa_runs: pd.DataFrame) -> None:
    """Before T - c/2 the game ends at rate 2/c (each player gives in at rate 1/c).

    Conditional on ending before T - c/2, the elapsed time is exponential(rate 2/c) truncated
    at T - c/2. The simulated times sit on a 0.025-day grid, which moves the empirical CDF by
    at most rate * dt = 0.25 * 0.025 = 0.6%, far below the KS critical value at n ~ 2300
    (1.95 / sqrt(n) = 4% at alpha = 0.001); we accept p > 0.001.
    """
    ended = woa_runs.dropna(subset=["hours_before_deadline"])
    days = T_DAYS - ended["hours_before_deadline"].to_numpy() / 24.0
    cut = T_DAYS - C / 2
    assert days.max() <= cut + 1e-9  # nobody gives in during (T - c/2, T)
    rate = 2.0 / C
    shifted = days + T_DAYS / 401 / 2  # compare grid points with the middle of their cells

    def cdf(x: np.ndarray) -> np.ndarray:
        return (1 - np.exp(-rate * x)) / (1 - np.exp(-rate * cut))

    assert stats.kstest(shifted, cdf).pvalue > 0.001
    reach = float((woa_runs["outcome"] == "deadline").mean())
    sd = math.sqrt(0.223 * 0.777 / len(woa_runs))
    assert reach == pytest.approx(math.exp(1 - 2 * T_DAYS / C), abs=4 * sd + 0.005)


def test_mean_payoff_matches_the_value_of_the_game(woa_runs: pd.DataFrame) -> None:
    value = Game.from_scenario(sim.load(WOA)).policy().values[0]
    for p, pid in enumerate(("a", "b")):
        pay = woa_runs[f"payoff_{pid}"]
        se = pay.std() / math.sqrt(len(pay))
        assert pay.mean() == pytest.approx(value[p], abs=4 * se)


def test_same_seed_same_tables_in_one_process_or_two() -> None:
    scenario = sim.load(GSOMIA)
    one = simulate(scenario, runs=300, rng_seed=3, workers=1)
    two = simulate(scenario, runs=300, rng_seed=3, workers=2)
    pd.testing.assert_frame_equal(one.runs, two.runs)
    pd.testing.assert_frame_equal(one.events, two.events)
    other = simulate(scenario, runs=300, rng_seed=4, workers=1)
    assert not one.events.equals(other.events)


def test_replaying_a_path_gives_its_rows() -> None:
    scenario = sim.load(GSOMIA)
    full = simulate(scenario, runs=40, rng_seed=9)
    for index in (0, 17, 39):
        alone = simulate(scenario, runs=40, rng_seed=9, only=index)
        pd.testing.assert_frame_equal(
            alone.runs.reset_index(drop=True),
            full.runs[full.runs["run"] == index].reset_index(drop=True),
        )
        mine = full.events[full.events["run"] == index].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone.events.reset_index(drop=True), mine)


def test_path_generator_is_the_spawned_child() -> None:
    a = path_generator(5, 10, 3).random(4)
    b = np.random.Generator(np.random.PCG64(np.random.SeedSequence(5).spawn(10)[3])).random(4)
    np.testing.assert_array_equal(a, b)


def test_event_log_of_a_gsomia_path() -> None:
    game = Game.from_scenario(sim.load(GSOMIA))
    result = simulate_path(game, PolicyBook(game), path_generator(0, 1, 0))
    events = [e for _, _, e, _ in result.events]
    assert events.count("scheduled") == 6  # the six dated US pressure points
    assert result.events == sorted(result.events, key=lambda e: e[0])  # in time order
    if result.outcome != "lapse":
        hours = [h for h, _, e, _ in result.events if e in ("agreement", "takes_effect")]
        assert hours[1] - hours[0] == pytest.approx(game.schedule.delay_hours)
        assert hours[1] <= game.schedule.window_hours
    else:
        assert events[-1] == "default"


def test_realised_payoffs_include_continuation_terms() -> None:
    # Alternating offers: the deal at round 0 pays the proposer 1 - d * V_responder(next),
    # which the path must account exactly as the policy values it.
    scenario = sim.load("scenarios/alternating-offers.toml")
    runs = simulate(scenario, runs=5, rng_seed=0).runs
    value = Game.from_scenario(scenario).policy().values[0]
    assert runs["payoff_first"].tolist() == pytest.approx([value[0]] * 5, abs=1e-12)
    assert runs["payoff_second"].tolist() == pytest.approx([value[1]] * 5, abs=1e-12)
    assert (runs["hours_before_deadline"] == 7 * 24.0).all()  # agreed at once
