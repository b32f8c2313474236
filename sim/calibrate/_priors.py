"""Priors of the fitted parameters: each parameter's declared distribution, cut to its range.

A parameter fitted must declare a ``distribution`` or a ``range``. With a distribution, the
prior is that distribution restricted to the range when one is declared too (a value outside
its range is not a valid scenario); with a range alone, it is uniform on the range. The
parameters are independent a priori. Densities are left unnormalised where a range cuts a
distribution (MCMC and ABC-SMC need them only up to a constant); draws are exact (by the
quantile function between the distribution's values at the range's ends).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from sim.errors import ArgumentError
from sim.scenario import Scenario
from sim.simulate import frozen

__all__ = ["Prior", "prior_of"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Prior:
    """Independent priors of ``names``: each a frozen scipy distribution on ``[low, high]``."""

    names: tuple[str, ...]
    dists: tuple[Any, ...]
    low: FloatArray
    high: FloatArray

    @property
    def dim(self) -> int:
        return len(self.names)

    def logpdf(self, theta: Sequence[float]) -> float:
        """The log prior density at ``theta`` (minus infinity outside the support)."""
        x = np.asarray(theta, dtype=np.float64)
        if np.any(x < self.low) or np.any(x > self.high) or not np.all(np.isfinite(x)):
            return -np.inf
        return float(sum(float(d.logpdf(v)) for d, v in zip(self.dists, x, strict=True)))

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        """``n`` draws, (n, dim), by each quantile function on its range."""
        u = rng.random((n, self.dim))
        return self.quantiles(u)

    def quantiles(self, u: FloatArray) -> FloatArray:
        """The prior's values at probabilities ``u`` (n, dim), each column on its range."""
        columns = []
        for j, d in enumerate(self.dists):
            lo, hi = float(d.cdf(self.low[j])), float(d.cdf(self.high[j]))
            columns.append(np.clip(d.ppf(lo + u[:, j] * (hi - lo)), self.low[j], self.high[j]))
        return np.column_stack(columns) if columns else np.zeros((len(u), 0))

    def describe(self) -> dict[str, Any]:
        """Each prior as JSON: the distribution's scipy name and arguments, and its support."""
        return {
            n: {
                "dist": d.dist.name,
                "args": [float(a) for a in d.args],
                "kwds": {k: float(v) for k, v in d.kwds.items()},
                "support": [float(lo), float(hi)],
            }
            for n, d, lo, hi in zip(self.names, self.dists, self.low, self.high, strict=True)
        }


def prior_of(scenario: Scenario, names: Sequence[str]) -> Prior:
    """The prior of the parameters ``names`` of ``scenario`` (see the module's docstring).

    Raises
    ------
    ArgumentError
        For an unknown name, a name given twice, or a parameter with neither a distribution
        nor a range.
    """
    if not names:
        raise ArgumentError("param", [], "name at least one parameter to fit")
    dists, lows, highs = [], [], []
    for name in names:
        p = scenario.parameters.get(name)
        if p is None:
            raise ArgumentError("param", name, "no such parameter in the scenario")
        if list(names).count(name) > 1:
            raise ArgumentError("param", name, "named twice")
        if p.distribution is None and p.range is None:
            raise ArgumentError("param", name, "needs a distribution or a range to be fitted")
        low, high = p.range if p.range is not None else (-np.inf, np.inf)
        if p.distribution is None:
            dists.append(stats.uniform(loc=low, scale=high - low))
        else:
            dists.append(frozen(p.distribution))
        support = dists[-1].support()
        lows.append(max(low, float(support[0])))
        highs.append(min(high, float(support[1])))
    return Prior(tuple(names), tuple(dists), np.array(lows), np.array(highs))
