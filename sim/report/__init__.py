"""Reports: offline HTML pages and Plotly figures, drawn from results.

Plotly is imported only here. The report reads results (tables, summaries, the compiled
model's public values) and never the engines' internals:

- :mod:`._data` gathers what the figures need, from a run in memory or from its folder;
- :mod:`._html` is the one page template every report shares;
- :mod:`._run`, :mod:`._sweep`, :mod:`._compare`: the run report, the sweep report and the
  comparison of runs; :mod:`._export`: figures as PNG, SVG or PDF; :mod:`._notebook`:
  figures of a solve and of a sweep's table in memory;
- :mod:`sim.report.figures`: the figures themselves, one module per family.
"""

from sim.report import figures
from sim.report._compare import compare, mismatches
from sim.report._data import (
    DATA,
    ReportData,
    RunLike,
    gather,
    load_run,
    pressure_series,
    scenario_info,
    stage_epochs,
    stage_games,
)
from sim.report._export import FORMATS, export, find_chrome
from sim.report._fit import fit_figures, render_fit, write_fit_report
from sim.report._html import PLOTLY_CONFIG, REPORT
from sim.report._notebook import solve_figures, sweep_result_figures
from sim.report._run import build_figures, rebuild, render, write_report
from sim.report._run import figures as run_figures
from sim.report._sweep import rebuild_sweep, render_sweep, sweep_figures, write_sweep_report

__all__ = [
    "DATA",
    "FORMATS",
    "PLOTLY_CONFIG",
    "REPORT",
    "ReportData",
    "RunLike",
    "build_figures",
    "compare",
    "export",
    "figures",
    "find_chrome",
    "fit_figures",
    "gather",
    "load_run",
    "mismatches",
    "pressure_series",
    "rebuild",
    "rebuild_sweep",
    "render",
    "render_fit",
    "render_sweep",
    "run_figures",
    "scenario_info",
    "solve_figures",
    "stage_epochs",
    "stage_games",
    "sweep_figures",
    "sweep_result_figures",
    "write_fit_report",
    "write_report",
    "write_sweep_report",
]
