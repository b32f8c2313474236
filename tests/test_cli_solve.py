"""``negsim solve``: readable output, documented JSON, clear errors."""

from __future__ import annotations

import json
import math

import pytest

from sim.cli import main

WOA = "scenarios/war-of-attrition-deadline.toml"
GSOMIA = "scenarios/gsomia-2019.toml"


def test_json_shape_and_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", WOA, "--epoch", "0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {
        "scenario", "epoch", "live_epochs", "hours", "datetime", "hours_before_deadline",
        "pressure", "players", "stage_game", "equilibria", "selected", "analysis", "path",
        "path_outcomes",
    }  # fmt: skip
    assert out["epoch"] == 0 and out["live_epochs"] == 401
    assert len(out["equilibria"]["equilibria"]) == 3  # chicken: two pure, one mixed
    assert out["selected"]["rule"] == "max_entropy"
    chosen = out["equilibria"]["equilibria"][out["selected"]["index"]]
    assert 0 < chosen["row"][1] < 0.01  # the mixed one: a small chance of giving in
    assert out["path_outcomes"]["deadline"] == pytest.approx(math.exp(-1.5), abs=0.005)
    assert len(out["path"]) == 401
    assert out["stage_game"]["outcomes"] == [[None, "b_gives_in"], ["a_gives_in", "both_give_in"]]


def test_at_picks_the_epoch_at_or_before(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", GSOMIA, "--at", "2019-11-22T21:00+09:00", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["datetime"] <= "2019-11-22T21:00:00+09:00"
    assert out["hours_before_deadline"] >= 3.0


def test_table_output_names_actions_and_selection(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", GSOMIA, "--epoch", "55"]) == 0
    out = capsys.readouterr().out
    for word in ("terminate", "suspend", "renew", "keep", "talks", "lift", "selected"):
        assert word in out
    assert "suspension_for_talks" in out and "static analysis" in out


def test_path_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "scenarios/alternating-offers.toml", "--path"]) == 0
    out = capsys.readouterr().out
    assert "agreement 1.000" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epoch", "999"], "--epoch 999: must be a live epoch in [0, 56)"),
        (["--at", "2019-11-22T21:00"], "give a timezone"),
        (["--at", "2018-01-01T00:00+09:00"], "outside the window"),
        (["--set", "us.pressure_scale"], "expected NAME=VALUE"),
        (["--set", "nope=1"], "nope: no such parameter; valid names: "),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["solve", GSOMIA, *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
