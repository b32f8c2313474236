"""The pressure series: interpolation, scaling, shocks, forecasts."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.deadline import Game
from sim.model import build_pressure, build_schedule
from sim.simulate import draw_shocks as draw

GSOMIA = "scenarios/gsomia-2019.toml"


def _model(overrides: dict[str, float] | None = None) -> tuple[object, object]:
    scenario = sim.load(GSOMIA, overrides)
    schedule = build_schedule(scenario)
    return build_pressure(scenario, schedule), schedule


def test_linear_interpolation_between_the_dated_points() -> None:
    model, schedule = _model()
    points = sim.load(GSOMIA).pressure.points  # type: ignore[union-attr]
    hours = [schedule.hours_at(p.at) for p in points]  # type: ignore[attr-defined]
    np.testing.assert_allclose(model.level(hours), [p.level for p in points])  # type: ignore[attr-defined]
    mid = (hours[-2] + hours[-1]) / 2
    assert float(model.level(mid)) == pytest.approx((points[-2].level + points[-1].level) / 2)  # type: ignore[attr-defined]
    # constant after the last point
    assert float(model.level(schedule.window_hours)) == pytest.approx(points[-1].level)  # type: ignore[attr-defined]


def test_scale_multiplies_and_zero_removes_the_pressure() -> None:
    model, _ = _model({"us.pressure_scale": 2.5})
    base, _ = _model()
    t = np.linspace(0, 2208, 50)
    np.testing.assert_allclose(model.level(t), 2.5 * base.level(t))  # type: ignore[attr-defined]
    off, _ = _model({"us.pressure_scale": 0.0})
    assert np.all(off.level(t) == 0.0)  # type: ignore[attr-defined]


def test_a_shock_halves_every_half_life() -> None:
    model, _ = _model()
    t0 = 100.0
    half = model.shock_half_life_hours  # type: ignore[attr-defined]
    gap = model.level([t0 + half, t0 + 2 * half], 0.4, t0) - model.level([t0 + half, t0 + 2 * half])  # type: ignore[attr-defined]
    np.testing.assert_allclose(gap, [0.2, 0.1])


def test_shock_counts_follow_the_poisson_rate() -> None:
    model, schedule = _model()
    rng = np.random.default_rng(5)
    counts = [len(draw(model, schedule.window_hours, rng)) for _ in range(2000)]  # type: ignore[arg-type]
    expected = 0.3 * 92
    # mean of 2000 Poisson(27.6) counts: sd of the mean is sqrt(27.6 / 2000) = 0.117
    assert np.mean(counts) == pytest.approx(expected, abs=5 * 0.117)
    assert np.var(counts) == pytest.approx(expected, rel=0.15)


def test_persistent_forecast_expects_the_observed_level_to_last() -> None:
    game = Game.from_scenario(sim.load(GSOMIA))
    at_epochs, at_deadline = game.forecast(10, 0.42)
    assert np.all(at_epochs == 0.42) and at_deadline == 0.42


def test_scheduled_forecast_foresees_the_points_and_lets_a_shock_decay() -> None:
    doc = sim.load(GSOMIA).document
    doc = {**doc, "pressure": {**doc["pressure"], "forecast": "scheduled"}}
    game = Game.from_scenario(sim.validate(doc, GSOMIA))
    at_epochs, at_deadline = game.forecast(0)
    np.testing.assert_allclose(at_epochs, game.pressure.level(game.live_times))
    assert at_deadline == pytest.approx(1.0)
    shocked, _ = game.forecast(0, float(game.pressure.level(0.0)) + 0.3)
    dt = game.live_times - game.live_times[0]
    np.testing.assert_allclose(shocked - at_epochs, 0.3 * 0.5 ** (dt / 48.0), atol=1e-12)


def test_realised_pressure_adds_each_shock_from_its_time_on_whatever_the_other_paths() -> None:
    model, schedule = _model({"us.pressure_scale": 1.5})
    half = model.shock_half_life_hours  # type: ignore[attr-defined]
    t = np.linspace(0.0, schedule.window_hours, 57)  # type: ignore[attr-defined]
    shocks = [
        np.array([[100.0, 0.3]]),
        np.zeros((0, 2)),
        np.array([[50.0, -0.2], [400.0, 0.5]]),
        np.array([[10.0, 0.1]]),  # as many shocks as the first path: computed with it
    ]
    together = model.realised(t, shocks)  # type: ignore[attr-defined]
    for row, these in zip(together, shocks, strict=True):
        np.testing.assert_array_equal(row, model.realised(t, [these])[0])  # type: ignore[attr-defined]
        extra = sum(
            (size * 0.5 ** ((t - at) / half) * (t >= at) for at, size in these), np.zeros_like(t)
        )
        expected = 1.5 * np.maximum(model.scheduled(t) + extra, 0.0)  # type: ignore[attr-defined]
        np.testing.assert_allclose(row, expected, rtol=1e-12, atol=1e-15)


def _realised_in_one_array(model: object, t: np.ndarray, shocks: list[np.ndarray]) -> np.ndarray:
    """The realised pressure as it was computed before #18 (item 12): every decay of every
    shock at every time in one (P, T, n) array, zero where the shock is still to come."""
    counts = np.array([len(s) for s in shocks])
    out = np.empty((len(shocks), t.size))
    for n in np.unique(counts).tolist():
        members = np.flatnonzero(counts == n)
        if n == 0:
            out[members] = model.level(t)  # type: ignore[attr-defined]
            continue
        each = np.stack([shocks[i] for i in members])
        dt = t[None, :, None] - each[:, None, :, 0]
        decayed = each[:, None, :, 1] * model.decay(np.maximum(dt, 0.0))  # type: ignore[attr-defined]
        extra = np.where(dt >= 0, decayed, 0.0).sum(axis=2)
        out[members] = model.combine(model.scheduled(t), extra)  # type: ignore[attr-defined]
    return out


@pytest.mark.parametrize("rate", [0.3, 4.0, 40.0])
def test_realised_pressure_in_blocks_has_the_bits_of_the_one_array_sum(rate: float) -> None:
    """Many shocks and epochs (more than one block of ``STRUCK_BLOCK``), shocks at the very
    epochs, negative sizes: the same bytes as the sum over one array."""
    model, schedule = _model({"pressure.shocks.rate_per_day": rate})
    t = np.append(np.linspace(0.0, schedule.window_hours, 400), schedule.window_hours)  # type: ignore[attr-defined]
    rng = np.random.default_rng(7)
    shocks = [draw(model, schedule.window_hours, rng) for _ in range(60)]  # type: ignore[arg-type, attr-defined]
    shocks[0] = np.array([[t[3], -0.4], [t[3], 0.2], [t[10], 0.1]])  # at epochs, tied
    shocks[1] = np.zeros((0, 2))
    got = model.realised(t, shocks)  # type: ignore[attr-defined]
    assert got.tobytes() == _realised_in_one_array(model, t, shocks).tobytes()
