"""SimPy on its own: the raw timeout rate, and a bare model of the events one path needs.

The issue asks that a path cost "within a small factor of SimPy's own event rate for the
events a path needs". Two baselines measure that rate with no model logic at all:

- :func:`timeout_loop`: one process yielding ``env.timeout`` many times (SimPy's raw rate);
- :func:`skeleton_path`: one fresh ``Environment`` per path whose one process waits through
  the path's timeline (:class:`Timeline`): a timeout at each live epoch, at each dated
  pressure point inside the window, at each of the expected number of random shocks, and one
  for the agreement taking effect (or the deadline).

:func:`counting_events` counts what a real path schedules, by wrapping SimPy's scheduler.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from sim.deadline import Game
from sim.model import HOURS_PER_DAY

#: Events SimPy schedules for one process besides its timeouts: its start and its end.
PROCESS_EVENTS = 2


@dataclass(frozen=True)
class Timeline:
    """The waits of one skeleton path, as the delays between its successive events (hours).

    ``epochs``, ``points``, ``shocks`` and ``ends`` count the timeouts of each kind.
    """

    delays: tuple[float, ...]
    epochs: int
    points: int
    shocks: int
    ends: int = 1

    @property
    def timeouts(self) -> int:
        """How many timeouts one path of the skeleton schedules."""
        return len(self.delays)

    @property
    def events(self) -> int:
        """Every event one path schedules: the timeouts and the process's start and end."""
        return self.timeouts + PROCESS_EVENTS


def timeline(game: Game) -> Timeline:
    """The events a path of ``game`` needs, with the shocks spread evenly over the window.

    Live epochs (``game.live_times``), the scenario's dated pressure points inside the window,
    ``round(rate * days)`` shocks (the expected number) and one last timeout: the agreement
    taking effect after the implementation delay, or the deadline.
    """
    window = game.schedule.window_hours
    epochs = [float(t) for t in game.live_times]
    hours = game.pressure.hours
    points = [float(h) for h in hours if 0.0 <= h <= window]
    expected = game.pressure.shock_rate_per_day * window / HOURS_PER_DAY
    count = round(expected) if game.pressure.has_shocks else 0
    shocks = [window * (i + 0.5) / count for i in range(count)]
    times = sorted([*epochs, *points, *shocks, window])
    delays = np.diff(np.array([0.0, *times]))
    return Timeline(tuple(float(d) for d in delays), len(epochs), len(points), count)


def _walk(env: simpy.Environment, delays: Sequence[float]) -> Generator[simpy.Event, Any, None]:
    for delay in delays:
        yield env.timeout(delay)


def skeleton_path(line: Timeline) -> float:
    """Run one skeleton path in a fresh ``Environment``; the simulated time it ends at."""
    env = simpy.Environment()
    env.process(_walk(env, line.delays))
    env.run()
    return float(env.now)


def skeleton_paths(line: Timeline, paths: int) -> Callable[[], float]:
    """A call that runs ``paths`` skeleton paths (for a :class:`~benchmarks.timing.Clock`)."""

    def run() -> float:
        return sum(skeleton_path(line) for _ in range(paths))

    return run


def timeout_loop(timeouts: int) -> Callable[[], float]:
    """A call that runs one process yielding ``timeouts`` unit timeouts (SimPy's raw rate)."""
    delays = (1.0,) * timeouts

    def run() -> float:
        env = simpy.Environment()
        env.process(_walk(env, delays))
        env.run()
        return float(env.now)

    return run


@dataclass
class EventCount:
    """Events SimPy scheduled (by event type) and processed while :func:`counting_events`
    was active."""

    scheduled: Counter[str] = field(default_factory=Counter)
    processed: int = 0

    @property
    def total(self) -> int:
        """Every event scheduled, of any type."""
        return sum(self.scheduled.values())

    @property
    def timeouts(self) -> int:
        """The ``Timeout`` events scheduled."""
        return self.scheduled["Timeout"]


@contextmanager
def counting_events() -> Iterator[EventCount]:
    """Count every event any ``simpy.Environment`` schedules and processes inside the block.

    Wraps ``Environment.schedule`` and ``Environment.step`` on the class (so environments
    made inside the model are counted too) and restores them on exit. Slows SimPy down:
    never time inside it.
    """
    count = EventCount()
    cls = simpy.core.Environment
    schedule, step = cls.schedule, cls.step

    def counted_schedule(env: simpy.Environment, event: simpy.Event, *args: Any) -> None:
        count.scheduled[type(event).__name__] += 1
        schedule(env, event, *args)

    def counted_step(env: simpy.Environment) -> None:
        try:
            step(env)
        except simpy.core.StopSimulation:  # the event ran; the run stops after it
            count.processed += 1
            raise
        count.processed += 1

    cls.schedule, cls.step = counted_schedule, counted_step  # type: ignore[method-assign, assignment]
    try:
        yield count
    finally:
        cls.schedule, cls.step = schedule, step  # type: ignore[method-assign]
