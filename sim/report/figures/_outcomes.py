"""When agreements are reached, and the outcome probabilities."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.report.figures._style import (
    INK,
    LINEAR_BINS,
    LOG_BINS,
    apply_style,
    colours,
    escape,
    player_names,
    wrap,
)

__all__ = [
    "concession_times",
    "outcome_probabilities",
]


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
    return apply_style(fig, "When agreements are reached: hours before the deadline", 500, subtitle)


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
    names, palette = player_names(info), colours(info)["outcomes"]
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
                hovertemplate=f"{wrap(names[o['id']], 40)}<br>%{{customdata}} before the "
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
    observed = (info.get("observed") or {}).get("outcome")
    ids = [o["id"] for o in info["outcomes"]]
    labels = [
        wrap(o["name"] + (" (default, at the deadline)" if o.get("default") else ""), 34)
        for o in info["outcomes"]
    ]
    stats = [summary["outcomes"][i] for i in ids]
    p = np.array([s["probability"] for s in stats])
    lo, hi = (np.array([s["ci95"][k] for s in stats]) for k in (0, 1))
    bars = _outcome_bars(info, ids, labels, stats, (p, lo, hi))
    fig = go.Figure(bars)
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
    return apply_style(
        fig, f"Outcomes of {summary['runs']} simulated paths", 200 + 85 * len(ids), bottom=110
    )


def _outcome_bars(
    info: Mapping[str, Any],
    ids: list[str],
    labels: list[str],
    stats: list[Mapping[str, Any]],
    bounds: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> go.Bar:
    """One bar per outcome in its colour, the observed one outlined, the interval as an
    error bar; ``bounds`` holds the probabilities and their intervals' ends."""
    palette = colours(info)["outcomes"]
    observed = (info.get("observed") or {}).get("outcome")
    p, lo, hi = bounds
    return go.Bar(
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
