"""The event log of paths run together (``sim.eventlog``) against SimPy's, event by event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sim
from sim.deadline import Game
from sim.scenario import Scenario
from sim.simulate import (
    Log,
    PathArrays,
    Tables,
    clock_times,
    draw_paths,
    path_generators,
    path_log,
    prepare_books,
    run_steps,
    simulate,
    simulate_each,
)
from sim.simulate import _runner as montecarlo
from sim.simulate._runner import _prepared, _tabulate
from sim.simulate._simpy import _Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(p.name for p in (ROOT / "scenarios").glob("*.toml"))
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"


def simpy_tables(scenario: Scenario, runs: int, rng_seed: int) -> Tables:
    """The tables of ``runs`` paths each run in its own SimPy model, on policies it solves
    itself."""
    game = Game.from_scenario(scenario)
    book = prepare_books([game])[0]
    paths = simulate_each(game, book, path_generators(rng_seed, runs))
    log = Log.of([p.events for p in paths])
    return _tabulate(scenario, [(range(runs), PathArrays.of(paths), log)])


def assert_same_tables(scenario: Scenario, runs: int, rng_seed: int) -> Tables:
    got = simulate(scenario, runs, rng_seed)
    expected = simpy_tables(scenario, runs, rng_seed)
    pd.testing.assert_frame_equal(got.runs, expected.runs, check_exact=True)
    pd.testing.assert_frame_equal(got.events, expected.events, check_exact=True)
    return got


def _document() -> dict[str, Any]:
    return dict(sim.load(GSOMIA).document)


def _with(doc: dict[str, Any], section: str, **changes: Any) -> Scenario:
    return sim.validate({**doc, section: {**doc[section], **changes}}, GSOMIA)


def _point_at(hours: float) -> Scenario:
    """GSOMIA with one more dated pressure point, ``hours`` after the start."""
    doc = _document()
    start = sim.load(GSOMIA).meta.start
    point = {"at": start + timedelta(hours=hours), "level": 0.5, "event": "extra point"}
    point |= {"assumption": "A test point."}
    points = sorted([*doc["pressure"]["points"], point], key=lambda p: p["at"])
    return _with(doc, "pressure", points=points)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_gives_the_simpy_event_log(name: str) -> None:
    assert_same_tables(sim.load(ROOT / "scenarios" / name), runs=300, rng_seed=5)


VARIANTS = {
    "scheduled forecasts": lambda: _with(_document(), "pressure", forecast="scheduled"),
    "strong pressure": lambda: sim.load(GSOMIA, {"us.pressure_scale": 3.0}),
    "no live epoch": lambda: sim.load(GSOMIA, {"window.days": 1.0, "schedule.delay_hours": 48}),
    # an agreement takes effect at the epoch it is reached, with news at that instant first
    "no delay": lambda: sim.load(GSOMIA, {"schedule.delay_hours": 0}),
}


@pytest.mark.parametrize(
    "label",
    [
        pytest.param(label, marks=pytest.mark.slow) if label == "scheduled forecasts" else label
        for label in sorted(VARIANTS)
    ],
)
def test_variants_give_the_simpy_event_log(label: str) -> None:
    runs = 12 if label == "scheduled forecasts" else 200  # every re-solve is a new induction
    assert_same_tables(VARIANTS[label](), runs=runs, rng_seed=8)


def _traced(scenario: Scenario, runs: int, rng_seed: int) -> tuple[Log, list[int], Log]:
    """The log of ``runs`` paths run together, the paths handed to SimPy for their order,
    and the SimPy paths' own log."""
    game, book = _prepared(scenario)
    draws = draw_paths(game, path_generators(rng_seed, runs))
    steps = run_steps(game, book, draws)
    traced: list[int] = []

    def trace(i: int) -> Sequence[tuple[float, str, str, str]]:
        traced.append(i)
        return _Path(game, book, draws, i).run().events

    log = path_log(steps, draws, trace)
    paths = simulate_each(game, book, path_generators(rng_seed, runs))
    expected = Log.of([p.events for p in paths])
    return log, traced, expected


def _assert_same_log(got: Log, expected: Log) -> None:
    for column in ("path", "hours", "actor", "event", "details"):
        np.testing.assert_array_equal(getattr(got, column), getattr(expected, column))


def test_news_at_the_deadline_is_ordered_by_simpy() -> None:
    """A dated point at the deadline: SimPy logs it before or after the default depending on
    which timeout it set first, so the paths that get there are run again in SimPy."""
    window = sim.load(GSOMIA).meta
    scenario = _point_at((window.deadline - window.start).total_seconds() / 3600)
    log, traced, expected = _traced(scenario, runs=120, rng_seed=2)
    defaults = np.unique(expected.path[expected.event == "default"]).tolist()
    assert defaults and traced == defaults
    _assert_same_log(log, expected)


def test_shocks_at_the_instants_that_matter_are_logged_as_simpy_logs_them() -> None:
    """Shocks moved onto an epoch, onto the instant an agreement takes effect (twice, so
    that one is set before the end and one after), and onto the deadline: the same draws
    give the same log in both engines, the paths ending at news handed to SimPy."""
    scenario = sim.load(GSOMIA)
    game, book = _prepared(scenario)
    draws = draw_paths(game, path_generators(3, 60))
    steps = run_steps(game, book, draws)
    clock = clock_times(game.live_times.tolist())
    agreed = np.flatnonzero(steps.ended >= 0)[:3].tolist()
    deadline = np.flatnonzero(steps.ended < 0)[:1].tolist()
    assert len(agreed) == 3 and deadline
    moved = {}
    for n, k in zip(agreed, steps.ended[agreed].tolist(), strict=True):
        shocks = draws.shocks[n].copy()
        if n == agreed[0]:  # at the epoch's instant: before its decisions
            shocks[0, 0] = clock[k]
        else:  # when the agreement takes effect
            shocks[-1, 0] = clock[k] + game.schedule.delay_hours
            if n == agreed[2]:
                shocks[-2, 0] = shocks[-1, 0]
        moved[n] = shocks[np.argsort(shocks[:, 0], kind="stable")]
    shocks = draws.shocks[deadline[0]].copy()
    shocks[-1, 0] = game.schedule.window_hours
    moved[deadline[0]] = shocks
    draws = replace(draws, shocks=[moved.get(n, s) for n, s in enumerate(draws.shocks)])
    traced: list[int] = []

    def trace(i: int) -> Sequence[tuple[float, str, str, str]]:
        traced.append(i)
        return _Path(game, book, draws, i).run().events

    got = path_log(steps, draws, trace)
    expected = Log.of([_Path(game, book, draws, i).run().events for i in range(60)])
    assert traced == sorted([*agreed[1:], *deadline])
    _assert_same_log(got, expected)


def test_news_an_ulp_behind_the_clock_comes_at_once_in_both_engines() -> None:
    """Shocks at a, x, x with ``a + (x - a)`` an ulp past x, on an epoch's instant: the
    pressure process takes the second x at once (a delay of zero) instead of handing SimPy
    a negative delay, and the log says the same."""
    scenario = sim.load(GSOMIA)
    game, book = _prepared(scenario)
    draws = draw_paths(game, path_generators(0, 1))
    clock = clock_times(game.live_times.tolist())
    t = float(clock[2])
    x = float(np.nextafter(t, -np.inf))
    a = next(a for a in np.random.default_rng(0).uniform(0, t / 3, 2000) if a + (x - a) == t)
    draws = replace(draws, shocks=[np.array([[a, 0.05], [x, 0.05], [x, 0.05]])])
    steps = run_steps(game, book, draws)
    got = path_log(steps, draws, lambda i: pytest.fail("no path needs SimPy's order"))
    expected = _Path(game, book, draws, 0).run().events
    _assert_same_log(got, Log.of([expected]))
    assert [h for h, _, e, _ in expected if e == "shock"] == [a, t, t]


def test_replay_gives_the_full_run_s_rows_and_types() -> None:
    """Also where every event falls on a whole microsecond (the war of attrition)."""
    for name in ("war-of-attrition-deadline.toml", "alternating-offers.toml"):
        scenario = sim.load(ROOT / "scenarios" / name)
        full = simulate(scenario, 60, 5)
        for index in (0, 59):
            alone = simulate(scenario, 60, 5, only=index)
            mine = full.events[full.events["run"] == index].reset_index(drop=True)
            pd.testing.assert_frame_equal(alone.events, mine, check_exact=True)


def test_chunks_and_processes_give_the_same_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = sim.load(GSOMIA)
    whole = simulate(scenario, 90, 6)
    monkeypatch.setattr(montecarlo, "CHUNK", 40)
    for workers in (1, 2):
        part = simulate(scenario, 90, 6, workers=workers)
        pd.testing.assert_frame_equal(part.runs, whole.runs, check_exact=True)
        pd.testing.assert_frame_equal(part.events, whole.events, check_exact=True)


def test_clock_times_add_each_step_to_the_time_before() -> None:
    times = [0.1, 0.3, 0.7000000000000001, 2.0]
    now, expected = 0.0, []
    for t in times:
        now = now + (t - now)
        expected.append(now)
    assert clock_times(times).tolist() == expected
    assert clock_times([]).size == 0
