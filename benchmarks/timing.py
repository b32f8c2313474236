"""Wall-clock timing on a shared machine: minima over many short samples, interleaved.

Another process can halve this machine's speed for seconds at a time, so one long timing
of ours followed by one long timing of a baseline can be off by 2x either way. Instead the
baseline runs in chunks, ours is timed once before every chunk, and each side reports its
fastest sample: both figures then come from the same quiet moments of the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")
Game = TypeVar("Game")


@dataclass
class Clock:
    """Repeated timings of one call that handles ``items`` items; :attr:`best` per item."""

    run: Callable[[], object]
    items: int
    samples: list[float] = field(default_factory=list)

    def tick(self) -> None:
        """Time one call and keep the sample.

        The result is freed only after the clock stops, as the baselines' results are
        (they are kept for the equality checks): freeing thousands of objects is not solving.
        """
        start = time.perf_counter()
        result = self.run()
        self.samples.append((time.perf_counter() - start) / self.items)
        del result

    @property
    def best(self) -> float:
        """The fastest sample, in seconds per item."""
        return min(self.samples)


def time_in_chunks(
    solve: Callable[[Game], T],
    games: Sequence[Game],
    chunk: int,
    ours: Clock | Sequence[Clock],
) -> tuple[float, list[T]]:
    """Run ``solve`` on every game, ``chunk`` games at a time with a tick of ``ours`` (of
    each clock, if several) before each chunk; the fastest chunk's seconds per game, and all
    results in order."""
    return time_chunks(lambda part: [solve(game) for game in part], games, chunk, ours)


def time_chunks(
    solve: Callable[[Sequence[Game]], list[T]],
    games: Sequence[Game],
    chunk: int,
    ours: Clock | Sequence[Clock],
) -> tuple[float, list[T]]:
    """:func:`time_in_chunks` with ``solve`` called once per chunk, on all its games."""
    clocks = [ours] if isinstance(ours, Clock) else list(ours)
    best = float("inf")
    results: list[T] = []
    for start in range(0, len(games), chunk):
        for clock in clocks:
            clock.tick()
        part = games[start : start + chunk]
        began = time.perf_counter()
        results += solve(part)
        best = min(best, (time.perf_counter() - began) / len(part))
    return best, results


def timed(run: Callable[[], T]) -> tuple[float, T]:
    """Wall seconds of one call of ``run``, and its result."""
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result
