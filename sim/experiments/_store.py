"""A sweep's directory: its manifest first, part files as points finish, results last.

``--resume`` keeps the part files of an interrupted sweep when the manifest's settings match.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import SimError
from sim.io import manifest, write_json, write_parquet
from sim.scenario import Scenario

__all__ = ["MANIFEST", "PARTS", "RESULTS", "SENSITIVITY", "SweepStore"]

MANIFEST = "manifest.json"
PARTS = "points"
RESULTS = "results.parquet"
SENSITIVITY = "sensitivity.parquet"


class SweepStore:
    """The sweep directory ``root``."""

    def __init__(self, root: Path, scenario: Scenario) -> None:
        self.root = root
        self.parts = root / PARTS
        self.scenario = scenario

    def open(self, settings: dict[str, Any], rng_seed: int, resume: bool) -> list[pd.DataFrame]:
        """Start the sweep (write the manifest), or on ``resume`` check that the manifest
        there has the same settings; returns the part files already written."""
        path = self.root / MANIFEST
        existing = sorted(self.parts.glob("part-*.parquet")) if self.parts.is_dir() else []
        if path.exists() and resume:
            old = json.loads(path.read_text(encoding="utf-8"))
            self._check_same(old.get("parameters", {}), settings, rng_seed)
        elif path.exists() or existing:
            raise SimError(
                f"{self.root}: already holds a sweep; resume it or choose another folder"
            )
        else:
            write_json(path, manifest(self.scenario, rng_seed, "sweep", {"sweep": settings}))
        for stale in self.parts.glob(".*.tmp") if self.parts.is_dir() else ():
            stale.unlink(missing_ok=True)  # left by a process killed while writing
        return [pd.read_parquet(p) for p in existing]

    def _check_same(self, old: dict[str, Any], settings: dict[str, Any], rng_seed: int) -> None:
        before = old.get("sweep", {})
        for key, value in settings.items():
            if before.get(key) != value:
                raise SimError(
                    f"{self.root}: cannot resume: {key} was {before.get(key)!r}, now {value!r}"
                )
        if old.get("rng_seed") != rng_seed:
            raise SimError(
                f"{self.root}: cannot resume: rng_seed was {old.get('rng_seed')!r}, now {rng_seed}"
            )

    def write_part(self, part: pd.DataFrame) -> None:
        """One finished chunk of points, atomically."""
        first, last = int(part["point"].min()), int(part["point"].max())
        write_parquet(self.parts / f"part-{first:06d}-{last:06d}.parquet", part)

    def finish(self, results: pd.DataFrame, indices: pd.DataFrame | None) -> None:
        """The results table, and the sensitivity indices of a design that has them."""
        write_parquet(self.root / RESULTS, results)
        if indices is not None:
            write_parquet(self.root / SENSITIVITY, indices)
