"""Interactive figures of a run: plain data in, ``plotly.graph_objects.Figure`` out.

This module reads results only. It imports plotly, numpy and pandas, never the model
(:mod:`sim.report` gathers the data from a run and calls these functions). No function here
shows a figure or writes a file.

The data it takes:

``info``
    A plain dict describing the scenario: ``id``, ``name``, ``description``, ``start`` and
    ``deadline`` (ISO datetimes), ``window_hours``; ``players`` (row player first), each
    ``{"id", "name", "actions", "concessions"}``; ``outcomes``, each ``{"id", "name",
    "default"}``; ``pressure`` (None or ``{"name", "actor", "points"}``, each point ``{"at",
    "hours", "level", "event", "evidence": [{"seed", "quote"}], "assumption"}``);
    ``parameters`` (``{"name", "value", "unit", "description", "evidence", "assumption"}``);
    ``observed`` (None or ``{"outcome", "name", "at", "hours", "evidence", "assumption"}``).
``summary``
    The content of ``summary.json``.
``runs``, ``events``
    The ``runs.parquet`` and ``events.parquet`` tables.
``pressure``
    The pressure series sampled in hours since the start: ``{"hours", "level", "paths"}``,
    ``paths`` mapping a run index (as a string) to that path's realised ``{"hours", "level"}``.
``stage``
    One stage game in the shape of ``SolveResult.to_dict()`` (``hours_before_deadline``,
    ``datetime``, ``pressure``, ``stage_game``, ``equilibria``, ``selected``).

Every string that comes from a scenario file goes through :func:`escape` before Plotly sees
it, because Plotly renders some HTML tags in titles, labels and hover text.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = [
    "OKABE_ITO",
    "colours",
    "comparison",
    "concession_times",
    "escape",
    "outcome_probabilities",
    "sample_runs",
    "stage_animation",
    "stage_game",
    "timeline",
]

#: The Okabe-Ito palette (colour-blind safe), as in R's ``palette.colors("Okabe-Ito")``.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
#: Row player, column player.
PLAYER_COLOURS = (OKABE_ITO["vermillion"], OKABE_ITO["blue"])
#: Outcomes that end the game by agreement, in the scenario's order (cycled if more).
OUTCOME_COLOURS = tuple(OKABE_ITO[k] for k in ("green", "orange", "purple", "sky_blue", "yellow"))
#: The default outcome (nothing agreed by the deadline).
DEFAULT_OUTCOME_COLOUR = OKABE_ITO["grey"]
#: Pressure, events, the deadline and other reference marks.
INK = OKABE_ITO["black"]
FAINT = "#BBBBBB"
#: The low end of the payoff colour scales (a white would hide the cell).
LIGHT = "#F4F4F4"
#: Slider steps jump; the play button steps through the frames.
STEP = {
    "frame": {"duration": 0, "redraw": True},
    "mode": "immediate",
    "transition": {"duration": 0},
}
PLAY = {
    "frame": {"duration": 900, "redraw": True},
    "fromcurrent": True,
    "transition": {"duration": 0},
}

TEMPLATE = "plotly_white"
FONT = {"family": "Arial, Helvetica, sans-serif", "size": 14}
WRAP = 60
SAMPLE_PATHS = 5
LINEAR_BINS = 48
LOG_BINS = 40
#: Strategy probabilities below this are not drawn as part of an equilibrium's support.
SUPPORT_TOLERANCE = 1e-9
PAYOFF_UNIT = "payoff (utility units)"


# ---------------------------------------------------------------- shared helpers


def escape(text: object) -> str:
    """Scenario text made safe for Plotly: ``<``, ``>`` and ``&`` become entities."""
    return html.escape(str(text), quote=False)


def _wrap(text: object, width: int = WRAP) -> str:
    """Escaped text with ``<br>`` line breaks every ``width`` characters or so."""
    lines = textwrap.wrap(str(text), width) or [""]
    return "<br>".join(escape(line) for line in lines)


def colours(info: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """One colour per player and per outcome, the same in every figure.

    Returns ``{"players": {id: colour}, "outcomes": {id: colour}}``: the row player is
    vermillion and the column player blue; agreements take green, orange, purple, sky blue
    and yellow in the scenario's order, and the default outcome is grey.
    """
    players = {p["id"]: PLAYER_COLOURS[i % 2] for i, p in enumerate(info["players"])}
    outcomes: dict[str, str] = {}
    agreements = 0
    for o in info["outcomes"]:
        if o.get("default"):
            outcomes[o["id"]] = DEFAULT_OUTCOME_COLOUR
        else:
            outcomes[o["id"]] = OUTCOME_COLOURS[agreements % len(OUTCOME_COLOURS)]
            agreements += 1
    return {"players": players, "outcomes": outcomes}


def _names(info: Mapping[str, Any]) -> dict[str, str]:
    """Display names of players and outcomes by id (unescaped)."""
    return {x["id"]: x["name"] for x in (*info["players"], *info["outcomes"])}


def _zone(info: Mapping[str, Any]) -> str:
    offset = pd.Timestamp(info["start"]).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _clock(info: Mapping[str, Any], hours: Any) -> pd.DatetimeIndex:
    """Hours since the start as wall-clock datetimes in the scenario's time zone."""
    start = pd.Timestamp(info["start"])
    when = start + pd.to_timedelta(np.asarray(hours, dtype=float), unit="h")
    return pd.DatetimeIndex(when).tz_localize(None)


def _style(
    fig: go.Figure,
    title: str,
    height: int,
    subtitle: str | None = None,
    bottom: int = 150,
) -> go.Figure:
    """Title, template, font and legend (at the bottom, below the x axis) of every figure."""
    heading: dict[str, Any] = {"text": title, "x": 0.01, "xanchor": "left"}
    if subtitle:
        heading["subtitle"] = {"text": subtitle, "font": {"size": 13}}
    fig.update_layout(
        title=heading,
        template=TEMPLATE,
        font=FONT,
        height=height,
        margin={"l": 90, "r": 40, "t": 110 if subtitle else 80, "b": bottom},
        legend={
            "orientation": "h",
            "xref": "container",
            "yref": "container",
            "x": 0.01,
            "y": 0.01,
            "xanchor": "left",
            "yanchor": "bottom",
        },
        hoverlabel={"align": "left"},
    )
    return fig


def hours_label(hours: float) -> str:
    """``2,208 h``, ``10.2 h``, ``0.6 h``: hours before the deadline, readable."""
    return f"{hours:,.0f} h" if abs(hours) >= 100 else f"{hours:.3g} h"


def _evidence_text(item: Mapping[str, Any]) -> str:
    """Quotes with their seed files, or the assumption, as escaped hover text."""
    quotes = [
        f"“{_wrap(e['quote'])}”<br><i>{escape(e['seed'])}</i>" for e in item.get("evidence", ())
    ]
    if item.get("assumption"):
        quotes.append(f"<i>assumption:</i> {_wrap(item['assumption'])}")
    return "<br>".join(quotes)


# ---------------------------------------------------------------- timeline


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
    fig.update_xaxes(title_text=f"date and time ({_zone(info)})", row=rows)
    fig.update_xaxes(rangeselector=_zoom_buttons(), row=1)
    _deadline_marks(fig, info, f"x{rows}")
    title = f"{escape(info['name'])}: the standoff as it unfolds"
    return _style(fig, title, 860 if has_pressure else 640, bottom=170)


def _zoom_buttons() -> dict[str, Any]:
    return {
        "buttons": [
            {"count": 1, "label": "last day", "step": "day", "stepmode": "backward"},
            {"count": 7, "label": "last week", "step": "day", "stepmode": "backward"},
            {"step": "all", "label": "whole window"},
        ],
        "x": 1.0,
        "xanchor": "right",
        "y": 1.06,
        "yanchor": "bottom",
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
            xs += [*_clock(info, path["hours"]), None]
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
            x=_clock(info, hours),
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
    for p, when in zip(points, _clock(info, at), strict=True):
        head = f"<b>{when:%Y-%m-%d %H:%M}</b>: {_wrap(p.get('event') or 'pressure level')}"
        text.append(f"{head}<br>{_evidence_text(p)}")
    return go.Scatter(
        x=_clock(info, at),
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
    return _clock(info, x), y


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
    names, palette = _names(info), colours(info)
    labels = {r: f"path {r}" for r in samples}
    ends = _path_ends(info, runs, events, samples)
    span_x: list[Any] = []
    span_y: list[Any] = []
    for r in samples:
        span_x += [*_clock(info, [0.0, ends[r][0]]), None]
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
                x=_clock(info, [ends[r][0] for r in mine]),
                y=[labels[r] for r in mine],
                mode="markers",
                marker={"symbol": "star", "size": 16, "color": palette["outcomes"][o["id"]]},
                name=escape(names[o["id"]]),
                legendgroup=f"outcome:{o['id']}",
                hovertemplate=f"%{{y}} ends: {_wrap(names[o['id']])}<br>"
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
                x=_clock(info, mine["hours"]),
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
        x = _clock(info, [hours])[0]
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


# ---------------------------------------------------------------- concession timing


def concession_times(
    info: Mapping[str, Any],
    runs: pd.DataFrame,
    summary: Mapping[str, Any] | None = None,
    log: bool = False,
) -> go.Figure:
    """The deadline effect: when agreements are reached, in hours before the deadline.

    Stacked bars by outcome give the share of all paths whose agreement was decided in each
    bin; the deadline is on the right. Buttons switch between a linear and a log time axis
    (``log`` chooses the one shown first). The observed settlement is a dotted line.
    """
    window = float(info["window_hours"])
    default = next((o["id"] for o in info["outcomes"] if o.get("default")), None)
    agreed = runs[(runs["outcome"] != default) & runs["hours_before_deadline"].notna()]
    hours = agreed["hours_before_deadline"].to_numpy(dtype=float)
    low = _log_floor(hours, window)
    fig = go.Figure()
    scales = {"linear": np.linspace(0.0, window, LINEAR_BINS + 1)}
    scales["log"] = np.log10(np.geomspace(low, window, LOG_BINS + 1))
    observed = (summary or {}).get("observed")
    for scale, edges in scales.items():
        for trace in _histogram(info, agreed, edges, len(runs), scale, default):
            trace.visible = (scale == "log") == log
            fig.add_trace(trace)
        if observed:
            fig.add_trace(_observed_line(observed, scale, (scale == "log") == log))
    n = len(fig.data) // 2
    axes = {"linear": _linear_axis(window), "log": _log_axis(low, window)}
    buttons = [
        {
            "label": f"{scale} time axis",
            "method": "update",
            "args": [{"visible": [i // n == k for i in range(2 * n)]}, axes[scale]],
        }
        for k, scale in enumerate(("linear", "log"))
    ]
    fig.update_layout(
        barmode="stack",
        updatemenus=[
            {"type": "buttons", "direction": "right", "buttons": buttons, "x": 1, "y": 1.12}
        ],
        yaxis={"title": {"text": "share of all paths"}, "tickformat": ".0%"},
    )
    fig.update_layout(axes["log" if log else "linear"])
    fig.layout.updatemenus[0].active = 1 if log else 0
    share = 1.0 - len(agreed) / max(len(runs), 1)
    subtitle = f"{share:.1%} of paths reached the deadline without agreement (not shown)"
    return _style(fig, "When agreements are reached: hours before the deadline", 500, subtitle)


def _log_floor(hours: np.ndarray, window: float) -> float:
    """The left end of the log axis: a power of ten at or below the earliest concession."""
    positive = hours[hours > 0]
    smallest = float(positive.min()) if positive.size else window / 1000.0
    return float(10.0 ** math.floor(math.log10(min(smallest, window / 10.0))))


def _histogram(
    info: Mapping[str, Any],
    agreed: pd.DataFrame,
    edges: np.ndarray,
    n: int,
    scale: str,
    default: str | None,
) -> list[Any]:
    names, palette = _names(info), colours(info)["outcomes"]
    traces = []
    for o in info["outcomes"]:
        if o["id"] == default:
            continue
        h = agreed.loc[agreed["outcome"] == o["id"], "hours_before_deadline"].to_numpy(float)
        x = np.log10(np.maximum(h, 10.0 ** edges[0])) if scale == "log" else h
        counts, _ = np.histogram(x, bins=edges)
        lo, hi = (10.0**edges, 10.0**edges) if scale == "log" else (edges, edges)
        ranges = [f"{a:.3g} to {b:.3g} h" for a, b in zip(lo[:-1], hi[1:], strict=True)]
        traces.append(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=counts / max(n, 1),
                width=np.diff(edges),
                marker={"color": palette[o["id"]], "line": {"width": 0}},
                name=escape(names[o["id"]]),
                legendgroup=f"outcome:{o['id']}",
                customdata=ranges,
                hovertemplate=f"{_wrap(names[o['id']], 40)}<br>%{{customdata}} before the "
                "deadline: %{y:.2%} of paths<extra></extra>",
                meta=f"{scale}:{o['id']}",
            )
        )
    return traces


def _observed_line(observed: Mapping[str, Any], scale: str, visible: bool) -> Any:
    h = float(observed["hours_before_deadline"])
    x = math.log10(max(h, 1e-9)) if scale == "log" else h
    return go.Scatter(
        x=[x, x],
        y=[0, 1],
        yaxis="y2",
        mode="lines",
        line={"color": INK, "dash": "dot", "width": 2},
        name=f"observed: {h:.3g} h before the deadline",
        hovertemplate=f"observed: {h:.3g} h before the deadline<extra></extra>",
        visible=visible,
        meta=f"{scale}:observed",
    )


def _linear_axis(window: float) -> dict[str, Any]:
    return {
        "xaxis.title.text": "hours before the deadline (h); deadline at the right",
        "xaxis.range": [window, 0.0],
        "xaxis.tickmode": "auto",
        "xaxis.tickvals": None,
        "xaxis.ticktext": None,
        "yaxis2": {"overlaying": "y", "range": [0, 1], "visible": False},
    }


def _log_axis(low: float, window: float) -> dict[str, Any]:
    top = math.log10(window)
    ticks = list(range(round(math.log10(low)), math.floor(top) + 1))
    return {
        "xaxis.title.text": "hours before the deadline (h, log scale); deadline at the right",
        "xaxis.range": [top, math.log10(low)],
        "xaxis.tickmode": "array",
        "xaxis.tickvals": ticks,
        "xaxis.ticktext": [f"{10.0**t:g}" for t in ticks],
        "yaxis2": {"overlaying": "y", "range": [0, 1], "visible": False},
    }


# ---------------------------------------------------------------- outcomes


def outcome_probabilities(info: Mapping[str, Any], summary: Mapping[str, Any]) -> go.Figure:
    """Outcome probabilities with their 95% (Wilson) intervals; the observed outcome marked.

    One bar per outcome in its colour, the interval as an error bar and in numbers at the
    right; the observed outcome's bar has a black outline and a star with ``observed``.
    """
    palette = colours(info)["outcomes"]
    observed = (info.get("observed") or {}).get("outcome")
    ids = [o["id"] for o in info["outcomes"]]
    labels = [
        _wrap(o["name"] + (" (default, at the deadline)" if o.get("default") else ""), 34)
        for o in info["outcomes"]
    ]
    stats = [summary["outcomes"][i] for i in ids]
    p = np.array([s["probability"] for s in stats])
    lo, hi = (np.array([s["ci95"][k] for s in stats]) for k in (0, 1))
    fig = go.Figure(
        go.Bar(
            x=p,
            y=labels,
            orientation="h",
            marker={
                "color": [palette[i] for i in ids],
                "line": {"color": INK, "width": [3 if i == observed else 0 for i in ids]},
            },
            error_x={"type": "data", "array": hi - p, "arrayminus": p - lo, "color": INK},
            customdata=np.column_stack([[s["count"] for s in stats], lo, hi]),
            hovertemplate="%{y}<br>probability %{x:.3f}, 95% interval "
            "[%{customdata[1]:.3f}, %{customdata[2]:.3f}] (%{customdata[0]} paths)"
            "<extra></extra>",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=hi + 0.02,
            y=labels,
            mode="text",
            text=[f"{a:.3f}  [{b:.3f}, {c:.3f}]" for a, b, c in zip(p, lo, hi, strict=True)],
            textposition="middle right",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    if observed in ids:
        fig.add_trace(_observed_star(info, labels[ids.index(observed)]))
    fig.update_xaxes(
        title_text="probability (share of paths), with 95% interval",
        range=[0, 1.55],
        tickvals=[0, 0.25, 0.5, 0.75, 1.0],
    )
    fig.update_yaxes(title_text="outcome", autorange="reversed")
    return _style(
        fig, f"Outcomes of {summary['runs']} simulated paths", 200 + 85 * len(ids), bottom=110
    )


def _observed_star(info: Mapping[str, Any], label: str) -> Any:
    """A star with ``observed`` beside the interval labels, on the observed outcome's row."""
    at = str(info["observed"]["at"])[:16].replace("T", " ")
    return go.Scatter(
        x=[1.32],
        y=[label],
        mode="markers+text",
        marker={"symbol": "star", "size": 22, "color": INK},
        text=["observed"],
        textposition="middle right",
        name=f"observed outcome ({escape(at)})",
        hovertemplate=f"observed outcome, {escape(at)}<extra></extra>",
        meta="observed",
    )


# ---------------------------------------------------------------- stage game


def _payoff_range(stages: Sequence[Mapping[str, Any]], key: str) -> tuple[float, float]:
    values = np.concatenate([np.ravel(s["stage_game"][key]) for s in stages])
    lo, hi = float(values.min()), float(values.max())
    return (lo, hi) if hi > lo else (lo - 1.0, hi + 1.0)


def _stage_title(info: Mapping[str, Any], stage: Mapping[str, Any]) -> str:
    when = pd.Timestamp(stage["datetime"]).tz_localize(None)
    return (
        f"Stage game at {when:%Y-%m-%d %H:%M}: {hours_label(stage['hours_before_deadline'])} "
        f"before the deadline, pressure {stage['pressure']:.2f}"
    )


def _stage_subtitle(info: Mapping[str, Any], stage: Mapping[str, Any]) -> str:
    eqs = stage["equilibria"]
    n = len(eqs["equilibria"])
    text = f"{n} equilibri{'um' if n == 1 else 'a'} ({escape(eqs['method'])})"
    if eqs.get("degenerate"):
        text += ", degenerate game"
    selected = stage.get("selected")
    if selected is not None and n:
        e = eqs["equilibria"][selected["index"]]
        strategies = zip(info["players"], (e["row"], e["col"]), strict=True)
        text += f"; selected by {escape(selected['rule'])}: " + "; ".join(
            _strategy(p, probs) for p, probs in strategies
        )
    return text + ". Black frame and star: the selected equilibrium; grey: others."


def _strategy(player: Mapping[str, Any], probs: Sequence[float]) -> str:
    parts = [
        f"{escape(a)} {q:.2f}" if q < 1 - SUPPORT_TOLERANCE else escape(a)
        for a, q in zip(player["actions"], probs, strict=True)
        if q > SUPPORT_TOLERANCE
    ]
    return f"{escape(player['name'])} {', '.join(parts)}"


def _cell_text(info: Mapping[str, Any], stage: Mapping[str, Any]) -> tuple[list[Any], list[Any]]:
    """In-cell labels (payoff and outcome id) of both panels, and the shared hover text."""
    row, col = info["players"]
    names = _names(info)
    game = stage["stage_game"]
    A, B, outcomes = game["row_payoffs"], game["col_payoffs"], game["outcomes"]
    cells = [[(i, j) for j in range(len(col["actions"]))] for i in range(len(row["actions"]))]
    hover = [
        [
            f"{escape(row['name'])} {escape(row['actions'][i])}, {escape(col['name'])} "
            f"{escape(col['actions'][j])}<br>payoffs {A[i][j]:.3f}, {B[i][j]:.3f}<br>"
            + (_wrap(names[outcomes[i][j]], 40) if outcomes[i][j] else "the game continues")
            for i, j in line
        ]
        for line in cells
    ]
    text = [
        [
            [f"{Z[i][j]:.2f}<br>{escape(outcomes[i][j] or 'continue')}" for i, j in line]
            for line in cells
        ]
        for Z in (A, B)
    ]
    return text, hover


def _stage_traces(
    info: Mapping[str, Any],
    stage: Mapping[str, Any],
    ranges: Sequence[tuple[float, float]],
) -> list[Any]:
    """Two heatmaps (each player's payoff), then the equilibrium marks on both."""
    palette = colours(info)["players"]
    game = stage["stage_game"]
    text, hover = _cell_text(info, stage)
    traces: list[Any] = []
    for k, (player, key) in enumerate(
        zip(info["players"], ("row_payoffs", "col_payoffs"), strict=True)
    ):
        Z = np.asarray(game[key], dtype=float)
        traces.append(
            go.Heatmap(
                z=Z,
                x=list(range(Z.shape[1])),
                y=list(range(Z.shape[0])),
                xaxis=f"x{'' if k == 0 else 2}",
                yaxis=f"y{'' if k == 0 else 2}",
                zmin=ranges[k][0],
                zmax=ranges[k][1],
                colorscale=[[0.0, LIGHT], [1.0, palette[player["id"]]]],
                colorbar={
                    "title": {"text": "payoff<br>(utility)", "side": "top"},
                    "x": 0.43 if k == 0 else 1.0,
                    "len": 0.75,
                    "thickness": 14,
                },
                text=text[k],
                texttemplate="%{text}",
                textfont={"size": 13},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                xgap=2,
                ygap=2,
                meta=f"payoff:{player['id']}",
            )
        )
    for axis in ("", "2"):
        traces += _equilibrium_traces(info, stage, axis)
    return traces


def _support(
    info: Mapping[str, Any], stage: Mapping[str, Any]
) -> dict[bool, list[tuple[int, int, float, str]]]:
    """Cells played in each equilibrium, split into the selected one and the others."""
    row, col = info["players"]
    selected = stage.get("selected")
    chosen = selected["index"] if selected is not None else None
    cells: dict[bool, list[tuple[int, int, float, str]]] = {True: [], False: []}
    for n, e in enumerate(stage["equilibria"]["equilibria"]):
        about = (
            f"equilibrium {n}{' (selected)' if n == chosen else ''}<br>"
            f"{_strategy(row, e['row'])}<br>{_strategy(col, e['col'])}<br>"
            f"payoffs {e['row_payoff']:.3f}, {e['col_payoff']:.3f}"
        )
        for i, p in enumerate(e["row"]):
            for j, q in enumerate(e["col"]):
                if p > SUPPORT_TOLERANCE and q > SUPPORT_TOLERANCE:
                    cells[n == chosen].append((i, j, p * q, about))
    return cells


def _equilibrium_traces(info: Mapping[str, Any], stage: Mapping[str, Any], axis: str) -> list[Any]:
    """Per panel: a frame around each cell played, and a star in its corner (hover: why)."""
    traces = []
    for selected, cells in _support(info, stage).items():
        colour, width = (INK, 4) if selected else (OKABE_ITO["grey"], 3)
        fx: list[float | None] = []
        fy: list[float | None] = []
        for i, j, _, _ in cells:
            fx += [j - 0.45, j + 0.45, j + 0.45, j - 0.45, j - 0.45, None]
            fy += [i - 0.45, i - 0.45, i + 0.45, i + 0.45, i - 0.45, None]
        common = {"xaxis": f"x{axis}", "yaxis": f"y{axis}", "showlegend": False}
        traces.append(
            go.Scatter(
                x=fx,
                y=fy,
                mode="lines",
                line={"color": colour, "width": width},
                hoverinfo="skip",
                **common,
            )
        )
        traces.append(
            go.Scatter(
                x=[j + 0.33 for _, j, _, _ in cells],
                y=[i - 0.3 for i, _, _, _ in cells],
                mode="markers+text",
                marker={"symbol": "star", "size": 15, "color": colour},
                text=[f"{w:.2f}" if w < 1 - SUPPORT_TOLERANCE else "" for *_, w, _ in cells],
                textposition="middle left",
                hovertext=[about for *_, about in cells],
                hovertemplate="%{hovertext}<extra></extra>",
                name="selected equilibrium" if selected else "other equilibria",
                **common,
            )
        )
    return traces


def _stage_frame_figure(info: Mapping[str, Any], stage: Mapping[str, Any]) -> go.Figure:
    row, col = info["players"]
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.15,
        subplot_titles=(f"{escape(row['name'])}'s payoff", f"{escape(col['name'])}'s payoff"),
    )
    m, n = len(row["actions"]), len(col["actions"])
    for k, axis in enumerate(("", "2")):
        fig.layout[f"xaxis{axis}"].update(
            title={"text": f"{escape(col['name'])}'s action"},
            tickmode="array",
            tickvals=list(range(n)),
            ticktext=[escape(a) for a in col["actions"]],
            range=[-0.5, n - 0.5],
            showgrid=False,
            zeroline=False,
        )
        fig.layout[f"yaxis{axis}"].update(
            title={"text": f"{escape(row['name'])}'s action" if k == 0 else ""},
            tickmode="array",
            tickvals=list(range(m)),
            ticktext=[escape(a) for a in row["actions"]],
            range=[m - 0.5, -0.5],
            showgrid=False,
            zeroline=False,
        )
    return fig


def stage_game(info: Mapping[str, Any], stage: Mapping[str, Any]) -> go.Figure:
    """The stage game at one epoch: both players' payoffs as annotated heatmaps.

    Each cell shows the payoff and the outcome it ends in (``continue`` where the game goes
    on; its payoff includes the continuation value). A black frame and star mark the cells
    played in the selected equilibrium, grey ones the other equilibria (with the cell's
    probability when the equilibrium is mixed); hover a star for the strategies.
    """
    fig = _stage_frame_figure(info, stage)
    ranges = [_payoff_range([stage], k) for k in ("row_payoffs", "col_payoffs")]
    fig.add_traces(_stage_traces(info, stage, ranges))
    return _style(fig, _stage_title(info, stage), 560, _stage_subtitle(info, stage), bottom=70)


def stage_animation(info: Mapping[str, Any], stages: Sequence[Mapping[str, Any]]) -> go.Figure:
    """The stage games at several epochs, with a time slider (and a play button).

    Colour scales are fixed across epochs so that colours compare; the equilibrium marks
    move as the deadline and the pressure approach. One frame (and one slider step) per
    stage game given, labelled with the hours left before the deadline.
    """
    if not stages:
        raise ValueError("stage_animation needs at least one stage game")
    ranges = [_payoff_range(stages, k) for k in ("row_payoffs", "col_payoffs")]
    fig = _stage_frame_figure(info, stages[0])
    fig.add_traces(_stage_traces(info, stages[0], ranges))
    fig.frames = [
        go.Frame(
            name=str(k),
            data=_stage_traces(info, s, ranges),
            layout={
                "title": {
                    "text": _stage_title(info, s),
                    "subtitle": {"text": _stage_subtitle(info, s)},
                }
            },
        )
        for k, s in enumerate(stages)
    ]
    fig.update_layout(
        sliders=[_slider(stages)],
        updatemenus=[
            {
                "type": "buttons",
                "x": 0.0,
                "y": -0.12,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 44},
                "buttons": [{"label": "▶ play", "method": "animate", "args": [None, PLAY]}],
            }
        ],
    )
    title, subtitle = _stage_title(info, stages[0]), _stage_subtitle(info, stages[0])
    return _style(fig, title, 680, subtitle, bottom=150)


def _slider(stages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    steps = [
        {
            "label": hours_label(s["hours_before_deadline"]),
            "method": "animate",
            "args": [[str(k)], STEP],
        }
        for k, s in enumerate(stages)
    ]
    return {
        "active": 0,
        "steps": steps,
        "x": 0.1,
        "len": 0.9,
        "y": -0.12,
        "yanchor": "top",
        "pad": {"t": 20},
        "currentvalue": {"prefix": "hours before the deadline: ", "font": {"size": 14}},
    }


# ---------------------------------------------------------------- comparison


def comparison(runs: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Several runs side by side (a baseline and counterfactuals).

    ``runs`` is a sequence of ``{"label", "info", "summary"}``. Left: each outcome's
    probability with its 95% interval, one group of bars per run, one colour per outcome
    (the first run's scenario fixes the colours). Right: when agreements were reached, as the
    5, 25, 50, 75 and 95% quantiles of hours before the deadline, with the observed time.
    """
    if not runs:
        raise ValueError("comparison needs at least one run")
    outcomes = _union_outcomes(runs)
    palette = colours({"players": [], "outcomes": outcomes})["outcomes"]
    labels = [_wrap(r["label"], 24) for r in runs]
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.62, 0.38],
        horizontal_spacing=0.1,
        subplot_titles=("outcome probabilities (95% intervals)", "when agreements are reached"),
    )
    for o in outcomes:
        got = [r["summary"]["outcomes"].get(o["id"]) for r in runs]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=[g["probability"] if g else 0.0 for g in got],
                error_y={
                    "type": "data",
                    "array": [g["ci95"][1] - g["probability"] if g else 0.0 for g in got],
                    "arrayminus": [g["probability"] - g["ci95"][0] if g else 0.0 for g in got],
                    "color": INK,
                },
                marker={"color": palette[o["id"]]},
                name=escape(o["name"]),
                legendgroup=f"outcome:{o['id']}",
                hovertemplate=f"{_wrap(o['name'], 40)}<br>%{{x}}: %{{y:.3f}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    for trace in _timing_traces(runs, labels):
        fig.add_trace(trace, row=1, col=2)
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="probability (share of paths)", range=[0, 1.05], row=1, col=1)
    fig.update_yaxes(
        title_text="hours before the deadline (h, log scale)", type="log", row=1, col=2
    )
    fig.update_xaxes(title_text="run", row=1, col=1)
    fig.update_xaxes(title_text="run", row=1, col=2)
    return _style(fig, "Baseline and counterfactuals compared", 600)


def _union_outcomes(runs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for r in runs:
        for o in r["info"]["outcomes"]:
            seen.setdefault(o["id"], dict(o))
    agreements = [o for o in seen.values() if not o.get("default")]
    return agreements + [o for o in seen.values() if o.get("default")]


def _timing_traces(runs: Sequence[Mapping[str, Any]], labels: Sequence[str]) -> list[Any]:
    have = [
        (label, r["summary"]["concession"]["hours_before_deadline"], r["summary"].get("observed"))
        for label, r in zip(labels, runs, strict=True)
        if r["summary"]["concession"]["count"]
    ]
    floor = 1e-3
    traces: list[Any] = [
        go.Box(
            x=[label for label, _, _ in have],
            q1=[max(q["q25"], floor) for _, q, _ in have],
            median=[max(q["median"], floor) for _, q, _ in have],
            q3=[max(q["q75"], floor) for _, q, _ in have],
            lowerfence=[max(q["q05"], floor) for _, q, _ in have],
            upperfence=[max(q["q95"], floor) for _, q, _ in have],
            marker={"color": INK},
            line={"color": INK},
            fillcolor="rgba(0,0,0,0.08)",
            name="agreement time: median, quartiles, 5 to 95%",
        )
    ]
    seen = [(label, o) for label, _, o in have if o]
    if seen:
        traces.append(
            go.Scatter(
                x=[label for label, _ in seen],
                y=[max(o["hours_before_deadline"], floor) for _, o in seen],
                mode="markers",
                marker={"symbol": "star", "size": 16, "color": INK},
                name="observed",
                hovertemplate="observed: %{y:.3g} h before the deadline<extra></extra>",
            )
        )
    return traces
