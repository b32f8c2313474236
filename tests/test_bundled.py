"""Bundled scenarios: listed, run by id from any directory; ``negsim new`` templates."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.scenario import bundled_scenarios, find_scenario, scenario_template

ROOT = Path(__file__).resolve().parents[1]


def test_the_bundled_scenarios_are_the_repositorys() -> None:
    bundled = bundled_scenarios()
    files = sorted((ROOT / "scenarios").glob("*.toml"))
    assert list(bundled) == [p.stem for p in files]
    for path in files:
        assert bundled[path.stem].read_bytes() == path.read_bytes()
        assert sim.load(bundled[path.stem]).meta.id == path.stem


def test_a_path_that_exists_comes_before_an_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_scenario("gsomia-2019") == bundled_scenarios()["gsomia-2019"]
    local = tmp_path / "gsomia-2019"
    text = (ROOT / "scenarios" / "war-of-attrition-deadline.toml").read_text(encoding="utf-8")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")  # inside the scenario's project
    local.write_text(text.replace('"../seeds"', '"seeds"'), encoding="utf-8")
    assert find_scenario("gsomia-2019") == Path("gsomia-2019")
    # the local file cites the repository's seeds, outside its project (issue 21)
    assert main(["--allow-root", str(ROOT / "seeds"), "validate", "gsomia-2019"]) == 0
    assert "(war-of-attrition-deadline: 2x2 game" in capsys.readouterr().out


def test_a_name_the_system_refuses_is_not_an_id(capsys: pytest.CaptureFixture[str]) -> None:
    long = "x" * 5000  # too long a file name: exists() raises OSError
    assert find_scenario(long) == Path(long)
    assert main(["validate", long]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("x" * 50)


def test_negsim_run_by_id_from_any_directory(tmp_path: Path) -> None:
    out = tmp_path / "r"
    argv = ["run", "war-of-attrition-deadline", "--runs", "20", "--set", "schedule.epochs=41"]
    done = subprocess.run(
        [sys.executable, "-m", "sim", *argv, "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    direct = sim.run(ROOT / "scenarios" / "war-of-attrition-deadline.toml", runs=20,
                     overrides={"schedule.epochs": 41})  # fmt: skip
    assert (out / "runs.parquet").exists()
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), direct.runs)


def test_negsim_scenarios_lists_every_id(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # xdist's workers set 80: a whole table
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for sid, path in bundled_scenarios().items():
        assert sid in out and sim.load(path).meta.name in out


def test_negsim_new_writes_a_template_that_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "my-standoff"]) == 0
    scenario = sim.load(tmp_path / "my-standoff" / "my-standoff.toml")
    assert scenario.meta.id == "my-standoff"
    assert sorted(p.name for p in (tmp_path / "my-standoff" / "seeds").iterdir()) == [
        "example-source.txt"
    ]
    assert set(scenario_template("my-standoff")) == {"my-standoff.toml", "seeds/example-source.txt"}
    # war of attrition: T = 30 days, c = 8, so it ends before the deadline almost surely
    probs = sim.solve(scenario).path.outcome_probabilities()
    assert probs["deadline"] < 0.01
    capsys.readouterr()
    assert main(["new", "my-standoff"]) == 2  # never overwrites
    assert capsys.readouterr().err == "negsim: my-standoff: already exists; choose another name\n"
    assert main(["new", "../bad name"]) == 2
