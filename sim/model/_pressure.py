"""The exogenous pressure: a dated, interpolated series plus random decaying shocks.

This module is the one home of the pressure's formulas: the level from its parts, the decay of
a shock, the realised level on a path, the players' forecast and the level the pressure
rarely exceeds. The engines, the event log and the report call them; the shocks themselves are
drawn in :mod:`sim.simulate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.model._epochs import Schedule
from sim.scenario import Distribution, Scenario

__all__ = ["PressureModel", "build_pressure"]

FloatArray = NDArray[np.float64]

#: Typical shocks above the scheduled peak that :meth:`PressureModel.ceiling` allows for.
CEILING_SHOCKS = 5.0

#: Elements (path x epoch x shock) of one block of :meth:`PressureModel._struck`.
STRUCK_BLOCK = 1 << 14


@dataclass(frozen=True)
class PressureModel:
    """Pressure in hours since the schedule's start.

    ``level(t) = scale * max(scheduled(t) + shocks(t), 0)``, where ``scheduled`` interpolates
    the dated points (constant before the first and after the last) and each shock of size s
    at time u adds ``s * 0.5 ** ((t - u) / half_life)`` for t >= u. With ``persistent``
    forecasts the players expect the present level to last.
    """

    hours: FloatArray
    levels: FloatArray
    step: bool
    scale: float
    persistent: bool = False
    shock_rate_per_day: float = 0.0
    shock_half_life_hours: float = 1.0
    shock_size: Distribution | None = None

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

    def shock_left(self, shock: float, shock_at: float, now: float) -> float:
        """What is left at ``now`` of a shock level ``shock`` standing at ``shock_at`` (the
        scalar form of :meth:`decay`, for one path's clock)."""
        left: float = 0.5 ** ((now - shock_at) / self.shock_half_life_hours)
        return shock * left

    def combine(self, scheduled: ArrayLike, extra: ArrayLike) -> FloatArray:
        """The level from its parts: ``scale * max(scheduled + extra, 0)``."""
        total = np.asarray(scheduled, dtype=np.float64) + np.asarray(extra, dtype=np.float64)
        return np.asarray(self.scale * np.maximum(total, 0.0))

    def combine_one(self, scheduled: float, extra: float) -> float:
        """:meth:`combine` of two numbers, as plain floats (the same arithmetic)."""
        return self.scale * max(scheduled + extra, 0.0)

    def level(self, t: ArrayLike, shock: float = 0.0, shock_at: float = 0.0) -> FloatArray:
        """Pressure at hours ``t`` given a shock level ``shock`` standing at ``shock_at``.

        This is also the forecast a player makes at ``shock_at``: no further shocks, the
        present one decaying.
        """
        t = np.asarray(t, dtype=np.float64)
        extra = shock * self.decay(np.maximum(t - shock_at, 0.0))
        return self.combine(self.scheduled(t), extra)

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
            out[members] = self.combine(scheduled, self._struck(t, each))
        return out

    def _struck(self, t: FloatArray, each: FloatArray) -> FloatArray:
        """What is left at hours ``t`` of the shocks ``each`` (m paths, n shocks, (time,
        size)) that have struck by then, shape (m, T).

        Each sum is numpy's over an (m, T, n) array holding a zero for every shock still to
        come, so every path adds the same n terms in the same order whatever the others
        hold. The decay is computed only for the shocks that have struck (about half of
        them), and a block of epochs at a time, so that the array stays small: with many
        shocks and epochs (n x T in the tens of thousands a path) the powers and the memory
        they passed through were most of a path's cost.
        """
        m, n = each.shape[:2]
        extra = np.empty((m, t.size))
        block = max(1, STRUCK_BLOCK // (m * n))
        for lo in range(0, t.size, block):
            dt = t[None, lo : lo + block, None] - each[:, None, :, 0]
            struck = dt >= 0
            terms = np.zeros(dt.shape)
            sizes = np.broadcast_to(each[:, None, :, 1], dt.shape)
            terms[struck] = sizes[struck] * self.decay(dt[struck])
            extra[:, lo : lo + block] = terms.sum(axis=2)
        return extra

    def forecast(
        self, times: FloatArray, window: float, now: float, observed: float | None = None
    ) -> tuple[FloatArray, float]:
        """Pressure expected at ``times`` and at the deadline (hour ``window``), seen at
        ``now`` with the level ``observed`` then (the scheduled level when None).

        With ``scheduled`` forecasts the players foresee the dated points and expect the gap
        between the observed and the scheduled level (a shock) to decay; with ``persistent``
        forecasts they expect the observed level to last until the deadline.
        """
        level = float(self.level(now)) if observed is None else observed
        if self.persistent:
            return np.full(times.size, level), level
        shock = level / self.scale - float(self.scheduled(now)) if self.scale > 0 else 0.0
        return self.level(times, shock, now), float(self.level(window, shock, now))

    def ceiling(self) -> float:
        """A level the pressure rarely exceeds: the scheduled peak plus
        :data:`CEILING_SHOCKS` typical shocks (their sd, else their mean)."""
        peak = float(self.levels.max()) if self.levels.size else 0.0
        shocks = 0.0
        size = self.shock_size
        if self.has_shocks and size is not None:
            spread = float(getattr(size, "sd", 0.0) or getattr(size, "mean", 0.0) or 0.0)
            shocks = CEILING_SHOCKS * abs(spread)
        return self.scale * (peak + shocks)

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
