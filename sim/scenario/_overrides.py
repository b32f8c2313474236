"""Changing a scenario's numbers by dotted name, and which names can be changed.

A name is a dotted parameter name (``korea.audience_cost``) or the dotted key of a number in
the file (``schedule.epochs``): :func:`sweepable` lists them, :func:`apply_overrides` sets
them in a parsed document before validation.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.errors import Problem, ScenarioError

__all__ = ["apply_overrides", "sweepable", "unknown_parameter"]

#: Numeric keys of a document that are not numbers of the model (never sweepable).
NOT_NUMBERS = ("schema_version",)


def sweepable(document: Mapping[str, Any]) -> list[str]:
    """The names ``overrides`` accepts: parameters, then numeric keys of the document."""
    table = document.get("parameters")
    params = list(table) if isinstance(table, dict) else []
    numbers: list[str] = []

    def walk(node: Any, key: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if key == "" and k in ("parameters", *NOT_NUMBERS):
                    continue
                walk(v, f"{key}.{k}" if key else k)
        elif isinstance(node, int | float) and not isinstance(node, bool):
            numbers.append(key)

    walk(document, "")
    return params + numbers


def unknown_parameter(name: str, document: Mapping[str, Any]) -> str:
    """The rule broken by a name that is not sweepable: the closest names first when there
    are any ("did you mean"), then every valid name.

    >>> unknown_parameter("waiting_cots", {"parameters": {"waiting_cost": {}}, "epochs": 3})
    "no such parameter; did you mean 'waiting_cost'? valid names: waiting_cost, epochs"
    """
    valid = sweepable(document)
    close = difflib.get_close_matches(name, valid, n=3, cutoff=0.75)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return f"no such parameter; {hint}valid names: {', '.join(valid)}"


def apply_overrides(
    document: dict[str, Any], overrides: Mapping[str, float], path: Path | None
) -> None:
    """Set each override in ``document`` (parsed, parameters flattened), in place.

    Raises
    ------
    ScenarioError
        Naming every override that is not a parameter or a number of the document.
    """
    problems: list[Problem] = []
    for name, value in overrides.items():
        params = document.get("parameters")
        if isinstance(params, dict) and isinstance(params.get(name), dict):
            params[name]["value"] = value
            continue
        node: Any = document
        parts = name.split(".")
        for part in parts[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        leaf = node.get(parts[-1]) if isinstance(node, dict) else None
        if isinstance(leaf, int | float) and not isinstance(leaf, bool) and name not in NOT_NUMBERS:
            # keep integers integers, but let validation reject 12.7 or nan for an integer key
            integral = isinstance(leaf, int) and isinstance(value, float) and value.is_integer()
            node[parts[-1]] = int(value) if integral else value
            continue
        problems.append(Problem(name, unknown_parameter(name, document), value))
    if problems:
        raise ScenarioError(path, problems)
