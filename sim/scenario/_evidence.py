"""The seed documents: finding them beside a scenario and checking quotes against them."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

__all__ = [
    "quote_in_seed",
    "resolve_seed",
    "seed_digests",
    "sha256_file",
]


#: Largest seed document read or hashed (the shipped ones are a few KB).
MAX_SEED_BYTES = 16 * 1024 * 1024


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space; strip both ends."""
    return " ".join(text.split())


def resolve_seed(seeds_dir: Path, name: str) -> Path:
    """The seed file ``name`` inside ``seeds_dir``.

    Raises
    ------
    ValueError
        If the name escapes the seeds directory or the file does not exist.
    """
    try:
        root = seeds_dir.resolve()
        target = (root / name).resolve()
        if not target.is_relative_to(root):
            raise ValueError(f"seed path escapes the seeds directory {root}")
        if not target.is_file():
            raise ValueError(f"no such seed file in {root}")
        if target.stat().st_size > MAX_SEED_BYTES:
            raise ValueError(f"seed file is larger than {MAX_SEED_BYTES} bytes")
    except (OSError, RuntimeError) as exc:  # a name too long; a symlink loop (Python 3.11)
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ValueError(f"cannot open seed file: {reason}") from None
    return target


@lru_cache(maxsize=64)
def _normalised_text(path: Path, mtime_ns: int) -> str:
    return normalise(path.read_text(encoding="utf-8", errors="replace"))


def quote_in_seed(seed: Path, quote: str) -> bool:
    """Whether ``quote`` occurs verbatim, whitespace-normalised, in the seed file."""
    return normalise(quote) in _normalised_text(seed, seed.stat().st_mtime_ns)


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seed_digests(seeds_dir: Path) -> dict[str, str]:
    """sha256 of every ``*.txt`` seed document in ``seeds_dir``, by file name."""
    return {
        p.name: sha256_file(p) if p.stat().st_size <= MAX_SEED_BYTES else "too large to hash"
        for p in sorted(seeds_dir.glob("*.txt"))
        if p.is_file()
    }
