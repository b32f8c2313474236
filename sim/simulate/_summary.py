"""The summary of many paths: outcome probabilities, concession timing, the backtest."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sim.model import Schedule, build_schedule
from sim.scenario import Scenario

__all__ = ["summarise", "wilson"]

#: z for a two-sided 95% interval.
Z95 = 1.959963984540054
#: The closing share of the window in which concessions count as "last moment".
LAST_SHARE = 0.05
QUANTILES = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}


def wilson(count: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return (low, high)


def summarise(scenario: Scenario, runs: pd.DataFrame) -> dict[str, Any]:
    """The ``summary.json`` content for a table of paths (see ``docs/outputs.md``)."""
    n = len(runs)
    schedule = build_schedule(scenario)
    window = schedule.window_hours
    counts = runs["outcome"].value_counts()
    outcomes = {}
    for o in scenario.outcomes:
        c = int(counts.get(o.id, 0))
        lo, hi = wilson(c, n)
        outcomes[o.id] = {"probability": c / n, "ci95": [lo, hi], "count": c}
    hours = runs["hours_before_deadline"].dropna().to_numpy(dtype=float)
    summary: dict[str, Any] = {
        "scenario": scenario.meta.id,
        "runs": n,
        "outcomes": outcomes,
        "default_outcome": scenario.default_outcome.id,
        "concession": _concession(hours, window),
        "first_mover": {
            k: float(v) for k, v in runs["first_mover"].value_counts(normalize=True).items()
        },
        "expected_payoffs": {p.id: float(runs[f"payoff_{p.id}"].mean()) for p in scenario.players},
    }
    if scenario.observed is not None:
        summary["observed"] = _backtest(scenario, runs, schedule)
    return summary


def _concession(hours: np.ndarray, window: float) -> dict[str, Any]:
    quantiles: dict[str, float | None] = {
        k: (float(np.quantile(hours, q)) if hours.size else None) for k, q in QUANTILES.items()
    }
    share = float(np.mean(hours <= LAST_SHARE * window)) if hours.size else None
    return {
        "hours_before_deadline": quantiles,
        "window_hours": window,
        "share_in_last_5pct": share,
        "count": int(hours.size),
    }


def _backtest(scenario: Scenario, runs: pd.DataFrame, schedule: Schedule) -> dict[str, Any]:
    observed = scenario.observed
    assert observed is not None
    before = schedule.window_hours - schedule.hours_at(observed.at)
    same = runs.loc[runs["outcome"] == observed.outcome, "hours_before_deadline"].dropna()
    percentile = float(100.0 * np.mean(same.to_numpy() <= before)) if len(same) else None
    return {
        "outcome": observed.outcome,
        "probability": float(np.mean(runs["outcome"] == observed.outcome)),
        "hours_before_deadline": before,
        "timing_percentile": percentile,
    }
