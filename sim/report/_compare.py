"""``negsim compare``: several runs side by side in one offline page (the first is the
baseline)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sim.errors import SimError
from sim.io import write_text
from sim.report import figures as F
from sim.report._data import ReportData, load_run
from sim.report._html import esc, figure_html, html_table, page

__all__ = ["compare"]

#: Changed numbers named in a run's label in ``negsim compare``.
MAX_LABEL_CHANGES = 3


def _labels(dirs: Sequence[Path], datas: Sequence[ReportData]) -> list[str]:
    """Scenario id plus the numbers that differ from the baseline (the first run)."""
    base = datas[0].manifest.get("parameters", {}).get("values") or {}
    labels = []
    for data in datas:
        run = data.manifest.get("parameters", {})
        params = run.get("values") or {}
        changed = {k: v for k, v in params.items() if k in base and base[k] != v}
        changed.update(run.get("overrides") or {})
        shown = [f"{k}={v:g}" for k, v in list(changed.items())[:MAX_LABEL_CHANGES]]
        if len(changed) > MAX_LABEL_CHANGES:
            shown.append(f"{len(changed) - MAX_LABEL_CHANGES} more")
        labels.append(data.info["id"] + (f" ({', '.join(shown)})" if shown else ""))
    if len(set(labels)) < len(labels):
        labels = [f"{label} [{d.name}]" for label, d in zip(labels, dirs, strict=True)]
    return labels


def compare(directories: Sequence[str | Path], out: str | Path) -> Path:
    """Write an HTML page comparing several runs (the first is the baseline)."""
    dirs = [Path(d) for d in directories]
    if len(dirs) < 2:
        raise SimError("compare needs at least two run directories")
    datas = [load_run(d) for d in dirs]
    labels = _labels(dirs, datas)
    fig = F.comparison(
        [
            {"label": label, "info": d.info, "summary": d.summary}
            for label, d in zip(labels, datas, strict=True)
        ]
    )
    rows = [
        [esc(label), esc(d.info["name"]), esc(dir_), str(d.summary["runs"])]
        + [
            f"{d.summary['outcomes'][o['id']]['probability']:.3f}"
            if o["id"] in d.summary["outcomes"]
            else "n/a"
            for o in datas[0].info["outcomes"]
        ]
        for label, d, dir_ in zip(labels, datas, dirs, strict=True)
    ]
    head = ["run", "scenario", "directory", "paths"] + [
        esc(o["name"]) for o in datas[0].info["outcomes"]
    ]
    body = (
        "<h1>Baseline and counterfactuals</h1>"
        + html_table(head, rows, set(range(3, len(head))))
        + figure_html("comparison", fig)
    )
    return write_text(Path(out), page("negsim comparison", body, datetime.now(UTC)))
