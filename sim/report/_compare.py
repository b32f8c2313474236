"""``negsim compare``: several runs side by side in one offline page (the first is the
baseline)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.errors import SimError
from sim.io import write_text
from sim.report import figures as F
from sim.report._data import ReportData, load_run
from sim.report._html import esc, figure_html, html_table, page

__all__ = ["compare", "mismatches"]

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


def mismatches(infos: Sequence[dict[str, Any]]) -> list[str]:
    """How each run's scenario differs from the baseline's (the first) in its players or
    outcomes: a comparison of unrelated standoffs."""
    base = infos[0]
    out = []
    for info in infos[1:]:
        for what in ("players", "outcomes"):
            mine, theirs = _ids(info[what]), _ids(base[what])
            if mine != theirs:
                out.append(
                    f"{info['id']} has {what} {', '.join(mine)}; the baseline {base['id']} has "
                    f"{', '.join(theirs)}"
                )
    return out


def _ids(items: Sequence[dict[str, Any]]) -> list[str]:
    return [str(i["id"]) for i in items]


def _cell(data: ReportData, base: ReportData, outcome: str, first: bool) -> str:
    """An outcome's probability, and its change against the baseline's."""
    got = data.summary["outcomes"].get(outcome)
    if got is None:
        return "n/a"
    was = base.summary["outcomes"].get(outcome)
    if first or was is None:
        return f"{got['probability']:.3f}"
    return f"{got['probability']:.3f} ({got['probability'] - was['probability']:+.3f})"


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
        + [_cell(d, datas[0], o["id"], i == 0) for o in datas[0].info["outcomes"]]
        for i, (label, d, dir_) in enumerate(zip(labels, datas, dirs, strict=True))
    ]
    warnings = "".join(
        f'<p class="warning">Not comparable: {esc(w)}.</p>'
        for w in mismatches([d.info for d in datas])
    )
    head = ["run", "scenario", "directory", "paths"] + [
        esc(o["name"]) for o in datas[0].info["outcomes"]
    ]
    body = (
        "<h1>Baseline and counterfactuals</h1>"
        + warnings
        + "<p>The first run is the baseline; each probability of the others is followed by "
        "its change against the baseline's.</p>"
        + html_table(head, rows, set(range(3, len(head))))
        + figure_html("comparison", fig)
    )
    return write_text(Path(out), page("negsim comparison", body, datetime.now(UTC)))
