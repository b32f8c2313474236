"""Parameter uncertainty: a nested Monte Carlo over the declared distributions.

``K`` parameter draws come from a scrambled, seeded Sobol' or Latin hypercube design on the
unit cube (:mod:`scipy.stats.qmc`), mapped through each distribution's quantile function
(:mod:`scipy.stats`). Draw ``d`` of ``K`` gets paths ``d * runs // K`` to
``(d + 1) * runs // K - 1``, and path ``i`` draws its shocks and uniforms from the same seed as
in a fixed run (:mod:`._draws`): a draw and its paths follow from ``(rng_seed, draw, path)``
alone, whatever the executor.

The summary splits each outcome's variance by the law of total variance: for the indicator
``Y`` of an outcome and the drawn parameters ``theta``,
``Var(Y) = Var(E[Y | theta]) + E[Var(Y | theta)]``: the part the parameters explain and the
part the shocks and mixed play leave.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats
from scipy.stats import qmc

from sim.deadline import Game
from sim.errors import ArgumentError
from sim.scenario import (
    Beta,
    Distribution,
    Exponential,
    LogNormal,
    Normal,
    Scenario,
    Triangular,
    TruncatedNormal,
    Uniform,
    with_overrides,
)
from sim.simulate._batch import reach, run_paths
from sim.simulate._draws import children, draw_paths, generator
from sim.simulate._eventlog import run_logged
from sim.simulate._executors import map_tasks
from sim.simulate._runner import (
    Progress,
    Tables,
    _concat,
    _events_table,
    _runs_table,
    concat_events,
    in_order,
    paused_gc,
    prepare_books,
)

__all__ = [
    "DEFAULT_DRAWS",
    "SAMPLERS",
    "draw_blocks",
    "drawn_names",
    "frozen",
    "parameter_draws",
    "quantile",
    "simulate_drawn",
    "variance_split",
]

#: z for a two-sided 95% interval.
Z95 = float(stats.norm.ppf(0.975))
#: Parameter draws per run when none is asked for.
DEFAULT_DRAWS = 100
#: The designs of parameter draws: ``sobol`` (scrambled Sobol') and ``lhs`` (Latin hypercube).
SAMPLERS = ("sobol", "lhs")
Sampler = Literal["sobol", "lhs"]
#: Workers a Dask cluster is assumed to have when the draws are split into tasks (their rows do
#: not depend on it).
SCHEDULER_WORKERS = 2
#: The spawn key of the design's seed: two long, so never a path's (one long).
_DESIGN_KEY = (0x5E7, 0)

FloatArray = NDArray[np.float64]


def drawn_names(scenario: Scenario, pinned: Sequence[str] = ()) -> list[str]:
    """The parameters a run draws: those with a distribution, less the ``pinned`` ones."""
    return [
        name
        for name, p in scenario.parameters.items()
        if p.distribution is not None and name not in pinned
    ]


def quantile(dist: Distribution, u: FloatArray) -> FloatArray:
    """The values of ``dist`` at probabilities ``u`` (its inverse distribution function).

    >>> from sim.scenario import Uniform
    >>> quantile(Uniform(kind="uniform", low=5.0, high=11.0), np.array([0.0, 0.5])).tolist()
    [5.0, 8.0]
    """
    return np.asarray(frozen(dist).ppf(u), dtype=np.float64)


def frozen(dist: Distribution) -> Any:
    """A scenario's distribution as a frozen :mod:`scipy.stats` distribution."""
    if isinstance(dist, Uniform):
        return stats.uniform(loc=dist.low, scale=dist.high - dist.low)
    if isinstance(dist, Normal):
        return stats.norm(loc=dist.mean, scale=dist.sd)
    if isinstance(dist, TruncatedNormal):
        a, b = (dist.low - dist.mean) / dist.sd, (dist.high - dist.mean) / dist.sd
        return stats.truncnorm(a, b, loc=dist.mean, scale=dist.sd)
    if isinstance(dist, LogNormal):
        return stats.lognorm(s=dist.sigma, scale=dist.median)
    if isinstance(dist, Triangular):
        width = dist.high - dist.low
        return stats.triang((dist.mode - dist.low) / width, loc=dist.low, scale=width)
    if isinstance(dist, Exponential):
        return stats.expon(scale=dist.mean)
    if isinstance(dist, Beta):
        return stats.beta(dist.a, dist.b, loc=dist.low, scale=dist.high - dist.low)
    raise TypeError(f"unknown distribution {dist!r}")


def parameter_draws(
    scenario: Scenario, names: Sequence[str], draws: int, rng_seed: int, sampler: Sampler
) -> FloatArray:
    """``draws`` rows of values of the parameters ``names``, from the seeded design."""
    if sampler not in SAMPLERS:
        raise ArgumentError("sampler", sampler, f"must be one of {', '.join(SAMPLERS)}")
    seed = np.random.default_rng(np.random.SeedSequence(rng_seed, spawn_key=_DESIGN_KEY))
    engine: qmc.QMCEngine
    if sampler == "sobol":
        engine = qmc.Sobol(len(names), scramble=True, seed=seed)
    else:
        engine = qmc.LatinHypercube(len(names), seed=seed)
    with warnings.catch_warnings():  # Sobol' balance wants 2^m points; any count is usable
        warnings.simplefilter("ignore", UserWarning)
        unit = engine.random(draws)
    columns = [quantile(_dist(scenario, n), unit[:, j]) for j, n in enumerate(names)]
    return np.column_stack(columns) if columns else np.zeros((draws, 0))


def _dist(scenario: Scenario, name: str) -> Distribution:
    dist = scenario.parameters[name].distribution
    assert dist is not None
    return dist


def draw_blocks(runs: int, draws: int) -> list[range]:
    """The paths of each draw: draw ``d`` gets ``d * runs // draws`` up to the next one's."""
    return [range(d * runs // draws, (d + 1) * runs // draws) for d in range(draws)]


def simulate_drawn(
    scenario: Scenario,
    names: Sequence[str],
    values: FloatArray,
    runs: int,
    rng_seed: int,
    workers: int = 1,
    progress: Progress | None = None,
    scheduler: str | None = None,
    events: bool = True,
) -> Tables:
    """The paths of every draw (row of ``values``), in order, with the drawn values as columns
    (and their event log unless ``events`` is false).

    Draws go in groups (one in this process; two a worker otherwise, on a pool or on the Dask
    ``scheduler``, :func:`map_tasks`); each group's policies are solved together
    (:func:`prepare_books`), only those its paths reach. A path's rows do not depend on its
    group or its executor.
    """
    blocks = draw_blocks(runs, len(values))
    seeds = children(rng_seed, runs)
    spread = 1 if workers <= 1 and scheduler is None else 2 * max(workers, SCHEDULER_WORKERS)
    size = -(-len(blocks) // spread)  # draws a group
    groups = [
        list(range(start, min(start + size, len(blocks)))) for start in range(0, len(blocks), size)
    ]
    tasks = [
        (
            scenario,
            list(names),
            [(d, blocks[d], values[d].tolist()) for d in g],
            [seeds[i] for d in g for i in blocks[d]],
            events,
        )
        for g in groups
    ]
    done = map_tasks(_group, tasks, workers, scheduler)
    parts: list[Tables] = in_order(done, len(tasks), progress)
    runs_table = _concat([p.runs for p in parts])
    return Tables(runs=runs_table, events=concat_events([p.events for p in parts]))


def _group(
    scenario: Scenario,
    names: list[str],
    members: list[tuple[int, range, list[float]]],
    seeds: list[np.random.SeedSequence],
    events: bool = True,
) -> Tables:
    """The paths of a group of draws (``seeds``: their paths', in order): each draw's game,
    their policies solved together."""
    games = [Game.from_scenario(_at(scenario, names, v)) for _, _, v in members]
    draws, start = [], 0
    for game, (_, block, _) in zip(games, members, strict=True):
        draws.append(draw_paths(game, [generator(s) for s in seeds[start : start + len(block)]]))
        start += len(block)
    books = prepare_books(games, [reach(g, d) for g, d in zip(games, draws, strict=True)])
    runs_tables, events_tables = [], []
    with paused_gc():
        for game, book, d, (draw, block, v) in zip(games, books, draws, members, strict=True):
            paths, log = run_logged(game, book, d) if events else (run_paths(game, book, d), None)
            table = _runs_table(game.scenario, block, paths)
            table.insert(1, "draw", np.full(len(block), draw, dtype=np.int64))
            for j, name in enumerate(names):
                table[name] = np.full(len(block), v[j])
            runs_tables.append(table)
            if log is not None:
                events_tables.append(_events_table(game.scenario, block, log))
    return Tables(
        runs=_concat(runs_tables), events=_concat(events_tables) if events_tables else None
    )


def _at(scenario: Scenario, names: Sequence[str], values: Sequence[float]) -> Scenario:
    return with_overrides(scenario, dict(zip(names, values, strict=True)))


def variance_split(
    scenario: Scenario, runs: pd.DataFrame, names: Sequence[str], sampler: str
) -> dict[str, Any]:
    """The ``uncertainty`` block of a drawn run's summary (``docs/uncertainty.md``).

    For each outcome: a 95 % Monte Carlo interval of its probability from the spread of the
    per-draw probabilities (draws as independent clusters of paths: the paths of one draw
    share its parameters, so the binomial interval of ``outcomes`` is too narrow; for a
    scrambled Sobol' design this one is conservative); the 5-95 % spread of the per-draw
    probability; and the indicator's variance split by the law of total variance
    (population variances, paths weighted equally, so the two parts sum to the total
    exactly). The parameters' part includes the Monte Carlo noise of the per-draw
    probabilities, about the shocks' part over the paths per draw.
    """
    per_draw = runs.groupby("draw", sort=True)
    sizes = per_draw.size().to_numpy(dtype=float)
    weights = sizes / sizes.sum()
    outcomes = {}
    for o in scenario.outcomes:
        p = (runs["outcome"] == o.id).groupby(runs["draw"], sort=True).mean().to_numpy()
        mean = float(np.dot(weights, p))
        between = float(np.dot(weights, (p - mean) ** 2))
        within = float(np.dot(weights, p * (1 - p)))
        total = mean * (1 - mean)
        half = Z95 * math.sqrt(float(np.var(p, ddof=1)) / len(p)) if len(p) > 1 else 1.0
        outcomes[o.id] = {
            "ci95": [max(0.0, mean - half), min(1.0, mean + half)],
            "per_draw_q05": float(np.quantile(p, 0.05)),
            "per_draw_q95": float(np.quantile(p, 0.95)),
            "variance": total,
            "variance_parameters": between,
            "variance_shocks": within,
            "share_parameters": between / total if total > 0 else None,
        }
    return {
        "mode": "drawn",
        "draws": len(sizes),
        "sampler": sampler,
        "parameters": {
            n: "posterior" if sampler == "posterior" else _dist(scenario, n).model_dump()
            for n in names
        },
        "outcomes": outcomes,
    }
