"""Benchmark rows: the printed table and the JSON file."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

#: Distributions whose versions every report records.
PACKAGES = ("negsim", "numpy", "scipy", "nashpy", "quantecon", "numba", "pygambit")

COLUMNS = ("operation", "ours", "baseline", "ratio", "target", "check")


@dataclass(frozen=True)
class Row:
    """One operation timed for us and for one baseline, per game.

    ``baseline_s`` and ``ratio`` are ``None`` when the baseline is not installed; ``target``
    is the ratio the issue asks for, if it sets one.
    """

    operation: str
    ours_s: float
    baseline: str
    baseline_s: float | None
    ours_games: int
    baseline_games: int
    check: str
    target: float | None = None

    @property
    def ratio(self) -> float | None:
        """How many times faster ours is than the baseline."""
        return None if self.baseline_s is None else self.baseline_s / self.ours_s


def format_duration(seconds: float | None) -> str:
    """``12.3 µs`` or ``4.56 ms`` (or ``-`` for no figure)."""
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    return f"{seconds * 1e3:.2f} ms"


def _cells(row: Row) -> tuple[str, ...]:
    ratio = (
        "-"
        if row.ratio is None
        else f"{row.ratio:,.0f}x"
        if row.ratio >= 100
        else f"{row.ratio:.1f}x"
    )
    if row.target is None:
        target = ""
    elif row.ratio is None:
        target = f">= {row.target:g}x: not measured"
    else:
        target = f">= {row.target:g}x: {'met' if row.ratio >= row.target else 'NOT met'}"
    baseline = f"{format_duration(row.baseline_s)} ({row.baseline})"
    return (row.operation, format_duration(row.ours_s), baseline, ratio, target, row.check)


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


def write_json(rows: list[Row], settings: dict[str, object], path: Path) -> None:
    """The rows (times in seconds per game), the settings and the software versions."""
    document = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "versions": _versions(),
        "settings": settings,
        "rows": [{**asdict(row), "ratio": row.ratio} for row in rows],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
