"""Decision epochs: spacing, the live cut-off, interval lengths."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.model import build_schedule

GSOMIA = "scenarios/gsomia-2019.toml"


def test_gsomia_window_is_92_days() -> None:
    schedule = build_schedule(sim.load(GSOMIA))
    assert schedule.window_hours == pytest.approx(92 * 24)
    assert schedule.start.isoformat() == "2019-08-23T00:00:00+09:00"


def test_power_spacing_leaves_w_times_one_minus_k_over_n_to_the_p() -> None:
    scenario = sim.load(GSOMIA)
    schedule = build_schedule(scenario)
    n, p, w = 60, 3.0, 92 * 24.0
    k = np.arange(n)
    np.testing.assert_allclose(w - schedule.times, w * (1 - k / n) ** p, atol=1e-9)


def test_uniform_spacing_and_interval_hours_agree() -> None:
    scenario = sim.load(GSOMIA)
    uniform = build_schedule(sim.with_overrides(scenario, {"schedule.power": 1.0}))
    np.testing.assert_allclose(np.diff(uniform.times), 92 * 24 / 60)
    doc = scenario.document
    del doc["schedule"]["epochs"]
    doc = {**doc, "schedule": {**doc["schedule"], "interval_hours": 36.8, "spacing": "uniform"}}
    fixed = build_schedule(sim.validate(doc, GSOMIA))
    np.testing.assert_allclose(fixed.times, uniform.times, atol=1e-9)


def test_live_epochs_are_those_that_can_take_effect_before_the_deadline() -> None:
    schedule = build_schedule(sim.with_overrides(sim.load(GSOMIA), {"schedule.delay_hours": 6.0}))
    live = schedule.times[: schedule.live]
    assert np.all(live + 6.0 <= schedule.window_hours)
    assert schedule.times[schedule.live] + 6.0 > schedule.window_hours


def test_window_days_moves_the_start_and_keeps_the_deadline() -> None:
    scenario = sim.with_overrides(sim.load(GSOMIA), {"window.days": 30.0})
    schedule = build_schedule(scenario)
    assert schedule.window_hours == pytest.approx(720.0)
    assert schedule.deadline == scenario.meta.deadline
