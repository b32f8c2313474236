"""``sim.sweep_report`` and ``sim.sweep_figures``: the sweep's ``report.html``."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.deadline import Game
from sim.report import figures as SF
from sim.report import rebuild_sweep, render_sweep, scenario_info, sweep_figures
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = ROOT / "scenarios" / "war-of-attrition-deadline.toml"
FAST = {"schedule.epochs": 40}
ONE = ["waiting_cost=0.2:0.8:3"]
TWO = ["waiting_cost=0.2:0.8:3", "concession_cost=6,8"]
PLOTLY_BANNER = "* plotly.js v"


@pytest.fixture(scope="module")
def textbook() -> Scenario:
    return sim.load(TEXTBOOK, FAST)


@pytest.fixture(scope="module")
def swept(textbook: Scenario, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sweeps")
    for name, params in (("one", ONE), ("two", TWO)):
        sim.sweep(textbook, params, runs=10, rng_seed=2, workers=1, out=root / name)
        rebuild_sweep(root / name, textbook)
    return {"one": root / "one", "two": root / "two"}


def _manifest(params: list[str], design: str = "grid") -> dict[str, object]:
    sweep = {"design": design, "params": params, "runs": 10}
    return {"parameters": {"sweep": sweep, "rng_seed": 0}}


def test_foreseen_outcome_is_the_argmax_of_the_equilibrium_path(
    textbook: Scenario, swept: dict[str, Path]
) -> None:
    results = pd.read_parquet(swept["two"] / "results.parquet")
    ids = [o.id for o in textbook.outcomes]
    for row in results.itertuples():
        here = sim.with_overrides(
            textbook, {"waiting_cost": row.waiting_cost, "concession_cost": row.concession_cost}
        )
        probs = Game.from_scenario(here).policy().outcome_probabilities()
        assert row.foreseen_outcome == ids[int(np.argmax([probs[o] for o in ids]))]
    # the textbook game switches from waiting out the deadline to A giving in
    assert results["foreseen_outcome"].tolist() == ["deadline"] * 2 + ["a_gives_in"] * 4


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("one", "Outcome probabilities against waiting_cost"),
        (
            "two",
            "Outcome probabilities and median concession time over waiting_cost and "
            "concession_cost",
        ),
    ],
)
def test_the_report_is_offline_with_one_plotly_and_the_expected_figures(
    textbook: Scenario, swept: dict[str, Path], name: str, title: str
) -> None:
    text = (swept[name] / "report.html").read_text(encoding="utf-8")
    assert text.count(PLOTLY_BANNER) == 1
    assert not re.search(r"""src=["']?https?:""", text)
    assert title in text
    assert f"<h1>{html.escape(textbook.meta.name)}: sweep</h1>" in text
    assert "design" in text and "waiting_cost=0.2:0.8:3" in text
    other = "heatmaps" if name == "one" else "curves"
    assert f'id="{other}"' not in text
    assert f'id="{"curves" if name == "one" else "heatmaps"}"' in text


def test_the_curves_are_the_probabilities_and_intervals(
    textbook: Scenario, swept: dict[str, Path]
) -> None:
    results = pd.read_parquet(swept["one"] / "results.parquet")
    info = scenario_info(textbook)
    fig = sweep_figures(results, None, _manifest(ONE), info)["curves"]
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    bands = [t for t in fig.data if t.fill == "toself"]
    assert [t.name for t in lines] == [o["name"] for o in info["outcomes"]]
    for o, line, band in zip(info["outcomes"], lines, bands, strict=True):
        assert list(line.x) == [0.2, 0.5, 0.8]
        assert np.array_equal(line.y, results[f"p_{o['id']}"].to_numpy())
        hi, lo = results[f"ci_high_{o['id']}"], results[f"ci_low_{o['id']}"]
        assert np.array_equal(band.y, np.concatenate([hi, lo[::-1]]))
    assert fig.layout.xaxis.title.text == "waiting_cost (per day)"


def test_the_heatmaps_are_the_pivots_of_the_results(
    textbook: Scenario, swept: dict[str, Path]
) -> None:
    results = pd.read_parquet(swept["two"] / "results.parquet")
    info = scenario_info(textbook)
    fig = sweep_figures(results, None, _manifest(TWO), info)["heatmaps"]
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    # outcomes no path reached at any point get no panel; the subtitle names them
    reached = [o for o in info["outcomes"] if results[f"p_{o['id']}"].max() > 0]
    never = [o["name"] for o in info["outcomes"] if o not in reached]
    assert never and all(o in fig.layout.title.subtitle.text for o in never)
    columns = [f"p_{o['id']}" for o in reached] + ["hours_q50"]
    assert len(heatmaps) == len(columns)
    for column, heatmap in zip(columns, heatmaps, strict=True):
        pivot = results.pivot(index="concession_cost", columns="waiting_cost", values=column)
        np.testing.assert_array_equal(np.asarray(heatmap.z, dtype=float), pivot.to_numpy())
        assert list(heatmap.x) == [0.2, 0.5, 0.8]
        assert list(heatmap.y) == [6.0, 8.0]
    # ticks on the grid's values, in every panel
    for heatmap in heatmaps:
        x_axis, y_axis = (f"{a[0]}axis{a[1:]}" for a in (heatmap.xaxis, heatmap.yaxis))
        assert list(fig.layout[x_axis].ticktext) == ["0.2", "0.5", "0.8"]
        assert list(fig.layout[y_axis].ticktext) == ["6", "8"]
    # the equilibrium changes between waiting_cost 0.2 and 0.5 at both concession costs
    boundaries = [t for t in fig.data if t.type == "scatter"]
    assert len(boundaries) == len(columns)  # drawn over every panel
    assert [t.showlegend for t in boundaries] == [True] + [False] * (len(columns) - 1)
    boundary = boundaries[0]
    assert list(boundary.x) == [0.35, 0.35, None, 0.35, 0.35, None]
    assert list(boundary.y) == [5.0, 7.0, None, 7.0, 9.0, None]


def test_boundaries_lie_exactly_between_neighbours_that_differ() -> None:
    # y \ x    0   1   2
    #   10     a   a   b
    #   20     a   c   b
    cells = {(0, 10): "a", (1, 10): "a", (2, 10): "b", (0, 20): "a", (1, 20): "c", (2, 20): "b"}
    frame = pd.DataFrame([{"x": x, "y": y, "foreseen_outcome": o} for (x, y), o in cells.items()])
    segments = SF.equilibrium_boundaries(frame, "x", "y")
    assert sorted(segments) == sorted(
        [
            ((1.5, 5.0), (1.5, 15.0)),  # a | b in row y=10
            ((0.5, 15.0), (0.5, 25.0)),  # a | c in row y=20
            ((1.5, 15.0), (1.5, 25.0)),  # c | b in row y=20
            ((0.5, 15.0), (1.5, 15.0)),  # a above c in column x=1
        ]
    )
    uniform = frame.assign(foreseen_outcome="a")
    assert SF.equilibrium_boundaries(uniform, "x", "y") == []


def test_the_sobol_bars_are_the_indices() -> None:
    table = pd.DataFrame(
        {
            "output": ["p_a", "p_a", "p_b", "p_b", "p_c", "p_c"],
            "parameter": ["u", "v"] * 3,
            "S1": [0.1, 0.6, 0.3, 0.2, np.nan, np.nan],
            "S1_conf": [0.01, 0.02, 0.03, 0.04, np.nan, np.nan],
            "ST": [0.2, 0.7, 0.5, 0.4, np.nan, np.nan],
            "ST_conf": [0.05, 0.06, 0.07, 0.08, np.nan, np.nan],
            "note": ["", "", "", "", "constant", "constant"],
        }
    )
    fig = SF.sobol_bars(table)
    st = [t for t in fig.data if t.legendgroup == "ST"]
    s1 = [t for t in fig.data if t.legendgroup == "S1"]
    assert [list(t.y) for t in st] == [[0.2, 0.7], [0.5, 0.4]]  # p_c is constant: no panel
    assert [list(t.error_y.array) for t in st] == [[0.05, 0.06], [0.07, 0.08]]
    assert [list(t.y) for t in s1] == [[0.1, 0.6], [0.3, 0.2]]
    assert [list(t.x) for t in st] == [["u", "v"], ["u", "v"]]
    assert [a.text for a in fig.layout.annotations] == ["p_a", "p_b"]
    assert fig.layout.title.text == "Sobol sensitivity indices, with 95% intervals"


def test_many_parameters_give_parallel_coordinates_and_sobol_bars(textbook: Scenario) -> None:
    info = scenario_info(textbook)
    ids = [o["id"] for o in info["outcomes"]]
    rng = np.random.default_rng(0)
    results = pd.DataFrame(
        {
            "u": rng.uniform(size=5),
            "v": rng.uniform(size=5),
            "w": rng.uniform(size=5),
            **{f"p_{o}": np.full(5, 0.25) for o in ids},
            "hours_q50": np.arange(5.0),
        }
    )
    sens = pd.DataFrame(
        {"output": ["p_deadline"], "parameter": ["u"], "S1": [0.1], "S1_conf": [0.0]}
        | {"ST": [0.3], "ST_conf": [0.1], "note": [""]}
    )
    manifest = _manifest(["u=0:1", "v=0:1", "w=0:1"], "sobol")
    figs = sweep_figures(results, sens, manifest, info)
    assert list(figs) == ["parallel", "sobol"]
    dims = figs["parallel"].data[0].dimensions
    assert [d.label for d in dims][:3] == ["u", "v", "w"]
    assert dims[-1].label == "p_deadline"
    assert np.array_equal(dims[0]["values"], results["u"].to_numpy())


def test_scenario_text_in_the_header_is_escaped(textbook: Scenario, swept: dict[str, Path]) -> None:
    results = pd.read_parquet(swept["one"] / "results.parquet")
    info = {**scenario_info(textbook), "name": "<script>alert(1)</script> & co"}
    manifest = _manifest(["waiting_cost=0.2:0.8:3"])
    text = render_sweep(results, None, manifest, info, datetime(2026, 1, 1, tzinfo=UTC))
    assert "<script>alert(1)</script>" not in text
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co: sweep</h1>" in text
