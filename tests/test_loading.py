"""Loading scenarios: parse, validate, overrides, frozen objects, and the invalid-file folder."""

from __future__ import annotations

import copy
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import sim
from sim.errors import Problem
from sim.scenario import MatrixTerm, ScalarTerm, Scenario, sweepable

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
VALID = ROOT / "tests" / "scenarios" / "valid"
PD = VALID / "prisoners-dilemma.toml"
CITED = VALID / "cited-pressure.toml"
INVALID = ROOT / "tests" / "scenarios" / "invalid"
EXPECTED: dict[str, str | list[str]] = tomllib.loads(
    (INVALID / "expected.toml").read_text(encoding="utf-8")
)
INVALID_FILES = sorted(p for p in INVALID.glob("*.toml") if p.name != "expected.toml")


def problems_of(path: Path, **kwargs: Any) -> sim.ScenarioError:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load(path, **kwargs)
    return info.value


@pytest.fixture(scope="module")
def gsomia() -> Scenario:
    return sim.load(GSOMIA)


@pytest.fixture(scope="module")
def gsomia_document() -> dict[str, Any]:
    return sim.parse(GSOMIA.read_bytes(), GSOMIA)


@pytest.fixture(scope="module")
def cited() -> Scenario:
    return sim.load(CITED)


# ---------------------------------------------------------------- the invalid folder


def test_every_invalid_file_has_an_expected_message_and_vice_versa() -> None:
    assert sorted(EXPECTED) == [p.name for p in INVALID_FILES]
    assert len(INVALID_FILES) >= 30


@pytest.mark.parametrize("path", INVALID_FILES, ids=lambda p: p.stem)
def test_invalid_file_fails_with_its_message(path: Path) -> None:
    error = problems_of(path)
    lines = error.lines()
    expected = EXPECTED[path.name]
    fragments = [expected] if isinstance(expected, str) else expected
    for line in lines:
        assert line.startswith(f"{path}: "), line
        assert "\n" not in line
    for fragment in fragments:
        assert any(fragment in line for line in lines), (fragment, lines)
    if isinstance(expected, str):
        assert len(lines) == 1, lines  # one defect, one message: nothing masks or echoes it
    else:
        assert len(lines) == len(fragments), lines
    assert error.path == path
    assert error.key == error.problems[0].key
    assert str(error) == "\n".join(lines)


@pytest.mark.parametrize("path", sorted(VALID.glob("*.toml")), ids=lambda p: p.stem)
def test_valid_files_load(path: Path) -> None:
    scenario = sim.load(path)
    assert scenario.path == path
    assert len(scenario.players) == 2


# ---------------------------------------------------------------- the flagship scenario


def test_gsomia_loads_with_row_then_column(gsomia: Scenario) -> None:
    assert (gsomia.row.id, gsomia.col.id) == ("korea", "japan")
    assert (len(gsomia.row.actions), len(gsomia.col.actions)) == (3, 3)
    assert gsomia.default_outcome_or_none() is gsomia.default_outcome
    assert gsomia.default_outcome.default
    assert gsomia.meta.deadline.utcoffset() == timedelta(hours=9)
    assert gsomia.path == GSOMIA


def test_gsomia_window_ends_at_the_deadline(gsomia: Scenario) -> None:
    assert gsomia.schedule.window_days is not None
    days = gsomia.resolve(gsomia.schedule.window_days)
    assert gsomia.start == gsomia.meta.deadline - timedelta(days=days)
    assert gsomia.window_hours == pytest.approx(days * 24)


def test_values_and_resolve(cited: Scenario) -> None:
    assert cited.values() == {
        "korea.trade_stake": 10.0,
        "korea.holdout_cost": 0.02,
        "korea.us_cost": 3.0,
        "shock_rate": 0.05,
    }
    assert cited.resolve("shock_rate") == 0.05
    assert cited.resolve(2) == 2.0
    assert cited.row.payoff[0].weight == ("korea.trade_stake",)


def test_start_follows_window_days(cited: Scenario) -> None:
    # the 92-day window ends at the deadline, so it starts exactly at meta.start
    assert cited.schedule.window_days == 92
    assert cited.start == cited.meta.deadline - timedelta(days=92)
    assert cited.start == cited.meta.start
    assert cited.window_hours == 92 * 24
    shorter = sim.with_overrides(cited, {"schedule.window_days": 30})
    assert shorter.start == cited.meta.deadline - timedelta(days=30)
    assert shorter.start.isoformat() == "2019-10-24T00:00:00+09:00"
    assert shorter.window_hours == 30 * 24
    assert shorter.meta.start == cited.meta.start  # meta is untouched; only the start moves


def test_start_without_window_days_is_meta_start() -> None:
    pd = sim.load(PD)
    assert pd.schedule.window_days is None
    assert pd.start == pd.meta.start
    assert pd.window_hours == 24.0


def test_window_reaching_before_year_one_is_an_error() -> None:
    error = problems_of(CITED, overrides={"schedule.window_days": 1e9})
    assert [p.key for p in error.problems] == ["schedule.window_days"]
    assert error.problems[0].rule == "the window would start before year 1"


# ---------------------------------------------------------------- parse


def test_parse_flattens_nested_parameter_tables() -> None:
    text = b"""
[parameters.korea.trade.stake]
value = 1.0
[parameters.top]
value = 2
unit = "days"
[parameters.japan.cost]
value = 3.0
"""
    document = sim.parse(text, "x.toml")
    assert document["parameters"] == {
        "korea.trade.stake": {"value": 1.0},
        "top": {"value": 2, "unit": "days"},
        "japan.cost": {"value": 3.0},
    }


def test_parse_gsomia_parameters_are_flat(gsomia_document: dict[str, Any]) -> None:
    assert "korea.trade_stake" in gsomia_document["parameters"]
    assert "korea" not in gsomia_document["parameters"]
    assert all("value" in p for p in gsomia_document["parameters"].values())


def test_parse_rejects_a_bare_number_as_parameter() -> None:
    with pytest.raises(sim.ScenarioError) as info:
        sim.parse(b"[parameters.korea]\ncost = 3\nrisk = 0.5\n", "x.toml")
    keys = [p.key for p in info.value.problems]
    assert keys == ["parameters.korea.cost", "parameters.korea.risk"]  # both, not just the first
    assert "a parameter is a table with a value" in info.value.problems[0].rule


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", "empty file"),
        (b" \n\t\n", "empty file"),
        (b'name = "caf\xe9"\n', "not UTF-8 text (byte 11)"),
        (b"a = [1,\n", "not valid TOML"),
        (b"a = 1\na = 2\n", "not valid TOML"),
        (b"a = " + b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b"a = " + b"{b=" * 5000 + b"1" + b"}" * 5000, "nested too deeply"),
    ],
    ids=["empty", "blank", "latin-1", "unclosed", "duplicate-key", "deep-array", "deep-table"],
)
def test_parse_errors_name_the_document(data: bytes, rule: str) -> None:
    with pytest.raises(sim.ScenarioError) as info:
        sim.parse(data, "bad.toml")
    [line] = info.value.lines()
    assert line.startswith(f"bad.toml: <document>: {rule}")


def test_parse_without_a_path_says_string() -> None:
    with pytest.raises(sim.ScenarioError) as info:
        sim.parse(b"")
    assert info.value.path is None
    assert info.value.lines() == ["<string>: <document>: empty file"]


# ---------------------------------------------------------------- validate


def test_validate_does_not_touch_the_document(gsomia_document: dict[str, Any]) -> None:
    before = copy.deepcopy(gsomia_document)
    sim.validate(gsomia_document, GSOMIA, {"korea.trade_stake": 12.0, "schedule.epochs": 10})
    assert gsomia_document == before


def test_validate_without_a_path_finds_seeds_from_the_working_directory(
    gsomia_document: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    document = {**gsomia_document, "seeds_dir": "seeds"}
    scenario = sim.validate(document)
    assert scenario.path is None
    with pytest.raises(sim.ScenarioError) as info:
        sim.validate(gsomia_document)  # "../seeds" from the repository root: not there
    assert info.value.lines()[0].startswith("<string>: seeds_dir: no such directory")


def test_document_keeps_flattened_parameters(cited: Scenario) -> None:
    assert cited.document["parameters"]["korea.trade_stake"]["value"] == 10.0
    assert cited.document["schedule"]["interval_hours"] == 24


def test_plain_matrix_is_one_term_sourced_like_its_player() -> None:
    pd = sim.load(PD)
    [term] = pd.row.payoff
    assert isinstance(term, MatrixTerm)
    assert term.component == "payoff"
    assert term.matrix == ((3.0, 0.0), (5.0, 1.0))
    assert term.assumption == pd.row.assumption
    assert (term.coef, term.flow, term.time, term.parity, term.weight) == (
        1.0,
        False,
        "constant",
        "all",
        (),
    )
    payoff = pd.default_outcome.payoff
    assert payoff is not None
    [scalar] = payoff["col"]
    assert isinstance(scalar, ScalarTerm)
    assert (scalar.component, scalar.value) == ("payoff", 1.0)


def test_defaults() -> None:
    pd = sim.load(PD)
    assert pd.pressure is None
    assert pd.observed is None
    assert pd.parameters == {}
    assert pd.schedule.implementation_delay_hours == 0.0
    assert pd.schedule.discount_per_day == 1.0
    assert pd.schedule.spacing == "uniform"
    assert pd.schedule.window_days is None
    assert pd.equilibrium.tolerance == 1e-9
    assert pd.seeds_dir == "../../../seeds"


def test_failed_item_does_not_echo_as_a_short_list() -> None:
    error = problems_of(INVALID / "ragged-matrix.toml")
    assert [p.key for p in error.problems] == ["players[1].payoff[0].matrix"]


def test_all_problems_are_reported_in_document_order() -> None:
    error = problems_of(INVALID / "several-schema-defects.toml")
    assert len(error.problems) == 4
    assert error.key == error.problems[0].key


# ---------------------------------------------------------------- overrides


def test_override_by_parameter_name(cited: Scenario) -> None:
    s = sim.load(CITED, {"korea.trade_stake": 12.5, "shock_rate": 0})
    assert s.parameters["korea.trade_stake"].value == 12.5
    assert s.parameters["shock_rate"].value == 0.0
    assert cited.parameters["korea.trade_stake"].value == 10.0


def test_override_of_gsomia_parameter(gsomia: Scenario) -> None:
    name = next(iter(gsomia.parameters))
    value = gsomia.parameters[name].value
    s = sim.load(GSOMIA, {name: value})
    assert s.parameters[name].value == value


def test_override_by_numeric_dotted_key() -> None:
    s = sim.load(
        CITED,
        {
            "schedule.interval_hours": 12,
            "pressure.shocks.size.median": 0.2,
            "equilibrium.tolerance": 1e-6,
        },
    )
    assert s.schedule.interval_hours == 12.0
    assert s.pressure is not None and s.pressure.shocks is not None
    assert s.pressure.shocks.size.median == 0.2  # type: ignore[union-attr]
    assert s.equilibrium.tolerance == 1e-6


def test_override_of_an_integer_key_stays_an_integer() -> None:
    s = sim.load(PD, {"schedule.epochs": 12.0})
    assert s.schedule.epochs == 12
    assert isinstance(s.document["schedule"]["epochs"], int)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (12.5, "schedule.epochs: must be a valid integer"),
        (float("nan"), "schedule.epochs: must be a finite number"),
        (float("inf"), "schedule.epochs: must be a finite number"),
        (0, "schedule.epochs: must be greater than or equal to 1"),
    ],
)
def test_override_is_validated_like_the_file(value: float, rule: str) -> None:
    error = problems_of(PD, overrides={"schedule.epochs": value})
    [problem] = error.problems
    assert problem.describe().startswith(rule)


def test_override_that_breaks_a_rule_names_the_rule() -> None:
    error = problems_of(CITED, overrides={"korea.trade_stake": 40.0, "shock_rate": -0.5})
    assert [p.describe() for p in error.problems] == [
        "parameters.korea.trade_stake.value: must lie within range [0.0, 30.0] (got 40.0)",
        "parameters.shock_rate.value: a probability must lie in [0, 1] (got -0.5)",
        "pressure.shocks.rate_per_day: must not be negative (got -0.5)",  # where it is used
    ]


def test_unknown_override_lists_the_valid_names() -> None:
    error = problems_of(CITED, overrides={"korea.trade": 1.0, "schedule.interval": 3})
    assert [p.key for p in error.problems] == ["korea.trade", "schedule.interval"]
    valid = ", ".join(sweepable(sim.parse(CITED.read_bytes())))
    assert error.problems[0].rule == (
        f"no such parameter; did you mean 'korea.trade_stake'? valid names: {valid}"
    )
    assert error.problems[1].rule.startswith(
        "no such parameter; did you mean 'schedule.interval_hours'"
    )
    assert "korea.trade_stake, korea.holdout_cost" in error.problems[0].rule
    assert error.problems[0].value == 1.0
    line = error.lines()[0]
    assert line.startswith(f"{CITED}: korea.trade: no such parameter; did you mean ")


def test_schema_version_is_not_a_parameter() -> None:
    error = problems_of(CITED, overrides={"schema_version": 2})
    assert [p.key for p in error.problems] == ["schema_version"]
    assert "schema_version" not in sweepable(sim.parse(CITED.read_bytes()))


def test_override_cannot_reach_a_string_or_table() -> None:
    names = ("schedule.spacing", "schedule", "meta.start", "pressure.points", "shock_rate.value")
    for name in names:
        error = problems_of(CITED, overrides={name: 1.0})
        assert error.problems[0].key == name
        assert error.problems[0].rule.startswith("no such parameter")


def test_sweepable_lists_parameters_then_numbers() -> None:
    assert sweepable(sim.parse(CITED.read_bytes())) == [
        "korea.trade_stake",
        "korea.holdout_cost",
        "korea.us_cost",
        "shock_rate",
        "pressure.scale",
        "pressure.shocks.size.median",
        "pressure.shocks.size.sigma",
        "pressure.shocks.decay_half_life_hours",
        "schedule.interval_hours",
        "schedule.implementation_delay_hours",
        "schedule.discount_per_day",
        "schedule.window_days",
        "equilibrium.tolerance",
    ]  # numbers inside arrays of tables (payoff terms, pressure points) are not reachable


def test_overrides_on_a_malformed_document_are_still_scenario_errors() -> None:
    for parameters in (5, "abc", [1, 2]):
        with pytest.raises(sim.ScenarioError):
            sim.validate({"parameters": parameters}, "x.toml", {"x": 1.0})


def test_with_overrides_returns_a_new_scenario(cited: Scenario) -> None:
    s = sim.with_overrides(cited, {"korea.trade_stake": 11.0})
    assert s is not cited
    assert s.parameters["korea.trade_stake"].value == 11.0
    assert cited.parameters["korea.trade_stake"].value == 10.0
    assert s.path == cited.path
    again = sim.with_overrides(s, {"schedule.interval_hours": 6})
    assert again.parameters["korea.trade_stake"].value == 11.0  # earlier overrides persist
    assert again.schedule.interval_hours == 6.0
    with pytest.raises(sim.ScenarioError, match="no such parameter"):
        sim.with_overrides(cited, {"nope": 1.0})
    with pytest.raises(sim.ScenarioError, match="must lie within range"):
        sim.with_overrides(cited, {"korea.trade_stake": -1.0})


# ---------------------------------------------------------------- frozen objects


@pytest.mark.parametrize(
    "assign",
    [
        lambda s: setattr(s, "seeds_dir", "elsewhere"),
        lambda s: setattr(s.meta, "id", "other"),
        lambda s: setattr(s.players[0], "actions", ("a",)),
        lambda s: setattr(s.players[0].payoff[0], "coef", 2.0),
        lambda s: setattr(s.parameters["korea.trade_stake"], "value", 0.0),
        lambda s: setattr(s.meta.evidence[0], "quote", "anything"),
        lambda s: setattr(s.schedule, "epochs", 2),
        lambda s: setattr(s.pressure.points[0], "level", 9.0),
    ],
    ids=["scenario", "meta", "player", "term", "parameter", "evidence", "schedule", "pressure"],
)
def test_scenario_objects_are_frozen(cited: Scenario, assign: Any) -> None:
    with pytest.raises(ValidationError, match="frozen"):
        assign(cited)
    assert cited.meta.id == "cited-pressure"
    assert cited.seeds_dir == "../../../seeds"


def test_sequences_are_tuples(cited: Scenario) -> None:
    assert isinstance(cited.players, tuple)
    assert isinstance(cited.row.actions, tuple)
    assert isinstance(cited.row.payoff[0].matrix, tuple)
    assert isinstance(cited.row.payoff[0].matrix[0], tuple)
    assert isinstance(cited.meta.evidence, tuple)


# ---------------------------------------------------------------- reading files


def test_missing_file(tmp_path: Path) -> None:
    error = problems_of(tmp_path / "nope.toml")
    assert error.lines() == [f"{tmp_path / 'nope.toml'}: <document>: no such file"]


def test_directory(tmp_path: Path) -> None:
    error = problems_of(tmp_path)
    assert error.lines() == [f"{tmp_path}: <document>: is a directory, not a scenario file"]


def test_name_too_long(tmp_path: Path) -> None:
    error = problems_of(tmp_path / ("x" * 5000))
    assert error.problems[0].key == ""


# ---------------------------------------------------------------- the error type


def test_error_family() -> None:
    error = sim.ScenarioError("f.toml", [Problem("a.b", "rule", 1)])
    assert isinstance(error, sim.SimError)
    assert isinstance(error, ValueError)
    assert not isinstance(error, KeyboardInterrupt)
    assert error.lines() == ["f.toml: a.b: rule (got 1)"]
    with pytest.raises(ValueError, match="at least one problem"):
        sim.ScenarioError("f.toml", [])


def test_problem_lines_are_single_and_short() -> None:
    problem = Problem("k", "a rule\nover two lines", "x" * 500)
    text = problem.describe()
    assert "\n" not in text
    assert text.startswith("k: a rule over two lines (got 'xxx")
    assert text.endswith("...)")
    assert len(text) < 120
    assert Problem("", "empty file", None, False).describe() == "<document>: empty file"
