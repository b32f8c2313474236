"""Issue 21, points 4-10 and 13: command lines that used to end in a traceback, hang or leave
half an output. Every case: exit 2, a few short lines on stderr, no traceback, nothing under
the final name that was not there before."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim
from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
WAR = ROOT / "scenarios" / "war-of-attrition-deadline.toml"
FAST = ["--set", "schedule.epochs=20", "--quiet"]
SWEEP = ["sweep", str(WAR), "--param", "waiting_cost=0.2:0.8:2", "--runs", "5", "--workers", "1"]


def refused(capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> str:
    """Run the command line; it must exit 2 with ``fragment`` in one short stderr line."""
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert status == 2, (status, out, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines and all(len(line) <= 400 for line in lines), lines
    assert any(fragment in line for line in lines), lines
    return err


def _setup_file(tmp: Path) -> Path:
    (tmp / "file").write_text("x")
    return tmp / "file"


def _setup_under_file(tmp: Path) -> Path:
    return _setup_file(tmp) / "sub"


def _setup_foreign(tmp: Path) -> Path:
    (tmp / "mine").mkdir()
    (tmp / "mine" / "thesis.tex").write_text("precious")
    return tmp / "mine"


def _setup_long(tmp: Path) -> Path:
    return tmp / ("x" * 300)


OUT_CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("a file", _setup_file, "is a file, not a directory"),
    ("under a file", _setup_under_file, "is a file, not a directory"),
    ("a foreign folder", _setup_foreign, "not a negsim output"),
    ("a 300-character name", _setup_long, "longer than 200 bytes"),
]


@pytest.mark.parametrize(("what", "setup", "fragment"), OUT_CASES, ids=[c[0] for c in OUT_CASES])
@pytest.mark.parametrize("command", ["run", "sweep"])
def test_out_that_cannot_hold_a_result(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: str,
    what: str,
    setup: Callable[[Path], Path],
    fragment: str,
) -> None:
    out = setup(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    argv = ["run", str(WAR), "--runs", "5", *FAST] if command == "run" else [*SWEEP, "--quiet"]
    refused(capsys, [*argv, "--out", str(out)], fragment)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written


ARGUMENTS = [
    (["run", str(WAR), "--runs", str(10**12)], "--runs 1000000000000: must be at most"),
    (["run", str(WAR), "--runs", str(2**63)], "(the limit on paths)"),
    (["run", str(WAR), "--runs", "0"], "--runs 0: must be at least 1"),
    (["run", str(WAR), "--rng-seed", "-1"], "--rng-seed -1: must be a non-negative integer"),
    (["run", str(WAR), "--rng-seed", str(2**200)], "must be below 2**128"),
    (["run", str(WAR), "--out", "", "--runs", "5"], "name a directory to write"),
    (["run", str(WAR), "--out", "/dev/null", "--runs", "5"], "is a file, not a directory"),
    (["run", "/dev/zero"], "is not a regular file"),
    (["validate", "/dev/zero"], "is not a regular file"),
    ([*SWEEP, "--runs", str(10**12)], "--runs 1000000000000: must be at most"),
    ([*SWEEP, "--rng-seed", "-1"], "--rng-seed -1"),
    (
        [
            "sweep",
            str(WAR),
            "--param",
            "waiting_cost=0:1:100000",
            "--param",
            "schedule.discount_per_day=0.5:1:100000",
        ],
        "the grid has 10000000000 points, more than 100000 (the limit on points)",
    ),
    (["sweep", str(WAR), "--param", "waiting_cost=0:1:1000000000"], "(the limit on points)"),
    (
        ["sweep", str(WAR), "--param", "waiting_cost=0:1", "--design", "lhs", "--samples", "10**9"],
        "invalid int value",
    ),
    (
        ["sweep", str(WAR), "--param", "waiting_cost=0:1", "--design", "lhs", "--samples", "1e9"],
        "invalid int value",
    ),
    (
        ["sweep", str(WAR), "--param", "w=0:1", "--design", "lhs", "--samples", str(10**9)],
        "(the limit on points)",
    ),
    ([*SWEEP, "--scheduler", "not a url"], "expected tcp://HOST:PORT or 'local'"),
]


@pytest.mark.parametrize(
    ("argv", "fragment"), ARGUMENTS, ids=[str(i) for i in range(len(ARGUMENTS))]
)
def test_arguments_out_of_bounds(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    fragment: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # a default output folder would land here
    refused(capsys, argv, fragment)
    assert not (tmp_path / "runs").exists() and not (tmp_path / "sweeps").exists()


def test_resume_of_a_folder_with_no_sweep(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    refused(capsys, [*SWEEP, "--out", str(tmp_path / "none"), "--resume"], "no sweep to resume")
    assert not (tmp_path / "none" / "manifest.json").exists()


def _fill_disk(monkeypatch: pytest.MonkeyPatch, *writers: tuple[object, str]) -> None:
    """Every write through these ``(owner, name)`` writers fails as on a full disk, naming
    the file (a path's own, or the run's Parquet file)."""

    def full(*args: object, **kwargs: object) -> None:
        name = str(args[0]) if args and isinstance(args[0], Path) else "out/runs.parquet"
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)

    for owner, name in writers:
        monkeypatch.setattr(owner, name, full)


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_disk_full_is_one_line_and_leaves_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    _fill_disk(monkeypatch, (pd.DataFrame, "to_parquet"), (pq, "write_table"))
    out = tmp_path / "out"
    argv = ["run", str(WAR), "--runs", "5", *FAST] if command == "run" else [*SWEEP, "--quiet"]
    refused(capsys, [*argv, "--out", str(out)], "No space left on device")
    # the run's folder was never swapped in; the sweep had finished no point, so it removed
    # its manifest (with finished points it keeps them for --resume)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_failed_run_leaves_the_earlier_run_whole(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert main(["run", str(WAR), "--runs", "5", *FAST, "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()

    def broken(*args: object, **kwargs: object) -> None:
        raise sim.SimError("the report failed")

    monkeypatch.setattr("sim.cli.running.write_report", broken)
    refused(capsys, ["run", str(WAR), "--runs", "7", *FAST, "--out", str(out)], "report failed")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder left


def test_a_run_replaces_an_earlier_run_whole(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert main(["run", str(WAR), "--runs", "5", *FAST, "--out", str(out)]) == 0
    (out / "stale.txt").write_text("from an older version")
    assert main(["run", str(WAR), "--runs", "6", *FAST, "--out", str(out)]) == 0
    assert not (out / "stale.txt").exists()
    assert len(pd.read_parquet(out / "runs.parquet")) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# ---------------------------------------------------------------- damaged sweep folders


@pytest.fixture
def swept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    out = tmp_path / "sweep"
    assert main([*SWEEP, "--quiet", "--out", str(out)]) == 0
    capsys.readouterr()
    return out


@pytest.mark.parametrize("damage", ["truncated", "null", "a list"])
def test_a_damaged_manifest_is_one_line(
    capsys: pytest.CaptureFixture[str], swept: Path, damage: str
) -> None:
    text = {"truncated": (swept / "manifest.json").read_text()[:40], "null": "null"}
    (swept / "manifest.json").write_text(text.get(damage, "[1, 2]"))
    refused(capsys, [*SWEEP, "--quiet", "--out", str(swept), "--resume"], "damaged")


def test_a_truncated_part_file_is_computed_again(
    capsys: pytest.CaptureFixture[str], swept: Path
) -> None:
    expected = pd.read_parquet(swept / "results.parquet")
    part = sorted((swept / "points").glob("part-*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:100])
    (swept / "results.parquet").unlink()
    assert main([*SWEEP, "--quiet", "--out", str(swept), "--resume"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(swept / "results.parquet"), expected)


def test_a_part_file_of_another_sweep_is_refused(
    capsys: pytest.CaptureFixture[str], swept: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    assert main([*SWEEP, "--quiet", "--rng-seed", "5", "--out", str(other)]) == 0
    capsys.readouterr()
    mine = sorted((swept / "points").glob("part-*.parquet"))[0]
    theirs = sorted((other / "points").glob("part-*.parquet"))[0]
    mine.write_bytes(theirs.read_bytes())  # same name, same columns, another sweep's rows
    refused(capsys, [*SWEEP, "--quiet", "--out", str(swept), "--resume"], "another sweep")


def test_points_as_a_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    out.mkdir()
    (out / "manifest.json").write_text("{}")
    (out / "points").write_text("not a folder")
    refused(capsys, [*SWEEP, "--quiet", "--out", str(out), "--resume"], "is a file")


def test_a_sweep_that_fails_on_a_point_can_be_fixed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A range with an invalid value (a negative cost) leaves nothing that blocks the fix."""
    out = tmp_path / "sweep"
    bad = ["sweep", str(WAR), "--param", "schedule.discount_per_day=0.5:2:2", "--runs", "5"]
    refused(capsys, [*bad, "--workers", "1", "--quiet", "--out", str(out)], "discount_per_day")
    assert not (out / "manifest.json").exists()
    fixed = [*SWEEP, "--quiet", "--out", str(out)]
    assert main(fixed) == 0
    assert (out / "results.parquet").is_file()


@pytest.mark.parametrize("command", ["report", "compare"])
def test_disk_full_in_report_and_compare_is_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    out = tmp_path / "run"
    assert main(["run", str(WAR), "--runs", "5", *FAST, "--out", str(out)]) == 0
    capsys.readouterr()
    before = _tree(tmp_path)

    _fill_disk(monkeypatch, (Path, "write_text"))
    argv = ["report", str(out)] if command == "report" else ["compare", str(out), str(out)]
    argv += ["--out", str(tmp_path / "c.html")] if command == "compare" else []
    refused(capsys, argv, "No space left on device")
    assert _tree(tmp_path) == before  # the earlier report whole, no compare.html, no temporary


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_an_unreachable_scheduler_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = [*SWEEP, "--quiet", "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "s")]
    refused(capsys, argv, "negsim: Timed out trying to connect to tcp://127.0.0.1:9 after 10 s")
    assert not (tmp_path / "s").exists()  # nothing was computed: nothing is left
