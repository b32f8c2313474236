"""Decision epochs: when the players choose, from the start to the deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from sim.scenario import Scenario

__all__ = ["HOURS_PER_DAY", "Schedule", "build_schedule"]

HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class Schedule:
    """The decision epochs of a scenario, in hours since its (effective) start.

    Attributes
    ----------
    start:
        The effective start (``deadline - window_days`` when the scenario sets that).
    window_hours:
        Hours from ``start`` to the deadline.
    times:
        Decision times t_0 < ... < t_{K-1} < window_hours (the deadline is not an epoch).
    delay_hours:
        Implementation delay: a decision at t takes effect at t + delay.
    discount_per_day:
        Per-day discount factor applied between epochs.
    """

    start: datetime
    window_hours: float
    times: NDArray[np.float64]
    delay_hours: float
    discount_per_day: float

    @property
    def deadline(self) -> datetime:
        return self.start + timedelta(hours=self.window_hours)

    @property
    def live(self) -> int:
        """How many epochs come early enough for a decision to take effect by the deadline."""
        return int(np.searchsorted(self.times, self.window_hours - self.delay_hours, "right"))

    @cached_property
    def live_days(self) -> NDArray[np.float64]:
        """Days from each live epoch to the next live one, or to the deadline after the last."""
        live = self.times[: self.live]
        return np.asarray((np.append(live[1:], self.window_hours) - live) / HOURS_PER_DAY)

    def datetime_at(self, hours: float) -> datetime:
        return self.start + timedelta(hours=float(hours))

    def hours_at(self, when: datetime) -> float:
        """Hours since the start of a datetime."""
        return (when - self.start).total_seconds() / 3600.0

    def epoch_at(self, when: datetime) -> int:
        """The last epoch at or before ``when`` (0 if it is before the first)."""
        return max(int(np.searchsorted(self.times, self.hours_at(when), "right")) - 1, 0)


def build_schedule(scenario: Scenario) -> Schedule:
    """The epochs the scenario's ``[schedule]`` describes.

    ``epochs = N`` with ``spacing = "power"`` and ``power = p`` puts epoch k at the time that
    leaves ``W * (1 - k/N)**p`` hours, so p > 1 packs epochs toward the deadline; p = 1
    (``uniform``) spaces them evenly. ``interval_hours = h`` instead counts back from the
    deadline in steps of h.
    """
    sch = scenario.schedule
    window = scenario.window_hours
    if sch.interval_hours is not None:
        count = int(np.floor(window / sch.interval_hours + 1e-9))
        times = window - sch.interval_hours * np.arange(count, 0, -1)
    else:
        n = int(sch.epochs or 1)
        power = sch.power if sch.spacing == "power" else 1.0
        times = window - window * (1.0 - np.arange(n) / n) ** power
    return Schedule(
        start=scenario.start,
        window_hours=window,
        times=np.asarray(times, dtype=np.float64),
        delay_hours=scenario.resolve(sch.implementation_delay_hours),
        discount_per_day=scenario.resolve(sch.discount_per_day),
    )
