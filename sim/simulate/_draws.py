"""The random inputs of paths: seeding, shocks and the players' uniforms.

Path i of a run draws from ``SeedSequence(rng_seed).spawn(runs)[i]``, so its rows are the same
whether it runs alone (replay), in one process or in several. Each path's generator draws its
shocks first (their count, times and sizes), then one uniform per player per live epoch
(player 0, then player 1, epoch by epoch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from sim.deadline import Game
from sim.model import HOURS_PER_DAY, PressureModel
from sim.scenario import (
    Beta,
    Distribution,
    Exponential,
    LogNormal,
    Normal,
    Triangular,
    TruncatedNormal,
    Uniform,
)

__all__ = [
    "Draws",
    "children",
    "draw_paths",
    "draw_shocks",
    "generator",
    "path_generator",
    "path_generators",
    "sample",
]

FloatArray = NDArray[np.float64]


def path_generator(rng_seed: int, runs: int, index: int) -> np.random.Generator:
    """The generator of path ``index`` among ``runs`` paths seeded by ``rng_seed``."""
    if not 0 <= index < runs:
        raise IndexError(f"path {index} is not among {runs} paths")
    return generator(children(rng_seed, runs)[index])


def path_generators(rng_seed: int, runs: int) -> list[np.random.Generator]:
    """The generators of all ``runs`` paths seeded by ``rng_seed``, in order."""
    return [generator(child) for child in children(rng_seed, runs)]


def generator(seed: np.random.SeedSequence) -> np.random.Generator:
    """The generator of one path's seed sequence."""
    return np.random.Generator(np.random.PCG64(seed))


def children(rng_seed: int, runs: int) -> list[np.random.SeedSequence]:
    """The seed sequences of ``runs`` paths seeded by ``rng_seed``."""
    return np.random.SeedSequence(rng_seed).spawn(runs)


@dataclass(frozen=True)
class Draws:
    """What P paths' generators gave: each path's shocks as (time, size) rows, the realised
    pressure at each live epoch and at the deadline, (P, L + 1), and each player's uniform
    at each live epoch, (P, 2L): epoch k uses uniforms 2k (player 0) and 2k + 1."""

    shocks: list[FloatArray]
    levels: FloatArray
    uniforms: FloatArray


def draw_paths(game: Game, rngs: Sequence[np.random.Generator]) -> Draws:
    """Each path's generator draws its shocks first, then one uniform per player per live
    epoch (player 0, then player 1, epoch by epoch), all at once."""
    pressure, schedule = game.pressure, game.schedule
    live = schedule.live
    shocks, uniforms = [], np.empty((len(rngs), 2 * live))
    for i, rng in enumerate(rngs):
        shocks.append(draw_shocks(pressure, schedule.window_hours, rng))
        uniforms[i] = rng.random(2 * live)
    times = np.append(game.live_times, schedule.window_hours)
    return Draws(shocks, pressure.realised(times, shocks), uniforms)


def draw_shocks(model: PressureModel, window_hours: float, rng: np.random.Generator) -> FloatArray:
    """Shock arrival times (hours) and sizes over the window, as a (n, 2) array."""
    if not model.has_shocks or model.shock_size is None:
        return np.zeros((0, 2))
    expected = model.shock_rate_per_day * window_hours / HOURS_PER_DAY
    n = int(rng.poisson(expected))
    times = np.sort(rng.uniform(0.0, window_hours, size=n))
    sizes = sample(model.shock_size, n, rng)
    return np.column_stack([times, sizes])


def sample(dist: Distribution, n: int, rng: np.random.Generator) -> FloatArray:
    """``n`` draws from a scenario's distribution."""
    if isinstance(dist, Exponential):
        return rng.exponential(dist.mean, size=n)
    if isinstance(dist, Uniform):
        return rng.uniform(dist.low, dist.high, size=n)
    if isinstance(dist, Normal):
        return rng.normal(dist.mean, dist.sd, size=n)
    if isinstance(dist, LogNormal):
        return rng.lognormal(np.log(dist.median), dist.sigma, size=n)
    if isinstance(dist, Triangular):
        return rng.triangular(dist.low, dist.mode, dist.high, size=n)
    if isinstance(dist, Beta):
        return dist.low + (dist.high - dist.low) * rng.beta(dist.a, dist.b, size=n)
    if isinstance(dist, TruncatedNormal):
        a, b = (dist.low - dist.mean) / dist.sd, (dist.high - dist.mean) / dist.sd
        frozen = stats.truncnorm(a, b, loc=dist.mean, scale=dist.sd)
        return np.asarray(frozen.rvs(size=n, random_state=rng), dtype=np.float64)
    raise TypeError(f"unknown distribution {dist!r}")
