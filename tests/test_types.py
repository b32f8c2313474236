"""Private types in the scenario format (issue #15, item 1): validation with key paths."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sim
from sim.scenario import parse, validate

ROOT = Path(__file__).resolve().parents[1]
AG = ROOT / "tests" / "scenarios" / "types" / "reputational-bargaining.toml"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return parse(AG.read_bytes(), AG)


def problems(document: dict[str, Any], edit: Any) -> list[str]:
    doc = copy.deepcopy(document)
    edit(doc)
    with pytest.raises(sim.ScenarioError) as info:
        validate(doc, AG)
    return [p.describe() for p in info.value.problems]


def test_types_load_with_priors_from_parameters() -> None:
    s = sim.load(AG)
    assert [t.id for t in s.row.types] == ["obstinate", "rational"]
    assert s.row.types[0].prior == "row.obstinate"
    assert s.resolve(s.row.types[0].prior) == 0.25
    assert s.row.types[1].prior is None
    changed = sim.with_overrides(s, {"row.obstinate": 0.1})
    assert changed.resolve(changed.row.types[0].prior) == 0.1


def test_scenarios_without_types_have_none() -> None:
    s = sim.load(ROOT / "scenarios" / "gsomia-2019.toml")
    assert s.row.types == () and s.col.types == ()


def _type(doc: dict[str, Any], player: int, index: int) -> dict[str, Any]:
    out: dict[str, Any] = doc["players"][player]["types"][index]
    return out


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: _type(d, 0, 0).update(prior="row.nope"),
            "players[0].types[0].prior: no such parameter (got 'row.nope')",
        ),
        (
            lambda d: _type(d, 0, 0).update(prior=1.5),
            "players[0].types[0].prior: a prior must lie in [0, 1] (got 1.5)",
        ),
        (
            lambda d: _type(d, 1, 1).update(prior=0.5),
            "players[1].types: priors must sum to 1 (got 0.75)",
        ),
        (
            lambda d: _type(d, 0, 0).update(prior=None) or _type(d, 0, 0).pop("prior"),
            "players[0].types[1].prior: only one type may leave its prior out (got None)",
        ),
        (
            lambda d: _type(d, 0, 0).update(rule="sometimes"),
            "players[0].types[0].rule: must be 'never_concede', 'concede_at_deadline' or 'mixed'",
        ),
        (
            lambda d: _type(d, 0, 0).update(rule="mixed", mix=[0.5]),
            "players[0].types[0].mix: needs one probability per action (2) (got [0.5])",
        ),
        (
            lambda d: _type(d, 0, 0).update(rule="mixed", mix=[0.5, 0.6]),
            "players[0].types[0].mix: probabilities must sum to 1 (got 1.1)",
        ),
        (
            lambda d: _type(d, 0, 1).update(overrides={"row.rat": 0.2}),
            "players[0].types[1].overrides.row.rat: no such parameter (got 'row.rat')",
        ),
        (
            lambda d: _type(d, 0, 0).update(action="fold"),
            "players[0].types[0].action: not an action of row (got 'fold')",
        ),
        (
            lambda d: _type(d, 0, 0).pop("rule"),
            "players[0].types[0].rule: a behavioural type needs a rule",
        ),
        (
            lambda d: _type(d, 1, 0).update(colour="red"),
            "players[1].types[0].colour: unknown key (got 'red')",
        ),
    ],
)
def test_bad_types_name_the_key(document: dict[str, Any], edit: Any, expected: str) -> None:
    found = problems(document, edit)
    assert any(p.startswith(expected) for p in found), found


def test_a_bad_prior_exits_2_with_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(AG), "--set", "row.obstinate=2"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 2, proc.stderr
    assert "row.obstinate" in proc.stderr
