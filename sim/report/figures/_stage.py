"""The stage game at an epoch, its animation toward the deadline, and (under the logit
concept) the principal branch of its logit QRE correspondence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.report.figures._style import (
    INK,
    LIGHT,
    OKABE_ITO,
    PLAY,
    STEP,
    SUPPORT_TOLERANCE,
    apply_style,
    colours,
    escape,
    hours_label,
    player_names,
    wrap,
)

__all__ = [
    "qre_branch",
    "stage_animation",
    "stage_game",
]

#: One colour per action of a player, in order (cycled if more).
ACTION_COLOURS = tuple(
    OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky_blue")
)


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
    names = player_names(info)
    game = stage["stage_game"]
    A, B, outcomes = game["row_payoffs"], game["col_payoffs"], game["outcomes"]
    cells = [[(i, j) for j in range(len(col["actions"]))] for i in range(len(row["actions"]))]
    hover = [
        [
            f"{escape(row['name'])} {escape(row['actions'][i])}, {escape(col['name'])} "
            f"{escape(col['actions'][j])}<br>payoffs {A[i][j]:.3f}, {B[i][j]:.3f}<br>"
            + (wrap(names[outcomes[i][j]], 40) if outcomes[i][j] else "the game continues")
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
    return apply_style(fig, _stage_title(info, stage), 560, _stage_subtitle(info, stage), bottom=70)


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
    return apply_style(fig, title, 680, subtitle, bottom=150)


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


def qre_branch(info: Mapping[str, Any], stage: Mapping[str, Any]) -> go.Figure:
    """The principal branch of one stage game's logit QRE correspondence: each action's
    probability against the precision lambda, from uniform play at lambda = 0 to the QRE
    played (a circle), one panel per player; dotted lines at the right edge mark the
    probabilities of the selected Nash equilibrium, for comparison.

    ``stage`` is ``SolveResult.to_dict()`` under the logit concept (with ``qre`` and
    ``branch``).

    Raises
    ------
    ValueError
        For a stage game solved without the logit concept.
    """
    if "branch" not in stage or "qre" not in stage:
        raise ValueError("qre_branch needs a stage game solved under the logit concept")
    row, col = info["players"]
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.1,
        subplot_titles=(escape(row["name"]), escape(col["name"])),
    )
    lam = [p["lambda"] for p in stage["branch"]]
    nash = _selected_nash(stage)
    for k, (player, key) in enumerate(((row, "row"), (col, "col"))):
        for a, action in enumerate(player["actions"]):
            colour = ACTION_COLOURS[a % len(ACTION_COLOURS)]
            common = {"legendgroup": f"{k}:{a}", "line": {"color": colour}}
            fig.add_trace(_branch_line(player, action, lam, stage, key, a, common), 1, k + 1)
            if nash is not None:
                level = nash[key][a]
                dotted = {"color": colour, "dash": "dot", "width": 1}
                fig.add_hline(y=level, line=dotted, row=1, col=k + 1)
        fig.update_xaxes(title_text="precision lambda (1 / payoff unit)", row=1, col=k + 1)
    fig.update_yaxes(title_text="probability", range=[-0.02, 1.02], row=1, col=1)
    fig.update_yaxes(range=[-0.02, 1.02], row=1, col=2)
    q = stage["qre"]
    title = f"The logit QRE's principal branch, lambda 0 to {q['lambda']:g}"
    when = hours_label(stage["hours_before_deadline"])
    subtitle = (
        f"Stage game {when} before the deadline; the branch drawn through {len(lam)} points"
        + (f", turning back in lambda {q['turns']} times" if q["turns"] else "")
        + ". Circles: the QRE played; dotted: the selected Nash equilibrium."
    )
    return apply_style(fig, title, 520, subtitle, bottom=110)


def _selected_nash(stage: Mapping[str, Any]) -> Mapping[str, Any] | None:
    selected, found = stage.get("selected"), stage["equilibria"]["equilibria"]
    return found[selected["index"]] if selected is not None and found else None


def _branch_line(
    player: Mapping[str, Any],
    action: str,
    lam: Sequence[float],
    stage: Mapping[str, Any],
    key: str,
    a: int,
    common: Mapping[str, Any],
) -> go.Scatter:
    """One action's probability along the branch, the QRE's point marked at the end."""
    probs = [p[key][a] for p in stage["branch"]]
    ends = len(probs) - 1
    return go.Scatter(
        x=lam,
        y=probs,
        mode="lines+markers",
        marker={"size": [0] * ends + [11], "color": common["line"]["color"]},
        name=f"{escape(player['name'])}: {escape(action)}",
        hovertemplate=f"{escape(action)}: %{{y:.4f}} at lambda %{{x:.4g}}<extra></extra>",
        **common,
    )
