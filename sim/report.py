"""The offline HTML report of a run: gather plain data, build the figures, write ``report.html``.

:mod:`sim.figures` draws from plain data only; this module is the bridge. It describes the
scenario as a plain dict, samples the pressure series, solves the stage games at a handful of
epochs (:func:`sim.solve`), and writes them to ``report-data.json`` next to the run's other
files, so that ``negsim report DIR`` rebuilds the same report from DIR alone. The HTML embeds
plotly.js once and fetches nothing from the network; every string from a scenario file is
escaped.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.offline

from sim import figures as F
from sim.errors import SimError
from sim.loading import validate
from sim.outputs import atomic, write_json
from sim.pressure import build_pressure
from sim.run import RunResult
from sim.scenario import Evidence, Scenario
from sim.schedule import build_schedule
from sim.solve import solve_epochs

__all__ = [
    "DATA",
    "REPORT",
    "ReportData",
    "build_figures",
    "compare",
    "export",
    "figures",
    "find_chrome",
    "gather",
    "load_run",
    "rebuild",
    "scenario_info",
    "write_report",
]

REPORT = "report.html"
DATA = "report-data.json"
SCENARIO = "scenario.json"
#: Stage games solved for the report (spread over the live epochs, plus the observed one).
STAGE_EPOCHS = 10
#: Points at which the pressure series is sampled.
PRESSURE_SAMPLES = 500
#: Static exports: formats, and the page size a figure is drawn at.
FORMATS = ("png", "svg", "pdf")
EXPORT_WIDTH = 1280
#: Changed numbers named in a run's label in ``negsim compare``.
MAX_LABEL_CHANGES = 3
CHROME_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "scrollZoom": False}

CAPTIONS = {
    "timeline": "Top: the outside pressure as scheduled (black) with its dated events (hover "
    "a diamond for the event and the evidence quoted from the seeds) and, in grey, the "
    "pressure realised on the sample paths. Middle: the share of paths in which each player "
    "has conceded by each moment. Bottom: a few sample paths, each player's actions "
    "(triangles are concessions) and how the path ended (stars).",
    "concession": "The deadline effect: the share of all paths whose agreement was decided in "
    "each interval, counted in hours before the deadline (the deadline is at the right). "
    "Switch to the log time axis to see the last hours.",
    "outcomes": "How the simulated paths ended, with 95% Wilson intervals; the star marks "
    "what happened.",
    "stage": "The stage game when the standoff was settled (or at the last epoch shown): each "
    "player's payoff in each cell, with continuation values; circles mark equilibrium play.",
    "stage_animation": "The stage game at several decision epochs. Move the slider (or press "
    "play) to watch the payoffs and the equilibria change as the deadline and the pressure "
    "approach.",
    "comparison": "Left: each outcome's probability in each run, with 95% intervals. Right: "
    "when agreements were reached (median, quartiles and the 5 to 95% range of hours before "
    "the deadline, log scale); stars mark what was observed.",
}
TITLES = {
    "timeline": "The standoff over time",
    "concession": "When agreements are reached",
    "outcomes": "Outcome probabilities",
    "stage": "The stage game",
    "stage_animation": "The stage game toward the deadline",
    "comparison": "Outcomes and timing side by side",
}


@dataclass(frozen=True)
class ReportData:
    """Everything the figures and the report are drawn from (see :mod:`sim.figures`)."""

    info: dict[str, Any]
    summary: dict[str, Any]
    manifest: dict[str, Any]
    runs: pd.DataFrame
    events: pd.DataFrame
    pressure: dict[str, Any]
    samples: list[int]
    stages: list[dict[str, Any]]

    def extra(self) -> dict[str, Any]:
        """The content of ``report-data.json``."""
        return {
            "info": self.info,
            "pressure": self.pressure,
            "samples": self.samples,
            "stages": self.stages,
        }


# ---------------------------------------------------------------- gathering plain data


def _evidence(items: Sequence[Evidence]) -> list[dict[str, str]]:
    return [{"seed": e.seed, "quote": e.quote} for e in items]


def _pressure_info(scenario: Scenario) -> dict[str, Any] | None:
    if scenario.pressure is None:
        return None
    sch, p = build_schedule(scenario), scenario.pressure
    points = [
        {
            "at": pt.at.isoformat(),
            "hours": sch.hours_at(pt.at),
            "level": pt.level,
            "event": pt.event,
            "evidence": _evidence(pt.evidence),
            "assumption": pt.assumption,
        }
        for pt in p.points
    ]
    return {"name": p.name, "actor": p.actor, "points": points}


def _observed_info(scenario: Scenario) -> dict[str, Any] | None:
    o = scenario.observed
    if o is None:
        return None
    return {
        "outcome": o.outcome,
        "name": next(x.name for x in scenario.outcomes if x.id == o.outcome),
        "at": o.at.isoformat(),
        "hours": build_schedule(scenario).hours_at(o.at),
        "evidence": _evidence(o.evidence),
        "assumption": o.assumption,
    }


def scenario_info(scenario: Scenario) -> dict[str, Any]:
    """The plain description of a scenario that :mod:`sim.figures` reads."""
    sch = build_schedule(scenario)
    players = [
        {
            "id": p.id,
            "name": p.name,
            "description": p.description,
            "actions": list(p.actions),
            "concessions": list(p.concessions),
        }
        for p in scenario.players
    ]
    parameters = [
        {
            "name": name,
            "value": p.value,
            "unit": p.unit,
            "description": p.description,
            "evidence": _evidence(p.evidence),
            "assumption": p.assumption,
        }
        for name, p in scenario.parameters.items()
    ]
    meta = scenario.meta
    return {
        "id": meta.id,
        "name": meta.name,
        "description": meta.description,
        "evidence": _evidence(meta.evidence),
        "assumption": meta.assumption,
        "start": sch.start.isoformat(),
        "deadline": sch.deadline.isoformat(),
        "window_hours": sch.window_hours,
        "players": players,
        "outcomes": [
            {"id": o.id, "name": o.name, "description": o.description, "default": o.default}
            for o in scenario.outcomes
        ],
        "pressure": _pressure_info(scenario),
        "parameters": parameters,
        "observed": _observed_info(scenario),
    }


def pressure_series(
    scenario: Scenario, events: pd.DataFrame, samples: Sequence[int]
) -> dict[str, Any]:
    """The scheduled pressure over the window, and the realised pressure of sample paths."""
    sch = build_schedule(scenario)
    model = build_pressure(scenario, sch)
    window = sch.window_hours
    dated = model.hours[(model.hours >= 0) & (model.hours <= window)]
    grid = np.unique(np.concatenate([np.linspace(0.0, window, PRESSURE_SAMPLES), dated]))
    series: dict[str, Any] = {
        "hours": grid.tolist(),
        "level": model.level(grid).tolist(),
        "paths": {},
    }
    if not model.has_shocks:
        return series
    for run in samples:
        shocks = events[(events["run"] == run) & (events["event"] == "shock")]
        at = shocks["hours"].to_numpy(dtype=float)
        size = np.array([float(d.split("=", 1)[1]) for d in shocks["details"]])
        t = np.unique(np.concatenate([grid, at, np.maximum(at - 1e-6, 0.0)]))
        since = t[:, None] - at[None, :]
        extra = (size[None, :] * model.decay(np.maximum(since, 0.0)) * (since >= 0)).sum(axis=1)
        level = model.scale * np.maximum(model.scheduled(t) + extra, 0.0)
        series["paths"][str(run)] = {"hours": t.tolist(), "level": level.tolist()}
    return series


def stage_epochs(scenario: Scenario, n: int = STAGE_EPOCHS) -> list[int]:
    """A handful of live epochs spread from the start to the deadline, plus the observed one."""
    sch = build_schedule(scenario)
    if sch.live == 0:
        return []
    picks = {int(k) for k in np.linspace(0, sch.live - 1, min(n, sch.live)).round()}
    if scenario.observed is not None:
        picks.add(min(sch.epoch_at(scenario.observed.at), sch.live - 1))
    return sorted(picks)


def stage_games(scenario: Scenario, epochs: Sequence[int]) -> list[dict[str, Any]]:
    """``SolveResult.to_dict()`` at each epoch, without the (long) equilibrium path."""
    out = []
    for result in solve_epochs(scenario, epochs):
        d = result.to_dict()
        d.pop("path", None)
        out.append(d)
    return out


def _extra(scenario: Scenario, runs: pd.DataFrame, events: pd.DataFrame) -> dict[str, Any]:
    info = scenario_info(scenario)
    samples = F.sample_runs(runs, info)
    return {
        "info": info,
        "pressure": pressure_series(scenario, events, samples),
        "samples": samples,
        "stages": stage_games(scenario, stage_epochs(scenario)),
    }


def gather(result: RunResult) -> ReportData:
    """The report's data from a run in memory (solves the stage games)."""
    extra = _extra(result.scenario, result.runs, result.events)
    return ReportData(
        summary=result.summary,
        manifest=result.manifest,
        runs=result.runs,
        events=result.events,
        **extra,
    )


# ---------------------------------------------------------------- reading a run directory


def _read(path: Path, reader: Callable[[Path], Any]) -> Any:
    if not path.is_file():
        raise SimError(f"{path.parent}: no {path.name}; is it a directory written by negsim run?")
    try:
        return reader(path)
    except (OSError, ValueError) as exc:
        raise SimError(f"{path}: cannot read: {' '.join(str(exc).split())}") from None


def _json(path: Path) -> Any:
    return _read(path, lambda p: json.loads(p.read_text(encoding="utf-8")))


def _scenario(directory: Path, manifest: Mapping[str, Any]) -> Scenario:
    """The run's scenario, validated again from ``scenario.json`` (quotes against the seeds)."""
    document = _json(directory / SCENARIO)
    path = manifest.get("scenario", {}).get("path")
    return validate(document, path)


def load_run(directory: str | Path) -> ReportData:
    """A run directory's report data; writes ``report-data.json`` first if it is missing."""
    d = Path(directory)
    if not d.is_dir():
        raise SimError(f"{d}: no such directory")
    return _with_tables(d, lambda: _tables(d))


def _tables(d: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _read(d / "runs.parquet", pd.read_parquet), _read(d / "events.parquet", pd.read_parquet)


def _with_tables(d: Path, tables: Callable[[], tuple[pd.DataFrame, pd.DataFrame]]) -> ReportData:
    """A run directory's report data, with the runs and events ``tables()`` gives."""
    summary = _json(d / "summary.json")
    manifest = _json(d / "manifest.json")
    runs, events = tables()
    if (d / DATA).is_file():
        extra = _json(d / DATA)
    else:
        extra = _extra(_scenario(d, manifest), runs, events)
        write_json(d / DATA, extra)
    return ReportData(summary=summary, manifest=manifest, runs=runs, events=events, **extra)


# ---------------------------------------------------------------- figures


def _chosen_stage(data: ReportData) -> dict[str, Any]:
    """The stage game in force when the standoff was settled, else the last one solved."""
    observed = data.info.get("observed")
    if observed is None:
        return data.stages[-1]
    before = [s for s in data.stages if s["hours"] <= observed["hours"]]
    return before[-1] if before else data.stages[0]


def build_figures(data: ReportData) -> dict[str, Any]:
    """Name -> ``plotly.graph_objects.Figure``, in the report's order."""
    info = data.info
    figs = {
        "timeline": F.timeline(info, data.runs, data.events, data.pressure, data.samples),
        "concession": F.concession_times(info, data.runs, data.summary),
        "outcomes": F.outcome_probabilities(info, data.summary),
    }
    if data.stages:
        figs["stage"] = F.stage_game(info, _chosen_stage(data))
        figs["stage_animation"] = F.stage_animation(info, data.stages)
    return figs


def figures(result: RunResult) -> dict[str, Any]:
    """The figures of a run in memory (``RunResult.figures()``)."""
    return build_figures(gather(result))


# ---------------------------------------------------------------- HTML

STYLE = """
body{font:16px/1.5 Arial,Helvetica,sans-serif;color:#111;margin:0;background:#fafafa}
main{max-width:1240px;margin:0 auto;padding:16px 24px 48px;background:#fff}
h1{font-size:1.7em;margin:.4em 0 .2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0;font-size:.95em}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:-1px}
figure{margin:1em 0 2em}figcaption{color:#333;max-width:60em;margin:.3em 0}
.quote{font-style:italic}.seed{color:#555;font-size:.9em}.muted{color:#555}
nav a{margin-right:1em}
"""


def _e(value: object) -> str:
    return html.escape(str(value))


def _sources(item: Mapping[str, Any]) -> str:
    parts = [
        f'<span class="quote">“{_e(e["quote"])}”</span> <span class="seed">({_e(e["seed"])})</span>'
        for e in item.get("evidence") or ()
    ]
    if item.get("assumption"):
        parts.append(f'<span class="muted">Assumption:</span> {_e(item["assumption"])}')
    return "<br>".join(parts) or '<span class="muted">none given</span>'


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """A table from already-escaped cells; columns in ``numeric`` align right."""
    ths = "".join(f"<th>{h}</th>" for h in head)
    trs = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table>"


def _fmt(x: float | None, spec: str = ".1f") -> str:
    return "n/a" if x is None else format(x, spec)


def _summary_html(info: Mapping[str, Any], summary: Mapping[str, Any]) -> str:
    palette = F.colours(info)
    rows = []
    for o in info["outcomes"]:
        s = summary["outcomes"][o["id"]]
        swatch = f'<span class="swatch" style="background:{palette["outcomes"][o["id"]]}"></span>'
        name = swatch + _e(o["name"]) + (" <i>(default)</i>" if o.get("default") else "")
        lo, hi = s["ci95"]
        rows.append([name, f"{s['probability']:.3f}", f"[{lo:.3f}, {hi:.3f}]", str(s["count"])])
    table = _table(["outcome", "probability", "95% interval", "paths"], rows, {1, 2, 3})
    c = summary["concession"]
    q = c["hours_before_deadline"]
    names = {p["id"]: p["name"] for p in info["players"]}
    movers = ", ".join(f"{_e(names.get(k, k))} {v:.3f}" for k, v in summary["first_mover"].items())
    payoffs = ", ".join(
        f"{_e(names.get(k, k))} {v:.3f}" for k, v in summary["expected_payoffs"].items()
    )
    share = c["share_in_last_5pct"]
    return (
        f"{table}<p>Agreements ({c['count']} paths) came a median of {_fmt(q['median'])} h "
        f"before the deadline (5 to 95%: {_fmt(q['q05'])} to {_fmt(q['q95'])} h; window "
        f"{c['window_hours']:.0f} h); {'n/a' if share is None else f'{share:.1%}'} in the last "
        f"5% of the window.</p><p>First to concede: {movers}.</p>"
        f"<p>Expected payoffs: {payoffs}.</p>"
    )


def _backtest_html(info: Mapping[str, Any], summary: Mapping[str, Any]) -> str:
    observed, back = info.get("observed"), summary.get("observed")
    if observed is None or back is None:
        return "<p>The scenario records no observed outcome.</p>"
    s = summary["outcomes"][observed["outcome"]]
    pct = back["timing_percentile"]
    timing = (
        "no simulated path ended this way, so there is no timing to compare"
        if pct is None
        else f"{pct:.1f}% of the simulated paths that ended this way were decided at most "
        f"{back['hours_before_deadline']:.1f} h before the deadline"
    )
    return (
        f"<p>Observed: <b>{_e(observed['name'])}</b>, at {_e(observed['at'])} "
        f"({back['hours_before_deadline']:.1f} h before the deadline).</p>"
        f"<p>Model: probability {back['probability']:.3f} (95% interval "
        f"[{s['ci95'][0]:.3f}, {s['ci95'][1]:.3f}]); {timing}.</p>"
        f"<p>Sources: {_sources(observed)}</p>"
    )


def _parameters_html(info: Mapping[str, Any]) -> str:
    rows = [
        [
            f"<code>{_e(p['name'])}</code>",
            f"{p['value']:g}",
            _e(p["unit"]),
            _e(p["description"]),
            _sources(p),
        ]
        for p in info["parameters"]
    ]
    if not rows:
        return "<p>The scenario has no named parameters.</p>"
    return _table(["parameter", "value", "unit", "description", "evidence"], rows, {1})


def _events_html(info: Mapping[str, Any]) -> str:
    if not info.get("pressure"):
        return "<p>This scenario has no outside pressure.</p>"
    rows = [
        [_e(p["at"]), f"{p['level']:g}", _e(p["event"]), _sources(p)]
        for p in info["pressure"]["points"]
    ]
    return _table(["date", "level", "event", "evidence"], rows, {1})


def _provenance_html(manifest: Mapping[str, Any]) -> str:
    sc = manifest.get("scenario", {})
    over = manifest.get("overrides") or {}
    items = [
        ("scenario file", sc.get("path")),
        ("scenario sha256", sc.get("sha256")),
        ("paths", manifest.get("runs")),
        ("rng seed", manifest.get("rng_seed")),
        ("overrides", ", ".join(f"{k}={v:g}" for k, v in over.items()) or "none"),
        ("negsim", manifest.get("negsim_version")),
        ("run created", manifest.get("created")),
        ("libraries", ", ".join(f"{k} {v}" for k, v in manifest.get("libraries", {}).items())),
    ]
    return _table(["", ""], [[_e(k), _e(v)] for k, v in items], set())


def _figure_html(name: str, fig: Any) -> str:
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        auto_play=False,
        div_id=f"fig-{name}",
        config=PLOTLY_CONFIG,
    )
    caption = f"<figcaption>{CAPTIONS.get(name, '')}</figcaption>"
    return f'<figure id="{name}"><h2>{TITLES.get(name, name)}</h2>{div}{caption}</figure>'


def _page(title: str, body: str, built: datetime) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style>"
        "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
        f"<script>{plotly.offline.get_plotlyjs()}</script>\n"
        f'</head><body><main>{body}<hr><p class="muted">Built by negsim on '
        f'<span id="built">{built.isoformat(timespec="seconds")}</span>; works offline.</p>'
        "</main></body></html>\n"
    )


def render(data: ReportData, figs: Mapping[str, Any], built: datetime) -> str:
    """The whole report as one self-contained HTML page."""
    info = data.info
    nav = " ".join(
        f'<a href="#{k}">{v}</a>'
        for k, v in (
            ("summary", "Summary"),
            ("backtest", "Backtest"),
            *((name, TITLES.get(name, name)) for name in figs),
            ("parameters", "Parameters"),
        )
    )
    body = (
        f'<h1>{_e(info["name"])}</h1><p class="muted">Scenario <code>{_e(info["id"])}</code>'
        f", {_e(info['start'])} to the deadline {_e(info['deadline'])}; "
        f"{data.summary['runs']} simulated paths.</p>"
        f"<p>{_e(info['description'])}</p><p>Sources: {_sources(info)}</p><nav>{nav}</nav>"
        f'<section id="summary"><h2>Summary</h2>{_summary_html(info, data.summary)}</section>'
        f'<section id="backtest"><h2>Backtest</h2>{_backtest_html(info, data.summary)}</section>'
        + "".join(_figure_html(name, fig) for name, fig in figs.items())
        + f'<section id="parameters"><h2>Parameters</h2>{_parameters_html(info)}'
        f"<h3>Dated pressure events</h3>{_events_html(info)}</section>"
        f'<section id="provenance"><h2>Provenance</h2>{_provenance_html(data.manifest)}</section>'
    )
    return _page(f"{_e(info['name'])}: negsim report", body, built)


def _write_text(path: Path, text: str) -> Path:
    return atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def rebuild(directory: str | Path) -> Path:
    """Write ``DIR/report.html`` from the files in a run directory; returns its path."""
    return _write_report(Path(directory), load_run(directory))


def write_report(result: RunResult, directory: str | Path) -> Path:
    """Write ``report-data.json`` and ``report.html`` for a run already written to DIR.

    The report is drawn from the directory's JSON files, as ``negsim report DIR`` draws it,
    and from the run's tables in memory, which are the directory's Parquet files.
    """
    d = Path(directory)
    write_json(d / DATA, gather(result).extra())
    return _write_report(d, _with_tables(d, lambda: (result.runs, result.events)))


def _write_report(directory: Path, data: ReportData) -> Path:
    text = render(data, build_figures(data), datetime.now(UTC))
    return _write_text(directory / REPORT, text)


# ---------------------------------------------------------------- comparing runs


def _labels(dirs: Sequence[Path], datas: Sequence[ReportData]) -> list[str]:
    """Scenario id plus the numbers that differ from the baseline (the first run)."""
    base = datas[0].manifest.get("parameters") or {}
    labels = []
    for data in datas:
        params = data.manifest.get("parameters") or {}
        changed = {k: v for k, v in params.items() if k in base and base[k] != v}
        changed.update(data.manifest.get("overrides") or {})
        shown = [f"{k}={v:g}" for k, v in list(changed.items())[:MAX_LABEL_CHANGES]]
        if len(changed) > MAX_LABEL_CHANGES:
            shown.append(f"{len(changed) - MAX_LABEL_CHANGES} more")
        labels.append(data.info["id"] + (f" ({', '.join(shown)})" if shown else ""))
    if len(set(labels)) < len(labels):
        labels = [f"{label} [{d.name}]" for label, d in zip(labels, dirs, strict=True)]
    return labels


def compare(directories: Sequence[str | Path], out: str | Path) -> Path:
    """Write an HTML page comparing several runs (the first is the baseline)."""
    dirs = [Path(d) for d in directories]
    if len(dirs) < 2:
        raise SimError("compare needs at least two run directories")
    datas = [load_run(d) for d in dirs]
    labels = _labels(dirs, datas)
    fig = F.comparison(
        [
            {"label": label, "info": d.info, "summary": d.summary}
            for label, d in zip(labels, datas, strict=True)
        ]
    )
    rows = [
        [_e(label), _e(d.info["name"]), _e(dir_), str(d.summary["runs"])]
        + [
            f"{d.summary['outcomes'][o['id']]['probability']:.3f}"
            if o["id"] in d.summary["outcomes"]
            else "n/a"
            for o in datas[0].info["outcomes"]
        ]
        for label, d, dir_ in zip(labels, datas, dirs, strict=True)
    ]
    head = ["run", "scenario", "directory", "paths"] + [
        _e(o["name"]) for o in datas[0].info["outcomes"]
    ]
    body = (
        "<h1>Baseline and counterfactuals</h1>"
        + _table(head, rows, set(range(3, len(head))))
        + _figure_html("comparison", fig)
    )
    return _write_text(Path(out), _page("negsim comparison", body, datetime.now(UTC)))


# ---------------------------------------------------------------- static export


def find_chrome() -> str | None:
    """A Chrome or Chromium executable that kaleido can drive, or None."""
    for name in CHROME_NAMES:
        found = shutil.which(name)
        if found:
            return found
    try:
        from choreographer.browsers.chromium import Chromium

        found = Chromium.find_browser(skip_local=False)
    except Exception:  # any failure means "not found"
        return None
    return str(found) if found else None


def export(directory: str | Path, fmt: str) -> list[Path]:
    """Write each figure of a run as ``DIR/figures/<name>.<fmt>`` through kaleido."""
    if fmt not in FORMATS:
        raise SimError(f"--format {fmt}: must be one of {', '.join(FORMATS)}")
    d = Path(directory)
    report = d / REPORT
    chrome = find_chrome()
    if chrome is None:
        raise SimError(
            "static export needs Chrome or Chromium (apt-get install chromium); "
            f"the HTML report is at {report}"
        )
    try:
        import kaleido
    except ImportError:
        raise SimError(
            "static export needs kaleido (pip install 'negsim[browser]'); "
            f"the HTML report is at {report}"
        ) from None
    figs = build_figures(load_run(d))
    out = d / "figures"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        specs = [
            {
                "fig": fig.to_dict(),
                "path": Path(tmp) / f"{name}.{fmt}",
                "opts": {"format": fmt, "width": EXPORT_WIDTH, "height": fig.layout.height},
            }
            for name, fig in figs.items()
        ]
        try:
            kaleido.write_fig_from_object_sync(specs, kopts={"path": chrome, "mathjax": False})
        except Exception as exc:  # kaleido and the browser raise many kinds
            detail = " ".join(str(exc).split())[:200]
            raise SimError(
                f"static export failed ({type(exc).__name__}: {detail}); "
                f"the HTML report is at {report}"
            ) from None
        written = []
        for spec in specs:
            target = out / spec["path"].name
            os.replace(spec["path"], target)
            written.append(target)
    return written
