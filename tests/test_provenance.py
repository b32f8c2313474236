"""``manifest.json``: one provenance record in tskit's layout, checked by the JSON Schema kept
in the package."""

from __future__ import annotations

import json
import platform
from pathlib import Path

import jsonschema
import pytest

import sim
from sim.io import SCHEMA_VERSION, environment, manifest, provenance_schema
from sim.scenario import sha256_file

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = ROOT / "scenarios" / "war-of-attrition-deadline.toml"


def test_a_runs_manifest_satisfies_the_schema_and_names_its_inputs(tmp_path: Path) -> None:
    result = sim.run(TEXTBOOK, runs=20, rng_seed=4, overrides={"waiting_cost": 0.5})
    result.write(tmp_path)
    record = json.loads((tmp_path / "manifest.json").read_text())
    jsonschema.validate(record, provenance_schema())
    run = record["parameters"]
    assert record["schema_version"] == SCHEMA_VERSION == "1.0.0"
    assert record["software"]["name"] == "negsim"
    assert run["command"] == "run" and run["runs"] == 20 and run["rng_seed"] == 4
    assert run["overrides"] == {"waiting_cost": 0.5}
    assert run["values"]["waiting_cost"] == 0.5
    assert run["scenario"]["sha256"] == sha256_file(TEXTBOOK)
    assert run["seeds"] and all(len(digest) == 64 for digest in run["seeds"].values())
    assert record["environment"]["python"]["version"] == platform.python_version()
    assert record["environment"]["os"]["machine"] == platform.machine()
    assert record["environment"]["libraries"]["numpy"]["version"]


def test_a_sweeps_manifest_satisfies_the_schema(tmp_path: Path) -> None:
    scenario = sim.load(TEXTBOOK, {"schedule.epochs": 40})
    sim.sweep(scenario, ["waiting_cost=0.2,0.4"], runs=5, workers=1, out=tmp_path)
    record = json.loads((tmp_path / "manifest.json").read_text())
    jsonschema.validate(record, provenance_schema())
    assert record["parameters"]["command"] == "sweep"
    assert record["parameters"]["sweep"]["n_points"] == 2


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r.pop("environment"), "environment"),
        (lambda r: r["software"].update(name="msprime"), "software"),
        (lambda r: r["parameters"].update(rng_seed=-1), "rng_seed"),
        (lambda r: r["parameters"]["scenario"].update(sha256="abc"), "sha256"),
    ],
)
def test_the_schema_rejects_a_damaged_record(change: object, where: str) -> None:
    record = manifest(sim.load(TEXTBOOK), 0, "run", {"runs": 1, "replay": None, "overrides": {}})
    jsonschema.validate(record, provenance_schema())
    change(record)  # type: ignore[operator]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, provenance_schema())


def test_the_environment_is_read_once() -> None:
    assert environment() is environment()
