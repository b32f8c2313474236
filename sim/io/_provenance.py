"""Provenance: what ran, on which inputs, with which software, on which machine.

A ``manifest.json`` is one provenance record in tskit's layout (its provenance schema 1.0.0):
``schema_version``, ``software`` (``name``, ``version``), ``parameters`` (everything the
command was given and read: the command line, the scenario file and its sha256, the seed
documents' digests, the scenario's parameter values, the rng seed and the command's own
settings), ``environment`` (``os``, ``python``, ``libraries``) and the ``timestamp``. The JSON
Schema in ``provenance.schema.json`` (beside this module) checks it.
"""

from __future__ import annotations

import json
import platform
import sys
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from typing import Any

from sim.scenario import Scenario, seed_digests, sha256_file

__all__ = ["LIBRARIES", "SCHEMA_VERSION", "environment", "manifest", "provenance_schema"]

#: The version of the layout of :func:`manifest` (tskit's provenance schema version).
SCHEMA_VERSION = "1.0.0"
#: The libraries whose versions a manifest records.
LIBRARIES = ("numpy", "nashpy", "simpy", "pandas", "pyarrow", "pydantic", "plotly", "scipy")


def _version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


@cache
def environment() -> dict[str, Any]:
    """The machine and software a record was made with (tskit's ``environment``)."""
    uname = platform.uname()
    return {
        "os": {
            "system": uname.system,
            "node": uname.node,
            "release": uname.release,
            "version": uname.version,
            "machine": uname.machine,
        },
        "python": {
            "implementation": platform.python_implementation(),
            "version": platform.python_version(),
        },
        "libraries": {name: {"version": _version(name)} for name in LIBRARIES},
    }


def manifest(
    scenario: Scenario, rng_seed: int, command: str, settings: dict[str, Any]
) -> dict[str, Any]:
    """The provenance record of ``command`` (``run``, ``sweep``) on ``scenario``.

    ``settings`` are the command's own (``runs``, ``replay``, ``overrides``; a sweep's
    ``sweep``) and go into ``parameters`` beside the inputs.
    """
    path = scenario.path
    seeds = (path.parent / scenario.seeds_dir) if path is not None else None
    parameters = {
        "command": command,
        "argv": list(sys.argv),
        "scenario": {
            "id": scenario.meta.id,
            "path": str(path) if path else None,
            "sha256": sha256_file(path) if path else None,
        },
        "seeds": seed_digests(seeds) if seeds is not None and seeds.is_dir() else {},
        "values": scenario.values(),
        "rng_seed": rng_seed,
        **settings,
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "software": {"name": "negsim", "version": _version("negsim")},
        "parameters": parameters,
        "environment": environment(),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }


@cache
def provenance_schema() -> dict[str, Any]:
    """The JSON Schema every manifest satisfies."""
    text = files("sim.io").joinpath("provenance.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
