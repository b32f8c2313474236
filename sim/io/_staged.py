"""A whole output directory written beside its target and swapped in at the end."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.errors import SimError

__all__ = ["check_output_directory", "staged_directory"]

#: A file that marks a directory as written by negsim (``negsim run`` writes it).
MARK = "manifest.json"
#: Longest name of an output directory (most file systems allow 255 bytes; the temporary
#: sibling adds a prefix and a suffix).
MAX_NAME = 200


def check_output_directory(out: Path, flag: str = "--out") -> None:
    """That ``out`` can receive a run: a new name, an empty directory, or an earlier run.

    Raises
    ------
    SimError
        For an empty name, a name too long, a file, a path under a file, or a non-empty
        directory that is not a negsim run (it would be replaced whole).
    """
    if not str(out) or str(out) in (".", "..") or out.name in ("", ".", ".."):
        raise SimError(f"{flag} {str(out)!r}: name a directory to write (not '' or '.')")
    if len(out.name.encode()) > MAX_NAME:
        raise SimError(f"{flag}: the name is longer than {MAX_NAME} bytes")
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise SimError(f"{flag} {out}: {parent} is a file, not a directory")
    if out.exists() and not out.is_dir():
        raise SimError(f"{flag} {out}: is a file, not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / MARK).is_file():
        raise SimError(f"{flag} {out}: a non-empty directory that is not a negsim output")


@contextmanager
def staged_directory(out: Path) -> Iterator[Path]:
    """Yield a temporary sibling of ``out`` to write into; at the end, swap it in whole.

    An earlier directory at ``out`` is renamed aside, the new one renamed into place, and the
    old one removed, so that ``out`` never mixes two runs' files. If the body fails (or the
    process is killed), ``out`` is left as it was and the sibling is removed (or, after a
    kill, left under a hidden ``.NAME.*.tmp`` name).
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
        old = out.with_name(f".{out.name}.{os.getpid()}.old")
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
