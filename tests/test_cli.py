"""``negsim validate``: exit codes, one OK line per file, errors on stderr, ``--json``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.cli import main
from sim.scenario import evidence_items

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
VALID = sorted((ROOT / "tests" / "scenarios" / "valid").glob("*.toml"))
CITED = ROOT / "tests" / "scenarios" / "valid" / "cited-pressure.toml"
INVALID = ROOT / "tests" / "scenarios" / "invalid"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


# ---------------------------------------------------------------- malformed input, no traceback


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


MALFORMED = {
    "broken-toml": lambda tmp: _write(tmp, "broken.toml", b'[meta\nid = "x"\n'),
    "wrong-types": lambda tmp: _write(
        tmp, "types.toml", b'schema_version = "one"\nplayers = 3\nmeta = [1, 2]\n'
    ),
    "random-bytes": lambda tmp: _write(tmp, "random.toml", bytes(range(256)) * 4),
    "empty-file": lambda tmp: _write(tmp, "empty.toml", b""),
    "missing-file": lambda tmp: tmp / "missing.toml",
    "directory": lambda tmp: tmp,
    "non-utf8": lambda tmp: _write(tmp, "latin1.toml", 'name = "Café"\n'.encode("latin-1")),
}


@pytest.mark.parametrize("make", MALFORMED.values(), ids=list(MALFORMED))
def test_malformed_input_exits_2_with_one_line_per_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: object
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    status, out, err = run(capsys, "validate", path)
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines
    assert all(line.startswith(f"{path}: ") for line in lines), lines


@pytest.mark.parametrize("make", MALFORMED.values(), ids=list(MALFORMED))
def test_malformed_input_as_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: object
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    status, out, err = run(capsys, "validate", "--json", path)
    assert status == 2
    assert err == ""
    [report] = json.loads(out)["files"]
    assert report["path"] == str(path)
    assert report["ok"] is False
    assert report["errors"]


def test_wrong_types_report_every_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = MALFORMED["wrong-types"](tmp_path)
    _, _, err = run(capsys, "validate", path)
    keys = [line.split(": ")[1] for line in err.splitlines()]
    for key in ("schema_version", "meta", "players", "outcomes", "schedule"):
        assert key in keys, err


# ---------------------------------------------------------------- valid files


def test_valid_files_exit_0_with_one_ok_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "validate", GSOMIA, *VALID)
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 1 + len(VALID)
    for line, path in zip(lines, [GSOMIA, *VALID], strict=True):
        assert line.startswith(f"OK {path} (")


def test_ok_line_summarises_the_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    pd = ROOT / "tests" / "scenarios" / "valid" / "prisoners-dilemma.toml"
    _, out, _ = run(capsys, "validate", pd, CITED)
    assert out == (
        f"OK {pd} (prisoners-dilemma: 2x2 game, 0 parameters, "
        "0 evidence quotes found in the seeds)\n"
        f"OK {CITED} (cited-pressure: 2x2 game, 4 parameters, "
        "4 evidence quotes found in the seeds)\n"
    )


def test_ok_line_counts_gsomia(capsys: pytest.CaptureFixture[str]) -> None:
    s = sim.load(GSOMIA)
    quotes = sum(1 for _ in evidence_items(s, ""))
    _, out, _ = run(capsys, "validate", GSOMIA)
    assert out == (
        f"OK {GSOMIA} (gsomia-2019: 3x3 game, {len(s.parameters)} parameters, "
        f"{quotes} evidence quotes found in the seeds)\n"
    )
    assert quotes > 10


def test_mixed_files_exit_2_and_still_report_the_valid_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = INVALID / "duplicate-action.toml"
    status, out, err = run(capsys, "validate", VALID[0], bad, VALID[1])
    assert status == 2
    assert [line.split(" (")[0] for line in out.splitlines()] == [
        f"OK {VALID[0]}",
        f"OK {VALID[1]}",
    ]
    assert err == f"{bad}: players[0].actions: duplicate action 'defect' (got 'defect')\n"


def test_all_problems_of_a_file_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    bad = INVALID / "several-check-defects.toml"
    status, _, err = run(capsys, "validate", bad)
    assert status == 2
    assert len(err.splitlines()) == 9
    assert all(line.startswith(f"{bad}: ") for line in err.splitlines())


# ---------------------------------------------------------------- --json


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    bad = INVALID / "several-schema-defects.toml"
    status, out, err = run(capsys, "validate", "--json", CITED, bad)
    assert status == 2
    assert err == ""
    document = json.loads(out)
    assert list(document) == ["files"]
    good, broken = document["files"]
    assert good == {
        "path": str(CITED),
        "ok": True,
        "errors": [],
        "summary": "cited-pressure: 2x2 game, 4 parameters, 4 evidence quotes found in the seeds",
    }
    assert broken["path"] == str(bad)
    assert broken["ok"] is False
    assert len(broken["errors"]) == 4
    for error in broken["errors"]:
        assert set(error) == {"key", "rule", "value"}
    assert {"key": "colour", "rule": "unknown key", "value": "'red'"} in broken["errors"]


def test_json_valueless_problem_has_null_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, out, _ = run(capsys, "validate", "--json", tmp_path / "missing.toml")
    [report] = json.loads(out)["files"]
    assert report["errors"] == [{"key": "", "rule": "no such file", "value": None}]


def test_json_all_valid_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", "--json", *VALID)
    assert status == 0
    assert [r["ok"] for r in json.loads(out)["files"]] == [True] * len(VALID)


# ---------------------------------------------------------------- help and usage


def test_help_mentions_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    assert "negsim validate scenarios/*.toml" in out
    assert "docs/scenario-format.md" in out


def test_validate_help_mentions_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    assert "negsim validate --json" in out
    assert "FILE: KEY: RULE (got VALUE)" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("negsim ")


@pytest.mark.parametrize("argv", [[], ["validate"], ["nonsense"]])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage: negsim" in capsys.readouterr().err


# ---------------------------------------------------------------- python -m sim


def test_python_dash_m_sim(tmp_path: Path) -> None:
    junk = tmp_path / "junk.toml"
    junk.write_bytes(b"\x00\xff\xfe garbage \x80")
    result = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(VALID[0]), str(junk)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout.startswith(f"OK {VALID[0]} (")
    assert result.stderr == f"{junk}: <document>: not UTF-8 text (byte 1)\n"
    assert "Traceback" not in result.stderr

    ok = subprocess.run(
        [sys.executable, "-m", "sim", "validate", "--json", str(GSOMIA)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["files"][0]["ok"] is True
