"""Tipping points: where, one parameter at a time, the modal outcome flips.

For each parameter with a declared distribution, the others at their point values: a grid
over the distribution's support, then bisection of every interval on which the modal
outcome (or an outcome's probability crossing 0.5) changes. Each value is judged by a
fixed-point run of ``runs`` paths with common random numbers (the same ``rng_seed`` at
every value), so with the shocks off and pure play the judgement is the deadline game's own
and the bisection is exact to its tolerance; with shocks it is a Monte Carlo judgement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.scenario import Distribution, Scenario, with_overrides
from sim.simulate._runner import simulate
from sim.simulate._uncertain import drawn_names, quantile

__all__ = ["KNIFE_EDGE", "support", "tipping_points"]

#: A flip this close to the point value, as a share of the support, is a knife edge.
KNIFE_EDGE = 0.10
#: Where an unbounded distribution's support is cut.
TAIL = 0.005


def support(dist: Distribution) -> tuple[float, float]:
    """Where ``dist`` is drawn: its bounds, or its 0.5 % and 99.5 % quantiles if unbounded."""
    lo, hi = quantile(dist, np.array([0.0, 1.0])).tolist()
    if not np.isfinite(lo):
        lo = float(quantile(dist, np.array([TAIL]))[0])
    if not np.isfinite(hi):
        hi = float(quantile(dist, np.array([1 - TAIL]))[0])
    return lo, hi


def tipping_points(
    scenario: Scenario,
    names: Sequence[str] | None = None,
    runs: int = 200,
    rng_seed: int = 0,
    grid: int = 9,
    tolerance: float = 1e-3,
) -> list[dict[str, Any]]:
    """Each flip of each parameter (default: those with a distribution), nearest first.

    A row: ``parameter``, ``value`` (the point value), ``at`` (the flip, to ``tolerance``
    of the support), ``below`` and ``above`` (the modal outcome either side), ``changes``
    (what flips), and ``distance`` (from the point value, as a share of the support).
    """
    rows = []
    for name in names if names is not None else drawn_names(scenario):
        dist = scenario.parameters[name].distribution
        assert dist is not None, name
        lo, hi = support(dist)
        point = scenario.parameters[name].value

        def judge(v: float, name: str = name) -> tuple[str, tuple[str, ...]]:
            return _judgement(with_overrides(scenario, {name: v}), runs, rng_seed)

        xs = np.linspace(lo, hi, grid).tolist()
        marks = [judge(x) for x in xs]
        for i in range(grid - 1):
            a, ja, b, jb = xs[i], marks[i], xs[i + 1], marks[i + 1]
            if ja == jb:
                continue
            while b - a > tolerance * (hi - lo):
                mid = (a + b) / 2
                jm = judge(mid)
                a, ja, b, jb = (mid, jm, b, jb) if jm == ja else (a, ja, mid, jm)
            at = (a + b) / 2
            rows.append(
                {
                    "parameter": name,
                    "value": point,
                    "at": at,
                    "below": ja[0],
                    "above": jb[0],
                    "changes": _changes(ja, jb),
                    "distance": abs(at - point) / (hi - lo),
                    "support": [lo, hi],
                }
            )
    return sorted(rows, key=lambda r: r["distance"])


def _judgement(scenario: Scenario, runs: int, rng_seed: int) -> tuple[str, tuple[str, ...]]:
    """The modal outcome of ``runs`` paths, and the outcomes with probability over 0.5."""
    counts = simulate(scenario, runs, rng_seed).runs["outcome"].value_counts()
    ids = [o.id for o in scenario.outcomes]
    modal = max(ids, key=lambda o: (int(counts.get(o, 0)), -ids.index(o)))
    return modal, tuple(o for o in ids if counts.get(o, 0) > runs / 2)


def _changes(below: tuple[str, tuple[str, ...]], above: tuple[str, tuple[str, ...]]) -> str:
    parts = []
    if below[0] != above[0]:
        parts.append(f"modal outcome {below[0]} -> {above[0]}")
    for o in sorted(set(below[1]) ^ set(above[1])):
        parts.append(f"P({o}) crosses 0.5")
    return "; ".join(parts)
