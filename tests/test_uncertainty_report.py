"""The run report's tipping points (#14): the knife-edge line and the tornado of the distances."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sim
from sim.report import write_report
from sim.report._data import TIPPING_RUNS, TIPPING_TOLERANCE
from sim.simulate import KNIFE_EDGE, tipping_points

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
#: Three of the four pinned at their point values: korea.trade_stake alone is drawn, and it
#: has no flip over its range [5, 15] (docs/uncertainty.md).
TRADE_ONLY = {"korea.audience_cost": 8.0, "korea.us_cost": 3.0, "us.pressure_scale": 1.0}

pytestmark = pytest.mark.slow


def _report(result: sim.RunResult, directory: Path) -> tuple[str, dict]:  # type: ignore[type-arg]
    write_report(result, result.write(directory))
    data = json.loads((directory / "report-data.json").read_text())
    return (directory / "report.html").read_text(), data


def test_the_flagship_report_has_the_knife_edge_line_and_the_tornado(tmp_path: Path) -> None:
    result = sim.run(GSOMIA, runs=40, rng_seed=1, draws=4, progress=False)
    page, data = _report(result, tmp_path / "drawn")
    rows = data["tipping"]
    # the report's rows are tipping_points' own, judged by TIPPING_RUNS paths, to 1 %
    assert rows == json.loads(
        json.dumps(
            tipping_points(
                result.scenario, runs=TIPPING_RUNS, rng_seed=0, tolerance=TIPPING_TOLERANCE
            )
        )
    )
    near = [r for r in rows if r["distance"] <= KNIFE_EDGE]
    # the flagship's known knife edges: korea.audience_cost flips near 7 / 0.85, 4 % away
    assert {r["parameter"] for r in near} >= {"korea.audience_cost"}
    line = page.split('<p id="knife-edge">', 1)[1].split("</p>", 1)[0]
    assert line.startswith("<b>Knife edge:</b>")
    for r in near:
        assert f"<code>{r['parameter']}</code> {r['value']:g} flips at {r['at']:.4g}" in line
        assert f"({r['distance']:.1%} of its range away)" in line
    assert '<figure id="tipping">' in page
    fig = sim.report.build_figures(sim.report.load_run(tmp_path / "drawn"))["tipping"]
    drawn = list(result.summary["uncertainty"]["parameters"])
    bars = {trace.name: dict(zip(trace.y, trace.x, strict=True)) for trace in fig.data[:2]}
    for r in rows:
        signed = r["distance"] if r["at"] >= r["value"] else -r["distance"]
        side = "above" if signed >= 0 else "below"
        nearest = min(
            (
                q["distance"]
                for q in rows
                if q["parameter"] == r["parameter"] and (q["at"] >= q["value"]) == (signed >= 0)
            ),
        )
        if r["distance"] == nearest:
            assert bars[f"nearest flip {side} the point value"][r["parameter"]] == signed
    flipped = {r["parameter"] for r in rows}
    assert set(fig.data[2].y) == set(drawn) - flipped  # "no flip in its range"


def test_no_knife_edge_line_without_a_near_flip(tmp_path: Path) -> None:
    result = sim.run(GSOMIA, runs=40, rng_seed=1, draws=4, overrides=TRADE_ONLY, progress=False)
    assert result.manifest["parameters"]["uncertainty"]["drawn"] == ["korea.trade_stake"]
    page, data = _report(result, tmp_path / "trade")
    assert all(r["distance"] > KNIFE_EDGE for r in data["tipping"])
    assert 'id="knife-edge"' not in page and "Knife edge" not in page
    assert "No drawn parameter has a tipping point within 10%" in page
    # rebuilt from the directory alone (scenario.json, its dates as text): the same rows
    (tmp_path / "trade" / "report-data.json").unlink()
    sim.report.rebuild(tmp_path / "trade")
    again = json.loads((tmp_path / "trade" / "report-data.json").read_text())
    assert again["tipping"] == data["tipping"]
    fixed = sim.run(GSOMIA, runs=40, rng_seed=1, fixed=True, progress=False)
    page, data = _report(fixed, tmp_path / "fixed")
    assert data["tipping"] is None
    assert "knife-edge" not in page and '<figure id="tipping">' not in page
