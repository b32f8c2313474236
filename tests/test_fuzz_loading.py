"""Whatever bytes or documents go in, only :class:`sim.ScenarioError` comes out.

Random bytes and text exercise the parser; mutations of the flagship scenario (a value
replaced by junk, a key dropped, a line removed or repeated, an override) get past the parser
and exercise validation and the cross-field checks.
"""

from __future__ import annotations

import copy
import tempfile
from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
TEXT = GSOMIA.read_text(encoding="utf-8")
DOCUMENT = sim.parse(TEXT.encode("utf-8"), GSOMIA)
# validate() resolves seeds_dir beside the path it is given; the file itself is never read
WHERE = ROOT / "scenarios" / "fuzzed.toml"

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

_zones = st.sampled_from([None, UTC, timezone(timedelta(hours=9)), timezone(-timedelta(hours=5))])
scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "korea", "japan", "suspend", "korea.trade_stake", "../x", "a" * 300]),
    st.booleans(),
    st.datetimes(timezones=_zones),
    st.dates(),
    st.times(),
)
junk = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)


def assert_clean(error: sim.ScenarioError, where: Path | str | None) -> None:
    """The error is well formed: single lines, each naming the file."""
    prefix = "<string>" if where is None else str(where)
    lines = error.lines()
    assert lines
    for line in lines:
        assert line.startswith(f"{prefix}: "), line
        assert "\n" not in line and "\r" not in line
    assert error.problems
    assert str(error) == "\n".join(lines)


def only_scenario_errors(data: bytes, where: Path | None = None) -> sim.Scenario | None:
    try:
        document = sim.parse(data, where)
    except sim.ScenarioError as error:
        assert_clean(error, where)
        return None
    return validated(document, where)


def validated(
    document: dict[str, Any], where: Path | None, overrides: dict[str, float] | None = None
) -> sim.Scenario | None:
    try:
        return sim.validate(document, where, overrides)
    except sim.ScenarioError as error:
        assert_clean(error, where)
        return None


# ---------------------------------------------------------------- random input


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    assert only_scenario_errors(data, WHERE) is None


@FUZZ
@given(st.text(max_size=2000))
def test_random_text(text: str) -> None:
    assert only_scenario_errors(text.encode("utf-8", "surrogatepass"), None) is None


_toml_lines = st.lists(
    st.one_of(
        st.sampled_from(TEXT.splitlines()),
        st.from_regex(
            r"[a-z_.]{1,12} = (-?[0-9.e+]{1,8}|nan|inf|\"[a-z ]*\"|\[[0-9, ]*\])", fullmatch=True
        ),
        st.from_regex(r"\[{1,2}[a-z_.]{1,15}\]{1,2}", fullmatch=True),
    ),
    max_size=40,
)


@FUZZ
@given(_toml_lines)
def test_random_toml_like_text(lines: list[str]) -> None:
    only_scenario_errors("\n".join(lines).encode("utf-8"), WHERE)


def test_random_bytes_through_load() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bytes.toml"

        @FUZZ
        @given(st.binary(max_size=500))
        def check(data: bytes) -> None:
            path.write_bytes(data)
            try:
                sim.load(path)
            except sim.ScenarioError as error:
                assert_clean(error, path)

        check()


# ---------------------------------------------------------------- mutations of GSOMIA


def _mutate(data: st.DataObject, document: dict[str, Any]) -> dict[str, Any]:
    """Walk down a random path; there, replace the value with junk or drop the key."""
    document = copy.deepcopy(document)
    node: Any = document
    while True:
        keys: list[Any] = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return document
        key = data.draw(st.sampled_from(keys), label="key")
        child = node[key]
        if isinstance(child, dict | list) and child and data.draw(st.booleans(), label="descend"):
            node = child
            continue
        if data.draw(st.booleans(), label="drop"):
            del node[key]
        else:
            node[key] = data.draw(junk, label="junk")
        return document


@FUZZ
@given(st.data())
def test_mutated_gsomia_document(data: st.DataObject) -> None:
    document = DOCUMENT
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        document = _mutate(data, document)
    validated(document, WHERE)


@FUZZ
@given(st.data())
def test_mutated_gsomia_text(data: st.DataObject) -> None:
    lines = TEXT.splitlines()
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        i = data.draw(st.integers(0, len(lines) - 1), label="line")
        edit = data.draw(st.sampled_from(["drop", "repeat", "swap", "truncate"]), label="edit")
        if edit == "drop":
            del lines[i]
        elif edit == "repeat":
            lines.insert(i, lines[i])
        elif edit == "swap":
            j = data.draw(st.integers(0, len(lines) - 1), label="other")
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])), label="cut")]
    only_scenario_errors("\n".join(lines).encode("utf-8"), WHERE)


_names = st.one_of(
    st.sampled_from(sorted(DOCUMENT["parameters"])),
    st.sampled_from(
        ["schedule.epochs", "schedule.power", "equilibrium.tolerance", "schema_version"]
    ),
    st.text(max_size=20),
)


@FUZZ
@given(st.dictionaries(_names, st.floats(allow_nan=True, allow_infinity=True), max_size=3))
def test_random_overrides(overrides: dict[str, float]) -> None:
    validated(DOCUMENT, WHERE, overrides)


def test_the_unmutated_document_is_valid() -> None:
    # the mutation tests start from a valid document, so every error they see is one they made
    assert validated(DOCUMENT, WHERE) is not None
