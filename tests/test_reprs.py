"""Short reprs and HTML reprs for notebooks (they were 16-47 KB of text)."""

from __future__ import annotations

import shutil
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
WAR = ROOT / "scenarios" / "war-of-attrition-deadline.toml"


def test_scenario_repr_is_short_and_says_what_it_is() -> None:
    s = sim.load(GSOMIA)
    text = repr(s)
    assert len(text) < 400
    assert text.startswith("<Scenario 'gsomia-2019': players korea (terminate, suspend, renew)")
    assert "lapse (default)" in text and f"parameters {len(s.parameters)}" in text
    page = s._repr_html_()
    assert len(page) < 1500 and page.count("<tr>") == 5
    assert "<b>GSOMIA for export curbs, 2019</b>" in page


def test_result_reprs_carry_the_numbers() -> None:
    r = sim.solve(WAR, epoch=0)
    probs = r.path.outcome_probabilities()
    text = repr(r)
    assert len(text) < 400 and f"deadline {probs['deadline']:.3f}" in text
    assert f"equilibria {len(r.equilibria.equilibria)}, selected {r.selection.index}" in text
    run = sim.run(WAR, runs=20, overrides={"schedule.epochs": 41})
    text = repr(run)
    assert len(text) < 400 and text.startswith("<RunResult 'war-of-attrition-deadline': paths 20")
    p = run.summary["outcomes"]["deadline"]["probability"]
    assert f"deadline {p:.3f}" in text and f"deadline {p:.3f}" in run._repr_html_()


def test_html_reprs_escape_scenario_text(tmp_path: Path) -> None:
    text = WAR.read_text(encoding="utf-8").replace(
        'name = "War of attrition with a deadline"', 'name = "<script>x</script>"'
    )
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")  # seeds_dir = "../seeds", in the project
    (tmp_path / "scenarios").mkdir()
    path = tmp_path / "scenarios" / "x.toml"
    path.write_text(text, encoding="utf-8")
    with sim.scenario.allow_roots([ROOT / "seeds"]):  # the seeds lie outside the tmp project
        page = sim.load(path)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
