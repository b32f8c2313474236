"""The folders a scenario may read: its project, and any root the user allows.

A scenario names other files (``seeds_dir``, ``base``); they must lie inside its project, so
that a scenario cannot probe or echo files elsewhere (``seeds_dir = "/etc"``). The project is
the scenario's folder and that folder's parent, or, when an ancestor holds ``pyproject.toml``
or ``.git``, that ancestor. ``negsim --allow-root DIR`` (:func:`allow_roots`) adds a root.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

__all__ = ["allow_roots", "allowed_roots", "inside_project", "project_roots"]

#: Files whose folder is a project's root.
MARKERS = ("pyproject.toml", ".git")

_ALLOWED: ContextVar[tuple[Path, ...]] = ContextVar("negsim_allowed_roots", default=())


@contextmanager
def allow_roots(roots: Iterable[str | Path]) -> Iterator[tuple[Path, ...]]:
    """Let scenarios loaded inside the ``with`` block read files under ``roots`` too.

    Examples
    --------
    >>> with allow_roots(["/srv/shared-seeds"]) as roots:
    ...     [str(r) for r in roots]
    ['/srv/shared-seeds']
    """
    resolved = tuple(Path(r).resolve() for r in roots)
    token = _ALLOWED.set((*_ALLOWED.get(), *resolved))
    try:
        yield resolved
    finally:
        _ALLOWED.reset(token)


def allowed_roots() -> tuple[Path, ...]:
    """The roots :func:`allow_roots` allows here."""
    return _ALLOWED.get()


def project_roots(folder: Path, extra: Iterable[Path] = ()) -> tuple[Path, ...]:
    """The roots a scenario in ``folder`` may read under: its project, then ``extra``."""
    here = folder.resolve()
    roots = [here.parent]
    for ancestor in (here, *here.parents):
        if any((ancestor / marker).exists() for marker in MARKERS):
            roots.append(ancestor)
            break
    return (*roots, *extra)


def inside_project(target: Path, roots: Iterable[Path]) -> bool:
    """Whether ``target`` (resolved) lies under one of ``roots``."""
    resolved = target.resolve()
    return any(resolved.is_relative_to(root) for root in roots)
