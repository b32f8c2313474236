"""The note `negsim run` and `negsim sweep` print when a scenario's pre-solving is far more
work than the flagship's (#18, item 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
import sim.cli.common
from sim.cli import main
from sim.cli.common import FLAGSHIP_WORK, cost_hint

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "benchmarks" / "scenarios" / "stress-4x4.toml"
WAR = ROOT / "scenarios" / "war-of-attrition-deadline.toml"


def test_the_flagships_work_is_its_grid_times_its_epochs_times_its_subsystems() -> None:
    from sim.deadline import Game, PolicyBook

    game = Game.from_scenario(sim.load(ROOT / "scenarios" / "gsomia-2019.toml"))
    assert len(PolicyBook.grid(game)) * game.schedule.live * 20 == FLAGSHIP_WORK
    assert cost_hint(game.scenario) is None


def test_the_benchmark_fixture_gets_a_note_naming_its_stage_games() -> None:
    note = cost_hint(sim.load(FIXTURE))
    assert note is not None
    assert note.startswith("note: 84,480 stage games of 4x4 to pre-solve (176 pressure levels")
    assert "x 480 epochs), about 35x the flagship's work" in note
    assert "What makes a scenario slow" in note
    assert cost_hint(sim.load(FIXTURE, {"schedule.epochs": 40})) is None  # 3x: no note


@pytest.mark.parametrize("quiet", [False, True])
def test_run_prints_the_note_on_stderr_unless_quiet(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    quiet: bool,
) -> None:
    monkeypatch.setattr(sim.cli.common, "HINT_ABOVE", 0)  # every scenario is "slow"
    argv = ["run", str(WAR), "--runs", "3", "--fixed", "--out", str(tmp_path / "out")]
    assert main([*argv, *(["--quiet"] if quiet else [])]) == 0
    err = capsys.readouterr().err
    assert ("stage games of 2x2 to pre-solve" in err) is not quiet
