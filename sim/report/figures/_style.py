"""The figures' shared style: the palette, fonts, wrapping and escaping of text, clocks."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

__all__ = [
    "FAINT",
    "INK",
    "LIGHT",
    "LINEAR_BINS",
    "LOG_BINS",
    "OKABE_ITO",
    "PLAY",
    "SAMPLE_PATHS",
    "STEP",
    "SUPPORT_TOLERANCE",
    "apply_style",
    "clock",
    "colours",
    "escape",
    "evidence_text",
    "hours_label",
    "player_names",
    "wrap",
    "zone",
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


def wrap(text: object, width: int = WRAP) -> str:
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


def player_names(info: Mapping[str, Any]) -> dict[str, str]:
    """Display names of players and outcomes by id (unescaped)."""
    return {x["id"]: x["name"] for x in (*info["players"], *info["outcomes"])}


def zone(info: Mapping[str, Any]) -> str:
    offset = pd.Timestamp(info["start"]).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def clock(info: Mapping[str, Any], hours: Any) -> pd.DatetimeIndex:
    """Hours since the start as wall-clock datetimes in the scenario's time zone."""
    start = pd.Timestamp(info["start"])
    when = start + pd.to_timedelta(np.asarray(hours, dtype=float), unit="h")
    return pd.DatetimeIndex(when).tz_localize(None)


def apply_style(
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


def evidence_text(item: Mapping[str, Any]) -> str:
    """Quotes with their seed files, or the assumption, as escaped hover text."""
    quotes = [
        f"“{wrap(e['quote'])}”<br><i>{escape(e['seed'])}</i>" for e in item.get("evidence", ())
    ]
    if item.get("assumption"):
        quotes.append(f"<i>assumption:</i> {wrap(item['assumption'])}")
    return "<br>".join(quotes)
