"""Global sensitivity of a sweep's outputs to its parameters (SALib).

For a ``sobol`` design: first-order and total Sobol indices (``S1``, ``ST``) with their 95%
bootstrap half-widths (``S1_conf``, ``ST_conf``). For a ``morris`` design: the Morris
screening measures ``mu_star`` (mean absolute elementary effect), ``mu_star_conf`` and
``sigma``. Outputs that are constant over the sweep, or undefined at some point (a concession
quantile where no path ended in an agreement), carry no information about the parameters:
they get one row per parameter with the indices missing and the reason in ``note``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import SimError
from sim.experiments._designs import MORRIS_LEVELS

__all__ = ["COLUMNS", "analyze", "outputs_of"]

#: The columns of the table :func:`analyze` returns, by design.
COLUMNS = {
    "sobol": ["output", "parameter", "S1", "S1_conf", "ST", "ST_conf", "note"],
    "morris": ["output", "parameter", "mu_star", "mu_star_conf", "sigma", "note"],
}
#: Bootstrap resamples for the confidence intervals (SALib's default).
RESAMPLES = 100
#: Output columns of a sweep that are analysed: the outcome probabilities, concession
#: timing and expected payoffs (not the intervals, which only restate the probabilities).
OUTPUT_PREFIXES = ("p_", "hours_", "share_last_5pct", "payoff_")


def outputs_of(results: pd.DataFrame) -> list[str]:
    """The output columns of a sweep's results that :func:`analyze` looks at."""
    return [c for c in results.columns if c.startswith(OUTPUT_PREFIXES)]


def analyze(
    problem: dict[str, Any],
    results: pd.DataFrame,
    design: str,
    rng_seed: int = 0,
    outputs: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Sensitivity indices of each output column to each parameter, as a tidy table.

    Parameters
    ----------
    problem:
        The SALib problem (``names``, ``bounds``; :func:`sim.experiments.problem`).
    results:
        One row per point of the design, in design order, with a column per parameter
        and per output.
    design:
        ``sobol`` or ``morris``: how the points were sampled.
    rng_seed:
        Seeds the bootstrap of the confidence intervals (any integer, 0 included: see
        :func:`_salib_seed`).
    outputs:
        The columns to analyse (default: :func:`outputs_of`).
    """
    if design not in COLUMNS:
        raise SimError(f"sensitivity analysis needs a sobol or morris design, not {design!r}")
    names = list(problem["names"])
    x = results[names].to_numpy(dtype=float)
    rows: list[dict[str, Any]] = []
    for output in outputs if outputs is not None else outputs_of(results):
        y = results[output].to_numpy(dtype=float)
        note = _unusable(y)
        if note:
            rows.extend({"output": output, "parameter": n, "note": note} for n in names)
            continue
        if design == "sobol":
            rows.extend(_sobol(problem, y, output, _salib_seed(rng_seed)))
        else:
            rows.extend(_morris(problem, x, y, output, _salib_seed(rng_seed)))
    return _table(rows, design)


def _unusable(y: np.ndarray) -> str:
    if not np.all(np.isfinite(y)):
        return "undefined at some points"
    if np.all(y == y[0]):
        return "constant"
    return ""


def _salib_seed(rng_seed: int) -> int:
    """A positive seed for SALib derived from ``rng_seed``.

    SALib 1.6's Sobol analysis tests ``if seed:``, so a seed of 0 silently falls back to
    numpy's global random state and the confidence intervals change from run to run.
    """
    return int(np.random.SeedSequence(rng_seed).generate_state(1)[0]) or 1


def _sobol(problem: dict[str, Any], y: np.ndarray, output: str, seed: int) -> list[dict[str, Any]]:
    from SALib.analyze import sobol

    s = sobol.analyze(problem, y, calc_second_order=False, num_resamples=RESAMPLES, seed=seed)
    return _rows(problem, output, s, ("S1", "S1_conf", "ST", "ST_conf"))


def _morris(
    problem: dict[str, Any], x: np.ndarray, y: np.ndarray, output: str, seed: int
) -> list[dict[str, Any]]:
    from SALib.analyze import morris

    s = morris.analyze(problem, x, y, num_resamples=RESAMPLES, num_levels=MORRIS_LEVELS, seed=seed)
    return _rows(problem, output, s, ("mu_star", "mu_star_conf", "sigma"))


def _rows(
    problem: dict[str, Any], output: str, indices: Any, keys: tuple[str, ...]
) -> list[dict[str, Any]]:
    """One row per parameter: the output, the parameter, the named indices, an empty note."""
    return [
        {"output": output, "parameter": name, **{k: indices[k][i] for k in keys}, "note": ""}
        for i, name in enumerate(problem["names"])
    ]


def _table(rows: list[dict[str, Any]], design: str) -> pd.DataFrame:
    columns = COLUMNS[design]
    frame = pd.DataFrame(rows, columns=columns)
    for col in columns[2:-1]:
        frame[col] = frame[col].astype(np.float64)
    for col in ("output", "parameter", "note"):
        frame[col] = frame[col].astype("string")
    return frame
