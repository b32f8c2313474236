"""Counterfactual scenarios: ``base`` merges a scenario under a file that changes one thing."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim

SCENARIOS = Path("scenarios")


def test_counterfactual_changes_only_what_it_says() -> None:
    base = sim.load(SCENARIOS / "gsomia-2019.toml")
    cf = sim.load(SCENARIOS / "gsomia-2019-no-us-pressure.toml")
    assert cf.meta.id == "gsomia-2019-no-us-pressure"
    assert cf.parameters["us.pressure_scale"].value == 0.0
    assert cf.parameters["us.pressure_scale"].unit == base.parameters["us.pressure_scale"].unit
    changed = {k for k in base.parameters if base.parameters[k] != cf.parameters[k]}
    assert changed == {"us.pressure_scale"}
    assert cf.players == base.players and cf.schedule == base.schedule


def test_arrays_replace_rather_than_append() -> None:
    base = sim.load(SCENARIOS / "gsomia-2019.toml")
    cf = sim.load(SCENARIOS / "gsomia-2019-early-pressure.toml")
    assert base.pressure is not None and cf.pressure is not None
    assert len(cf.pressure.points) == len(base.pressure.points)
    shifted = [
        (b.at - c.at).days
        for b, c in zip(base.pressure.points[1:], cf.pressure.points[1:], strict=True)
    ]
    assert shifted == [61] * 5  # every November point moved two months (61 days) earlier
    assert [p.level for p in cf.pressure.points] == [p.level for p in base.pressure.points]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_cycle_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path / "a.toml", 'base = "b.toml"\n')
    _write(tmp_path / "b.toml", 'base = "a.toml"\n')
    with pytest.raises(sim.ScenarioError, match="base: scenarios inherit in a cycle"):
        sim.load(tmp_path / "a.toml")


def test_a_missing_base_names_the_base_file(tmp_path: Path) -> None:
    _write(tmp_path / "a.toml", 'base = "nowhere.toml"\n')
    with pytest.raises(sim.ScenarioError) as err:
        sim.load(tmp_path / "a.toml")
    assert err.value.lines() == [
        f"{tmp_path / 'a.toml'}: base: no such scenario file (got 'nowhere.toml')"
    ]


def test_a_base_that_is_not_a_string_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path / "a.toml", "base = 3\n")
    with pytest.raises(sim.ScenarioError, match="base: must be the path of a scenario file"):
        sim.load(tmp_path / "a.toml")


def test_errors_of_the_merged_document_name_the_child(tmp_path: Path) -> None:
    root = Path.cwd() / "scenarios" / "gsomia-2019.toml"
    seeds = Path.cwd() / "seeds"
    text = f'base = "{root}"\nseeds_dir = "{seeds}"\n[parameters.us.pressure_scale]\nvalue = 99.0\n'
    child = _write(tmp_path / "child.toml", text)
    with pytest.raises(sim.ScenarioError) as err, sim.scenario.allow_roots([Path.cwd()]):
        sim.load(child)
    assert err.value.lines() == [
        f"{child}: parameters.us.pressure_scale.value: must lie within range [0.0, 3.0] (got 99.0)"
    ]
