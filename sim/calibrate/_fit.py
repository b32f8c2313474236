"""``sim.calibrate.fit``: a posterior for named parameters given the scenario's record.

The method's numbers come from :mod:`._mcmc` (likelihood) or :mod:`._abc` (ABC-SMC); this
module chooses between them, keeps the result (:class:`FitResult`), draws the posterior
predictive run, and reads and writes a fit's directory (:mod:`._store`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibrate._likelihood import LogLikelihood, check_record
from sim.calibrate._mcmc import LogPosterior, maximise, run_ensemble
from sim.calibrate._pool import pool
from sim.calibrate._priors import Prior, prior_of
from sim.calibrate._result import FitResult
from sim.errors import ArgumentError, SimError
from sim.io import write_json
from sim.scenario import Scenario
from sim.simulate import simulate_drawn

__all__ = ["DEFAULTS", "METHODS", "fit", "posterior_rows", "predictive"]

#: Parameter draws of the posterior predictive run at most (each compiles its own game); its
#: paths are shared among them.
PREDICTIVE_DRAWS = 50
#: The methods of :func:`fit`.
METHODS = ("likelihood", "abc")
#: Defaults of the fit's sizes: shock paths per likelihood evaluation, walkers and steps of
#: the ensemble, ABC particles and generations, paths of the posterior predictive run.
DEFAULTS = {
    "paths": 64,
    "walkers": 16,
    "steps": 400,
    "particles": 400,
    "generations": 8,
    "predictive_runs": 1000,
}


def fit(
    scenario: Scenario,
    names: Sequence[str],
    method: str = "likelihood",
    rng_seed: int = 0,
    out: Path | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    **sizes: int,
) -> FitResult:
    """Fit the parameters ``names`` of ``scenario`` to its ``[observed]`` record.

    Parameters
    ----------
    method:
        ``"likelihood"`` (logit QRE play: a maximum and an emcee posterior) or ``"abc"``
        (ABC-SMC by pyabc).
    out:
        Where checkpoints go (``chain.npz``, ``abc.db``); a fit on a directory that holds
        one continues it.
    scheduler:
        A Dask scheduler's address (or ``"local"``) to evaluate on; the numbers are the same.
    sizes:
        Any of :data:`DEFAULTS`.
    """
    check_record(scenario)
    if method not in METHODS:
        raise ArgumentError("method", method, f"must be one of {', '.join(METHODS)}")
    unknown = set(sizes) - set(DEFAULTS)
    if unknown:
        raise ArgumentError("sizes", sorted(unknown), f"must be among {', '.join(DEFAULTS)}")
    size = {**DEFAULTS, **sizes}
    for key, value in size.items():
        if not isinstance(value, int) or value < 1:
            raise ArgumentError(key, value, "must be a positive integer")
    prior = prior_of(scenario, names)
    with pool(scheduler, workers) as where:
        if method == "likelihood":
            result = _likelihood(scenario, prior, size, rng_seed, out, where, progress)
        else:
            try:
                from sim.calibrate._abc import run_abc
            except ImportError:  # pragma: no cover - depends on the installation
                raise SimError("the abc method needs pyabc: pip install 'negsim[fit]'") from None

            result = run_abc(scenario, prior, size, rng_seed, out, where, progress)
    runs, summary = predictive(result, size["predictive_runs"], rng_seed)
    settings = {"method": method, "rng_seed": rng_seed, "scheduler": scheduler, **size}
    return replace(result, predictive=runs, predictive_summary=summary, settings=settings)


def _likelihood(
    scenario: Scenario,
    prior: Prior,
    size: dict[str, int],
    rng_seed: int,
    out: Path | None,
    where: Any,
    progress: Callable[[int], None] | None,
) -> FitResult:
    loglik = LogLikelihood(scenario, prior.names, size["paths"], rng_seed)
    start = np.array([scenario.parameters[n].value for n in prior.names])
    maximum = _maximum(loglik, prior, start, out, {"paths": size["paths"], "seed": rng_seed})
    steps, walkers = size["steps"], max(size["walkers"], 2 * prior.dim + 2)
    chain = run_ensemble(
        LogPosterior(prior, loglik), steps, walkers, rng_seed, where, out, progress
    )
    kept = chain.kept()
    flat = kept.reshape(-1, prior.dim)
    posterior = pd.DataFrame(flat, columns=list(prior.names))
    posterior.insert(0, "walker", np.tile(np.arange(kept.shape[1]), kept.shape[0]))
    posterior.insert(0, "step", np.repeat(np.arange(chain.steps // 2, chain.steps), kept.shape[1]))
    posterior["weight"] = 1.0 / len(flat)
    diagnostics = {"method": "likelihood", "paths": size["paths"], **chain.diagnostics(prior.names)}
    return FitResult(scenario, "likelihood", prior.names, prior, posterior, diagnostics, maximum)


#: The maximum's checkpoint inside a fit's directory.
MAXIMUM = "maximum.json"


def _maximum(
    loglik: LogLikelihood, prior: Prior, start: np.ndarray, out: Path | None, key: dict[str, int]
) -> dict[str, Any]:
    """The maximum, kept in ``out / MAXIMUM`` for a resumed fit of the same parameters,
    paths and seed."""
    path = None if out is None else out / MAXIMUM
    wanted = {"names": list(prior.names), **key}
    if path is not None and path.is_file():
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("key") == wanted:
            return dict(saved["maximum"])
    maximum = maximise(loglik, prior, start)
    if path is not None:
        write_json(path, {"key": wanted, "maximum": maximum})
    return maximum


def posterior_rows(
    posterior: pd.DataFrame, names: Sequence[str], draws: int, rng_seed: int
) -> np.ndarray:
    """``draws`` rows of the parameters resampled by weight from a posterior table (seeded)."""
    rng = np.random.default_rng(np.random.SeedSequence(rng_seed, spawn_key=(0xF17,)))
    w = posterior["weight"].to_numpy(dtype=np.float64)
    pick = rng.choice(len(posterior), size=draws, p=w / w.sum())
    return np.asarray(posterior[list(names)].to_numpy(dtype=np.float64)[pick])


def predictive(result: FitResult, runs: int, rng_seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The posterior predictive run: ``runs`` paths under at most :data:`PREDICTIVE_DRAWS`
    posterior draws (resampled by weight, each with its share of the paths), and its
    outcomes and timing against the record."""
    scenario, names = result.scenario, result.names
    values = posterior_rows(result.posterior, names, min(runs, PREDICTIVE_DRAWS), rng_seed)
    table = simulate_drawn(scenario, names, values, runs, rng_seed).runs
    observed = scenario.observed
    assert observed is not None
    window = scenario.window_hours
    before = window - (observed.at - scenario.start).total_seconds() / 3600.0
    outcomes = table["outcome"].astype(str)
    same = table.loc[outcomes == observed.outcome, "hours_before_deadline"].dropna()
    summary = {
        "runs": runs,
        "outcomes": {o.id: float(np.mean(outcomes == o.id)) for o in scenario.outcomes},
        "record": {
            "outcome": observed.outcome,
            "probability": float(np.mean(outcomes == observed.outcome)),
            "hours_before_deadline": before,
            "timing_percentile": float(100.0 * np.mean(same.to_numpy() <= before))
            if len(same)
            else None,
        },
    }
    return table, summary
