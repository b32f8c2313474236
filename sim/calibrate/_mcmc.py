"""The likelihood method: a maximum by scipy.optimize, a posterior by emcee's ensemble MCMC.

The maximum: bounded Brent's method (:func:`scipy.optimize.minimize_scalar`) for one
parameter, Nelder-Mead with bounds for several, from the scenario's values (clipped into the
prior's support). The posterior: emcee's ensemble sampler (Foreman-Mackey et al. 2013),
``walkers`` walkers started from the prior, moving by differential evolution (80 %) and its
snooker variant (20 %; ter Braak and Vrugt 2008), the mix emcee's documentation suggests: on
the one-choice check its autocorrelation time is a third of the default stretch move's (4
steps against 11) and its split R-hat after 400 steps 1.02 against 1.15. It runs in blocks of
``checkpoint`` steps. After each block the chain and the sampler's random state are saved
to ``chain.npz`` (atomically); a fit started again on the same directory with the same
arguments continues from there, and its chain is the one an uninterrupted fit gives (each
block starts from the saved state either way).

Diagnostics on the second half of the chain (the first is burn-in): the mean acceptance
fraction; the integrated autocorrelation time per parameter (emcee's estimator) and the
effective sample size ``walkers * kept_steps / tau`` (``tau_reliable`` is false when the kept
chain is shorter than 50 times tau, emcee's rule of thumb: the ESS is then a rough figure);
and the split R-hat of Gelman et al. (2013) with each walker's chain, halved, as the chains
(as ArviZ treats an ensemble).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from sim.calibrate._pool import Pool
from sim.calibrate._priors import Prior
from sim.errors import SimError
from sim.io import atomic

__all__ = ["CHAIN", "LogPosterior", "maximise", "run_ensemble", "split_rhat"]

FloatArray = NDArray[np.float64]
#: Kept steps, in autocorrelation times, for emcee's estimate of tau to be trusted (its own
#: rule of thumb); shorter chains say so in ``tau_reliable``.
TAU_LENGTHS = 50
#: The MCMC checkpoint inside a fit's directory.
CHAIN = "chain.npz"


def _emcee() -> Any:
    """emcee, or a one-line error naming the extra that brings it."""
    try:
        import emcee
    except ImportError:  # pragma: no cover - depends on the installation
        raise SimError("the likelihood method needs emcee: pip install 'negsim[fit]'") from None
    return emcee


@dataclass(frozen=True)
class LogPosterior:
    """``log prior + log likelihood`` (the likelihood is not evaluated outside the prior)."""

    prior: Prior
    loglik: Callable[[Sequence[float]], float]

    def __call__(self, theta: Sequence[float]) -> float:
        lp = self.prior.logpdf(theta)
        return lp if not np.isfinite(lp) else lp + self.loglik(theta)


def maximise(
    loglik: Callable[[Sequence[float]], float], prior: Prior, start: FloatArray
) -> dict[str, Any]:
    """The maximum-likelihood values within the prior's support, from ``start``."""
    low, high = prior.low, prior.high
    if prior.dim == 1:
        lo, hi = (float(b[0]) for b in _finite_bounds(prior))
        res = optimize.minimize_scalar(
            lambda x: -loglik([x]), bounds=(lo, hi), method="bounded", options={"xatol": 1e-9}
        )
        x, fun, evals = np.array([res.x]), float(res.fun), int(res.nfev)
    else:
        x0 = np.clip(start, *_finite_bounds(prior))
        res = optimize.minimize(
            lambda t: -loglik(t),
            x0,
            method="Nelder-Mead",
            bounds=list(zip(low, high, strict=True)),
            options={"xatol": 1e-6, "fatol": 1e-9, "maxfev": 100 * prior.dim},
        )
        x, fun, evals = np.asarray(res.x), float(res.fun), int(res.nfev)
    return {
        "values": dict(zip(prior.names, x.tolist(), strict=True)),
        "loglik": -fun,
        "evaluations": evals,
        "method": "bounded Brent" if prior.dim == 1 else "Nelder-Mead (bounded)",
    }


def _finite_bounds(prior: Prior) -> tuple[FloatArray, FloatArray]:
    """The support, with an unbounded side cut at the prior's 1e-6 or 1 - 1e-6 quantile."""
    q = prior.quantiles(np.array([[1e-6] * prior.dim, [1 - 1e-6] * prior.dim]))
    low = np.where(np.isfinite(prior.low), prior.low, q[0])
    high = np.where(np.isfinite(prior.high), prior.high, q[1])
    return low, high


@dataclass(frozen=True)
class Chain:
    """An ensemble's chain (steps, walkers, dim), its log-posterior and acceptance counts."""

    chain: FloatArray
    log_prob: FloatArray
    accepted: FloatArray

    @property
    def steps(self) -> int:
        return int(self.chain.shape[0])

    def kept(self) -> FloatArray:
        """The second half of the chain, (kept_steps, walkers, dim)."""
        return self.chain[self.steps // 2 :]

    def diagnostics(self, names: Sequence[str]) -> dict[str, Any]:
        """Acceptance, autocorrelation times, effective sample sizes and split R-hat."""
        emcee = _emcee()

        kept = self.kept()
        tau = emcee.autocorr.integrated_time(kept, tol=0)  # reliability judged below
        walkers = kept.shape[1]
        return {
            "tau_reliable": bool(kept.shape[0] >= TAU_LENGTHS * float(np.max(tau))),
            "steps": self.steps,
            "burn_in": self.steps // 2,
            "walkers": walkers,
            "acceptance": float(np.mean(self.accepted) / max(self.steps, 1)),
            "tau": dict(zip(names, np.asarray(tau, dtype=float).tolist(), strict=True)),
            "ess": dict(
                zip(names, (walkers * kept.shape[0] / np.asarray(tau)).tolist(), strict=True)
            ),
            "rhat": dict(zip(names, split_rhat(kept).tolist(), strict=True)),
        }


def split_rhat(chain: FloatArray) -> FloatArray:
    """Split R-hat per parameter of ``chain`` (steps, chains, dim): each chain halved."""
    n = chain.shape[0] // 2
    halves = np.concatenate([chain[:n], chain[n : 2 * n]], axis=1)  # (n, 2 chains, dim)
    means = halves.mean(axis=0)
    within = halves.var(axis=0, ddof=1).mean(axis=0)
    between = n * means.var(axis=0, ddof=1)
    var = (n - 1) / n * within + between / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.sqrt(var / within), dtype=np.float64)


def run_ensemble(
    logpost: LogPosterior,
    steps: int,
    walkers: int,
    rng_seed: int,
    pool: Pool,
    out: Path | None,
    progress: Callable[[int], None] | None = None,
    checkpoint: int = 50,
) -> Chain:
    """``steps`` ensemble steps (resumed from ``out / CHAIN`` when it holds some)."""
    emcee = _emcee()

    prior = logpost.prior
    saved = _load(out, walkers, prior.dim) if out is not None else None
    moves = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    sampler = emcee.EnsembleSampler(walkers, prior.dim, logpost, pool=pool, moves=moves)
    if saved is None:
        rng = np.random.default_rng(np.random.SeedSequence(rng_seed))
        start = prior.sample(walkers, rng)
        random = np.random.RandomState(np.random.SeedSequence(rng_seed).generate_state(1)[0])
        state = emcee.State(start, random_state=random.get_state())
        done = Chain(np.zeros((0, walkers, prior.dim)), np.zeros((0, walkers)), np.zeros(walkers))
    else:
        done, state = saved
        if progress:
            progress(done.steps)
    while done.steps < steps:
        block = min(checkpoint, steps - done.steps)
        sampler.reset()
        state = sampler.run_mcmc(state, block)
        done = Chain(
            np.concatenate([done.chain, sampler.get_chain()]),
            np.concatenate([done.log_prob, sampler.get_log_prob()]),
            done.accepted + sampler.backend.accepted,
        )
        if out is not None:
            _save(out, done, state)
        if progress:
            progress(block)
    return done


def _save(out: Path, chain: Chain, state: Any) -> None:
    _name, keys, pos, gauss, cached = state.random_state

    def write(tmp: Path) -> None:
        with tmp.open("wb") as f:
            np.savez(
                f,
                chain=chain.chain,
                log_prob=chain.log_prob,
                accepted=chain.accepted,
                coords=state.coords,
                last_log_prob=state.log_prob,
                random=np.array([pos, gauss, cached], dtype=np.float64),
                keys=keys,
            )

    atomic(out / CHAIN, write)


def _load(out: Path, walkers: int, dim: int) -> tuple[Chain, Any] | None:
    emcee = _emcee()

    path = out / CHAIN
    if not path.is_file():
        return None
    with np.load(path) as z:
        chain = Chain(z["chain"], z["log_prob"], z["accepted"])
        if chain.chain.shape[1:] != (walkers, dim):
            return None
        pos, gauss, cached = z["random"].tolist()
        random = ("MT19937", z["keys"], int(pos), int(gauss), float(cached))
        state = emcee.State(z["coords"], log_prob=z["last_log_prob"], random_state=random)
    return chain, state
