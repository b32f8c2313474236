"""Experiments: a scenario simulated at many parameter values, one row per point.

- :mod:`._designs`: the registry of designs (grid, Latin hypercube, Sobol, Morris) and the
  parameter specs they expand;
- :mod:`._sweep`: :func:`sweep`, the points of a design simulated together, resumably;
- :mod:`._store`: a sweep's directory (manifest, part files, results);
- :mod:`._executors`: this process, a process pool or a Dask cluster;
- :mod:`._sensitivity`: Sobol and Morris indices (SALib).

>>> from sim.experiments import expand, parse_param
>>> expand([parse_param("x=0:1:3")])["x"].tolist()
[0.0, 0.5, 1.0]
"""

from sim.experiments._designs import (
    DESIGNS,
    MORRIS_LEVELS,
    Design,
    ParamSpec,
    expand,
    parse_param,
    problem,
)
from sim.experiments._discovery import PRIM_THRESHOLD, prim_boxes
from sim.experiments._executors import SCHEDULER_TIMEOUT, check_scheduler, map_chunks
from sim.experiments._sensitivity import COLUMNS, analyze, outputs_of
from sim.experiments._store import MANIFEST, PARTS, RESULTS, SENSITIVITY, SweepStore
from sim.experiments._sweep import (
    DEFAULT_SWEEP_RUNS,
    INTEGER_COLUMNS,
    MAX_CHUNK,
    TEXT_COLUMNS,
    point_seeds,
    point_summary,
    sweep,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_SWEEP_RUNS",
    "DESIGNS",
    "INTEGER_COLUMNS",
    "MANIFEST",
    "MAX_CHUNK",
    "MORRIS_LEVELS",
    "PARTS",
    "PRIM_THRESHOLD",
    "RESULTS",
    "SCHEDULER_TIMEOUT",
    "SENSITIVITY",
    "TEXT_COLUMNS",
    "Design",
    "ParamSpec",
    "SweepStore",
    "analyze",
    "check_scheduler",
    "expand",
    "map_chunks",
    "outputs_of",
    "parse_param",
    "point_seeds",
    "point_summary",
    "prim_boxes",
    "problem",
    "sweep",
]
