"""Progress bars of the Python API (``sim.run``, ``sim.sweep``): on in a terminal or a
notebook, off in a pipe, a test or a script whose output is captured."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

__all__ = ["ProgressArg", "interactive", "progress_bar"]

#: What ``progress=`` takes: ``None`` (a bar when :func:`interactive`), ``True`` (a bar),
#: ``False`` (none), or a callable given the number of items just finished.
ProgressArg = bool | Callable[[int], None] | None


def interactive(console: Console | None = None) -> bool:
    """A bar can be seen: stderr is a terminal, or this is a Jupyter kernel that has
    ``ipywidgets`` (rich draws its live bars there through a widget)."""
    console = console or Console(stderr=True)
    if console.is_jupyter:
        return importlib.util.find_spec("ipywidgets") is not None
    return sys.stderr.isatty()


@contextmanager
def progress_bar(
    progress: ProgressArg, total: int, label: str
) -> Iterator[Callable[[int], None] | None]:
    """Yields the callback to give the engine: the caller's own, a rich bar's ``advance(n)``
    (with an ETA, on stderr or in the notebook), or ``None`` for no bar.

    >>> with progress_bar(False, 10, "quiet") as advance:
    ...     advance is None
    True
    """
    if callable(progress) and not isinstance(progress, bool):
        yield progress
        return
    console = Console(stderr=True)
    if not (progress if progress is not None else interactive(console)):
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
