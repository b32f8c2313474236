"""Issue 21, points 9 and 10: kill -9 at random moments.

A run killed while it overwrites an earlier run leaves the earlier run whole or the new one
whole, never a mix; a sweep killed at any moment resumes to the bytes of an uninterrupted
one; a killed sweep's pool workers exit soon after their parent.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
WAR = ROOT / "scenarios" / "war-of-attrition-deadline.toml"
NEGSIM = [sys.executable, "-m", "sim"]
RUN = [*NEGSIM, "run", str(WAR), "--set", "schedule.epochs=20", "--quiet"]
SWEEP = [*NEGSIM, "sweep", str(WAR), "--param", "waiting_cost=0.2:0.8:6", "--runs", "20"]
SWEEP += ["--workers", "1", "--quiet"]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="kill -9")]


def _killed_after(argv: list[str], seconds: float) -> int:
    """Start ``argv``, kill -9 it after ``seconds`` (if still running); its exit status."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def _timed(argv: list[str]) -> float:
    start = time.monotonic()
    subprocess.run(argv, check=True, capture_output=True)
    return time.monotonic() - start


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_run_killed_while_overwriting_leaves_one_run_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    subprocess.run([*RUN, "--runs", "5", "--out", str(out)], check=True, capture_output=True)
    old = _files(out)
    full = _timed([*RUN, "--runs", "6", "--out", str(tmp_path / "probe")])
    rng = random.Random(21)
    outcomes = set()
    for _ in range(8):
        status = _killed_after([*RUN, "--runs", "6", "--out", str(out)], rng.uniform(0, full))
        now = _files(out)
        if now == old:
            outcomes.add("old")
            continue
        assert set(now) == set(old)  # all files of the new run, none missing
        assert len(pd.read_parquet(out / "runs.parquet")) == 6
        assert json.loads(now["summary.json"])["runs"] == 6
        outcomes.add("new" if status == 0 else "new, killed after the swap")
        old = now
        subprocess.run([*RUN, "--runs", "5", "--out", str(out)], check=True, capture_output=True)
        old = _files(out)
    assert "old" in outcomes  # at least one kill landed before the swap
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.") and p.is_file()]


def test_a_sweep_killed_at_random_resumes_to_the_same_bytes(tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    full = _timed([*SWEEP, "--out", str(whole)])
    expected = pd.read_parquet(whole / "results.parquet")
    rng = random.Random(9)
    for trial in range(4):
        out = tmp_path / f"killed-{trial}"
        _killed_after([*SWEEP, "--out", str(out)], rng.uniform(0.3, full))
        resume = [*SWEEP, "--out", str(out)] + (["--resume"] if out.exists() else [])
        if out.exists() and not (out / "manifest.json").exists():
            resume = [*SWEEP, "--out", str(out)]  # killed before the manifest: start afresh
        subprocess.run(resume, check=True, capture_output=True)
        pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), expected)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_pool_workers_exit_when_the_sweep_is_killed(tmp_path: Path) -> None:
    argv = [*NEGSIM, "sweep", str(WAR), "--param", "waiting_cost=0.1:0.9:40", "--runs", "200"]
    process = subprocess.Popen(
        [*argv, "--workers", "2", "--quiet", "--out", str(tmp_path / "s")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        workers = [c for c in _children(process.pid) if _alive(c)]
    assert len(workers) >= 2, "the pool never started"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    gone_by = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < gone_by:
        time.sleep(0.2)
    left = [w for w in workers if _alive(w)]
    for w in left:  # do not leave them computing if the test fails
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers outlived their parent: {left}"
