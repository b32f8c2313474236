"""What the terminal shows: whole tables into a pipe, wide grids, short numbers and times."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
WAR = ROOT / "scenarios" / "war-of-attrition-deadline.toml"


def _negsim(*argv: str, columns: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run(
        [sys.executable, "-m", "sim", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    )


def test_a_piped_table_is_printed_whole() -> None:
    out = _negsim("solve", str(WAR), "--path").stdout
    assert "…" not in out
    rows = [line for line in out.splitlines() if re.match(r"│\s+\d+ │", line)]
    assert len(rows) == 401  # one line per epoch: no cell wrapped onto a second line
    assert "│ 2000-01-01T00:00 │" in out  # the whole datetime, not "2000-01…"


def test_a_grid_too_wide_for_the_terminal_turns_on_its_side(tmp_path: Path) -> None:
    out = _negsim(
        "sweep", str(WAR), "--set", "schedule.epochs=40",
        "--param", "concession_cost=1:2:2", "--param", "waiting_cost=0.1:0.9:31",
        "--runs", "5", "--workers", "1", "--out", str(tmp_path / "s"),
        columns="80",
    ).stdout  # fmt: skip
    assert "(rows waiting_cost, columns concession_cost)" in out
    assert "…" not in out
    cells = re.findall(r"│\s+([\d.]+) │ (\d\.\d{3}) │ (\d\.\d{3}) │", out)
    assert len(cells) == 31
    assert float(cells[0][0]) == pytest.approx(0.1) and float(cells[-1][0]) == pytest.approx(0.9)


def test_replay_header_and_times_are_short(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # xdist's workers set 80: a whole table
    assert main(["run", str(GSOMIA), "--replay", "17"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    floats = re.findall(r"=(-?\d+\.\d+)", header)
    assert floats and all(len(f.replace("-", "").replace(".", "").lstrip("0")) <= 6 for f in floats)
    times = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+09:00", out)
    assert times and all(frac == "" for frac in times)  # to the second, no float noise


def test_first_mover_says_what_it_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    quick = ["--set", "schedule.epochs=20", "--set", "pressure.shocks.rate_per_day=0"]
    assert main(["run", str(GSOMIA), "--runs", "20", "--out", str(tmp_path / "r"), *quick]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("first to play a concession action"))
    assert "(korea: suspend, renew; japan: talks, lift;" in line


def test_outputs_are_ignored_by_git() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert {"runs/", "sweeps/"} <= set(ignored)
