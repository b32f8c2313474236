"""The page every report shares: one self-contained HTML template (plotly.js embedded once,
nothing fetched from the network), tables, sources and figures, every string escaped."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import plotly.offline

__all__ = [
    "PLOTLY_CONFIG",
    "REPORT",
    "TITLES",
    "esc",
    "figure_html",
    "fmt",
    "html_table",
    "page",
    "sources",
]

REPORT = "report.html"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "scrollZoom": False}

CAPTIONS = {
    "timeline": "Top: the outside pressure as scheduled (black) with its dated events (hover "
    "a diamond for the event and the evidence quoted from the seeds) and, in grey, the "
    "pressure realised on the sample paths. Middle: the share of paths in which each player "
    "has conceded by each moment. Bottom: a few sample paths, each player's actions "
    "(triangles are concessions) and how the path ended (stars).",
    "concession": "The deadline effect: the share of all paths whose agreement was decided in "
    "each interval, counted in hours before the deadline (the deadline is at the right). "
    "Switch to the log time axis to see the last hours.",
    "outcomes": "How the simulated paths ended, with 95% Wilson intervals; the star marks "
    "what happened.",
    "stage": "The stage game when the standoff was settled (or at the last epoch shown): each "
    "player's payoff in each cell, with continuation values; circles mark equilibrium play.",
    "stage_animation": "The stage game at several decision epochs. Move the slider (or press "
    "play) to watch the payoffs and the equilibria change as the deadline and the pressure "
    "approach.",
    "qre_branch": "How the logit QRE of that stage game is reached: each action's probability "
    "along the principal branch of the logit correspondence, from uniform play at precision 0 "
    "to the QRE the paths play (circles) at the scenario's precision. The dotted lines are the "
    "selected Nash equilibrium; as the precision grows the branch approaches a Nash "
    "equilibrium.",
    "per_draw": "Each parameter draw's share of paths ending in each outcome (one dot a draw; "
    "the box is the middle half and the whiskers the spread), and the drawn probability with "
    "its 95% Monte Carlo interval by draw (black). Dots at 0 and 1 mean the parameters, not "
    "the shocks, decide the outcome.",
    "tornado": "The outcome's probability over the draws in the lowest and in the highest "
    "third of each drawn parameter (the others drawn too); the dotted line is the drawn "
    "probability. The parameters with the widest swing are on top. Tipping points one "
    "parameter at a time: negsim solve --tipping (docs/uncertainty.md).",
    "tipping": "One parameter at a time, the others at their point values: how far from its "
    "point value, as a share of its declared range, the modal outcome flips (or an outcome's "
    "probability crosses 0.5), nearest flip below (left) and above (right). A flip inside "
    "the shaded band is a knife edge. Each value is judged by 100 paths with the same seed, "
    "each flip found to 1% of the range (negsim solve --tipping; docs/uncertainty.md).",
    "comparison": "Left: each outcome's probability in each run, with 95% intervals. Right: "
    "when agreements were reached (median, quartiles and the 5 to 95% range of hours before "
    "the deadline, log scale); stars mark what was observed.",
    "fit_marginals": "Each fitted parameter's posterior density; the dashed line is the "
    "scenario's hand calibration, the dotted one the maximum-likelihood value (likelihood "
    "method). A posterior as wide as its prior means the record does not pin it down.",
    "fit_pairs": "The posterior draws of every pair of parameters: a ridge is a trade-off "
    "the record cannot break (only the combination is identified).",
    "prior_posterior": "Grey: the prior (the declared distribution, cut to the range). Blue: "
    "the posterior given the record.",
    "fit_predictive": "Left: each outcome's probability in the posterior predictive run (the "
    "observed outcome outlined). Right: when the observed outcome was reached on those paths, "
    "with the record's time dashed.",
}

TITLES = {
    "timeline": "The standoff over time",
    "concession": "When agreements are reached",
    "outcomes": "Outcome probabilities",
    "stage": "The stage game",
    "stage_animation": "The stage game toward the deadline",
    "qre_branch": "The logit QRE's principal branch",
    "comparison": "Outcomes and timing side by side",
    "per_draw": "Parameter uncertainty: outcomes draw by draw",
    "tornado": "Which parameters move the outcome",
    "tipping": "Tipping points",
    "fit_marginals": "What the record says about each parameter",
    "fit_pairs": "How the fitted parameters trade off",
    "prior_posterior": "What the record moved, and what it left to the prior",
    "fit_predictive": "The fitted model against the record",
}

STYLE = """
body{font:16px/1.5 Arial,Helvetica,sans-serif;color:#111;margin:0;background:#fafafa}
main{max-width:1240px;margin:0 auto;padding:16px 24px 48px;background:#fff}
h1{font-size:1.7em;margin:.4em 0 .2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0;font-size:.95em}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:-1px}
figure{margin:1em 0 2em}figcaption{color:#333;max-width:60em;margin:.3em 0}
.quote{font-style:italic}.seed{color:#555;font-size:.9em}.muted{color:#555}
nav a{margin-right:1em}
"""


def esc(value: object) -> str:
    """``value`` as text, HTML-escaped."""
    return html.escape(str(value))


def sources(item: Mapping[str, Any]) -> str:
    parts = [
        f'<span class="quote">“{esc(e["quote"])}”</span> '
        f'<span class="seed">({esc(e["seed"])})</span>'
        for e in item.get("evidence") or ()
    ]
    if item.get("assumption"):
        parts.append(f'<span class="muted">Assumption:</span> {esc(item["assumption"])}')
    return "<br>".join(parts) or '<span class="muted">none given</span>'


def html_table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """A table from already-escaped cells; columns in ``numeric`` align right."""
    ths = "".join(f"<th>{h}</th>" for h in head)
    trs = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table>"


def fmt(x: float | None, spec: str = ".1f") -> str:
    return "n/a" if x is None else format(x, spec)


def figure_html(name: str, fig: Any) -> str:
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        auto_play=False,
        div_id=f"fig-{name}",
        config=PLOTLY_CONFIG,
    )
    caption = f"<figcaption>{CAPTIONS.get(name, '')}</figcaption>"
    return f'<figure id="{name}"><h2>{TITLES.get(name, name)}</h2>{div}{caption}</figure>'


def page(title: str, body: str, built: datetime) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style>"
        "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
        f"<script>{plotly.offline.get_plotlyjs()}</script>\n"
        f'</head><body><main>{body}<hr><p class="muted">Built by negsim on '
        f'<span id="built">{built.isoformat(timespec="seconds")}</span>; works offline.</p>'
        "</main></body></html>\n"
    )
