"""The offline HTML report of a run: ``report.html`` from the run's data and figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.io import write_json, write_text
from sim.report import figures as F
from sim.report._data import DATA, ReportData, RunLike, gather, load_run, with_tables
from sim.report._html import (
    REPORT,
    TITLES,
    esc,
    figure_html,
    fmt,
    html_table,
    page,
    sources,
)
from sim.simulate import KNIFE_EDGE

__all__ = ["build_figures", "figures", "rebuild", "render", "write_report"]


#: What the report shows in place of the figures drawn from the event log, for a run made
#: without it.
NO_EVENTS = (
    '<p id="no-events">No event log: this run was made without one (<code>negsim run '
    "--no-events</code>), so the timeline of pressure, concessions and sample paths, which "
    "is drawn from <code>events.parquet</code>, is left out.</p>"
)


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
    figs: dict[str, Any] = {}
    if data.events is not None:  # else a run without its event log: the report says so
        figs["timeline"] = F.timeline(info, data.runs, data.events, data.pressure, data.samples)
    figs["concession"] = F.concession_times(info, data.runs, data.summary)
    figs["outcomes"] = F.outcome_probabilities(info, data.summary)
    if "uncertainty" in data.summary and "draw" in data.runs:
        figs["per_draw"] = F.per_draw_probabilities(info, data.summary, data.runs)
        figs["tornado"] = F.tornado(info, data.summary, data.runs)
        if data.tipping is not None:
            drawn = list(data.summary["uncertainty"]["parameters"])
            figs["tipping"] = F.tipping_distances(drawn, data.tipping, KNIFE_EDGE)
    if data.stages:
        chosen = _chosen_stage(data)
        figs["stage"] = F.stage_game(info, chosen)
        figs["stage_animation"] = F.stage_animation(info, data.stages)
        if "branch" in chosen:  # the logit concept
            figs["qre_branch"] = F.qre_branch(info, chosen)
    return figs


def figures(result: RunLike) -> dict[str, Any]:
    """The figures of a run in memory (``RunResult.figures()``)."""
    return build_figures(gather(result))


def _knife_edge_html(tipping: Sequence[Mapping[str, Any]] | None) -> str:
    """The knife-edge line of a drawn run: each flip within :data:`KNIFE_EDGE` of its range
    from the point value; a line saying there is none otherwise; nothing for a fixed run."""
    if tipping is None:
        return ""
    near = [r for r in tipping if r["distance"] <= KNIFE_EDGE]
    if not near:
        return (
            f"<p>No drawn parameter has a tipping point within {KNIFE_EDGE:.0%} of its range "
            "of its point value (one at a time, the others at theirs).</p>"
        )
    flips = "; ".join(
        f"<code>{esc(r['parameter'])}</code> {r['value']:g} flips at {r['at']:.4g} "
        f"({r['distance']:.1%} of its range away): {esc(r['changes'])}"
        for r in near
    )
    return (
        f'<p id="knife-edge"><b>Knife edge:</b> {flips}. Within {KNIFE_EDGE:.0%} of the '
        "declared range of the point value, one parameter at a time with the others at "
        "theirs, the outcome changes; the fixed run's conclusion rests on these values "
        '(<a href="#tipping">tipping points</a>, docs/uncertainty.md).</p>'
    )


def _summary_html(info: Mapping[str, Any], summary: Mapping[str, Any]) -> str:
    palette = F.colours(info)
    rows = []
    for o in info["outcomes"]:
        s = summary["outcomes"][o["id"]]
        swatch = f'<span class="swatch" style="background:{palette["outcomes"][o["id"]]}"></span>'
        name = swatch + esc(o["name"]) + (" <i>(default)</i>" if o.get("default") else "")
        lo, hi = s["ci95"]
        rows.append([name, f"{s['probability']:.3f}", f"[{lo:.3f}, {hi:.3f}]", str(s["count"])])
    heads = ["outcome", "probability", "95% interval", "paths"]
    split = summary.get("uncertainty", {}).get("outcomes")
    if split:
        heads = [*heads, "95% interval by draw", "per-draw 5 to 95%", "parameters' share"]
        for row, o in zip(rows, info["outcomes"], strict=True):
            u = split[o["id"]]
            share = u["share_parameters"]
            row += [
                f"[{u['ci95'][0]:.3f}, {u['ci95'][1]:.3f}]",
                f"[{u['per_draw_q05']:.3f}, {u['per_draw_q95']:.3f}]",
                "n/a (never varied)" if share is None else f"{share:.0%}",
            ]
    table = _drawn_line(summary) + html_table(heads, rows, set(range(1, len(heads))))
    c = summary["concession"]
    q = c["hours_before_deadline"]
    names = {p["id"]: p["name"] for p in info["players"]}
    movers = ", ".join(f"{esc(names.get(k, k))} {v:.3f}" for k, v in summary["first_mover"].items())
    counted = "; ".join(
        f"{esc(p['name'])}: {', '.join(esc(a) for a in p['concessions'])}" for p in info["players"]
    )
    payoffs = ", ".join(
        f"{esc(names.get(k, k))} {v:.3f}" for k, v in summary["expected_payoffs"].items()
    )
    share = c["share_in_last_5pct"]
    return (
        f"{table}<p>Agreements ({c['count']} paths) came a median of {fmt(q['median'])} h "
        f"before the deadline (5 to 95%: {fmt(q['q05'])} to {fmt(q['q95'])} h; window "
        f"{c['window_hours']:.0f} h); {'n/a' if share is None else f'{share:.1%}'} in the last "
        f"5% of the window.</p><p>First to play a concession action ({counted}; whether "
        f"or not it ended the standoff): {movers}.</p>"
        f"<p>Expected payoffs: {payoffs}.</p>"
    )


def _drawn_line(summary: Mapping[str, Any]) -> str:
    u = summary.get("uncertainty")
    if u is None:
        return ""
    names = ", ".join(f"<code>{esc(n)}</code>" for n in u["parameters"])
    return (
        f"<p><b>Drawn:</b> {u['draws']} {esc(u['sampler'])} draws of {names}, each with its "
        "share of the paths; the binomial interval counts paths as independent, the interval "
        "by draw does not. The parameters' share is the part of the outcome's variance the "
        "draws explain (law of total variance); the rest is the shocks'.</p>"
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
        f"<p>Observed: <b>{esc(observed['name'])}</b>, at {esc(observed['at'])} "
        f"({back['hours_before_deadline']:.1f} h before the deadline).</p>"
        f"<p>Model: probability {back['probability']:.3f} (95% interval "
        f"[{s['ci95'][0]:.3f}, {s['ci95'][1]:.3f}]); {timing}.</p>"
        f"<p>Sources: {sources(observed)}</p>"
    )


def _parameters_html(info: Mapping[str, Any]) -> str:
    rows = [
        [
            f"<code>{esc(p['name'])}</code>",
            f"{p['value']:g}",
            esc(p["unit"]),
            esc(p["description"]),
            sources(p),
        ]
        for p in info["parameters"]
    ]
    if not rows:
        return "<p>The scenario has no named parameters.</p>"
    return html_table(["parameter", "value", "unit", "description", "evidence"], rows, {1})


def _events_html(info: Mapping[str, Any]) -> str:
    if not info.get("pressure"):
        return "<p>This scenario has no outside pressure.</p>"
    rows = [
        [esc(p["at"]), f"{p['level']:g}", esc(p["event"]), sources(p)]
        for p in info["pressure"]["points"]
    ]
    return html_table(["date", "level", "event", "evidence"], rows, {1})


def _provenance_html(manifest: Mapping[str, Any]) -> str:
    run = manifest.get("parameters", {})
    sc = run.get("scenario", {})
    over = run.get("overrides") or {}
    env = manifest.get("environment", {})
    libraries = env.get("libraries", {})
    system = env.get("os", {})
    items = [
        ("scenario file", sc.get("path")),
        ("scenario sha256", sc.get("sha256")),
        ("paths", run.get("runs")),
        ("rng seed", run.get("rng_seed")),
        ("overrides", ", ".join(f"{k}={v:g}" for k, v in over.items()) or "none"),
        ("negsim", manifest.get("software", {}).get("version")),
        ("run created", manifest.get("timestamp")),
        ("python", env.get("python", {}).get("version")),
        ("machine", f"{system.get('system', '')} {system.get('machine', '')}".strip()),
        ("libraries", ", ".join(f"{k} {v.get('version')}" for k, v in libraries.items())),
    ]
    return html_table(["", ""], [[esc(k), esc(v)] for k, v in items], set())


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
        f'<h1>{esc(info["name"])}</h1><p class="muted">Scenario <code>{esc(info["id"])}</code>'
        f", {esc(info['start'])} to the deadline {esc(info['deadline'])}; "
        f"{data.summary['runs']} simulated paths.</p>"
        f"<p>{esc(info['description'])}</p><p>Sources: {sources(info)}</p><nav>{nav}</nav>"
        f'<section id="summary"><h2>Summary</h2>{_knife_edge_html(data.tipping)}'
        f"{_summary_html(info, data.summary)}</section>"
        f'<section id="backtest"><h2>Backtest</h2>{_backtest_html(info, data.summary)}</section>'
        + (NO_EVENTS if data.events is None else "")
        + "".join(figure_html(name, fig) for name, fig in figs.items())
        + f'<section id="parameters"><h2>Parameters</h2>{_parameters_html(info)}'
        f"<h3>Dated pressure events</h3>{_events_html(info)}</section>"
        f'<section id="provenance"><h2>Provenance</h2>{_provenance_html(data.manifest)}</section>'
    )
    return page(f"{esc(info['name'])}: negsim report", body, built)


def rebuild(directory: str | Path) -> Path:
    """Write ``DIR/report.html`` from the files in a run directory; returns its path."""
    return _write_report(Path(directory), load_run(directory))


def write_report(result: RunLike, directory: str | Path) -> Path:
    """Write ``report-data.json`` and ``report.html`` for a run already written to DIR.

    The report is drawn from the directory's JSON files, as ``negsim report DIR`` draws it,
    and from the run's tables in memory, which are the directory's Parquet files.
    """
    d = Path(directory)
    write_json(d / DATA, gather(result).extra())
    return _write_report(d, with_tables(d, lambda: (result.runs, result.events)))


def _write_report(directory: Path, data: ReportData) -> Path:
    text = render(data, build_figures(data), datetime.now(UTC))
    return write_text(directory / REPORT, text)
