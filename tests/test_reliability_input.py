"""Issue 21, points 1-3: strict types, bounded parsing, and the limits that keep a run finite.

Each case is a value a TOML file can say; each must give one clean line naming the key and
the rule (and the limit's reason), never a traceback, a hang or a run that never ends.
"""

from __future__ import annotations

import copy
import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import sim

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
DOCUMENT = sim.parse(GSOMIA.read_bytes(), GSOMIA)


def problems(document: dict[str, Any]) -> list[str]:
    """The ``key: rule`` of every problem of ``document`` validated beside the flagship."""
    with pytest.raises(sim.ScenarioError) as info:
        sim.validate(document, GSOMIA)
    return [p.describe() for p in info.value.problems]


def changed(path: str, value: Any) -> dict[str, Any]:
    """The flagship document with the value at a dotted path (``players[0].payoff[0].flow``)
    replaced."""
    doc = copy.deepcopy(DOCUMENT)
    node: Any = doc
    parts = path.replace("[", ".[").split(".")
    for part in parts[:-1]:
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]
    last = parts[-1]
    if last.startswith("["):
        node[int(last[1:-1])] = value
    else:
        node[last] = value
    return doc


# ---------------------------------------------------------------- 1. strict types

WRONG_TYPES = [
    ("schema_version", True, "schema_version: must be 1"),
    ("schema_version", 1.0, "schema_version: must be 1"),
    ("schedule.epochs", "60", "schedule.epochs: must be a valid integer"),
    ("schedule.epochs", True, "schedule.epochs: must be a valid integer"),
    ("schedule.epochs", 60.0, "schedule.epochs: must be a valid integer"),
    ("players[0].payoff[0].flow", "yes", "players[0].payoff[0].flow: must be a valid boolean"),
    ("players[0].payoff[0].flow", 1, "players[0].payoff[0].flow: must be a valid boolean"),
    ("outcomes[0].default", "true", "outcomes[0].default: must be a valid boolean"),
    ("meta.start", 7, "meta.start: must be a TOML date-time with a UTC offset"),
    ("meta.start", "2019-08-23T00:00:00+09:00", "meta.start: must be a TOML date-time"),
    ("meta.start", date(2019, 8, 23), "meta.start: Input should have timezone info"),
    ("meta.start", datetime(2019, 8, 23), "meta.start: Input should have timezone info"),
    ("observed.at", 1.5e9, "observed.at: must be a TOML date-time"),
    ("pressure.points[0].at", "2019-09-01", "pressure.points[0].at: must be a TOML date-time"),
]


@pytest.mark.parametrize(("key", "value", "rule"), WRONG_TYPES)
def test_a_wrong_type_is_refused_not_converted(key: str, value: Any, rule: str) -> None:
    found = problems(changed(key, value))
    assert any(line.startswith(rule) for line in found), found


def test_dates_as_text_only_when_asked() -> None:
    doc = changed("meta.start", "2019-08-23T00:00:00+09:00")
    scenario = sim.validate(doc, GSOMIA, dates_as_text=True)
    assert scenario.meta.start == sim.load(GSOMIA).meta.start


# ---------------------------------------------------------------- 2. bounded parsing


@pytest.mark.parametrize(
    "data",
    [
        b"a" + b".a" * 1000 + b" = 1\n",  # 2 KB of dotted keys
        b"[" + b"a." * 500 + b"a]\nb = 1\n",
        b"a = " + b"[" * 40 + b"]" * 40 + b"\n",
    ],
)
def test_deep_nesting_is_one_line(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "deep.toml"
    path.write_bytes(data)
    with pytest.raises(sim.ScenarioError) as info:
        sim.load(path)
    assert info.value.lines() == [
        f"{path}: <document>: nested too deeply (more than 32 levels of tables and arrays)"
    ]


def test_deep_document_given_to_validate() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(sim.ScenarioError, match="nested too deeply"):
        sim.validate(deep)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)
    with pytest.raises(sim.ScenarioError) as info:
        sim.load(fifo)  # opening a FIFO for reading would block until a writer comes
    assert "is not a regular file" in info.value.lines()[0]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused_without_reading() -> None:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load("/dev/zero")
    assert info.value.lines() == [
        "/dev/zero: <document>: is not a regular file (a pipe, socket or device), "
        "not a scenario file"
    ]


def test_a_large_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(b"#" * (4 * 1024 * 1024 + 1))
    with pytest.raises(sim.ScenarioError, match="larger than 4194304 bytes"):
        sim.load(path)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "scenarios" / "bom.toml"
    path.parent.mkdir()
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    path.write_bytes(b"\xef\xbb\xbf" + GSOMIA.read_bytes())
    assert sim.load(path).values() == sim.load(GSOMIA).values()


# ---------------------------------------------------------------- 3. limits with reasons

LIMITS = [
    ("meta.deadline", datetime(9999, 11, 23, tzinfo=UTC), "must lie in the years 1900 to 2200"),
    ("pressure.points[5].level", 1e300, "must lie in [-1e+12, 1e+12] (the limit on numbers)"),
    ("players[0].payoff[0].coef", 1e300, "(the limit on numbers)"),
    ("pressure.points[5].level", 1e6, "exceeds 100 (the limit on pressure"),
    ("pressure.shocks.rate_per_day", 1e300, "(the limit on numbers)"),
    ("pressure.shocks.rate_per_day", 1e6, "must not exceed 100 shocks a day"),
    ("pressure.shocks.size", {"kind": "normal", "mean": 1e300, "sd": 1.0}, "limit on numbers"),
    ("pressure.shocks.size", {"kind": "normal", "mean": 0.0, "sd": 1e8}, "limit on pressure"),
    (
        "pressure.shocks.size",
        {"kind": "lognormal", "median": 0.1, "sigma": 1000.0},
        "lognormal sigma must not exceed 3",
    ),
    ("schedule.window_days", 1e-300, "the window must be at least 1 hour"),
    ("schedule.epochs", 100_000, "must lie in [1, 10000] (the limit on decision epochs)"),
]


@pytest.mark.parametrize(("key", "value", "rule"), LIMITS)
def test_values_a_run_cannot_take_are_refused_with_the_reason(
    key: str, value: Any, rule: str
) -> None:
    found = problems(changed(key, value))
    assert len(found) == 1 and rule in found[0], found


def test_interval_hours_is_bounded_by_the_epochs_it_implies() -> None:
    doc = changed("schedule.epochs", 1)
    schedule = {k: v for k, v in doc["schedule"].items() if k not in ("epochs", "power")}
    doc["schedule"] = {**schedule, "spacing": "uniform", "interval_hours": 1e-6}
    assert problems(doc) == [
        "schedule.interval_hours: the window holds more than 10000 intervals "
        "(the limit on epochs) (got 1e-06)"
    ]
    doc["schedule"]["interval_hours"] = 24.0
    assert sim.validate(doc, GSOMIA).schedule.interval_hours == 24.0


def test_the_limits_themselves_are_allowed() -> None:
    """The edges of the limits validate (the rules are not off by one)."""
    assert sim.validate(changed("schedule.epochs", 10_000), GSOMIA).schedule.epochs == 10_000
    at_edge = changed("pressure.shocks.rate_per_day", 100.0)
    assert sim.validate(at_edge, GSOMIA).pressure is not None


# ---------------------------------------------------------------- 12. bounded messages


def test_many_unknown_keys_give_fifty_lines_and_a_count() -> None:
    doc = {**DOCUMENT, **{f"junk{i}": i for i in range(300_000)}}
    with pytest.raises(sim.ScenarioError) as info:
        sim.validate(doc, GSOMIA)
    lines = info.value.lines()
    assert len(info.value.problems) == 300_000
    assert len(lines) == 51
    assert lines[-1] == f"{GSOMIA}: <document>: and 299950 more problems"


def test_a_huge_value_gives_a_short_line() -> None:
    lines = problems(changed("meta.name", ["x" * 1_000_000]))
    assert lines and all(len(line) <= 400 for line in lines)
    doc = copy.deepcopy(DOCUMENT)
    doc["parameters"]["korea.audience_cost"]["distribution"] = {"kind": "x" * 10**6}
    with pytest.raises(sim.ScenarioError) as info:
        sim.validate(doc, GSOMIA)
    assert all(len(line) <= len(f"{GSOMIA}: ") + 400 for line in info.value.lines())


# ---------------------------------------------------------------- 11. files outside the project


def _project(tmp_path: Path, text: str) -> Path:
    """A scenario in tmp_path/scenarios, with the shipped seeds copied to tmp_path/seeds."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    (tmp_path / "scenarios").mkdir()
    path = tmp_path / "scenarios" / "x.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("where", ["/etc", "../../..", "/"])
def test_seeds_dir_outside_the_project_is_refused(tmp_path: Path, where: str) -> None:
    text = GSOMIA.read_text(encoding="utf-8").replace('"../seeds"', repr(where).replace("'", '"'))
    path = _project(tmp_path, text)
    with pytest.raises(sim.ScenarioError) as info:
        sim.load(path)
    [line] = info.value.lines()
    assert line.startswith(f"{path}: seeds_dir: must lie inside the scenario's project")


def test_another_root_can_be_allowed(tmp_path: Path) -> None:
    text = GSOMIA.read_text(encoding="utf-8").replace('"../seeds"', f'"{ROOT / "seeds"}"')
    path = _project(tmp_path, text)
    with pytest.raises(sim.ScenarioError, match="seeds_dir: must lie inside"):
        sim.load(path)
    with sim.scenario.allow_roots([ROOT / "seeds"]):
        scenario = sim.load(path)
    assert scenario.roots == ((ROOT / "seeds").resolve(),)
    # overrides (and a sweep's points) keep the allowed root
    assert sim.with_overrides(scenario, {"schedule.epochs": 10}).schedule.epochs == 10
    assert main_status(["--allow-root", str(ROOT / "seeds"), "validate", str(path)]) == 0
    assert main_status(["validate", str(path)]) == 2


def main_status(argv: list[str]) -> int:
    from sim.cli import main

    return main(argv)


def test_a_base_outside_the_project_is_refused_without_its_values(tmp_path: Path) -> None:
    secrets = tmp_path / "outside" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('password = "hunter2"\n', encoding="utf-8")
    inner = tmp_path / "project" / "a" / "b"
    path = _project(inner, f'base = "{secrets}"\n')
    with pytest.raises(sim.ScenarioError) as info:
        sim.load(path)
    assert "base: must lie inside the scenario's project" in info.value.lines()[0]
    assert "hunter2" not in str(info.value)
    with pytest.raises(sim.ScenarioError) as info, sim.scenario.allow_roots([secrets.parent]):
        sim.load(path)  # allowed, but not a scenario: refused, and not echoed
    assert "not a scenario file (it has no schema_version)" in str(info.value)
    assert "hunter2" not in str(info.value)
    assert all(line.startswith(f"{path}: base: ") for line in info.value.lines())


def test_a_parse_error_inside_a_base_names_the_file_given(tmp_path: Path) -> None:
    path = _project(tmp_path, 'base = "broken.toml"\n')
    (path.parent / "broken.toml").write_text("schema_version = 1\nthis is not toml\n")
    with pytest.raises(sim.ScenarioError) as info:
        sim.load(path)
    [line] = info.value.lines()
    assert line.startswith(f"{path}: base: in broken.toml: <document>: not valid TOML")


def test_a_large_seed_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sim.scenario._evidence.MAX_SEED_BYTES", 100)
    path = _project(tmp_path, GSOMIA.read_text(encoding="utf-8"))
    with pytest.raises(sim.ScenarioError) as info:
        sim.load(path)
    assert "seed file is larger than 100 bytes" in str(info.value)
