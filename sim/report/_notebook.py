"""Figures of results in memory, for notebooks: a solved stage game and a sweep's table.

The run's figures are :func:`sim.report.run_figures` (``RunResult.figures()``). Each function
returns new ``plotly.graph_objects.Figure`` objects and changes nothing global (no renderer,
no template), so a notebook's figures survive a static export as Plotly's own output.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.report import figures as F
from sim.report._data import scenario_info
from sim.report._sweep import sweep_figures
from sim.scenario import Scenario

__all__ = ["solve_figures", "sweep_result_figures"]


def solve_figures(result: Any) -> dict[str, Any]:
    """The figures of a ``SolveResult`` (``SolveResult.figures()``): ``stage``, its payoff
    table with the equilibria, and under the logit concept ``qre_branch``."""
    info = scenario_info(result.scenario)
    stage = result.to_dict()
    figs = {"stage": F.stage_game(info, stage)}
    if stage.get("branch") is not None:
        figs["qre_branch"] = F.qre_branch(info, stage)
    return figs


def _swept(results: pd.DataFrame) -> list[str]:
    """The swept parameters: the columns between ``point`` and ``rng_seed``."""
    cols = list(results.columns)
    return cols[cols.index("point") + 1 : cols.index("rng_seed")]


def sweep_result_figures(
    results: pd.DataFrame, scenario: Scenario, sensitivity: pd.DataFrame | None = None
) -> dict[str, Any]:
    """The figures of a sweep's table (what ``sim.sweep`` returns), as in its report.

    The swept parameters are read from the table's columns, and two of them count as a grid
    when every pair of their values occurs once. ``sensitivity`` is a Sobol design's
    ``sensitivity.parquet``, for its bars.
    """
    params = _swept(results)
    cells = 1
    for p in params:
        cells *= results[p].nunique()
    design = "grid" if cells == len(results) else "sample"
    manifest = {"parameters": {"sweep": {"params": params, "design": design}}}
    return sweep_figures(results, sensitivity, manifest, scenario_info(scenario))
