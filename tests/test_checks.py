"""Cross-field checks, called directly on validated scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.scenario import Evidence, evidence_items
from sim.scenario._rules import check

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
VALID = ROOT / "tests" / "scenarios" / "valid"
CITED = VALID / "cited-pressure.toml"


@pytest.mark.parametrize(
    "path", [ROOT / "scenarios" / "gsomia-2019.toml", *sorted(VALID.glob("*.toml"))]
)
def test_valid_scenarios_have_no_problems(path: Path) -> None:
    assert check(sim.load(path), SEEDS) == []


def test_evidence_items_name_every_citation_by_key() -> None:
    items = list(evidence_items(sim.load(CITED), ""))
    assert [key for key, _ in items] == [
        "meta.evidence[0]",
        "players[0].payoff[1].evidence[0]",
        "pressure.points[0].evidence[0]",
        "observed.evidence[0]",
    ]
    assert all(isinstance(ev, Evidence) for _, ev in items)


def test_evidence_is_checked_against_the_seeds_dir_given(tmp_path: Path) -> None:
    scenario = sim.load(CITED)
    (tmp_path / "003_2db2a49aeaa6c9fd.txt").write_text("nothing useful", encoding="utf-8")
    problems = check(scenario, tmp_path)
    keys = [p.key for p in problems]
    assert keys == [
        "meta.evidence[0].quote",
        "players[0].payoff[1].evidence[0].seed",
        "pressure.points[0].evidence[0].seed",
        "observed.evidence[0].seed",
    ]
    assert problems[0].rule == "quote not found in seed 003_2db2a49aeaa6c9fd.txt"
    assert problems[1].rule.startswith("no such seed file in ")


def test_missing_seeds_dir_is_one_problem(tmp_path: Path) -> None:
    [problem] = check(sim.load(CITED), tmp_path / "absent")
    assert problem.key == "seeds_dir"
    assert problem.rule.startswith("no such directory: ")


def test_scales_match_default_outcome_terms_too() -> None:
    scenario = sim.load(CITED)
    assert scenario.pressure is not None
    # korea.alliance and japan.alliance exist only in the default outcome's payoff
    assert {"korea.alliance", "japan.alliance"} <= set(scenario.pressure.scales)
    assert check(scenario, SEEDS) == []
