"""The SimPy path model and the Monte Carlo runner, against the exact policy and theory."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest
import simpy
from scipy import stats

import sim
from sim.deadline import Game, PolicyBook
from sim.scenario import Scenario
from sim.simulate import draw_paths, path_generator, simulate, simulate_path
from sim.simulate._simpy import _Path, _payoffs

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
    one = simulate(scenario, runs=2500, rng_seed=3, workers=1)
    two = simulate(scenario, runs=2500, rng_seed=3, workers=2)
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


def _variant(section: str, **changes: Any) -> Scenario:
    """GSOMIA with some keys of one section changed."""
    doc = sim.load(GSOMIA).document
    return sim.validate({**doc, section: {**doc[section], **changes}}, GSOMIA)


def _paths(scenario: Scenario, runs: int) -> tuple[list[_Path], list[list[float]]]:
    """Paths run, and their payoffs accrued together."""
    game = Game.from_scenario(scenario)
    book = PolicyBook(game)
    book.prepare()
    draws = draw_paths(game, [path_generator(1, runs, i) for i in range(runs)])
    paths = [_Path(game, book, draws, i).run() for i in range(runs)]
    return paths, _payoffs(paths, draws)


def _per_epoch_payoffs(game: Game, path: _Path) -> np.ndarray:
    """The path's payoffs summed epoch by epoch from the stage games themselves.

    Each epoch earns its cell of the stage game at the realised pressure, with the policy in
    force's continuation value, less that discounted value in the cells that continue (the
    path earns it itself, later); the default outcome's payoff at the deadline when reached.
    """
    schedule, model = game.schedule, game.payoffs
    total = np.zeros(2)
    for k, (i, j, plan) in enumerate(zip(path.rows, path.cols, path.plans, strict=True)):
        ahead = plan.policy.values[k - plan.policy.first + 1]
        days = float(schedule.live_days[k])
        step = schedule.discount_per_day**days
        t = float(game.live_times[k])
        A, B = model.stage(k, t / schedule.window_hours, path.levels[k], days, ahead, step)
        earned = np.array([A[0, i, j], B[0, i, j]])
        if model.continues[i, j]:
            earned -= step * ahead
        total += earned * game.model.discount_at(t)
    if path.reached_deadline:
        at_deadline = model.default_payoffs(path.levels[-1])[0]
        total += at_deadline * game.model.discount_at(schedule.window_hours)
    return total


@pytest.mark.parametrize(
    ("label", "runs"), [("gsomia", 40), ("discounted", 40), ("alternating", 5)]
)
def test_vectorised_accrual_equals_the_per_epoch_sum(label: str, runs: int) -> None:
    scenario = {
        "gsomia": lambda: sim.load(GSOMIA),
        "discounted": lambda: _variant("schedule", discount_per_day=0.99),
        "alternating": lambda: sim.load("scenarios/alternating-offers.toml"),
    }[label]()
    game = Game.from_scenario(scenario)
    paths, payoffs = _paths(scenario, runs)
    for path, got in zip(paths, payoffs, strict=True):
        assert got == pytest.approx(_per_epoch_payoffs(game, path).tolist(), rel=1e-12, abs=1e-12)
    if label != "alternating":  # both endings are covered
        assert {p.reached_deadline for p in paths} == {True, False}
        assert sum(p.resolves for p in paths) > 0


def test_a_path_schedules_one_event_per_epoch_and_per_news_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two process starts, a timeout per epoch played and per pressure item handled, the
    implementation delay or the deadline, the clock's end (which SimPy schedules again when it
    stops the run), and either the next pressure item (never reached) or the end of the
    pressure process: epochs + news + 6."""
    scheduled = [0]
    schedule = simpy.Environment.schedule

    def counting(env: simpy.Environment, *args: Any, **kwargs: Any) -> None:
        scheduled[0] += 1
        schedule(env, *args, **kwargs)

    monkeypatch.setattr(simpy.Environment, "schedule", counting)
    game = Game.from_scenario(sim.load(GSOMIA))
    book = PolicyBook(game)
    book.prepare()
    for index in range(30):
        path = _Path(game, book, draw_paths(game, [path_generator(2, 30, index)]))
        scheduled[0] = 0
        result = path.run()
        news = sum(actor == "pressure" for _, actor, _, _ in result.events)
        assert news > 0 and len(path.rows) > 0
        assert scheduled[0] == len(path.rows) + news + 6


def test_persistent_policies_are_read_from_epoch_zero() -> None:
    game = Game.from_scenario(sim.load(GSOMIA))
    book = PolicyBook(game)
    policy = book.get(20, 0.4702)
    assert policy.first == 0
    assert book.get(35, 0.4698) is policy  # the same level on the grid: no new policy
    assert book.solved == 1
    direct = game.policy(20, 47 * book.tolerance)
    np.testing.assert_array_equal(policy.values[20:], direct.values)
    np.testing.assert_array_equal(policy.row[20:], direct.row)
    np.testing.assert_array_equal(policy.col[20:], direct.col)


def test_scheduled_forecast_policies_are_solved_from_their_epoch() -> None:
    game = Game.from_scenario(_variant("pressure", forecast="scheduled"))
    book = PolicyBook(game)
    book.prepare()  # nothing to prepare: each epoch has its own forecast
    assert book.solved == 0
    policy = book.get(50, 0.5)
    assert policy.first == 50
    assert book.get(50, 0.5004) is policy
    assert book.get(51, 0.5) is not policy


def test_pressure_news_at_an_epoch_comes_before_the_players() -> None:
    """Daily epochs; a dated point at the 5 November epoch, just after another point.

    The clock wakes for that epoch before the pressure process does (its timeout was set
    earlier), so the players must wait for the news of that instant.
    """
    doc = sim.load(GSOMIA).document
    schedule = {**doc["schedule"], "interval_hours": 24.0}
    for key in ("epochs", "spacing", "power"):
        schedule.pop(key, None)
    points = list(doc["pressure"]["points"])
    at = datetime.fromisoformat("2019-11-04T12:00:00+09:00")  # a TOML date-time, not text
    extra = {"at": at, "level": 0.25, "event": "extra"}
    points.insert(1, {**points[1], **extra, "evidence": [], "assumption": "test"})
    doc = {**doc, "schedule": schedule, "pressure": {**doc["pressure"], "points": points}}
    scenario = sim.validate(doc, GSOMIA)
    game = Game.from_scenario(scenario)
    assert scenario.pressure is not None
    at = game.schedule.hours_at(scenario.pressure.points[2].at)
    assert at in game.live_times.tolist()
    moved_at_the_point = 0
    for path in _paths(scenario, 8)[0]:
        for hours in {h for h, *_ in path.events}:
            actors = [actor for h, actor, _, _ in path.events if h == hours]
            first_other = next((n for n, a in enumerate(actors) if a != "pressure"), len(actors))
            assert "pressure" not in actors[first_other:], (hours, actors)
        rows = [(actor, event) for h, actor, event, _ in path.events if h == at]
        moved_at_the_point += rows[:2] == [("pressure", "scheduled"), ("players", "resolve")]
    assert moved_at_the_point > 0


def test_a_book_filled_elsewhere_simulates_as_a_prepared_one() -> None:
    game = Game.from_scenario(sim.load(GSOMIA))
    levels = PolicyBook.grid(game)
    assert levels[0] == 0.0 and levels[-1] >= game.pressure.ceiling()
    solved = game.policies(0, [*levels, None])
    filled = PolicyBook(game, initial=solved[-1])
    filled.add(levels, solved[:-1])
    prepared = PolicyBook(game)
    prepared.prepare()
    assert filled.solved == prepared.solved == len(levels)
    for index in range(5):
        a = simulate_path(game, filled, path_generator(3, 5, index))
        b = simulate_path(game, prepared, path_generator(3, 5, index))
        assert a == b
    scheduled = Game.from_scenario(_variant("pressure", forecast="scheduled"))
    assert PolicyBook.grid(scheduled) == []
    with pytest.raises(ValueError, match="from epoch 20"):  # it would be read at other epochs
        PolicyBook(scheduled).add([0.5], [scheduled.policy(20, 0.5)])
    filled.add([0.5], [game.policy(20, 0.5)])  # persistent: serves the epochs from 20
    assert filled.get(20, 0.5).first == 20 and filled.get(19, 0.5).first == 0


def test_paused_gc_nests_restores_the_collector_and_respects_a_caller_who_disabled_it() -> None:
    import gc

    from sim.simulate import paused_gc

    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), paused_gc():
        raise KeyError("x")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
