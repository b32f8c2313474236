"""The exogenous pressure: a dated, interpolated series plus random decaying shocks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.scenario import Exponential, LogNormal, Normal, Scenario, Triangular, Uniform
from sim.schedule import HOURS_PER_DAY, Schedule

__all__ = ["PressureModel", "build_pressure", "draw"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PressureModel:
    """Pressure in hours since the schedule's start.

    ``level(t) = scale * (scheduled(t) + shocks(t))``, where ``scheduled`` interpolates the
    dated points (constant before the first and after the last) and each shock of size s at
    time u adds ``s * 0.5 ** ((t - u) / half_life)`` for t >= u; the level is never negative.
    With ``persistent`` forecasts the players expect the present level to last.
    """

    hours: FloatArray
    levels: FloatArray
    step: bool
    scale: float
    persistent: bool = False
    shock_rate_per_day: float = 0.0
    shock_half_life_hours: float = 1.0
    shock_size: object = None

    def scheduled(self, t: ArrayLike) -> FloatArray:
        """The unscaled, shock-free series at hours ``t``."""
        t = np.asarray(t, dtype=np.float64)
        if self.hours.size == 0:
            return np.zeros_like(t)
        if self.step:
            idx = np.clip(np.searchsorted(self.hours, t, "right") - 1, 0, None)
            return np.asarray(self.levels[idx], dtype=np.float64)
        return np.asarray(np.interp(t, self.hours, self.levels), dtype=np.float64)

    def decay(self, dt: ArrayLike) -> FloatArray:
        """Share of a shock left ``dt`` hours after it struck."""
        return np.asarray(0.5 ** (np.asarray(dt, dtype=np.float64) / self.shock_half_life_hours))

    def level(self, t: ArrayLike, shock: float = 0.0, shock_at: float = 0.0) -> FloatArray:
        """Pressure at hours ``t`` given a shock level ``shock`` standing at ``shock_at``.

        This is also the forecast a player makes at ``shock_at``: no further shocks, the
        present one decaying.
        """
        t = np.asarray(t, dtype=np.float64)
        extra = shock * self.decay(np.maximum(t - shock_at, 0.0))
        return np.asarray(self.scale * np.maximum(self.scheduled(t) + extra, 0.0))

    def realised(self, t: ArrayLike, shocks: Sequence[FloatArray]) -> FloatArray:
        """Pressure at hours ``t`` on each of P paths, shape (P, T), given each path's
        shocks as (time, size) rows.

        Paths with the same number of shocks are computed together, so that the sum over a
        path's shocks adds the same count in the same order whatever the other paths hold.
        """
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        out = np.empty((len(shocks), t.size))
        counts = np.array([len(s) for s in shocks], dtype=np.intp)
        scheduled = self.scheduled(t)
        for n in np.unique(counts).tolist():
            members = np.flatnonzero(counts == n)
            if n == 0:
                out[members] = self.level(t)
                continue
            each = np.stack([shocks[i] for i in members.tolist()])
            dt = t[None, :, None] - each[:, None, :, 0]
            decayed = each[:, None, :, 1] * self.decay(np.maximum(dt, 0.0))
            extra = np.where(dt >= 0, decayed, 0.0).sum(axis=2)
            out[members] = self.scale * np.maximum(scheduled + extra, 0.0)
        return out

    @property
    def has_shocks(self) -> bool:
        return self.shock_rate_per_day > 0 and self.shock_size is not None


def build_pressure(scenario: Scenario, schedule: Schedule) -> PressureModel:
    """The pressure model of a scenario; zero pressure when it has no ``[pressure]``."""
    p = scenario.pressure
    if p is None:
        return PressureModel(np.zeros(0), np.zeros(0), step=False, scale=0.0)
    hours = np.array([schedule.hours_at(pt.at) for pt in p.points])
    levels = np.array([pt.level for pt in p.points])
    step, scale = p.interpolation == "step", scenario.resolve(p.scale)
    persistent = p.forecast == "persistent"
    if p.shocks is None:
        return PressureModel(hours, levels, step, scale, persistent)
    return PressureModel(
        hours,
        levels,
        step,
        scale,
        persistent,
        shock_rate_per_day=scenario.resolve(p.shocks.rate_per_day),
        shock_half_life_hours=scenario.resolve(p.shocks.decay_half_life_hours),
        shock_size=p.shocks.size,
    )


def draw(model: PressureModel, window_hours: float, rng: np.random.Generator) -> FloatArray:
    """Shock arrival times (hours) and sizes over the window, as a (n, 2) array."""
    if not model.has_shocks:
        return np.zeros((0, 2))
    expected = model.shock_rate_per_day * window_hours / HOURS_PER_DAY
    n = int(rng.poisson(expected))
    times = np.sort(rng.uniform(0.0, window_hours, size=n))
    sizes = _sizes(model.shock_size, n, rng)
    return np.column_stack([times, sizes])


def _sizes(dist: object, n: int, rng: np.random.Generator) -> FloatArray:
    if isinstance(dist, Exponential):
        return rng.exponential(dist.mean, size=n)
    if isinstance(dist, Uniform):
        return rng.uniform(dist.low, dist.high, size=n)
    if isinstance(dist, Normal):
        return rng.normal(dist.mean, dist.sd, size=n)
    if isinstance(dist, LogNormal):
        return rng.lognormal(np.log(dist.median), dist.sigma, size=n)
    if isinstance(dist, Triangular):
        return rng.triangular(dist.low, dist.mode, dist.high, size=n)
    raise TypeError(f"unknown distribution {dist!r}")
