"""A fit's result: the posterior sample and what the fit found and measured."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.calibrate._priors import Prior
from sim.scenario import Scenario

__all__ = ["FitResult"]


@dataclass(frozen=True)
class FitResult:
    """A fit: the posterior sample (one row per draw, a ``weight`` column summing to 1), the
    maximum (likelihood method), the diagnostics, the prior, and the posterior predictive
    run's paths with its summary against the record."""

    scenario: Scenario
    method: str
    names: tuple[str, ...]
    prior: Prior
    posterior: pd.DataFrame
    diagnostics: dict[str, Any]
    maximum: dict[str, Any] | None = None
    predictive: pd.DataFrame = field(default_factory=pd.DataFrame)
    predictive_summary: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    def mean(self) -> dict[str, float]:
        """The posterior mean of each parameter."""
        w = self.posterior["weight"].to_numpy()
        return {n: float(np.dot(w, self.posterior[n].to_numpy())) for n in self.names}

    def interval(self, level: float = 0.9) -> dict[str, tuple[float, float]]:
        """The central credible interval of each parameter at ``level``."""
        tail = (1.0 - level) / 2.0
        return {
            n: (
                _weighted_quantile(self.posterior[n].to_numpy(), self.weights, tail),
                _weighted_quantile(self.posterior[n].to_numpy(), self.weights, 1.0 - tail),
            )
            for n in self.names
        }

    @property
    def weights(self) -> np.ndarray:
        return np.asarray(self.posterior["weight"].to_numpy(), dtype=np.float64)


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x, kind="stable")
    cumulative = np.cumsum(w[order])
    return float(x[order][min(np.searchsorted(cumulative, q * cumulative[-1]), len(x) - 1)])
