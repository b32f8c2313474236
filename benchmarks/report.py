"""Benchmark rows: the printed table and the JSON file."""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

#: Distributions whose versions every report records.
PACKAGES = (
    "negsim",
    "numpy",
    "scipy",
    "simpy",
    "pandas",
    "pyarrow",
    "plotly",
    "nashpy",
    "quantecon",
    "numba",
    "pygambit",
)

COLUMNS = ("operation", "ours", "baseline", "ratio", "target", "check")


@dataclass(frozen=True)
class Row:
    """One operation timed for us and for one baseline (or against a target), per item.

    ``ours_s`` and ``baseline_s`` are in ``unit`` (SI: ``"s/game"``, ``"s/path"``,
    ``"core-s/path"``, ``"s/event"``, ``"s"``); either is ``None`` when not measured (a
    baseline not installed). ``ratio`` is ``baseline_s / ours_s``: how many times faster ours
    is. ``target`` is the ratio the issue asks for, if it sets one, and ``goal`` says it in
    words. ``rate`` (``"paths/s"``) prints the figures as rates rather than times.
    ``details`` holds further measurements for the JSON file.
    """

    operation: str
    ours_s: float | None
    baseline: str
    baseline_s: float | None
    ours_items: int
    baseline_items: int
    check: str
    target: float | None = None
    unit: str = "s/game"
    rate: str = ""
    goal: str = ""
    details: Mapping[str, object] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """How many times faster ours is than the baseline (or than the target's pace)."""
        if self.baseline_s is None or self.ours_s is None or self.ours_s <= 0:
            return None
        return self.baseline_s / self.ours_s

    @property
    def met(self) -> bool | None:
        """Whether the ratio reaches the target (``None`` without a target or a ratio)."""
        ratio = self.ratio
        return None if self.target is None or ratio is None else ratio >= self.target


def format_duration(seconds: float | None) -> str:
    """``12.3 µs``, ``4.56 ms`` or ``7.89 s`` (or ``-`` for no figure)."""
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def format_rate(seconds: float | None, label: str) -> str:
    """The rate of one item every ``seconds``: ``2,000 paths/s`` (or ``-``)."""
    if seconds is None or seconds <= 0:
        return "-"
    rate = 1.0 / seconds
    return f"{rate:,.0f} {label}" if rate >= 100 else f"{rate:.3g} {label}"


def format_ratio(ratio: float | None) -> str:
    """``1,234x``, ``9.8x`` or ``0.14x`` (or ``-``)."""
    if ratio is None:
        return "-"
    if ratio >= 100:
        return f"{ratio:,.0f}x"
    return f"{ratio:.1f}x" if ratio >= 1 else f"{ratio:.2g}x"


def _figure(row: Row, seconds: float | None) -> str:
    return format_rate(seconds, row.rate) if row.rate else format_duration(seconds)


def _target(row: Row) -> str:
    if row.target is None:
        return row.goal
    label = row.goal or f">= {row.target:g}x"
    met = row.met
    return f"{label}: {'not measured' if met is None else 'met' if met else 'NOT met'}"


def _cells(row: Row) -> tuple[str, ...]:
    baseline = f"{_figure(row, row.baseline_s)} ({row.baseline})"
    return (
        row.operation,
        _figure(row, row.ours_s),
        baseline,
        format_ratio(row.ratio),
        _target(row),
        row.check,
    )


def format_table(rows: list[Row]) -> str:
    """A plain-text table, one line per row, columns padded to line up."""
    cells = [COLUMNS, *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = [
        " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in cells
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def row_record(row: Row) -> dict[str, object]:
    """One row as a JSON object: its fields, ``ratio`` and ``met``."""
    return {**asdict(row), "details": dict(row.details), "ratio": row.ratio, "met": row.met}


def write_json(rows: list[Row], settings: Mapping[str, object], path: Path) -> None:
    """The rows (figures in their SI ``unit``), the settings and the software versions."""
    document = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "versions": _versions(),
        "settings": dict(settings),
        "rows": [row_record(row) for row in rows],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
