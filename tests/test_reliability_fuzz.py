"""Issue 21: the fuzz suite. Every key of every shipped scenario, mutated to each value of a
fixed list of awkward ones, and Hypothesis drawing values for the schema's keys.

Whatever the document, validation gives a scenario or a :class:`sim.ScenarioError` whose
lines each name the file and fit on one line; an accepted document also builds its deadline
game (where the limits exist to keep the run finite). The quick tier takes a fixed sample of
the cases; the slow tier takes all of them (over 5,000).
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.deadline import Game

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))
DOCUMENTS = {path: sim.load(path).document for path in SHIPPED}

AWKWARD: list[Any] = [
    True,
    "60",
    "",
    "x" * 10_000,
    -1,
    0,
    10**20,
    1e300,
    -1e300,
    1e-300,
    math.nan,
    [],
    {},
    [[1.0]],
    datetime(9999, 1, 1, tzinfo=UTC),
    date(2019, 8, 23),
]


def leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value of a document that is not a table or an array of tables."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list) and node and isinstance(node[0], dict):
        for i, value in enumerate(node):
            yield from leaves(value, (*path, i))
    else:
        yield path


def replaced(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


CASES = [
    (scenario, path, i)
    for scenario, document in DOCUMENTS.items()
    for path in leaves(document)
    for i in range(len(AWKWARD))
]
QUICK = random.Random(21).sample(CASES, 300)


def check(document: dict[str, Any], where: Path) -> sim.Scenario | None:
    """Validation ends in a scenario (whose game builds) or in well-formed problem lines."""
    try:
        scenario = sim.validate(document, where)
    except sim.ScenarioError as error:
        lines = error.lines()
        assert lines and len(lines) <= 51
        for line in lines:
            assert line.startswith(f"{where}: ") and "\n" not in line, line
            assert len(line) <= 1000, line[:200]
        return None
    Game.from_scenario(scenario)
    return scenario


def _case(scenario: Path, path: tuple[Any, ...], i: int) -> None:
    check(replaced(DOCUMENTS[scenario], path, AWKWARD[i]), scenario)


def test_every_key_of_every_shipped_scenario_is_mutated() -> None:
    assert len(SHIPPED) >= 6
    assert len(CASES) >= 5_000
    keys = {(s.name, p) for s, p, _ in CASES}
    assert ("gsomia-2019.toml", ("schedule", "epochs")) in keys


@pytest.mark.parametrize("case", range(len(QUICK)))
def test_mutated_key_quick(case: int) -> None:
    _case(*QUICK[case])


@pytest.mark.slow
def test_mutated_key_all() -> None:
    for case in CASES:
        _case(*case)


# ---------------------------------------------------------------- Hypothesis over the schema

_zones = st.sampled_from([None, UTC, timezone(timedelta(hours=9)), timezone(-timedelta(hours=14))])
VALUES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=40),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=_zones),
    st.dates(),
    st.times(),
    st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=3),
    st.just(time(1, 2)),
)
PATHS = [(scenario, path) for scenario, document in DOCUMENTS.items() for path in leaves(document)]


def _schema_case(data: st.DataObject) -> None:
    scenario, _ = data.draw(st.sampled_from(PATHS), label="scenario")
    document = DOCUMENTS[scenario]
    mine = [p for s, p in PATHS if s == scenario]
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        path = data.draw(st.sampled_from(mine), label="key")
        document = replaced(document, path, data.draw(VALUES, label="value"))
    check(document, scenario)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_schema_values_quick(data: st.DataObject) -> None:
    _schema_case(data)


@pytest.mark.slow
@settings(max_examples=3_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_schema_values_slow(data: st.DataObject) -> None:
    _schema_case(data)
