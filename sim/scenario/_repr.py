"""What a notebook or a terminal shows of a result: a one-line repr and an HTML table of its
facts. The scenario, a stage game's solution (:class:`sim.SolveResult`) and a run
(:class:`sim.RunResult`) all show themselves this way; this is the lowest layer all three
import."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

#: A :class:`~sim.scenario.Scenario` (not imported: the schema imports this module).
Scenario = Any

__all__ = ["facts_html", "facts_repr", "html_repr", "text_repr"]


def facts_repr(kind: str, ident: str, facts: Mapping[str, str]) -> str:
    """``<kind 'ident': key value; key value>``, one line."""
    told = "; ".join(f"{k} {v}" for k, v in facts.items())
    return f"<{kind} {ident!r}: {told}>"


def facts_html(head: str, facts: Mapping[str, str]) -> str:
    """``head`` (HTML, escaped by the caller) over a table of ``facts``, every text escaped."""
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in facts.items()
    )
    return f"{head}<table>{rows}</table>"


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
    return facts_repr("Scenario", scenario.meta.id, facts(scenario))


def html_repr(scenario: Scenario) -> str:
    """The scenario's name and id over a table of its facts, every text escaped."""
    head = f"<b>{html.escape(scenario.meta.name)}</b> ({html.escape(scenario.meta.id)})"
    return facts_html(head, facts(scenario))
