"""``negsim run --no-events`` and ``sim.run(..., events=False)`` (issue 20): a run without the
event log has the same ``runs.parquet``, byte for byte, writes no ``events.parquet``, says so in
its summary and manifest, and its report builds with a note in place of the timeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sim
from sim.cli import main
from sim.report import rebuild

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
WAR = ROOT / "scenarios" / "war-of-attrition-deadline.toml"


def _run(tmp: Path, name: str, *extra: str) -> Path:
    out = tmp / name
    argv = ["run", str(WAR), "--runs", "1500", "--rng-seed", "5", "--quiet", "--out", str(out)]
    assert main([*argv, *extra]) == 0
    return out


def test_no_events_writes_the_same_runs_parquet_and_no_events_parquet(tmp_path: Path) -> None:
    logged = _run(tmp_path, "logged")
    bare = _run(tmp_path, "bare", "--no-events")
    assert (bare / "runs.parquet").read_bytes() == (logged / "runs.parquet").read_bytes()
    assert (logged / "events.parquet").is_file()
    assert not (bare / "events.parquet").exists()
    summary = json.loads((bare / "summary.json").read_text(encoding="utf-8"))
    manifest = json.loads((bare / "manifest.json").read_text(encoding="utf-8"))
    assert summary["events"] is False
    assert manifest["parameters"]["events"] is False
    logged_summary = json.loads((logged / "summary.json").read_text(encoding="utf-8"))
    assert "events" not in logged_summary
    assert {k: v for k, v in summary.items() if k != "events"} == logged_summary
    assert json.loads((logged / "manifest.json").read_text())["parameters"]["events"] is True


def test_the_report_of_a_run_without_events_builds_with_a_note(tmp_path: Path) -> None:
    bare = _run(tmp_path, "bare", "--no-events")
    written = (bare / "report.html").read_text(encoding="utf-8")
    assert 'id="no-events"' in written
    assert "--no-events" in written
    (bare / "report.html").unlink()
    (bare / "report-data.json").unlink()  # rebuilt from the files alone, as negsim report does
    assert main(["report", str(bare)]) == 0
    rebuilt = (bare / "report.html").read_text(encoding="utf-8")
    assert 'id="no-events"' in rebuilt
    logged = _run(tmp_path, "logged")
    assert 'id="no-events"' not in (logged / "report.html").read_text(encoding="utf-8")


def test_a_run_that_should_have_events_still_needs_them(tmp_path: Path) -> None:
    logged = _run(tmp_path, "logged")
    (logged / "events.parquet").unlink()
    with pytest.raises(sim.SimError, match=r"no events\.parquet"):
        rebuild(logged)


@pytest.mark.parametrize("fixed", [False, True], ids=["drawn", "fixed"])
def test_the_library_without_events_gives_the_same_runs(fixed: bool) -> None:
    kwargs = {"runs": 1200, "rng_seed": 2, "overrides": {"schedule.epochs": 20}, "fixed": fixed}
    if not fixed:
        kwargs["draws"] = 6
    logged = sim.run(GSOMIA, **kwargs)  # type: ignore[arg-type]
    bare = sim.run(GSOMIA, events=False, **kwargs)  # type: ignore[arg-type]
    assert bare.events is None
    assert logged.events is not None and len(logged.events) > len(logged.runs)
    assert bare.runs.equals(logged.runs)
    assert "timeline" in logged.figures()
    assert "timeline" not in bare.figures()


def test_a_replay_without_events_has_the_full_runs_row() -> None:
    full = sim.run(WAR, runs=50, rng_seed=4)
    alone = sim.run(WAR, runs=50, rng_seed=4, replay=17, events=False)
    assert alone.events is None
    assert alone.runs.iloc[0].to_dict() == full.runs.iloc[17].to_dict()
