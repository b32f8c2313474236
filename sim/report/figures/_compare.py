"""Several runs side by side: outcome probabilities and timing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.report.figures._style import (
    INK,
    apply_style,
    colours,
    escape,
    wrap,
)

__all__ = [
    "comparison",
]


def comparison(runs: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Several runs side by side (a baseline and counterfactuals).

    ``runs`` is a sequence of ``{"label", "info", "summary"}``. Left: each outcome's
    probability with its 95% interval, one group of bars per run, one colour per outcome
    (the first run's scenario fixes the colours). Right: when agreements were reached, as the
    5, 25, 50, 75 and 95% quantiles of hours before the deadline, every run shown (those
    without an agreement labelled so), with the observed time once, at the baseline.
    """
    if not runs:
        raise ValueError("comparison needs at least one run")
    outcomes = _union_outcomes(runs)
    palette = colours({"players": [], "outcomes": outcomes})["outcomes"]
    labels = [wrap(r["label"], 24) for r in runs]
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
                hovertemplate=f"{wrap(o['name'], 40)}<br>%{{x}}: %{{y:.3f}}<extra></extra>",
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
    fig.update_xaxes(title_text="run", categoryorder="array", categoryarray=labels, row=1, col=2)
    return apply_style(fig, "Baseline and counterfactuals compared", 600)


def _union_outcomes(runs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for r in runs:
        for o in r["info"]["outcomes"]:
            seen.setdefault(o["id"], dict(o))
    agreements = [o for o in seen.values() if not o.get("default")]
    return agreements + [o for o in seen.values() if o.get("default")]


def _timing_traces(runs: Sequence[Mapping[str, Any]], labels: Sequence[str]) -> list[Any]:
    """A box per run with agreements, a "no agreement" label for each run without, and the
    record once, at the baseline (the first run) whose scenario records it."""
    quantiles = [r["summary"]["concession"]["hours_before_deadline"] for r in runs]
    counts = [r["summary"]["concession"]["count"] for r in runs]
    have = [(lb, q) for lb, q, n in zip(labels, quantiles, counts, strict=True) if n]
    floor = 1e-3
    traces: list[Any] = [
        go.Box(
            x=[label for label, _ in have],
            q1=[max(q["q25"], floor) for _, q in have],
            median=[max(q["median"], floor) for _, q in have],
            q3=[max(q["q75"], floor) for _, q in have],
            lowerfence=[max(q["q05"], floor) for _, q in have],
            upperfence=[max(q["q95"], floor) for _, q in have],
            marker={"color": INK},
            line={"color": INK},
            fillcolor="rgba(0,0,0,0.08)",
            name="agreement time: median, quartiles, 5 to 95%",
        )
    ]
    none = [label for label, n in zip(labels, counts, strict=True) if not n]
    if none:
        middle = [max(q["median"], floor) for _, q in have] or [1.0]
        traces.append(
            go.Scatter(
                x=none,
                y=[float(np.exp(np.mean(np.log(middle))))] * len(none),
                mode="text",
                text=["no agreement<br>in any path"] * len(none),
                name="runs without an agreement",
                hoverinfo="skip",
                meta="no-agreement",
            )
        )
    observed = runs[0]["summary"].get("observed")
    if observed:
        traces.append(
            go.Scatter(
                x=[labels[0]],
                y=[max(observed["hours_before_deadline"], floor)],
                mode="markers",
                marker={"symbol": "star", "size": 16, "color": INK},
                name="observed (the record, shown at the baseline)",
                hovertemplate="observed: %{y:.3g} h before the deadline<extra></extra>",
            )
        )
    return traces
