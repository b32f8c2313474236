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


# ---------------------------------------------------------------- the logit concept


def test_logit_concept_prints_the_qre_and_its_branch(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["solve", GSOMIA, "--epoch", "55", "--concept", "logit", "--lambda", "10"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "logit QRE at lambda 10: korea: terminate=0.119 suspend=0.881" in out
    assert "principal branch from lambda 0" in out and "Nash equilibria of the stage game" in out
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data)[-3:] == ["concept", "qre", "branch"]
    assert data["qre"]["row"] == pytest.approx([0.119299593, 0.880694996, 5.41113e-06], abs=1e-8)
    assert data["branch"][-1]["row"] == pytest.approx(data["qre"]["row"], abs=1e-10)
    assert data["path"][0]["reason"].startswith("logit QRE at lambda 10 on the principal branch")


def test_logit_path_output(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["solve", WOA, "--set", "schedule.epochs=41", "--concept", "logit", "--lambda", "3"]
    assert main([*args, "--path"]) == 0
    out = capsys.readouterr().out
    assert "logit QRE path from epoch 0" in out and "outcomes along the path" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--concept", "logit"], "equilibrium.lambda: concept 'logit' needs the precision lambda"),
        (["--concept", "logit", "--lambda", "-2"], "equilibrium.lambda: must not be negative"),
    ],
)
def test_logit_errors_are_one_clear_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["solve", WOA, *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1


def test_an_unknown_concept_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["solve", WOA, "--concept", "qre"])
    assert stop.value.code == 2 and "invalid choice: 'qre'" in capsys.readouterr().err


def test_rule_all_lists_every_equilibrium_with_a_payoff_dominant_continuation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["solve", WOA, "--epoch", "0", "--rule", "all", "--json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert every["selected"] is None
    assert main(["solve", WOA, "--epoch", "0", "--rule", "payoff_dominant", "--json"]) == 0
    dominant = json.loads(capsys.readouterr().out)
    # the same stage game: its continuation is solved under payoff_dominant
    assert every["stage_game"] == dominant["stage_game"]
    assert every["equilibria"] == dominant["equilibria"]
    assert main(["solve", WOA, "--epoch", "0", "--rule", "all"]) == 0
    out = capsys.readouterr().out
    n = len(every["equilibria"]["equilibria"])
    assert f"{n} equilibri" in out and "selected" not in out


def test_one_equilibrium_is_singular(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", GSOMIA, "--epoch", "40", "--rule", "all"]) == 0
    out = capsys.readouterr().out
    assert "1 equilibrium by" in out and "1 equilibria" not in out


def test_path_header_says_the_persistent_forecast_holds_todays_pressure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["solve", GSOMIA, "--path"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "held at its level at epoch 0 (0.200) until the deadline" in first
    assert "persistent forecast" in first
    assert main(["solve", WOA, "--path"]) == 0  # no pressure: nothing to say
    assert not capsys.readouterr().out.startswith("pressure:")
