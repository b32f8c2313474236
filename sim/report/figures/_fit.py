"""Figures of a fit: marginal and pairwise posteriors, prior against posterior, and the
posterior predictive check against the record.

They take plain tables: ``posterior`` (the parameters' columns and ``weight``), ``prior`` (a
table of prior draws with the same columns), and the predictive summary of
``diagnostics.json`` (``outcomes``, ``record``) with the predictive run's paths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.report.figures._style import FAINT, INK, OKABE_ITO, apply_style, escape

__all__ = ["fit_marginals", "fit_pairs", "fit_predictive", "prior_posterior"]

POSTERIOR = OKABE_ITO["blue"]
PRIOR = OKABE_ITO["grey"]
BINS = 40


def _grid(names: Sequence[str]) -> Any:
    return make_subplots(rows=1, cols=len(names), subplot_titles=[escape(n) for n in names])


def _density(table: pd.DataFrame, name: str, which: str, first: bool, **style: Any) -> Any:
    """A density histogram of ``table[name]`` (weighted by its ``weight`` column when it has
    one), in the colour of ``which`` ("prior" or "posterior"), its legend entry once."""
    weighted = "weight" in table
    return go.Histogram(
        x=table[name],
        y=table["weight"] if weighted else None,
        histfunc="sum" if weighted else "count",
        histnorm="probability density",
        nbinsx=BINS,
        marker_color=POSTERIOR if which == "posterior" else PRIOR,
        name=which,
        showlegend=first,
        meta=which,
        **style,
    )


def fit_marginals(
    posterior: pd.DataFrame, names: Sequence[str], marks: Mapping[str, Mapping[str, float]]
) -> go.Figure:
    """Each parameter's posterior histogram (weighted density), with vertical lines at the
    values of ``marks`` (label -> {name: value}: the hand calibration, the maximum)."""
    fig = _grid(names)
    dashes = ("dash", "dot", "dashdot")
    for j, name in enumerate(names, start=1):
        fig.add_trace(
            _density(posterior, name, "posterior", j == 1),
            row=1,
            col=j,
        )
        for k, (label, values) in enumerate(marks.items()):
            if name in values and values[name] is not None:
                fig.add_vline(
                    x=float(values[name]),
                    line_dash=dashes[k % 3],
                    line_color=INK,
                    annotation_text=escape(label),
                    row=1,
                    col=j,
                )
    return apply_style(fig, "Marginal posteriors", 420, "lines: " + ", ".join(marks))


def prior_posterior(
    posterior: pd.DataFrame, prior: pd.DataFrame, names: Sequence[str]
) -> go.Figure:
    """Each parameter's prior (grey) and posterior (blue) densities, overlaid: what the record
    moved and what it left where the prior put it."""
    fig = _grid(names)
    for j, name in enumerate(names, start=1):
        fig.add_trace(
            _density(prior, name, "prior", j == 1, opacity=0.55),
            row=1,
            col=j,
        )
        fig.add_trace(
            _density(posterior, name, "posterior", j == 1, opacity=0.55),
            row=1,
            col=j,
        )
    fig.update_layout(barmode="overlay")
    return apply_style(fig, "Prior against posterior", 420)


def fit_pairs(posterior: pd.DataFrame, names: Sequence[str]) -> go.Figure:
    """The pairwise posterior: a scatter matrix of the draws (one parameter: its draws in
    order, a trace plot)."""
    if len(names) == 1:
        fig = go.Figure(
            go.Scatter(
                y=posterior[names[0]], mode="markers", marker={"size": 3, "color": POSTERIOR}
            )
        )
        fig.update_layout(xaxis_title="draw", yaxis_title=escape(names[0]))
        return apply_style(fig, "Posterior draws (one parameter: no pairs)", 420)
    fig = go.Figure(
        go.Splom(
            dimensions=[{"label": escape(n), "values": posterior[n]} for n in names],
            marker={"size": 3, "color": POSTERIOR, "opacity": 0.4},
            diagonal_visible=False,
        )
    )
    return apply_style(fig, "Pairwise posterior", 200 + 180 * len(names))


def fit_predictive(
    summary: Mapping[str, Any], runs: pd.DataFrame, names: Mapping[str, str]
) -> go.Figure:
    """The posterior predictive run against the record: each outcome's probability (the
    observed one outlined), and the timing of the observed outcome with the record's time."""
    record = summary["record"]
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=["Outcome probability", "Timing of the observed outcome"]
    )
    fig.add_trace(_outcome_bars(summary, names), row=1, col=1)
    same = runs.loc[runs["outcome"].astype(str) == record["outcome"], "hours_before_deadline"]
    fig.add_trace(
        go.Histogram(
            x=same.dropna(),
            nbinsx=BINS,
            marker_color=POSTERIOR,
            name="predictive timing",
            meta="timing",
        ),
        row=1,
        col=2,
    )
    fig.add_vline(
        x=float(record["hours_before_deadline"]),
        line_dash="dash",
        line_color=INK,
        annotation_text="the record",
        row=1,
        col=2,
    )
    fig.update_xaxes(title_text="hours before the deadline", row=1, col=2)
    p = record["probability"]
    return apply_style(
        fig,
        "Posterior predictive against the record",
        440,
        f"P(observed outcome) = {p:.3g}; timing percentile {record['timing_percentile']}",
    )


def _outcome_bars(summary: Mapping[str, Any], names: Mapping[str, str]) -> go.Bar:
    """Each outcome's predictive probability; the observed one outlined."""
    observed = summary["record"]["outcome"]
    ids = list(summary["outcomes"])
    return go.Bar(
        x=[escape(names.get(i, i)) for i in ids],
        y=[summary["outcomes"][i] for i in ids],
        marker={
            "color": [POSTERIOR if i == observed else FAINT for i in ids],
            "line": {"color": INK, "width": [3 if i == observed else 0 for i in ids]},
        },
        name="posterior predictive",
        meta="outcomes",
    )
