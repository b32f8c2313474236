"""Tipping points: where, one parameter at a time, the modal outcome flips.

For each parameter with a declared distribution, the others at their point values: a grid
over the distribution's support, then bisection of every interval on which the modal
outcome (or an outcome's probability crossing 0.5) changes. Each value is judged by a
fixed-point run of ``runs`` paths with common random numbers (the same ``rng_seed`` at
every value), so with the shocks off and pure play the judgement is the deadline game's own
and the bisection is exact to its tolerance; with shocks it is a Monte Carlo judgement. The
grid's values are simulated together (:func:`simulate_points`: the policies their paths reach,
solved in one backward induction), with the same rows as a fixed run at each value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.deadline import Game
from sim.scenario import Distribution, Scenario, with_overrides
from sim.simulate._runner import simulate_points
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
    Every parameter's grid is judged together, then each bisection step of every interval
    that changes (their games' policies solved together; the judgements are the same as
    one value at a time).
    """
    names = list(names) if names is not None else drawn_names(scenario)
    supports = {n: support(_distribution(scenario, n)) for n in names}
    flat = [(n, x) for n in names for x in np.linspace(*supports[n], grid).tolist()]
    marks = _judgements(scenario, flat, runs, rng_seed)
    intervals = [
        [*flat[i], marks[i], flat[i + 1][1], marks[i + 1]]
        for i in range(len(flat) - 1)
        if flat[i][0] == flat[i + 1][0] and marks[i] != marks[i + 1]
    ]

    def wide(iv: list[Any]) -> bool:
        lo, hi = supports[iv[0]]
        return bool(iv[3] - iv[1] > tolerance * (hi - lo))

    while active := [iv for iv in intervals if wide(iv)]:
        mids = [(iv[0], (iv[1] + iv[3]) / 2) for iv in active]
        for iv, (_, mid), jm in zip(
            active, mids, _judgements(scenario, mids, runs, rng_seed), strict=True
        ):
            iv[1:] = [mid, jm, iv[3], iv[4]] if jm == iv[2] else [iv[1], iv[2], mid, jm]
    rows = [_row(scenario, supports[iv[0]], *iv) for iv in intervals]
    return sorted(rows, key=lambda r: r["distance"])


def _distribution(scenario: Scenario, name: str) -> Distribution:
    dist = scenario.parameters[name].distribution
    assert dist is not None, name
    return dist


def _row(
    scenario: Scenario,
    bounds: tuple[float, float],
    name: str,
    a: float,
    ja: tuple[str, tuple[str, ...]],
    b: float,
    jb: tuple[str, tuple[str, ...]],
) -> dict[str, Any]:
    """The row of the flip between ``a`` (judged ``ja``) and ``b`` (``jb``)."""
    lo, hi = bounds
    point, at = scenario.parameters[name].value, (a + b) / 2
    return {
        "parameter": name,
        "value": point,
        "at": at,
        "below": ja[0],
        "above": jb[0],
        "changes": _changes(ja, jb),
        "distance": abs(at - point) / (hi - lo),
        "support": [lo, hi],
    }


def _judgements(
    scenario: Scenario, values: Sequence[tuple[str, float]], runs: int, rng_seed: int
) -> list[tuple[str, tuple[str, ...]]]:
    """The judgement of ``runs`` paths at each (parameter, value), all simulated together."""
    games = [Game.from_scenario(with_overrides(scenario, {n: v})) for n, v in values]
    tables = simulate_points(games, runs, [rng_seed] * len(games))
    return [_judgement(scenario, table, runs) for _, table in tables]


def _judgement(scenario: Scenario, table: pd.DataFrame, runs: int) -> tuple[str, tuple[str, ...]]:
    """The modal outcome of ``runs`` paths, and the outcomes with probability over 0.5."""
    counts = table["outcome"].value_counts()
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
