"""The standoff over time: pressure, who has conceded, and sample paths."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.report.figures._style import (
    FAINT,
    INK,
    SAMPLE_PATHS,
    apply_style,
    clock,
    colours,
    escape,
    evidence_text,
    player_names,
    wrap,
    zone,
)

__all__ = [
    "concession_hours",
    "sample_runs",
    "timeline",
]


def sample_runs(runs: pd.DataFrame, info: Mapping[str, Any], k: int = SAMPLE_PATHS) -> list[int]:
    """A few paths to draw: the first path of each outcome, then the lowest run indices."""
    chosen: list[int] = []
    for o in info["outcomes"]:
        hits = runs.loc[runs["outcome"] == o["id"], "run"]
        if len(hits) and len(chosen) < k:
            chosen.append(int(hits.min()))
    for r in sorted(int(x) for x in runs["run"]):
        if len(chosen) >= k:
            break
        if r not in chosen:
            chosen.append(r)
    return sorted(chosen)


def concession_hours(events: pd.DataFrame, player: Mapping[str, Any]) -> dict[int, float]:
    """Hours since the start at which each path's player first chose a concession."""
    acts = events[
        (events["event"] == "action")
        & (events["actor"] == player["id"])
        & (events["details"].isin(list(player["concessions"])))
    ]
    first = acts.groupby("run")["hours"].min()
    return {int(r): float(h) for r, h in first.items()}


def timeline(
    info: Mapping[str, Any],
    runs: pd.DataFrame,
    events: pd.DataFrame,
    pressure: Mapping[str, Any],
    samples: Sequence[int] | None = None,
) -> go.Figure:
    """The episode: pressure and dated events, who has conceded by when, sample paths.

    Panels share the time axis (wall-clock time in the scenario's zone): the pressure series
    with the dated events (hover: the event and its evidence quotes) and the realised
    pressure of the sample paths (omitted when the scenario has no pressure); each player's
    probability of having conceded by time t across paths; and a few sample paths with each
    player's actions and how they ended. The deadline (and the observed settlement, when
    known) are vertical lines; buttons zoom to the last day or week.
    """
    samples = list(samples) if samples is not None else sample_runs(runs, info)
    titles = [
        "share of paths in which each player has conceded",
        f"sample paths ({len(samples)} of {len(runs)})",
    ]
    has_pressure = bool(info.get("pressure"))
    if has_pressure:
        titles.insert(0, escape(info["pressure"]["name"]))
    rows = len(titles)
    fig = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.38, 0.32, 0.30][-rows:],
        subplot_titles=titles,
    )
    panels = [_conceded_traces(info, runs, events), _path_traces(info, runs, events, samples)]
    if has_pressure:
        panels.insert(0, _pressure_traces(info, pressure, samples))
        fig.update_yaxes(title_text="pressure level (1 = peak)", rangemode="tozero", row=1)
    for row, traces in enumerate(panels, start=1):
        fig.add_traces(traces, rows=row, cols=1)
    fig.update_yaxes(title_text="probability", range=[-0.02, 1.05], row=rows - 1)
    fig.update_yaxes(title_text="path", type="category", row=rows)
    fig.update_xaxes(title_text=f"date and time ({zone(info)})", row=rows)
    fig.update_layout(updatemenus=[_zoom_buttons(info, rows)])
    _deadline_marks(fig, info, f"x{rows}")
    title = f"{escape(info['name'])}: the standoff as it unfolds"
    return apply_style(fig, title, 860 if has_pressure else 640, bottom=170)


#: Room after the deadline in a zoomed view, as a share of its span (markers at the deadline
#: stay visible).
ZOOM_PAD = 0.02

#: The zoom buttons: label and hours before the deadline (``None``: the whole window).
ZOOMS: tuple[tuple[str, float | None], ...] = (
    ("last day", 24.0),
    ("last week", 24.0 * 7),
    ("whole window", None),
)


def _zoom_ranges(info: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Each zoom button's time range: it ends just after the deadline (not at the latest date
    plotted, as plotly's range selector does) and starts a day, a week, or the window before
    it (never before the start)."""
    end = float(info["window_hours"])
    out = {}
    for label, back in ZOOMS:
        start = max(0.0, end - back) if back is not None else 0.0
        lo, hi = clock(info, [start, end + ZOOM_PAD * (end - start)])
        out[label] = (lo.isoformat(), hi.isoformat())
    return out


def _zoom_buttons(info: Mapping[str, Any], rows: int) -> dict[str, Any]:
    axes = ["xaxis"] + [f"xaxis{i}" for i in range(2, rows + 1)]
    buttons = [
        {
            "label": label,
            "method": "relayout",
            "args": [{f"{a}.range": list(span) for a in axes}],
        }
        for label, span in _zoom_ranges(info).items()
    ]
    return {
        "type": "buttons",
        "direction": "left",
        "buttons": buttons,
        "showactive": False,
        "x": 1.0,
        "xanchor": "right",
        "y": 1.06,
        "yanchor": "bottom",
        "pad": {"r": 0, "t": 0},
    }


def _pressure_traces(
    info: Mapping[str, Any], pressure: Mapping[str, Any], samples: Sequence[int]
) -> list[Any]:
    if not info.get("pressure"):
        return []
    name = escape(info["pressure"]["name"])
    hours = np.asarray(pressure["hours"], dtype=float)
    level = np.asarray(pressure["level"], dtype=float)
    traces: list[Any] = []
    xs: list[Any] = []
    ys: list[Any] = []
    for run in samples:
        path = pressure.get("paths", {}).get(str(run))
        if path:
            xs += [*clock(info, path["hours"]), None]
            ys += [*path["level"], None]
    if xs:
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": FAINT, "width": 1},
                name="realised pressure (sample paths)",
                hoverinfo="skip",
            )
        )
    traces.append(
        go.Scatter(
            x=clock(info, hours),
            y=level,
            mode="lines",
            line={"color": INK, "width": 2.5},
            name=f"{name} (scheduled)",
            hovertemplate="%{x|%Y-%m-%d %H:%M}: %{y:.2f}<extra></extra>",
        )
    )
    traces.append(_event_trace(info, hours, level))
    return traces


def _event_trace(info: Mapping[str, Any], hours: np.ndarray, level: np.ndarray) -> Any:
    points = info["pressure"]["points"]
    at = np.array([p["hours"] for p in points], dtype=float)
    text = []
    for p, when in zip(points, clock(info, at), strict=True):
        head = f"<b>{when:%Y-%m-%d %H:%M}</b>: {wrap(p.get('event') or 'pressure level')}"
        text.append(f"{head}<br>{evidence_text(p)}")
    return go.Scatter(
        x=clock(info, at),
        y=np.interp(at, hours, level) if hours.size else [p["level"] for p in points],
        mode="markers",
        marker={"symbol": "diamond", "size": 12, "color": INK, "line": {"color": "white"}},
        name="dated events (hover for the evidence)",
        hovertext=text,
        hovertemplate="%{hovertext}<extra></extra>",
        meta="events",
    )


def _ecdf(
    info: Mapping[str, Any], times: Sequence[float], n: int
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """A step function: share of ``n`` paths with a time at or before t, over the window."""
    t = np.sort(np.asarray(times, dtype=float))
    x = np.concatenate([[0.0], t, [info["window_hours"]]])
    y = np.concatenate([[0.0], np.arange(1, t.size + 1) / max(n, 1), [t.size / max(n, 1)]])
    return clock(info, x), y


def _conceded_traces(
    info: Mapping[str, Any], runs: pd.DataFrame, events: pd.DataFrame
) -> list[Any]:
    palette = colours(info)["players"]
    traces = []
    for p in info["players"]:
        x, y = _ecdf(info, list(concession_hours(events, p).values()), len(runs))
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                line={"color": palette[p["id"]], "width": 2.5, "shape": "hv"},
                name=escape(p["name"]),
                legendgroup=f"player:{p['id']}",
                hovertemplate=f"{escape(p['name'])} has conceded by %{{x|%Y-%m-%d %H:%M}}: "
                "%{y:.1%} of paths<extra></extra>",
            )
        )
    default = next((o["id"] for o in info["outcomes"] if o.get("default")), None)
    agreed = runs.loc[runs["outcome"] != default, "hours_before_deadline"].dropna()
    x, y = _ecdf(info, (info["window_hours"] - agreed).tolist(), len(runs))
    traces.append(
        go.Scatter(
            x=x,
            y=y,
            mode="lines",
            line={"color": INK, "width": 1.5, "dash": "dot", "shape": "hv"},
            name="agreement reached",
            hovertemplate="agreement reached by %{x|%Y-%m-%d %H:%M}: %{y:.1%} of paths"
            "<extra></extra>",
        )
    )
    return traces


def _path_traces(
    info: Mapping[str, Any], runs: pd.DataFrame, events: pd.DataFrame, samples: Sequence[int]
) -> list[Any]:
    names, palette = player_names(info), colours(info)
    labels = {r: f"path {r}" for r in samples}
    ends = _path_ends(info, runs, events, samples)
    span_x: list[Any] = []
    span_y: list[Any] = []
    for r in samples:
        span_x += [*clock(info, [0.0, ends[r][0]]), None]
        span_y += [labels[r], labels[r], None]
    traces: list[Any] = [
        go.Scatter(
            x=span_x,
            y=span_y,
            mode="lines",
            line={"color": FAINT, "width": 2},
            showlegend=False,
            hoverinfo="skip",
        )
    ]
    traces += _action_traces(info, events, samples, labels)
    for o in info["outcomes"]:
        mine = [r for r in samples if ends[r][1] == o["id"]]
        if not mine:
            continue
        traces.append(
            go.Scatter(
                x=clock(info, [ends[r][0] for r in mine]),
                y=[labels[r] for r in mine],
                mode="markers",
                marker={"symbol": "star", "size": 16, "color": palette["outcomes"][o["id"]]},
                name=escape(names[o["id"]]),
                legendgroup=f"outcome:{o['id']}",
                hovertemplate=f"%{{y}} ends: {wrap(names[o['id']])}<br>"
                "%{x|%Y-%m-%d %H:%M}<extra></extra>",
            )
        )
    return traces


def _path_ends(
    info: Mapping[str, Any], runs: pd.DataFrame, events: pd.DataFrame, samples: Sequence[int]
) -> dict[int, tuple[float, str]]:
    """When each sample path ended (its outcome took effect, or the deadline) and how."""
    done = events[events["event"].isin(["takes_effect", "default"])]
    last = done.groupby("run")["hours"].max()
    ends = dict(zip(last.index.astype(int), last.to_numpy(dtype=float), strict=True))
    outcome = dict(zip(runs["run"].astype(int), runs["outcome"].astype(str), strict=True))
    return {r: (ends.get(r, info["window_hours"]), outcome[r]) for r in samples}


def _action_traces(
    info: Mapping[str, Any],
    events: pd.DataFrame,
    samples: Sequence[int],
    labels: Mapping[int, str],
) -> list[Any]:
    palette = colours(info)["players"]
    acts = events[(events["event"] == "action") & (events["run"].isin(list(samples)))]
    traces = []
    for p in info["players"]:
        mine = acts[acts["actor"] == p["id"]]
        concede = mine["details"].isin(list(p["concessions"]))
        traces.append(
            go.Scatter(
                x=clock(info, mine["hours"]),
                y=[labels[int(r)] for r in mine["run"]],
                mode="markers",
                marker={
                    "color": palette[p["id"]],
                    "size": 11,
                    "symbol": np.where(concede, "triangle-down", "circle").tolist(),
                    "line": {"color": "white", "width": 1},
                },
                name=f"{escape(p['name'])}: action (▼ concession)",
                legendgroup=f"player:{p['id']}",
                showlegend=False,
                hovertext=[f"{escape(p['name'])}: {escape(a)}" for a in mine["details"]],
                hovertemplate="%{y}, %{x|%Y-%m-%d %H:%M}<br>%{hovertext}<extra></extra>",
            )
        )
    return traces


def _deadline_marks(fig: go.Figure, info: Mapping[str, Any], xref: str) -> None:
    """Vertical lines through all panels: the deadline, and the observed settlement."""
    marks = [(info["window_hours"], "deadline", "dash")]
    observed = info.get("observed")
    if observed:
        marks.append((observed["hours"], "observed", "dot"))
    for hours, label, dash in marks:
        x = clock(info, [hours])[0]
        fig.add_shape(
            type="line",
            xref=xref,
            yref="paper",
            x0=x,
            x1=x,
            y0=0,
            y1=1,
            line={"color": INK, "width": 1.5, "dash": dash},
        )
        fig.add_annotation(
            x=x,
            xref=xref,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            xanchor="right" if label == "observed" else "left",
            text=label,
            showarrow=False,
            font={"size": 12},
        )
