"""Scenario discovery in a sweep: the peeling trajectory of each outcome's PRIM box."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from sim.report.figures._style import INK, apply_style, escape

__all__ = ["prim_trajectories"]


def prim_trajectories(
    boxes: Mapping[str, Mapping[str, Any]], palette: Mapping[str, str], names: Mapping[str, str]
) -> go.Figure:
    """For each outcome with a PRIM box (``sim.experiments.prim_boxes``), its peeling
    trajectory: each peeled box's coverage (x) against its density (y), from the whole space
    (coverage 1) inward; the star is the box PRIM chose.

    ``palette`` and ``names`` map an outcome's id to its colour and its name.
    """
    fig = go.Figure()
    for outcome, box in boxes.items():
        if box.get("note"):
            continue
        steps = box["trajectory"]
        label = escape(names.get(outcome, outcome))
        colour = palette.get(outcome, INK)
        fig.add_trace(
            go.Scatter(
                x=[s["coverage"] for s in steps],
                y=[s["density"] for s in steps],
                customdata=[s["mass"] for s in steps],
                mode="lines+markers",
                name=label,
                line={"color": colour},
                marker={"color": colour, "size": 6},
                hovertemplate="coverage %{x:.3f}, density %{y:.3f}, mass %{customdata:.3f}"
                "<extra>%{fullData.name}</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[box["coverage"]],
                y=[box["density"]],
                mode="markers",
                name=f"{label}: the box",
                marker={"color": colour, "symbol": "star", "size": 16, "line": {"color": INK}},
                hovertemplate="chosen box: coverage %{x:.3f}, density %{y:.3f}<extra></extra>",
            )
        )
    fig.update_xaxes(title_text="coverage (share of the likely points inside)", range=[0, 1.02])
    fig.update_yaxes(title_text="density (share of the points inside that are likely)")
    return apply_style(fig, "PRIM: the peeling trajectory of each outcome's box", 480, bottom=110)
