"""``sim.figures``: what each figure shows, its labels and colours, and escaping."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io
import plotly.offline
import pytest

import sim
from sim import report
from sim.report import figures as F
from sim.report._data import STAGE_EPOCHS
from sim.report.figures._style import hours_label

ROOT = Path(__file__).resolve().parents[1]
WAR = ROOT / "scenarios" / "war-of-attrition-deadline.toml"
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
#: GSOMIA made quick: no random shocks (one policy), 20 decision epochs.
QUICK = {"pressure.shocks.rate_per_day": 0.0, "schedule.epochs": 20}
#: War of attrition with 41 epochs (none on T - c/2, where the stage game is degenerate).
SMALL = {"schedule.epochs": 41}
OKABE_ITO = set(F.OKABE_ITO.values())
XSS = "<script>alert(1)</script>"
XSS_PLAYER = "<img src=x onerror=alert(2)>"


def _data(result: sim.RunResult, epochs: list[int] | None = None) -> report.ReportData:
    """The report's data, solving only the stage games at ``epochs`` (all sampled if None)."""
    if epochs is None:
        return report.gather(result)
    info = report.scenario_info(result.scenario)
    samples = F.sample_runs(result.runs, info)
    return report.ReportData(
        info=info,
        summary=result.summary,
        manifest=result.manifest,
        runs=result.runs,
        events=result.events,
        pressure=report.pressure_series(result.scenario, result.events, samples),
        samples=samples,
        stages=report.stage_games(result.scenario, epochs or []),
    )


@pytest.fixture(scope="module")
def gsomia() -> report.ReportData:
    return _data(sim.run(GSOMIA, runs=30, overrides=QUICK), [0, 10, 17, 18])


@pytest.fixture(scope="module")
def war() -> report.ReportData:
    return _data(sim.run(WAR, runs=60, overrides=SMALL))


@pytest.fixture(scope="module")
def gsomia_figs(gsomia: report.ReportData) -> dict[str, Any]:
    return report.build_figures(gsomia)


@pytest.fixture(scope="module")
def war_figs(war: report.ReportData) -> dict[str, Any]:
    return report.build_figures(war)


# ---------------------------------------------------------------- the module's boundaries


def test_figures_package_reads_results_only() -> None:
    imported = set()
    for path in (ROOT / "sim" / "report" / "figures").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module or "")
    top = {name.split(".")[0] for name in imported}
    ours = {name for name in imported if name.startswith("sim")}
    stdlib = {"__future__", "html", "math", "textwrap", "collections", "typing"}
    assert top - stdlib == {"numpy", "pandas", "plotly", "sim"}
    assert all(name.startswith("sim.report.figures") for name in ours), ours


def test_building_figures_shows_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, war: report.ReportData
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a figure function showed or wrote something")

    for name in ("show", "write_html", "write_image", "write_json"):
        monkeypatch.setattr(go.Figure, name, refuse)
    monkeypatch.setattr(plotly.io, "show", refuse)
    figs = report.build_figures(war)
    assert all(isinstance(f, go.Figure) for f in figs.values())


def test_the_report_has_its_figures(gsomia_figs: dict[str, Any]) -> None:
    assert list(gsomia_figs) == [
        "timeline",
        "concession",
        "outcomes",
        "per_draw",  # the flagship's run draws its four distributions (issue 14)
        "tornado",
        "stage",
        "stage_animation",
    ]


# ---------------------------------------------------------------- titles, axes, units


def _axes(fig: go.Figure) -> dict[str, Any]:
    layout = fig.to_plotly_json()["layout"]
    return {k: v for k, v in layout.items() if re.fullmatch(r"[xy]axis\d*", k)}


def _title(axis: dict[str, Any]) -> str:
    return str((axis.get("title") or {}).get("text") or "")


def test_every_figure_has_a_title(gsomia_figs: dict[str, Any], war_figs: dict[str, Any]) -> None:
    for fig in (*gsomia_figs.values(), *war_figs.values()):
        assert fig.layout.title.text.strip()
        assert fig.layout.height >= 400


def test_axis_titles_name_their_units(gsomia_figs: dict[str, Any]) -> None:
    timeline = _axes(gsomia_figs["timeline"])
    assert _title(timeline["xaxis3"]) == "date and time (UTC+09:00)"
    assert _title(timeline["yaxis"]) == "pressure level (1 = peak)"
    assert _title(timeline["yaxis2"]) == "probability"
    concession = _axes(gsomia_figs["concession"])
    assert _title(concession["xaxis"]).startswith("hours before the deadline (h)")
    assert _title(concession["yaxis"]) == "share of all paths"
    outcomes = _axes(gsomia_figs["outcomes"])
    assert _title(outcomes["xaxis"]).startswith("probability (share of paths)")
    for name in ("stage", "stage_animation"):
        axes = _axes(gsomia_figs[name])
        assert _title(axes["xaxis"]) == "Japan's action"
        assert _title(axes["yaxis"]) == "South Korea's action"
        bars = [t.colorbar.title.text for t in gsomia_figs[name].data if t.type == "heatmap"]
        assert bars == ["payoff<br>(utility)"] * 2


def test_every_axis_that_shows_data_has_a_title(gsomia_figs: dict[str, Any]) -> None:
    for name, fig in gsomia_figs.items():
        for key, axis in _axes(fig).items():
            if key.startswith("x") and axis.get("matches"):
                continue  # shares the bottom panel's time axis
            if key in ("yaxis2",) and name in ("stage", "stage_animation"):
                continue  # the right heatmap repeats the left one's rows
            if key == "yaxis2" and name == "concession":
                continue  # the hidden axis of the observed line
            assert _title(axis), (name, key)


def test_a_scenario_without_pressure_has_no_pressure_panel(war_figs: dict[str, Any]) -> None:
    fig = war_figs["timeline"]
    assert "xaxis3" not in _axes(fig)
    assert _title(_axes(fig)["xaxis2"]) == "date and time (UTC)"
    assert [a.text for a in fig.layout.annotations][:2] == [
        "share of paths in which each player has conceded",
        "sample paths (5 of 60)",
    ]


# ---------------------------------------------------------------- what the figures show


def _by_name(fig: go.Figure) -> dict[str, Any]:
    return {t.name: t for t in fig.data if t.name}


def test_timeline_traces(gsomia: report.ReportData, gsomia_figs: dict[str, Any]) -> None:
    fig = gsomia_figs["timeline"]
    names = [t.name for t in fig.data]
    assert names[:2] == ["US pressure (scheduled)", "dated events (hover for the evidence)"]
    assert names.count("South Korea") == names.count("Japan") == 1
    points = gsomia.info["pressure"]["points"]
    events = next(t for t in fig.data if t.meta == "events")
    assert len(events.x) == len(points) == 6
    assert list(events.y) == pytest.approx([p["level"] for p in points])
    # the deadline and the observed settlement as vertical lines through all panels
    assert [s.line.dash for s in fig.layout.shapes] == ["dash", "dot"]
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["last day", "last week", "whole window"]


def test_each_zoom_button_ends_at_the_deadline_and_shows_the_concessions(
    gsomia: report.ReportData, gsomia_figs: dict[str, Any]
) -> None:
    fig = gsomia_figs["timeline"]
    deadline = datetime.fromisoformat(gsomia.info["deadline"]).replace(tzinfo=None)
    start = datetime.fromisoformat(gsomia.info["start"]).replace(tzinfo=None)
    marks = [
        datetime.fromisoformat(str(x))
        for t in fig.data
        if (t.name or "").endswith("(▼ concession)")
        for x in t.x
    ]
    assert marks, "the sample paths have no action markers"
    widths = {"last day": 24.0, "last week": 168.0}
    for b in fig.layout.updatemenus[0].buttons:
        ranges = dict(b.args[0])
        assert set(ranges) == {"xaxis.range", "xaxis2.range", "xaxis3.range"}
        lo, hi = (datetime.fromisoformat(x) for x in ranges["xaxis.range"])
        assert all(span == ranges["xaxis.range"] for span in ranges.values())
        hours = (deadline - lo).total_seconds() / 3600
        window = (deadline - start).total_seconds() / 3600
        assert hours == pytest.approx(widths.get(b.label, window))
        assert deadline < hi <= deadline + (deadline - lo) * 0.05
        late = [m for m in marks if m >= deadline - (deadline - lo)]
        assert all(lo <= m <= hi for m in late)
        if b.label == "last day":  # the flagship's concessions all come in its last day
            assert late


def test_hover_on_an_event_quotes_its_evidence(gsomia_figs: dict[str, Any]) -> None:
    events = next(t for t in gsomia_figs["timeline"].data if t.meta == "events")
    first = events.hovertext[0]
    assert "Korea gives notice; Washington voices disappointment" in first
    quote = "But the decision drew pushback from the countries' mutual ally the United States"
    assert quote in first.replace("<br>", " ")
    assert "002_0ba34af4b7726dd0.txt" in first
    # a point without evidence shows its assumption instead
    third = events.hovertext[2]
    assert "assumption:" in third and "Milley" in third


def test_probability_of_having_conceded_matches_the_event_log(
    war: report.ReportData, war_figs: dict[str, Any]
) -> None:
    lines = _by_name(war_figs["timeline"])
    for player in war.info["players"]:
        conceded = war.events[
            (war.events["event"] == "action")
            & (war.events["actor"] == player["id"])
            & (war.events["details"] == "concede")
        ]["run"].nunique()
        trace = lines[player["name"]]
        assert trace.line.shape == "hv"
        assert trace.y[0] == 0.0
        assert trace.y[-1] == pytest.approx(conceded / len(war.runs))
        assert np.all(np.diff(trace.y) >= 0)


def test_concession_histogram_counts_every_agreement(
    war: report.ReportData, war_figs: dict[str, Any]
) -> None:
    fig = war_figs["concession"]
    default = war.summary["default_outcome"]
    agreements = [o for o in war.info["outcomes"] if o["id"] != default]
    assert len(fig.data) == 2 * len(agreements)  # linear and log bars; nothing observed
    for scale in ("linear", "log"):
        bars = [t for t in fig.data if t.meta.startswith(f"{scale}:")]
        total = sum(float(np.sum(t.y)) for t in bars)
        assert total == pytest.approx(1.0 - war.summary["outcomes"][default]["probability"])
        assert all(t.visible == (scale == "linear") for t in bars)
    assert fig.layout.xaxis.range == (240.0, 0.0)  # deadline at the right
    assert fig.layout.barmode == "stack"


def test_concession_log_scale_option(war: report.ReportData) -> None:
    fig = F.concession_times(war.info, war.runs, war.summary, log=True)
    assert all(t.visible == t.meta.startswith("log:") for t in fig.data)
    assert fig.layout.xaxis.tickmode == "array"
    assert "log scale" in fig.layout.xaxis.title.text
    assert fig.layout.updatemenus[0].active == 1
    ticks = [float(t) for t in fig.layout.xaxis.ticktext]
    assert ticks == [10.0**v for v in fig.layout.xaxis.tickvals]


def test_outcome_probabilities_with_intervals_and_the_observed_outcome(
    gsomia: report.ReportData, gsomia_figs: dict[str, Any]
) -> None:
    fig = gsomia_figs["outcomes"]
    bars = fig.data[0]
    outcomes = gsomia.summary["outcomes"]
    ids = [o["id"] for o in gsomia.info["outcomes"]]
    assert list(bars.x) == [outcomes[i]["probability"] for i in ids]
    assert list(bars.x + bars.error_x.array) == pytest.approx([outcomes[i]["ci95"][1] for i in ids])
    assert list(bars.x - bars.error_x.arrayminus) == pytest.approx(
        [outcomes[i]["ci95"][0] for i in ids]
    )
    observed = next(t for t in fig.data if t.meta == "observed")
    k = ids.index("suspension_for_talks")
    assert list(observed.y) == [bars.y[k]]
    assert list(observed.text) == ["observed"]
    assert observed.name == "observed outcome (2019-11-22 18:00)"
    assert list(bars.marker.line.width) == [3 if i == k else 0 for i in range(len(ids))]


def test_stage_heatmap_shows_payoffs_outcomes_and_equilibria(
    gsomia: report.ReportData, gsomia_figs: dict[str, Any]
) -> None:
    fig = gsomia_figs["stage"]
    stage = gsomia.stages[2]  # epoch 17, the last one before the observed settlement
    assert fig.layout.title.text.startswith("Stage game at " + stage["datetime"][:10])
    heat = [t for t in fig.data if t.type == "heatmap"]
    assert len(fig.data) == 10  # two heatmaps; frame and star of selected/other, per panel
    assert np.array_equal(heat[0].z, stage["stage_game"]["row_payoffs"])
    assert np.array_equal(heat[1].z, stage["stage_game"]["col_payoffs"])
    assert heat[0].text[1][1].endswith("suspension_for_talks")
    assert heat[0].text[0][0].endswith("continue")
    selected = stage["equilibria"]["equilibria"][stage["selected"]["index"]]
    i, j = int(np.argmax(selected["row"])), int(np.argmax(selected["col"]))
    stars = [t for t in fig.data if t.name == "selected equilibrium"]
    assert len(stars) == 2  # one per panel
    corners = zip(stars[0].x, stars[0].y, strict=True)
    assert [(round(x - 0.33), round(y + 0.3)) for x, y in corners] == [(j, i)]
    assert "selected by payoff_dominant" in fig.layout.title.subtitle.text


def test_stage_slider_has_one_frame_per_epoch(
    gsomia: report.ReportData, gsomia_figs: dict[str, Any]
) -> None:
    fig = gsomia_figs["stage_animation"]
    n = len(gsomia.stages)
    assert n == 4
    assert len(fig.frames) == n
    assert len(fig.layout.sliders[0].steps) == n
    assert [list(s.args[0]) for s in fig.layout.sliders[0].steps] == [[f.name] for f in fig.frames]
    assert [s.label for s in fig.layout.sliders[0].steps] == [
        hours_label(s["hours_before_deadline"]) for s in gsomia.stages
    ]
    for frame, stage in zip(fig.frames, gsomia.stages, strict=True):
        assert len(frame.data) == len(fig.data)
        assert np.array_equal(frame.data[0].z, stage["stage_game"]["row_payoffs"])
    assert not np.array_equal(fig.frames[0].data[0].z, fig.frames[-1].data[0].z)
    # fixed colour ranges, so that colours compare across epochs
    assert len({(f.data[0].zmin, f.data[0].zmax) for f in fig.frames}) == 1


def test_report_samples_a_handful_of_epochs_up_to_the_observed_one(
    war: report.ReportData, gsomia: report.ReportData
) -> None:
    epochs = [s["epoch"] for s in war.stages]
    assert epochs[0] == 0 and epochs[-1] == war.stages[-1]["live_epochs"] - 1
    assert len(epochs) == STAGE_EPOCHS
    scenario = sim.load(GSOMIA, QUICK)
    picks = report.stage_epochs(scenario)
    assert picks == [0, 2, 4, 6, 8, 10, 12, 14, 16, 17, 18]  # 17: the observed settlement
    assert scenario.observed is not None
    hours = [s["hours"] for s in gsomia.stages]
    observed = gsomia.info["observed"]["hours"]
    assert hours[2] <= observed < hours[3]


def test_comparison_puts_runs_side_by_side(
    war: report.ReportData, gsomia: report.ReportData
) -> None:
    runs = [
        {"label": "baseline", "info": gsomia.info, "summary": gsomia.summary},
        {"label": "war", "info": war.info, "summary": war.summary},
    ]
    fig = F.comparison(runs)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == len(gsomia.info["outcomes"]) + len(war.info["outcomes"])
    assert all(list(b.x) == ["baseline", "war"] for b in bars)
    box = next(t for t in fig.data if t.type == "box")
    assert list(box.median) == pytest.approx(
        [r["summary"]["concession"]["hours_before_deadline"]["median"] for r in runs]
    )
    assert fig.layout.yaxis2.type == "log"
    assert _title(_axes(fig)["yaxis"]) == "probability (share of paths)"
    # the record once, at the baseline whose scenario records it
    stars = [t for t in fig.data if t.type == "scatter" and t.marker.symbol == "star"]
    assert [list(t.x) for t in stars] == [["baseline"]]
    assert stars[0].y[0] == pytest.approx(gsomia.summary["observed"]["hours_before_deadline"])


def test_comparison_shows_runs_without_an_agreement(gsomia: report.ReportData) -> None:
    none = {**gsomia.summary, "concession": {**gsomia.summary["concession"], "count": 0}}
    runs = [
        {"label": "baseline", "info": gsomia.info, "summary": gsomia.summary},
        {"label": "never", "info": gsomia.info, "summary": none},
    ]
    fig = F.comparison(runs)
    box = next(t for t in fig.data if t.type == "box")
    assert list(box.x) == ["baseline"]
    text = next(t for t in fig.data if t.meta == "no-agreement")
    assert list(text.x) == ["never"] and "no agreement" in text.text[0]
    assert list(fig.layout.xaxis2.categoryarray) == ["baseline", "never"]


# ---------------------------------------------------------------- colours


def test_one_colour_per_player_and_outcome_across_figures(
    gsomia: report.ReportData, gsomia_figs: dict[str, Any]
) -> None:
    palette = F.colours(gsomia.info)
    players, outcomes = palette["players"], palette["outcomes"]
    assert set(players.values()) | set(outcomes.values()) <= OKABE_ITO
    assert len(set(players.values())) == 2
    assert len(set(outcomes.values())) == len(outcomes)
    names = {x["name"]: x["id"] for x in (*gsomia.info["players"], *gsomia.info["outcomes"])}
    timeline = gsomia_figs["timeline"]
    for trace in timeline.data:
        if trace.name in names and trace.name in {p["name"] for p in gsomia.info["players"]}:
            assert trace.line.color == players[names[trace.name]]
        elif trace.name in names:
            assert trace.marker.color == outcomes[names[trace.name]]
    for trace in gsomia_figs["concession"].data:
        if trace.type == "bar":
            assert trace.marker.color == outcomes[trace.meta.split(":", 1)[1]]
    ids = [o["id"] for o in gsomia.info["outcomes"]]
    assert list(gsomia_figs["outcomes"].data[0].marker.color) == [outcomes[i] for i in ids]
    for name in ("stage", "stage_animation"):
        heat = [t for t in gsomia_figs[name].data if t.type == "heatmap"]
        assert [h.colorscale[-1][1] for h in heat] == [players["korea"], players["japan"]]
    comparison = F.comparison([{"label": "a", "info": gsomia.info, "summary": gsomia.summary}])
    assert [t.marker.color for t in comparison.data if t.type == "bar"] == [
        outcomes[o["id"]] for o in gsomia.info["outcomes"] if not o["default"]
    ] + [outcomes["lapse"]]


def test_colours_follow_the_scenario_order() -> None:
    info = {
        "players": [{"id": "r"}, {"id": "c"}],
        "outcomes": [{"id": "x"}, {"id": "end", "default": True}, {"id": "y"}],
    }
    assert F.colours(info) == {
        "players": {"r": F.OKABE_ITO["vermillion"], "c": F.OKABE_ITO["blue"]},
        "outcomes": {
            "x": F.OKABE_ITO["green"],
            "end": F.OKABE_ITO["grey"],
            "y": F.OKABE_ITO["orange"],
        },
    }


# ---------------------------------------------------------------- escaping scenario text


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[report.ReportData, str]:
    text = WAR.read_text(encoding="utf-8")
    text = text.replace('name = "War of attrition with a deadline"', f'name = "{XSS}"')
    text = text.replace('name = "Player A"', f'name = "{XSS_PLAYER}"')
    text = text.replace('name = "A gives in"', 'name = "A </b>gives<br> in & out"')
    text = text.replace('seeds_dir = "../seeds"', f"seeds_dir = {str(ROOT / 'seeds')!r}")
    path = tmp_path_factory.mktemp("hostile") / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    with sim.scenario.allow_roots([ROOT / "seeds"]):  # the seeds lie outside the tmp project
        data = _data(sim.run(path, runs=20, overrides=SMALL), [0, 20])
    html = report.render(data, report.build_figures(data), datetime.now(UTC))
    return data, html


def test_scenario_text_is_escaped_in_the_report(hostile: tuple[report.ReportData, str]) -> None:
    data, html = hostile
    assert data.info["name"] == XSS
    assert XSS not in html
    assert XSS_PLAYER not in html
    assert "onerror=alert(2)>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the page heading and title
    # only our own script tags: plotly.js, its config, one per figure
    bundled = plotly.offline.get_plotlyjs().count("<script")
    assert html.count("<script") == 2 + 5 + bundled


def test_scenario_text_is_escaped_in_the_figures(hostile: tuple[report.ReportData, str]) -> None:
    data, _ = hostile
    for name, fig in report.build_figures(data).items():
        text = fig.to_json()
        assert "alert(1)" not in text or "&lt;script&gt;alert(1)" in text, name
        for raw in ("<script", "<img", "</b>gives"):
            assert raw.replace("<", "\\u003c") not in text, (name, raw)
    timeline = report.build_figures(data)["timeline"]
    assert timeline.layout.title.text.startswith("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "A &lt;/b&gt;gives&lt;br&gt; in &amp; out" in {t.name for t in timeline.data}


def test_escape() -> None:
    assert F.escape("<b>a & b</b>") == "&lt;b&gt;a &amp; b&lt;/b&gt;"
    assert F.escape('it\'s "fine"') == 'it\'s "fine"'


def test_the_qre_branch_figure_under_the_logit_concept() -> None:
    scenario = sim.load(WAR, SMALL)
    doc = dict(scenario.document)
    doc["equilibrium"] = {**doc["equilibrium"], "concept": "logit", "lambda": 3.0}
    logit = sim.scenario.validate(doc, scenario.path)
    figs = sim.run(logit, runs=30).figures()
    assert list(figs) == [
        "timeline", "concession", "outcomes", "stage", "stage_animation", "qre_branch"
    ]  # fmt: skip
    fig = figs["qre_branch"]
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert [t.name for t in lines] == [
        "Player A: wait", "Player A: concede", "Player B: wait", "Player B: concede"
    ]  # fmt: skip
    assert lines[0].x[0] == 0.0 and lines[0].x[-1] == 3.0 and lines[0].y[0] == 0.5
    assert list(lines[0].marker.size)[-1] > 0 and set(list(lines[0].marker.size)[:-1]) == {0}
    assert fig.layout.xaxis.title.text == "precision lambda (1 / payoff unit)"
    nash = sim.run(scenario, runs=30).figures()
    assert "qre_branch" not in nash
    with pytest.raises(ValueError, match="logit concept"):
        F.qre_branch(report.scenario_info(scenario), sim.solve(scenario).to_dict())
