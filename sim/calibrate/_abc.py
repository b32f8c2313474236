"""The ``abc`` method: ABC-SMC by pyabc (Klinger, Rickert and Hasenauer 2018), seeded so that
the posterior is the same on one process and on Dask.

**The model.** A particle's parameter values are set in the scenario, its game compiled and
its policies solved; one path is run (its shocks and uniforms from the particle's seed) and
its record read off as (outcome, decision epoch, the action of each dated move's player at
the move's epoch; :func:`sim.simulate.simulated_records`).

**The distance** between a simulated record ``s`` and the observed ``o``, with ``L`` live
epochs::

    d = [s.outcome != o.outcome] + |s.epoch - o.epoch| / L + sum_m [s.move_m != o.move_m]

(the epoch of no agreement counts as -1; a move whose epoch the path never reached counts as
a mismatch). Any difference makes ``d >= 1 / L``, so a population accepted at
``epsilon < 1 / L`` reproduces the record exactly: ABC then samples the exact posterior given
the record (outcome, epoch, moves), the same target as the likelihood method's. Each
generation's epsilon is half the median distance of the population before (pyabc's
``QuantileEpsilon`` with a multiplier of 0.5: on a discrete distance the median alone can stall,
as it did at 1 on the one-choice check). The run stops at ``epsilon <= 1 / (2 L)`` or after
``generations`` populations; the diagnostics say which (``exact``).

**Seeding.** pyabc draws from numpy's global generator. The sampler here
(:class:`SeededSampler`) runs particle ``i`` of generation ``t`` after seeding that generator
from ``SeedSequence([rng_seed, t + 1, i])``, each particle sampling (and perturbing) until one
is accepted, as pyabc's ``MappingSampler`` does; particles are gathered in order. A
population therefore depends on the seed and the population before it alone, not on the
executor (this process, or ``--scheduler``'s Dask workers through :class:`~._pool.Pool`).
pyabc's own ``DaskDistributedSampler`` keeps the particles that finish first, which differ
from run to run; it is not used. The database (``abc.db`` in the fit's directory) keeps every
population; a fit started again on it continues from the last one.
"""

# pyabc draws from numpy's global generator: this module seeds it (and restores it after).
# ruff: noqa: NPY002

from __future__ import annotations

import logging
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cloudpickle
import numpy as np
import pandas as pd
import pyabc

from sim.calibrate._likelihood import at_values
from sim.calibrate._pool import Pool
from sim.calibrate._priors import Prior
from sim.calibrate._result import FitResult
from sim.deadline import Game
from sim.errors import ScenarioError
from sim.scenario import Scenario
from sim.simulate import draw_paths, observed_row, prepare_books, record_masks, simulated_records

__all__ = ["run_abc"]

#: The ABC database inside a fit's directory.
DATABASE = "abc.db"


def record_distance(live: int) -> Callable[[dict[str, Any], dict[str, Any]], float]:
    """The distance of the module's docstring for a game of ``live`` live epochs."""

    def distance(x: dict[str, Any], x0: dict[str, Any]) -> float:
        s, o = np.asarray(x["record"]), np.asarray(x0["record"])
        return float((s[0] != o[0]) + abs(s[1] - o[1]) / live + np.sum(s[2:] != o[2:]))

    return distance


@dataclass(frozen=True)
class _Model:
    """One path's record at a particle's parameter values (picklable, for workers)."""

    scenario: Scenario
    names: tuple[str, ...]
    width: int

    def __call__(self, pars: Any) -> dict[str, Any]:
        theta = [float(pars[n]) for n in self.names]
        try:
            game = Game.from_scenario(at_values(self.scenario, self.names, theta))
        except ScenarioError:  # values outside a rule of the scenario: no record
            return {"record": np.full(self.width, -2.0)}
        seed = np.random.SeedSequence(int(np.random.randint(0, 2**63 - 1, dtype=np.int64)))
        draws = draw_paths(game, [np.random.Generator(np.random.PCG64(seed))])
        book = prepare_books([game])[0]
        return {"record": simulated_records(game, book, draws, record_masks(game))[0]}


class _Prior(pyabc.DistributionBase):  # type: ignore[misc]
    """A :class:`~._priors.Prior` as pyabc's parameter prior (draws from numpy's global
    generator, as pyabc's priors do)."""

    def __init__(self, prior: Prior) -> None:
        self.prior = prior

    def rvs(self, *args: Any, **kwargs: Any) -> Any:
        values = self.prior.quantiles(np.random.random((1, self.prior.dim)))[0]
        return pyabc.Parameter(dict(zip(self.prior.names, values.tolist(), strict=True)))

    def pdf(self, x: Any) -> float:
        return float(np.exp(self.prior.logpdf([float(x[n]) for n in self.prior.names])))


def _particle(task: tuple[bytes, int, int, int]) -> tuple[Any, int]:
    """Particle ``i`` of generation ``t``: sample until one is accepted, from its seed."""
    payload, rng_seed, t, i = task
    simulate_one, factory = cloudpickle.loads(payload)
    state = np.random.SeedSequence([rng_seed, t + 1, i]).generate_state(1)
    np.random.seed(int(state[0]))
    random.seed(int(state[0]))
    sample, evaluations = factory(), 0
    while True:
        particle = simulate_one()
        evaluations += 1
        sample.append(particle)
        if particle.accepted:
            return sample, evaluations


class SeededSampler(pyabc.sampler.Sampler):  # type: ignore[misc]
    """pyabc's sampler interface over a :class:`~._pool.Pool`, each particle from its own
    seed (the module's docstring)."""

    def __init__(self, pool: Pool, rng_seed: int) -> None:
        super().__init__()
        self.pool, self.rng_seed = pool, rng_seed

    def sample_until_n_accepted(self, n: int, simulate_one: Any, t: int, **kwargs: Any) -> Any:
        payload = cloudpickle.dumps((simulate_one, self.sample_factory))
        tasks = [(payload, self.rng_seed, t, i) for i in range(n)]
        results = self.pool.map(_particle, tasks)
        sample = self._create_empty_sample()
        for part, _ in results:
            sample += part
        self.nr_evaluations_ = sum(e for _, e in results)
        return sample


def run_abc(
    scenario: Scenario,
    prior: Prior,
    size: dict[str, int],
    rng_seed: int,
    out: Path | None,
    where: Pool,
    progress: Callable[[int], None] | None,
) -> FitResult:
    """ABC-SMC of the prior's parameters (resumed from ``out / DATABASE`` when it exists)."""
    game = Game.from_scenario(scenario)
    record = record_masks(game)
    observed = {"record": observed_row(game, record)}
    live = game.schedule.live
    abc = pyabc.ABCSMC(
        _Model(scenario, prior.names, len(observed["record"])),
        _Prior(prior),
        record_distance(live),
        population_size=size["particles"],
        eps=pyabc.QuantileEpsilon(alpha=0.5, quantile_multiplier=0.5),
        sampler=SeededSampler(where, rng_seed),
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = out if out is not None else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = f"sqlite:///{folder / DATABASE}"
        resume = (folder / DATABASE).is_file()
        history = abc.load(db, 1) if resume else abc.new(db, observed)
        target = 0.5 / live
        saved, logger = np.random.get_state(), logging.getLogger("ABC")
        level = logger.level
        try:  # pyabc logs each generation at INFO to stderr: only the CLI speaks
            logger.setLevel(logging.WARNING)
            np.random.seed(np.random.SeedSequence(rng_seed).generate_state(1)[0])
            history = _generations(abc, history, size["generations"], target, progress)
        finally:
            np.random.set_state(saved)
            logger.setLevel(level)
        return _result(scenario, prior, history, target, size)


def _generations(
    abc: Any, history: Any, generations: int, target: float, progress: Callable[[int], None] | None
) -> Any:
    """Populations one at a time up to ``generations`` or ``epsilon <= target``."""
    done = history.max_t + 1
    if progress and done:
        progress(done)
    while done < generations and not (done and _last_eps(history) <= target):
        history = abc.run(minimum_epsilon=target, max_nr_populations=1)
        done = history.max_t + 1
        if progress:
            progress(1)
    return history


def _last_eps(history: Any) -> float:
    return float(history.get_all_populations()["epsilon"].iloc[-1])


def _result(
    scenario: Scenario, prior: Prior, history: Any, target: float, size: dict[str, int]
) -> FitResult:
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    posterior = frame[list(prior.names)].reset_index(drop=True).astype(np.float64)
    posterior["weight"] = np.asarray(weights, dtype=np.float64) / np.sum(weights)
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    w = posterior["weight"].to_numpy()
    diagnostics = {
        "method": "abc",
        "particles": size["particles"],
        "generations": len(pops),
        "epsilon": pops["epsilon"].astype(float).tolist(),
        "evaluations": pops["samples"].astype(int).tolist(),
        "acceptance": (size["particles"] / pops["samples"].astype(float)).tolist(),
        "ess": float(1.0 / np.sum(w**2)),
        "exact": bool(_last_eps(history) <= target),
        "target_epsilon": target,
    }
    return FitResult(scenario, "abc", prior.names, prior, pd.DataFrame(posterior), diagnostics)
