"""Interactive figures of a sweep: plain data in, ``plotly.graph_objects.Figure`` out.

Like :mod:`sim.report.figures`, this module reads results only (plotly, numpy, pandas; never the
model) and neither shows nor writes anything. :mod:`sim.report._sweep` picks the figures.

The data it takes:

``results``
    The rows of ``results.parquet`` (see ``docs/sweeps.md``): the parameter columns,
    ``p_<outcome>``, ``ci_low_<outcome>``, ``ci_high_<outcome>``, ``hours_q50``, and
    ``foreseen_outcome`` (the most probable outcome of the equilibrium path).
``outcomes``
    ``[{"id", "name", "default"}, ...]`` in the scenario's order (``info["outcomes"]``).
``colours``
    Outcome id -> colour, as ``sim.report.figures.colours(info)["outcomes"]``.
``units``
    Parameter name -> unit, for the axis titles (a name without one is shown bare).
``sensitivity``
    The rows of ``sensitivity.parquet``: ``output``, ``parameter``, ``S1``, ``S1_conf``,
    ``ST``, ``ST_conf``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.report.figures._style import INK, LIGHT, OKABE_ITO, apply_style, escape, wrap

__all__ = [
    "equilibrium_boundaries",
    "parallel_coordinates",
    "probability_curves",
    "probability_heatmaps",
    "sobol_bars",
]

Segment = tuple[tuple[float, float], tuple[float, float]]

PROBABILITY = "probability (share of paths)"
HOURS = "median concession time (h before the deadline)"
#: Heatmap panels in a row, and the height of one row of panels (pixels).
PANELS_PER_ROW = 2
PANEL_HEIGHT = 440
#: Characters per line of a panel's title (longer outcome names wrap), and its font size.
TITLE_WRAP = 40
TITLE_SIZE = 13
#: Grid values that get a tick each (more are thinned evenly to about this many).
MAX_TICKS = 10
#: Cells up to which a heatmap prints its values.
MAX_LABELLED_CELLS = 120
#: Top margin of the parallel coordinates (pixels): the title, then the axis labels.
PARCOORDS_TOP = 130
#: Opacity of a probability's 95% band.
BAND_ALPHA = 0.2
BOUNDARY_WIDTH = 3
#: Sobol bars: total and first-order indices.
ST_COLOUR = OKABE_ITO["blue"]
S1_COLOUR = OKABE_ITO["orange"]


def _label(name: str, units: Mapping[str, str] | None) -> str:
    unit = (units or {}).get(name)
    return f"{escape(name)} ({escape(unit)})" if unit else escape(name)


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def probability_curves(
    results: pd.DataFrame,
    param: str,
    outcomes: Sequence[Mapping[str, Any]],
    colours: Mapping[str, str],
    units: Mapping[str, str] | None = None,
) -> go.Figure:
    """Each outcome's probability against one parameter, its 95% interval as a band."""
    frame = results.sort_values(param)
    x = frame[param].to_numpy(dtype=float)
    fig = go.Figure()
    for o in outcomes:
        oid, name, colour = o["id"], escape(o["name"]), colours[o["id"]]
        lo = frame[f"ci_low_{oid}"].to_numpy(dtype=float)
        hi = frame[f"ci_high_{oid}"].to_numpy(dtype=float)
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([x, x[::-1]]),
                y=np.concatenate([hi, lo[::-1]]),
                mode="lines",
                fill="toself",
                fillcolor=_rgba(colour, BAND_ALPHA),
                line={"width": 0},
                hoverinfo="skip",
                legendgroup=oid,
                showlegend=False,
                name=f"{name}: 95% interval",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame[f"p_{oid}"].to_numpy(dtype=float),
                mode="lines+markers",
                line={"color": colour, "width": 2.5},
                customdata=np.column_stack([lo, hi]),
                hovertemplate=f"{name}<br>{escape(param)} %{{x:.4g}}: probability %{{y:.3f}}"
                " [%{customdata[0]:.3f}, %{customdata[1]:.3f}]<extra></extra>",
                legendgroup=oid,
                name=name,
            )
        )
    fig.update_xaxes(title_text=_label(param, units), **_ticks(np.unique(x)))
    fig.update_yaxes(title_text=f"{PROBABILITY}, with 95% interval", range=[-0.02, 1.02])
    return apply_style(fig, f"Outcome probabilities against {escape(param)}", 620)


def _edges(values: np.ndarray) -> np.ndarray:
    """Cell edges of heatmap cells centred on sorted ``values`` (as Plotly draws them)."""
    if len(values) == 1:
        return np.array([values[0] - 0.5, values[0] + 0.5])
    mids = (values[1:] + values[:-1]) / 2
    first = values[0] - (values[1] - values[0]) / 2
    last = values[-1] + (values[-1] - values[-2]) / 2
    return np.concatenate([[first], mids, [last]])


def equilibrium_boundaries(results: pd.DataFrame, x: str, y: str) -> list[Segment]:
    """Cell edges between grid neighbours whose ``foreseen_outcome`` differs.

    Each segment is ``((x0, y0), (x1, y1))`` on the heatmap's cell edges: vertical between
    horizontal neighbours, horizontal between vertical ones.
    """
    grid = results.pivot(index=y, columns=x, values="foreseen_outcome")
    xs, ys = grid.columns.to_numpy(dtype=float), grid.index.to_numpy(dtype=float)
    xe, ye = _edges(xs), _edges(ys)
    cells = grid.to_numpy()
    segments: list[Segment] = []
    for i in range(len(ys)):
        for j in range(len(xs)):
            if j + 1 < len(xs) and _differ(cells[i, j], cells[i, j + 1]):
                segments.append(((xe[j + 1], ye[i]), (xe[j + 1], ye[i + 1])))
            if i + 1 < len(ys) and _differ(cells[i, j], cells[i + 1, j]):
                segments.append(((xe[j], ye[i + 1]), (xe[j + 1], ye[i + 1])))
    return [((float(a), float(b)), (float(c), float(d))) for (a, b), (c, d) in segments]


def _differ(a: Any, b: Any) -> bool:
    return not (pd.isna(a) or pd.isna(b)) and a != b


def _boundary_trace(segments: Sequence[Segment], first: bool) -> go.Scatter:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for (x0, y0), (x1, y1) in segments:
        xs += [x0, x1, None]
        ys += [y0, y1, None]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"color": INK, "width": BOUNDARY_WIDTH},
        name="where the equilibrium's most likely outcome changes",
        legendgroup="boundary",
        showlegend=first,
        hoverinfo="skip",
    )


def _heatmap(
    grid: pd.DataFrame, colour: str, zmax: float, colorbar: dict[str, Any] | None
) -> go.Heatmap:
    z = grid.to_numpy(dtype=float)
    labelled = z.size <= MAX_LABELLED_CELLS
    return go.Heatmap(
        x=grid.columns.to_numpy(dtype=float),
        y=grid.index.to_numpy(dtype=float),
        z=z,
        zmin=0.0,
        zmax=zmax,
        colorscale=[[0.0, LIGHT], [1.0, colour]],
        showscale=colorbar is not None,
        colorbar=colorbar,
        texttemplate="%{z:.2f}" if labelled else None,
        hovertemplate="x %{x:.4g}, y %{y:.4g}: %{z:.3f}<extra></extra>",
    )


def probability_heatmaps(
    results: pd.DataFrame,
    x: str,
    y: str,
    outcomes: Sequence[Mapping[str, Any]],
    colours: Mapping[str, str],
    units: Mapping[str, str] | None = None,
) -> go.Figure:
    """A heatmap of each outcome's probability and of the median concession time over a
    two-parameter grid, with the edges where the equilibrium's most likely outcome changes.

    Outcomes that no path reached at any point get no panel (the subtitle names them); ticks
    sit on the grid's values.
    """
    shown = [o for o in outcomes if results[f"p_{o['id']}"].max() > 0]
    never = [o for o in outcomes if o not in shown]
    titles = [f"P({wrap(o['name'], TITLE_WRAP)})" for o in shown] + [HOURS]
    cols = min(PANELS_PER_ROW, len(titles))
    rows = math.ceil(len(titles) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=0.14,
        vertical_spacing=0.6 / rows,
    )
    fig.update_annotations(font_size=TITLE_SIZE)
    segments = equilibrium_boundaries(results, x, y) if "foreseen_outcome" in results else []
    hours = results.pivot(index=y, columns=x, values="hours_q50")
    top = float(np.nanmax(hours.to_numpy(dtype=float))) if hours.notna().any().any() else 1.0
    panels = [(f"p_{o['id']}", colours[o["id"]], 1.0) for o in shown]
    panels.append(("hours_q50", OKABE_ITO["blue"], top))
    for k, (column, colour, zmax) in enumerate(panels):
        row, col = k // cols + 1, k % cols + 1
        grid = results.pivot(index=y, columns=x, values=column)
        bar = (
            {"title": {"text": "hours", "side": "right"}, "len": 0.4}
            if k == len(panels) - 1
            else None
        )
        fig.add_trace(_heatmap(grid, colour, zmax, bar), row=row, col=col)
        if segments:
            fig.add_trace(_boundary_trace(segments, k == 0), row=row, col=col)
        fig.update_xaxes(title_text=_label(x, units), **_ticks(grid.columns), row=row, col=col)
        fig.update_yaxes(title_text=_label(y, units), **_ticks(grid.index), row=row, col=col)
    title = f"Outcome probabilities and median concession time over {escape(x)} and {escape(y)}"
    subtitle = (
        "never reached at any point, so not drawn: " + ", ".join(escape(o["name"]) for o in never)
        if never
        else None
    )
    return apply_style(fig, title, 200 + PANEL_HEIGHT * rows, subtitle=subtitle)


def _ticks(values: Any) -> dict[str, Any]:
    """Ticks on the grid's values (thinned evenly when there are many)."""
    v = np.asarray(values, dtype=float)
    step = max(1, math.ceil(len(v) / MAX_TICKS))
    picked = v[::step]
    return {"tickmode": "array", "tickvals": picked, "ticktext": [f"{t:g}" for t in picked]}


def parallel_coordinates(
    results: pd.DataFrame,
    params: Sequence[str],
    colour_by: str,
    outputs: Sequence[str] = (),
    units: Mapping[str, str] | None = None,
) -> go.Figure:
    """One line per point across the parameters (and ``outputs``), coloured by ``colour_by``."""
    columns = [*params, *(c for c in outputs if c != colour_by), colour_by]
    dimensions: list[dict[str, Any]] = [
        {"label": _label(c, units), "values": results[c].to_numpy(dtype=float)} for c in columns
    ]
    for column, dimension in zip(columns, dimensions, strict=True):
        if column.startswith("p_"):
            dimension["range"] = [0.0, 1.0]
    is_probability = colour_by.startswith("p_")
    line: dict[str, Any] = {
        "color": results[colour_by].to_numpy(dtype=float),
        "colorscale": [[0.0, LIGHT], [1.0, OKABE_ITO["blue"]]],
        "showscale": True,
        "colorbar": {"title": {"text": escape(colour_by)}},
    }
    if is_probability:
        line.update(cmin=0.0, cmax=1.0)
    fig = go.Figure(go.Parcoords(dimensions=dimensions, line=line))
    title = f"{len(results)} points across the swept parameters, coloured by {escape(colour_by)}"
    apply_style(fig, title, 620, bottom=60)
    fig.update_layout(margin={"t": PARCOORDS_TOP})  # room for the axis labels under the title
    return fig


def sobol_bars(sensitivity: pd.DataFrame, outputs: Sequence[str] | None = None) -> go.Figure:
    """Total (ST) and first-order (S1) Sobol indices with their 95% half-widths, per parameter;
    one panel per output (default: every outcome probability that has indices)."""
    table = sensitivity.dropna(subset=["ST"])
    if outputs is None:
        outputs = [o for o in dict.fromkeys(table["output"]) if str(o).startswith("p_")]
        outputs = outputs or list(dict.fromkeys(table["output"]))[:1]
    cols = min(PANELS_PER_ROW, max(1, len(outputs)))
    rows = max(1, math.ceil(len(outputs) / cols))
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[escape(o) for o in outputs] or None,
        vertical_spacing=0.5 / rows,
    )
    for k, output in enumerate(outputs):
        row, col = k // cols + 1, k % cols + 1
        part = table[table["output"] == output]
        names = [escape(p) for p in part["parameter"]]
        for index, colour in (("ST", ST_COLOUR), ("S1", S1_COLOUR)):
            fig.add_trace(
                go.Bar(
                    x=names,
                    y=part[index].to_numpy(dtype=float),
                    error_y={
                        "type": "data",
                        "array": part[f"{index}_conf"].to_numpy(dtype=float),
                        "color": INK,
                    },
                    marker={"color": colour},
                    name="total index ST" if index == "ST" else "first-order index S1",
                    legendgroup=index,
                    showlegend=k == 0,
                    hovertemplate=f"%{{x}}: {index} %{{y:.3f}} ± %{{error_y.array:.3f}}"
                    "<extra></extra>",
                ),
                row=row,
                col=col,
            )
        fig.update_xaxes(title_text="parameter", row=row, col=col)
        fig.update_yaxes(title_text="Sobol index (share of variance)", row=row, col=col)
    fig.update_layout(barmode="group")
    return apply_style(
        fig, "Sobol sensitivity indices, with 95% intervals", 160 + PANEL_HEIGHT * rows
    )
