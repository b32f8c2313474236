"""A sweep's directory: its manifest first, part files as points finish, results last.

``--resume`` keeps the part files of an interrupted sweep when the manifest's settings match.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import SimError
from sim.io import atomic, manifest, write_json, write_parquet
from sim.scenario import Scenario

__all__ = ["MANIFEST", "PARTS", "RESULTS", "SENSITIVITY", "SweepStore"]

MANIFEST = "manifest.json"
PARTS = "points"
RESULTS = "results.parquet"
SENSITIVITY = "sensitivity.parquet"
#: The key of a part file's Parquet metadata that names its sweep.
DIGEST_KEY = b"negsim.sweep_sha256"


def sweep_digest(settings: dict[str, Any], rng_seed: int) -> str:
    """The sha256 of a sweep's settings and seed: what its part files carry."""
    text = json.dumps({"settings": settings, "rng_seed": rng_seed}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class SweepStore:
    """The sweep directory ``root``."""

    def __init__(self, root: Path, scenario: Scenario) -> None:
        self.root = root
        self.parts = root / PARTS
        self.scenario = scenario

    def open(self, settings: dict[str, Any], rng_seed: int, resume: bool) -> list[pd.DataFrame]:
        """Start the sweep (write the manifest), or on ``resume`` check that the manifest
        there has the same settings; returns the part files already written (those of this
        sweep: a part file from another sweep is refused, an unreadable one is recomputed)."""
        path = self.root / MANIFEST
        self.digest = sweep_digest(settings, rng_seed)
        if self.parts.exists() and not self.parts.is_dir():
            raise SimError(f"{self.parts}: is a file, not the sweep's folder of part files")
        existing = sorted(self.parts.glob("part-*.parquet")) if self.parts.is_dir() else []
        if resume and not path.exists():
            raise SimError(f"{self.root}: no sweep to resume (no {MANIFEST}); run without --resume")
        if path.exists() and resume:
            self._check_same(self._manifest(path).get("parameters", {}), settings, rng_seed)
        elif path.exists() or existing:
            raise SimError(
                f"{self.root}: already holds a sweep; resume it or choose another folder"
            )
        else:
            write_json(path, manifest(self.scenario, rng_seed, "sweep", {"sweep": settings}))
            self.fresh = True
        for stale in self.parts.glob(".*.tmp") if self.parts.is_dir() else ():
            stale.unlink(missing_ok=True)  # left by a process killed while writing
        return [part for p in existing if (part := self._part(p)) is not None]

    fresh = False
    digest = ""

    def _manifest(self, path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("parameters"), dict):
            raise SimError(f"{path}: damaged (not a sweep's manifest); start the sweep afresh")
        return data

    def _part(self, path: Path) -> pd.DataFrame | None:
        """A part file of this sweep, or None (and the file removed) when it is unreadable."""
        try:
            metadata = pq.read_schema(path).metadata or {}
            frame = pd.read_parquet(path)
        except (OSError, ValueError, pa.ArrowException):
            path.unlink(missing_ok=True)  # truncated by a kill or a full disk: computed again
            return None
        if metadata.get(DIGEST_KEY, b"").decode() != self.digest:
            raise SimError(f"{path}: a part file of another sweep; remove it or start afresh")
        return frame

    def discard(self) -> None:
        """Remove what a fresh sweep wrote (its manifest and part files), after it failed."""
        if not self.fresh:
            return
        for part in self.parts.glob("*") if self.parts.is_dir() else ():
            part.unlink(missing_ok=True)
        if self.parts.is_dir():
            self.parts.rmdir()
        (self.root / MANIFEST).unlink(missing_ok=True)
        if self.root.is_dir() and not any(self.root.iterdir()):
            self.root.rmdir()

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
        table = pa.Table.from_pandas(part, preserve_index=False)
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), DIGEST_KEY: self.digest.encode()}
        )
        name = self.parts / f"part-{first:06d}-{last:06d}.parquet"
        atomic(name, lambda tmp: pq.write_table(table, tmp))

    def finish(self, results: pd.DataFrame, indices: pd.DataFrame | None) -> None:
        """The results table, and the sensitivity indices of a design that has them."""
        write_parquet(self.root / RESULTS, results)
        if indices is not None:
            write_parquet(self.root / SENSITIVITY, indices)
