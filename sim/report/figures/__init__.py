"""Interactive figures of a run: plain data in, ``plotly.graph_objects.Figure`` out.

This package reads results only. It imports plotly, numpy and pandas, never the model
(:mod:`sim.report` gathers the data from a run and calls these functions). No function here
shows a figure or writes a file. One module per figure family: :mod:`._timeline`,
:mod:`._outcomes` (concession timing and outcome probabilities), :mod:`._stage`,
:mod:`._compare`, :mod:`._sweep`, :mod:`._discovery` (PRIM in a sweep), :mod:`._uncertainty`
(a drawn run), with the shared
style in :mod:`._style`.

The data it takes:

``info``
    A plain dict describing the scenario: ``id``, ``name``, ``description``, ``start`` and
    ``deadline`` (ISO datetimes), ``window_hours``; ``players`` (row player first), each
    ``{"id", "name", "actions", "concessions"}``; ``outcomes``, each ``{"id", "name",
    "default"}``; ``pressure`` (None or ``{"name", "actor", "points"}``, each point ``{"at",
    "hours", "level", "event", "evidence": [{"seed", "quote"}], "assumption"}``);
    ``parameters`` (``{"name", "value", "unit", "description", "evidence", "assumption"}``);
    ``observed`` (None or ``{"outcome", "name", "at", "hours", "evidence", "assumption"}``).
``summary``
    The content of ``summary.json``.
``runs``, ``events``
    The ``runs.parquet`` and ``events.parquet`` tables.
``pressure``
    The pressure series sampled in hours since the start: ``{"hours", "level", "paths"}``,
    ``paths`` mapping a run index (as a string) to that path's realised ``{"hours", "level"}``.
``stage``
    One stage game in the shape of ``SolveResult.to_dict()`` (``hours_before_deadline``,
    ``datetime``, ``pressure``, ``stage_game``, ``equilibria``, ``selected``; under the logit
    concept also ``qre`` and ``branch``, which :func:`qre_branch` draws).

Every string that comes from a scenario file goes through :func:`escape` before Plotly sees
it, because Plotly renders some HTML tags in titles, labels and hover text.
"""

from sim.report.figures._compare import comparison
from sim.report.figures._discovery import prim_trajectories
from sim.report.figures._fit import fit_marginals, fit_pairs, fit_predictive, prior_posterior
from sim.report.figures._outcomes import concession_times, outcome_probabilities
from sim.report.figures._stage import qre_branch, stage_animation, stage_game
from sim.report.figures._style import OKABE_ITO, colours, escape
from sim.report.figures._sweep import (
    equilibrium_boundaries,
    parallel_coordinates,
    probability_curves,
    probability_heatmaps,
    sobol_bars,
)
from sim.report.figures._timeline import concession_hours, sample_runs, timeline
from sim.report.figures._uncertainty import per_draw_probabilities, tipping_distances, tornado

__all__ = [
    "OKABE_ITO",
    "colours",
    "comparison",
    "concession_hours",
    "concession_times",
    "equilibrium_boundaries",
    "escape",
    "fit_marginals",
    "fit_pairs",
    "fit_predictive",
    "outcome_probabilities",
    "parallel_coordinates",
    "per_draw_probabilities",
    "prim_trajectories",
    "prior_posterior",
    "probability_curves",
    "probability_heatmaps",
    "qre_branch",
    "sample_runs",
    "sobol_bars",
    "stage_animation",
    "stage_game",
    "timeline",
    "tipping_distances",
    "tornado",
]
