"""A drawn run's parameter uncertainty: the per-draw probabilities, a tornado chart of the
parameters' swings and one of their distances from a tipping point."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.report.figures._style import INK, apply_style, colours, escape, wrap

__all__ = ["per_draw_probabilities", "tipping_distances", "tornado"]


def _per_draw(runs: pd.DataFrame, outcome: str) -> pd.Series:
    return (runs["outcome"] == outcome).groupby(runs["draw"], sort=True).mean()


def per_draw_probabilities(
    info: Mapping[str, Any], summary: Mapping[str, Any], runs: pd.DataFrame
) -> go.Figure:
    """Each outcome's probability draw by draw (one dot a draw), its 5-95 % spread (box),
    and the Monte Carlo interval of the drawn probability (black bar)."""
    split = summary["uncertainty"]["outcomes"]
    palette = colours(info)["outcomes"]
    fig = go.Figure()
    for o in info["outcomes"]:
        label = wrap(o["name"], 34)
        p = _per_draw(runs, o["id"]).to_numpy()
        fig.add_trace(
            go.Box(
                x=p,
                name=label,
                orientation="h",
                boxpoints="all",
                jitter=0.5,
                marker={"color": palette[o["id"]], "size": 5},
                hovertemplate="probability in one draw %{x:.3f}<extra></extra>",
                showlegend=False,
            )
        )
        lo, hi = split[o["id"]]["ci95"]
        mean = summary["outcomes"][o["id"]]["probability"]
        fig.add_trace(
            go.Scatter(
                x=[mean],
                y=[label],
                mode="markers",
                marker={"color": INK, "symbol": "diamond", "size": 11},
                error_x={"type": "data", "array": [hi - mean], "arrayminus": [mean - lo]},
                hovertemplate=f"drawn probability %{{x:.3f}}, 95% interval [{lo:.3f}, "
                f"{hi:.3f}]<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_xaxes(
        title_text="probability of the outcome within one parameter draw", range=[0, 1]
    )
    fig.update_yaxes(title_text="outcome", autorange="reversed")
    u = summary["uncertainty"]
    title = f"Outcomes draw by draw ({u['draws']} {escape(u['sampler'])} draws)"
    return apply_style(fig, title, max(400, 200 + 85 * len(info["outcomes"])), bottom=110)


def tornado(info: Mapping[str, Any], summary: Mapping[str, Any], runs: pd.DataFrame) -> go.Figure:
    """For the observed outcome (else the default): its probability over the draws in the
    lowest and in the highest third of each drawn parameter, widest swing on top."""
    observed = (info.get("observed") or {}).get("outcome")
    default = next(o["id"] for o in info["outcomes"] if o.get("default"))
    outcome = observed or default
    p = _per_draw(runs, outcome)
    values = runs.groupby("draw", sort=True)[list(summary["uncertainty"]["parameters"])].first()
    rows = []
    for name in values.columns:
        low, high = values[name].quantile([1 / 3, 2 / 3]).tolist()
        rows.append(
            (name, float(p[values[name] <= low].mean()), float(p[values[name] >= high].mean()))
        )
    rows.sort(key=lambda r: abs(r[2] - r[1]))
    names = [escape(r[0]) for r in rows]
    base = summary["outcomes"][outcome]["probability"]
    fig = go.Figure()
    for k, (label, colour) in enumerate(
        (("lowest third", "#56B4E9"), ("highest third", "#E69F00"))
    ):
        x = np.array([r[1 + k] for r in rows])
        fig.add_trace(
            go.Bar(
                x=x - base,
                base=base,
                y=names,
                orientation="h",
                name=f"parameter in its {label}",
                marker={"color": colour},
                hovertemplate="%{y}: probability %{customdata:.3f}<extra></extra>",
                customdata=x,
            )
        )
    fig.add_vline(x=base, line={"color": INK, "dash": "dot"})
    fig.update_layout(barmode="overlay")
    name = next(o["name"] for o in info["outcomes"] if o["id"] == outcome)
    fig.update_xaxes(title_text=f"probability of: {escape(name)}", range=[0, 1])
    fig.update_yaxes(title_text="drawn parameter")
    height = max(400, 180 + 60 * len(rows))
    return apply_style(fig, "Which parameters move the outcome", height, bottom=110)


def tipping_distances(
    drawn: Sequence[str], tipping: Sequence[Mapping[str, Any]], knife_edge: float
) -> go.Figure:
    """A tornado of the tipping points: for each drawn parameter, the nearest flip below its
    point value (left) and above it (right), as a signed share of its range; the band is the
    knife edge (within ``knife_edge`` of the range). Nearest flip on top; a parameter with no
    flip in its range has no bar.

    ``tipping`` holds the rows of :func:`sim.simulate.tipping_points` for the ``drawn``
    parameters."""
    sides: dict[str, dict[str, Mapping[str, Any]]] = {n: {} for n in drawn}
    for r in tipping:  # rows come nearest first: keep each side's nearest
        side = "below" if r["at"] < r["value"] else "above"
        sides[r["parameter"]].setdefault(side, r)
    order = sorted(drawn, key=lambda n: (min([r["distance"] for r in sides[n].values()] or [2]), n))
    order.reverse()  # plotly draws the first category at the bottom
    fig = go.Figure()
    fig.add_vrect(x0=-knife_edge, x1=knife_edge, fillcolor="#D55E00", opacity=0.12, line_width=0)
    for side, colour in (("below", "#56B4E9"), ("above", "#E69F00")):
        rows = [(n, sides[n][side]) for n in order if side in sides[n]]
        fig.add_trace(
            go.Bar(
                x=[_signed(r) for _, r in rows],
                y=[escape(n) for n, _ in rows],
                orientation="h",
                name=f"nearest flip {side} the point value",
                marker={"color": colour},
                customdata=[[r["at"], escape(r["changes"])] for _, r in rows],
                hovertemplate="%{y}: flips at %{customdata[0]:.4g} (%{x:+.1%} of its range): "
                "%{customdata[1]}<extra></extra>",
            )
        )
    none = [n for n in order if not sides[n]]
    fig.add_trace(
        go.Scatter(
            x=[0.02] * len(none),
            y=[escape(n) for n in none],
            mode="text",
            text=["no flip in its range"] * len(none),
            textposition="middle right",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_vline(x=0, line={"color": INK})
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(
        title_text="distance of the flip from the point value, share of the range",
        tickformat="+.0%",
        range=[-1, 1],
    )
    labels = [escape(n) for n in order]
    fig.update_yaxes(title_text="drawn parameter", categoryorder="array", categoryarray=labels)
    height = max(360, 180 + 60 * len(order))
    return apply_style(fig, "How far each parameter is from a tipping point", height, bottom=110)


def _signed(row: Mapping[str, Any]) -> float:
    """The flip's distance from the point value as a share of the range, negative below."""
    return float(row["distance"]) * (1.0 if row["at"] >= row["value"] else -1.0)
