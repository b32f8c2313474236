"""A scenario compiled to numbers: its decision epochs, pressure and payoffs, nothing solved."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from sim.model._epochs import HOURS_PER_DAY, Schedule, build_schedule
from sim.model._payoffs import PayoffModel, compile_payoffs
from sim.model._pressure import PressureModel, build_pressure
from sim.scenario import Scenario

__all__ = ["Model", "compile_model"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Model:
    """Everything needed to build a scenario's stage games and to play its paths."""

    scenario: Scenario
    schedule: Schedule
    pressure: PressureModel
    payoffs: PayoffModel

    @property
    def live_times(self) -> FloatArray:
        """Hours since the start of each live epoch."""
        return self.schedule.times[: self.schedule.live]

    def forecast(self, first: int = 0, level: float | None = None) -> tuple[FloatArray, float]:
        """Pressure expected at each live epoch and at the deadline, seen from live epoch
        ``first`` with the level ``level`` observed then (:meth:`PressureModel.forecast`)."""
        now = float(self.live_times[first]) if first < self.schedule.live else 0.0
        return self.pressure.forecast(self.live_times, self.schedule.window_hours, now, level)

    def discount_at(self, hours: float) -> float:
        """The discount factor from the start to ``hours``."""
        return float(self.schedule.discount_per_day ** (hours / HOURS_PER_DAY))

    @cached_property
    def realised(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """What a path earns in a cell, as ``base + pressure * slope + coupling @ discounted V``.

        Shapes (L, 2, m, n), (L, 2, m, n) and (L, 2, 2, m, n) over the live epochs: flows in
        the cells that continue, terminal payoffs in the agreement cells; ``coupling[k, p, r]``
        is how much player p's payoff depends on player r's discounted continuation value
        (``continuation`` terms). Linear in each, so computed once from unit inputs.
        """
        times = self.live_times
        days = self.schedule.live_days
        k = np.arange(len(times))
        e = times / self.schedule.window_hours
        cont = self.payoffs.continues.astype(np.float64)

        def at(p: float, v: tuple[float, float]) -> FloatArray:
            A, B = self.payoffs.stage(k, e, p, days, np.array(v), 1.0)
            out = np.stack([A, B], axis=1)
            return np.asarray(out - cont * np.array(v)[None, :, None, None])

        base = at(0.0, (0.0, 0.0))
        coupling = np.stack([at(0.0, (1.0, 0.0)) - base, at(0.0, (0.0, 1.0)) - base], axis=2)
        return base, at(1.0, (0.0, 0.0)) - base, coupling


def compile_model(scenario: Scenario) -> Model:
    """A validated scenario compiled with its parameters as they are set in it."""
    schedule = build_schedule(scenario)
    return Model(
        scenario=scenario,
        schedule=schedule,
        pressure=build_pressure(scenario, schedule),
        payoffs=compile_payoffs(scenario),
    )
