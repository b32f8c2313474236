"""What a notebook or a terminal shows of a scenario: a one-line repr and an HTML table."""

from __future__ import annotations

import html
from typing import Any

#: A :class:`~sim.scenario.Scenario` (not imported: the schema imports this module).
Scenario = Any

__all__ = ["html_repr", "text_repr"]


def facts(scenario: Scenario) -> dict[str, str]:
    """The scenario's players, outcomes, parameter count, window and file, as text."""
    s = scenario
    return {
        "players": " vs ".join(f"{p.id} ({', '.join(p.actions)})" for p in s.players),
        "outcomes": ", ".join(o.id + (" (default)" if o.default else "") for o in s.outcomes),
        "parameters": str(len(s.parameters)),
        "window": f"{s.start:%Y-%m-%d %H:%M} to {s.meta.deadline:%Y-%m-%d %H:%M %Z}",
        "file": str(s.path) if s.path is not None else "(built in Python)",
    }


def text_repr(scenario: Scenario) -> str:
    """``<Scenario 'id': players ...; outcomes ...>``, one line."""
    told = "; ".join(f"{k} {v}" for k, v in facts(scenario).items())
    return f"<Scenario {scenario.meta.id!r}: {told}>"


def html_repr(scenario: Scenario) -> str:
    """The scenario's name and id over a table of its facts, every text escaped."""
    rows = "".join(
        f"<tr><th>{k}</th><td>{html.escape(v)}</td></tr>" for k, v in facts(scenario).items()
    )
    head = f"<b>{html.escape(scenario.meta.name)}</b> ({html.escape(scenario.meta.id)})"
    return f"{head}<table>{rows}</table>"
