"""Arguments and output helpers shared by the subcommands."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console

from sim.deadline import Game, PolicyBook
from sim.errors import SimError
from sim.scenario import Scenario
from sim.simulate import progress_bar as library_progress_bar

__all__ = [
    "cost_hint",
    "full_width_when_piped",
    "note_cost",
    "overrides",
    "progress_bar",
    "stderr",
    "stdout",
]

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


#: Columns of the output when it is not a terminal (a file or a pipe): tables print whole.
PIPED_WIDTH = 10_000


def full_width_when_piped() -> None:
    """Tables print in full into a file or a pipe (rich would cut them to 80 columns), unless
    ``COLUMNS`` asks for a width; on a terminal they fit the terminal."""
    for console in (stdout, stderr):
        if not console.is_terminal and "COLUMNS" not in os.environ:
            console.width = PIPED_WIDTH


def overrides(pairs: list[str]) -> dict[str, float]:
    """``["a.b=1.5", ...]`` to ``{"a.b": 1.5}``; a malformed pair is a one-line error."""
    out: dict[str, float] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not sep or not name.strip() or not math.isfinite(value):
            raise SimError(f"--set {pair!r}: expected NAME=VALUE with a finite number")
        out[name.strip()] = value
    return out


@contextmanager
def progress_bar(total: int, label: str, enabled: bool = True) -> Iterator[Callable[[int], None]]:
    """The library's progress bar (:func:`sim.simulate.progress_bar`) on stderr when it is a
    terminal; yields ``advance(n)``, which does nothing when the bar is off (so that the
    library draws no bar of its own)."""
    with library_progress_bar(enabled and sys.stderr.isatty(), total, label) as advance:
        yield advance if advance is not None else _ignore


def _ignore(done: int) -> None:
    """A progress callback that shows nothing."""


#: The flagship's pre-solving work (151 pressure levels x 56 live epochs of 3x3 stage games,
#: 20 vertex subsystems each), and the multiple of it above which the commands say why a
#: scenario will take a while.
FLAGSHIP_WORK = 151 * 56 * 20
HINT_ABOVE = 10


def cost_hint(scenario: Scenario) -> str | None:
    """A one-line note on stderr's behalf when pre-solving ``scenario``'s policies is far
    more work than the flagship's: the stage games (pressure levels x live epochs) and
    their size, and where docs/performance.md says what to change. ``None`` otherwise."""
    game = Game.from_scenario(scenario)
    levels, epochs = max(len(PolicyBook.grid(game)), 1), game.schedule.live
    m, n = game.payoffs.shape
    work = levels * epochs * math.comb(m + n, m)
    if work <= HINT_ABOVE * FLAGSHIP_WORK:
        return None
    return (
        f"note: {levels * epochs:,} stage games of {m}x{n} to pre-solve ({levels} pressure "
        f"levels x {epochs} epochs), about {work / FLAGSHIP_WORK:.0f}x the flagship's work; "
        'docs/performance.md, "What makes a scenario slow", says what to change'
    )


def note_cost(scenario: Scenario, quiet: bool) -> None:
    """Print :func:`cost_hint`'s note on stderr, unless ``quiet`` or there is none."""
    hint = None if quiet else cost_hint(scenario)
    if hint is not None:
        stderr.print(hint, markup=False, highlight=False)
