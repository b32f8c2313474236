"""The offline HTML report of a sweep: ``DIR/report.html`` from the sweep's tables.

The figures depend on the number of swept parameters: one gives the outcome probabilities
against it with their 95% bands; two (on a grid) give heatmaps of each probability and of the
median concession time, with the edges where the equilibrium's most likely outcome changes;
more (or two not on a grid) give parallel coordinates. A Sobol design adds bars of its
indices; PRIM boxes (``negsim sweep --prim``) add a table of each box and the peeling
trajectories. Like the run report, the page embeds plotly.js once, fetches nothing from the network
and escapes every string from a scenario file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments import MANIFEST, PRIM, RESULTS, SENSITIVITY
from sim.io import write_text
from sim.report import figures as F
from sim.report._data import scenario_info
from sim.report._html import PLOTLY_CONFIG, REPORT, esc, html_table, page
from sim.scenario import Scenario

__all__ = ["rebuild_sweep", "render_sweep", "sweep_figures", "write_sweep_report"]


def _settings(manifest: Mapping[str, Any]) -> Mapping[str, Any]:
    """The sweep's settings in its manifest."""
    settings: Mapping[str, Any] = manifest.get("parameters", {}).get("sweep", {})
    return settings


def _params(manifest: Mapping[str, Any]) -> list[str]:
    return [re.split("[=~]", str(t), maxsplit=1)[0] for t in _settings(manifest).get("params", [])]


def sweep_figures(
    results: pd.DataFrame,
    sensitivity: pd.DataFrame | None,
    manifest: Mapping[str, Any],
    info: Mapping[str, Any],
    prim: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Name -> figure, in the report's order, picked by the number of swept parameters (and
    the PRIM boxes' peeling trajectories, given ``prim``: ``prim.json``)."""
    params = _params(manifest)
    design = _settings(manifest).get("design", "grid")
    palette = F.colours(info)["outcomes"]
    units = {p["name"]: p["unit"] for p in info.get("parameters", ())}
    units["hours_q50"] = "h before the deadline"
    outcomes = info["outcomes"]
    figs: dict[str, Any] = {}
    if len(params) == 1:
        figs["curves"] = F.probability_curves(results, params[0], outcomes, palette, units)
    elif len(params) == 2 and design == "grid":
        x, y = params
        figs["heatmaps"] = F.probability_heatmaps(results, x, y, outcomes, palette, units)
    elif params:
        default = next((o["id"] for o in outcomes if o.get("default")), outcomes[0]["id"])
        others = [f"p_{o['id']}" for o in outcomes] + ["hours_q50"]
        figs["parallel"] = F.parallel_coordinates(results, params, f"p_{default}", others, units)
    if sensitivity is not None and "ST" in sensitivity and sensitivity["ST"].notna().any():
        figs["sobol"] = F.sobol_bars(sensitivity)
    if prim and any(not box.get("note") for box in prim.values()):
        names = {o["id"]: o["name"] for o in outcomes}
        figs["prim"] = F.prim_trajectories(prim, palette, names)
    return figs


def _prim_html(prim: Mapping[str, Any] | None, info: Mapping[str, Any]) -> str:
    """The PRIM boxes: for each outcome, each parameter's limits, and the box's coverage,
    density and mass (or why it has none)."""
    if not prim:
        return ""
    names = {o["id"]: o["name"] for o in info["outcomes"]}
    rows = []
    for outcome, box in prim.items():
        name = esc(names.get(outcome, outcome))
        if box.get("note"):
            rows.append([name, f"no box: {esc(box['note'])}", "", "", "", ""])
            continue
        limits = "<br>".join(
            f"<code>{esc(p)}</code> in [{lo:.4g}, {hi:.4g}]"
            for p, (lo, hi) in box["limits"].items()
        )
        cells = [f"{box[k]:.3f}" for k in ("coverage", "density", "mass")]
        rows.append([name, limits, *cells, str(box["likely_points"])])
    heads = ["outcome", "box", "coverage", "density", "mass", "likely points"]
    return (
        '<section id="prim-boxes"><h2>Scenario discovery: PRIM boxes</h2><p>Where each '
        "outcome is likely (its probability over 0.5 at a point): the box PRIM peels toward "
        "it. Coverage is the share of the likely points inside the box, density the share of "
        "the points inside that are likely, mass the share of all points inside "
        "(docs/sweeps.md).</p>"
        f"{html_table(heads, rows, {2, 3, 4, 5})}</section>"
    )


def _header(results: pd.DataFrame, manifest: Mapping[str, Any], info: Mapping[str, Any]) -> str:
    s, run = _settings(manifest), manifest.get("parameters", {})
    items = [
        ("scenario file", run.get("scenario", {}).get("path")),
        ("design", s.get("design")),
        ("points", len(results)),
        ("paths per point", s.get("runs")),
        ("parameters", ", ".join(s.get("params", []))),
        ("rng seed", run.get("rng_seed")),
        ("negsim", manifest.get("software", {}).get("version")),
    ]
    rows = [[esc(k), esc(v)] for k, v in items]
    return (
        f'<h1>{esc(info["name"])}: sweep</h1><p class="muted">Scenario <code>'
        f"{esc(info['id'])}</code>.</p>{html_table(['', ''], rows, set())}"
    )


def _figure(name: str, fig: Any) -> str:
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=f"fig-{name}",
        config=PLOTLY_CONFIG,
    )
    return f'<figure id="{name}">{div}</figure>'


def render_sweep(
    results: pd.DataFrame,
    sensitivity: pd.DataFrame | None,
    manifest: Mapping[str, Any],
    info: Mapping[str, Any],
    built: datetime,
    prim: Mapping[str, Any] | None = None,
) -> str:
    """The sweep report as one self-contained HTML page."""
    figs = sweep_figures(results, sensitivity, manifest, info, prim)
    body = (
        _header(results, manifest, info)
        + _prim_html(prim, info)
        + "".join(_figure(k, f) for k, f in figs.items())
    )
    return page(f"{esc(info['name'])}: negsim sweep", body, built)


def write_sweep_report(
    out_dir: str | Path,
    results: pd.DataFrame,
    sensitivity: pd.DataFrame | None,
    manifest: Mapping[str, Any],
    info: Mapping[str, Any],
    prim: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``out_dir/report.html`` (atomically) for a finished sweep; returns its path.

    Parameters
    ----------
    out_dir:
        The sweep directory.
    results, sensitivity:
        The ``results.parquet`` and ``sensitivity.parquet`` tables (``None`` without one).
    manifest:
        The sweep's ``manifest.json`` (its ``sweep`` entry names the design and parameters).
    info:
        :func:`sim.report.scenario_info` of the scenario.
    prim:
        The PRIM boxes (:func:`sim.experiments.prim_boxes`, ``prim.json``), if any.
    """
    text = render_sweep(results, sensitivity, manifest, info, datetime.now(UTC), prim)
    return write_text(Path(out_dir) / REPORT, text)


def rebuild_sweep(directory: str | Path, scenario: Scenario) -> Path:
    """Write ``DIR/report.html`` for the finished sweep in ``DIR`` (of ``scenario``) from its
    manifest, results, sensitivity indices and PRIM boxes (``prim.json``); returns its path."""
    d = Path(directory)
    manifest = json.loads((d / MANIFEST).read_text(encoding="utf-8"))
    results = pd.read_parquet(d / RESULTS)
    indices = pd.read_parquet(d / SENSITIVITY) if (d / SENSITIVITY).is_file() else None
    prim = json.loads((d / PRIM).read_text(encoding="utf-8")) if (d / PRIM).is_file() else None
    return write_sweep_report(d, results, indices, manifest, scenario_info(scenario), prim)
