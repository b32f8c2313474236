"""The one exception family of negsim.

Library code raises these; only the command line catches :class:`SimError`, prints one line
per problem and exits with status 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ArgumentError", "Problem", "ScenarioError", "SimError", "shown"]

_MAX_VALUE_CHARS = 80
#: Longest line a problem prints (a rule can quote a long value, e.g. pydantic's tags).
MAX_LINE_CHARS = 400
#: Most lines a :class:`ScenarioError` prints; the rest are counted in a last line.
MAX_LINES = 50


class SimError(Exception):
    """Base class of every error negsim raises on purpose."""


class ArgumentError(SimError, ValueError):
    """A library call's argument that cannot be used, in the library's words.

    Attributes
    ----------
    argument:
        The argument's name as the function takes it (``runs``, ``epoch``, ``param``).
    value:
        What was given.
    rule:
        What it must be.

    The command line names the flag for the argument instead (``--runs``).
    """

    def __init__(self, argument: str, value: Any, rule: str) -> None:
        self.argument, self.value, self.rule = argument, value, rule
        super().__init__(f"{argument} {shown(value)}: {rule}")


def shown(value: Any) -> str:
    """A value as an error message shows it: strings quoted, numbers as they are, cut to
    :data:`_MAX_VALUE_CHARS` characters."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 3] + "..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (``key``), which rule, and the bad value."""

    key: str
    rule: str
    value: Any = None
    has_value: bool = True

    def describe(self) -> str:
        """``key: rule (got value)`` on one line."""
        text = f"{self.key or '<document>'}: {self.rule}"
        if self.has_value:
            shown = repr(self.value)
            if len(shown) > _MAX_VALUE_CHARS:
                shown = shown[: _MAX_VALUE_CHARS - 3] + "..."
            text += f" (got {shown})"
        text = " ".join(text.split())
        return text if len(text) <= MAX_LINE_CHARS else text[: MAX_LINE_CHARS - 3] + "..."


class ScenarioError(SimError, ValueError):
    """A scenario file that cannot be read or is not valid.

    Attributes
    ----------
    path:
        The scenario file, or ``None`` for text that came from no file.
    problems:
        Every problem found, in document order; ``key`` is the first one's key path.
    """

    def __init__(self, path: Path | str | None, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("ScenarioError needs at least one problem")
        self.path = Path(path) if path is not None else None
        self.problems = tuple(problems)
        self.key = problems[0].key
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per problem: ``file: key: rule (got value)``; after :data:`MAX_LINES`
        of them, one line that counts the rest (:attr:`problems` holds them all)."""
        where = str(self.path) if self.path is not None else "<string>"
        shown = [f"{where}: {p.describe()}" for p in self.problems[:MAX_LINES]]
        if len(self.problems) > MAX_LINES:
            more = len(self.problems) - MAX_LINES
            shown.append(f"{where}: <document>: and {more} more problems")
        return shown
