"""The report page of a fit: ``DIR/report.html``, written atomically.

A table of each parameter (the hand calibration, the maximum, the posterior mean and 90 %
interval, and the sampler's diagnostics), then the figures of :mod:`.figures._fit`. Like
every page it embeds plotly.js once, fetches nothing and escapes every scenario string.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibrate import FitResult, diagnostics_of
from sim.io import write_text
from sim.report import figures as F
from sim.report._html import REPORT, esc, fmt, html_table, page

__all__ = ["fit_figures", "render_fit", "write_fit_report"]

#: Prior draws drawn for the prior-against-posterior figure.
PRIOR_DRAWS = 4000


def fit_figures(result: FitResult) -> dict[str, Any]:
    """The fit's figures by name."""
    names = list(result.names)
    rng = np.random.default_rng(np.random.SeedSequence(int(result.settings.get("rng_seed", 0))))
    prior = pd.DataFrame(result.prior.sample(PRIOR_DRAWS, rng), columns=names)
    marks: dict[str, dict[str, float]] = {
        "hand calibration": {n: result.scenario.parameters[n].value for n in names}
    }
    if result.maximum is not None:
        marks["maximum likelihood"] = dict(result.maximum["values"])
    outcome_names = {o.id: o.name for o in result.scenario.outcomes}
    figs = {
        "fit_marginals": F.fit_marginals(result.posterior, names, marks),
        "fit_pairs": F.fit_pairs(result.posterior, names),
        "prior_posterior": F.prior_posterior(result.posterior, prior, names),
    }
    if result.predictive_summary:
        figs["fit_predictive"] = F.fit_predictive(
            result.predictive_summary, result.predictive, outcome_names
        )
    return figs


def _table(result: FitResult) -> str:
    d = diagnostics_of(result)
    diag = result.diagnostics
    ess, rhat = diag.get("ess"), diag.get("rhat") or {}
    rows = []
    for n in result.names:
        low, high = d["interval90"][n]
        maximum = (result.maximum or {}).get("values", {}).get(n)
        rows.append(
            [
                esc(n),
                fmt(d["hand_calibration"][n], ".4g"),
                fmt(maximum, ".4g"),
                fmt(d["posterior_mean"][n], ".4g"),
                f"[{low:.4g}, {high:.4g}]",
                fmt(ess.get(n) if isinstance(ess, dict) else ess, ".0f"),
                fmt(rhat.get(n), ".3f"),
            ]
        )
    head = ["parameter", "hand", "maximum", "mean", "90% interval", "ESS", "R-hat"]
    return html_table(head, rows, {1, 2, 3, 5, 6})


def render_fit(result: FitResult, built: datetime) -> str:
    """The fit's report as one self-contained HTML page."""
    from sim.report._html import figure_html

    s = result.scenario
    settings = ", ".join(f"{k} {v}" for k, v in result.settings.items())
    body = (
        f"<h1>{esc(s.meta.name)}: fit ({esc(result.method)})</h1>"
        f'<p class="muted">Scenario <code>{esc(s.meta.id)}</code>; {esc(settings)}.</p>'
        + _table(result)
        + "".join(figure_html(k, f) for k, f in fit_figures(result).items())
    )
    return page(f"{esc(s.meta.name)}: negsim fit", body, built)


def write_fit_report(result: FitResult, out: str | Path) -> Path:
    """Write ``out/report.html`` (atomically) for a fit; returns its path."""
    return write_text(Path(out) / REPORT, render_fit(result, datetime.now(UTC)))
