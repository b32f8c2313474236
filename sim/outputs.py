"""Writing results: every file goes to a temporary name first and is renamed into place."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from sim.evidence import seed_digests, sha256_file
from sim.scenario import Scenario

__all__ = ["atomic", "manifest", "write_json", "write_parquet"]

LIBRARIES = ("numpy", "nashpy", "simpy", "pandas", "pyarrow", "pydantic", "plotly", "scipy")


def atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write`` on a temporary sibling of ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_json(path: Path, data: Any) -> Path:
    text = json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"
    return atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_parquet(path: Path, frame: pd.DataFrame) -> Path:
    return atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))


def _version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def manifest(scenario: Scenario, rng_seed: int, extra: dict[str, Any]) -> dict[str, Any]:
    """Provenance: what ran, on what inputs, with which libraries."""
    path = scenario.path
    seeds = (path.parent / scenario.seeds_dir) if path is not None else None
    return {
        "negsim_version": _version("negsim"),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": {
            "id": scenario.meta.id,
            "path": str(path) if path else None,
            "sha256": sha256_file(path) if path else None,
        },
        "seeds": seed_digests(seeds) if seeds is not None and seeds.is_dir() else {},
        "parameters": scenario.values(),
        "rng_seed": rng_seed,
        "libraries": {name: _version(name) for name in LIBRARIES},
        "python": sys.version.split()[0],
        "command": sys.argv,
        **extra,
    }
