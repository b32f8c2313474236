"""negsim fit (#17): the record's likelihood, its maximum, the posterior by MCMC and by ABC,
their agreement, seeding on one process and on Dask, checkpoints, and parameter recovery.

The closed-form scenario (tests/scenarios/fit/logit-choice.toml) has one logit choice: the
row player waits (payoff 0), takes b (theta) or c (2 theta - cost) at precision lambda, so
``P(b) = exp(L t) / (1 + exp(L t) + exp(L (2 t - c)))`` and the record "b" is most likely at
``theta = c / 2``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

import sim
from sim.calibrate import (
    FitResult,
    LogLikelihood,
    fit,
    load_posterior,
    posterior_rows,
    prior_of,
    split_rhat,
)
from sim.calibrate._mcmc import LogPosterior, run_ensemble
from sim.calibrate._pool import Pool
from sim.cli import main as cli_main
from sim.deadline import Game
from sim.scenario import parse, validate
from sim.simulate import record_masks

ROOT = Path(__file__).resolve().parents[1]
CHOICE = ROOT / "tests" / "scenarios" / "fit" / "logit-choice.toml"
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"


def analytic_loglik(theta: float, lam: float, cost: float, taken: str = "took_b") -> float:
    """log P(record) of the one logit choice."""
    u = {"nothing": 0.0, "took_b": lam * theta, "took_c": lam * (2 * theta - cost)}
    return u[taken] - math.log(sum(math.exp(v) for v in u.values()))


def with_record(outcome: str, values: dict[str, float] | None = None) -> sim.Scenario:
    """The logit-choice scenario with its record's outcome set to ``outcome``."""
    document = parse(CHOICE.read_bytes(), CHOICE)
    document["observed"]["outcome"] = outcome
    if outcome == "nothing":
        document["observed"]["at"] = document["meta"]["deadline"]
    return validate(document, CHOICE, values)


def quadrature_mean(scenario: sim.Scenario) -> float:
    """The exact posterior mean of theta (uniform prior on its range) by quadrature."""
    lam, cost = scenario.parameters["lam"].value, scenario.parameters["cost"].value
    outcome = scenario.observed.outcome  # type: ignore[union-attr]
    low, high = scenario.parameters["theta"].range  # type: ignore[misc]
    like = lambda t: math.exp(analytic_loglik(t, lam, cost, outcome))  # noqa: E731
    z = integrate.quad(like, low, high)[0]
    return float(integrate.quad(lambda t: t * like(t), low, high)[0] / z)


# ---------------------------------------------------------------- the record


def test_flagship_record_has_dated_moves_as_masks() -> None:
    s = sim.load(GSOMIA)
    assert s.observed is not None
    assert [(m.player, m.action) for m in s.observed.moves] == [
        ("japan", "keep"),
        ("korea", "terminate"),
        ("japan", "talks"),
    ]
    game = Game.from_scenario(s)
    record = record_masks(game)
    decision = min(game.schedule.epoch_at(s.observed.at), game.schedule.live - 1)
    assert record.epoch == decision and len(record.masks) == decision + 1
    # at the decision: only (suspend, talks); at 6 September: (terminate, keep) alone
    assert np.argwhere(record.masks[decision]).tolist() == [[1, 1]]
    september = game.schedule.epoch_at(s.observed.moves[0].at)
    assert np.argwhere(record.masks[september]).tolist() == [[0, 0]]
    # other epochs before it: every cell without an agreement
    other = next(k for k in range(decision) if k != september)
    assert record.masks[other].sum() == (game.payoffs.outcome_of_cell < 0).sum()


def test_the_single_observation_form_still_loads() -> None:
    s = sim.load(ROOT / "tests" / "scenarios" / "valid" / "cited-pressure.toml")
    assert s.observed is not None and s.observed.moves == ()


# ---------------------------------------------------------------- closed form


@pytest.mark.parametrize("theta", [-1.5, 0.0, 0.2, 0.5, 2.5])
def test_likelihood_equals_the_closed_form(theta: float) -> None:
    s = sim.load(CHOICE)
    loglik = LogLikelihood(s, ("theta",), paths=3, rng_seed=1)
    assert loglik([theta]) == pytest.approx(analytic_loglik(theta, 2.0, 1.0), abs=1e-9)


@pytest.mark.parametrize("cost", [1.0, 1.6])
def test_maximum_equals_the_analytic_mle(cost: float) -> None:
    s = sim.load(CHOICE, {"cost": cost})
    result = fit(s, ["theta"], steps=40, walkers=8, paths=2, predictive_runs=20)
    assert result.maximum is not None
    assert result.maximum["values"]["theta"] == pytest.approx(cost / 2, abs=1e-6)
    assert result.maximum["loglik"] == pytest.approx(analytic_loglik(cost / 2, 2.0, cost), abs=1e-9)


@pytest.fixture(scope="module")
def likelihood_fit() -> FitResult:
    return fit(sim.load(CHOICE), ["theta"], steps=400, walkers=16, paths=2, rng_seed=3,
               predictive_runs=50)  # fmt: skip


def test_mcmc_posterior_mean_matches_quadrature(likelihood_fit: FitResult) -> None:
    result = likelihood_fit
    d = result.diagnostics
    se = float(result.posterior["theta"].std()) / math.sqrt(d["ess"]["theta"])
    assert abs(result.mean()["theta"] - quadrature_mean(result.scenario)) < 4 * se
    assert 0.2 < d["acceptance"] < 0.9
    assert d["rhat"]["theta"] < 1.1  # 16 walkers of 200 kept steps, tau about 12
    assert d["ess"]["theta"] > 150


def test_split_rhat_is_one_for_one_distribution_and_large_for_two() -> None:
    rng = np.random.default_rng(0)
    same = rng.normal(size=(4000, 8, 1))
    assert split_rhat(same)[0] == pytest.approx(1.0, abs=0.01)
    apart = same + np.arange(8)[None, :, None]  # chains centred 0 .. 7 apart
    assert split_rhat(apart)[0] > 2.0


# ---------------------------------------------------------------- abc


def test_abc_agrees_with_likelihood_within_monte_carlo_error(likelihood_fit: FitResult) -> None:
    pytest.importorskip("pyabc")
    s = sim.load(CHOICE)
    abc = fit(s, ["theta"], method="abc", particles=300, generations=6, predictive_runs=20)
    assert abc.diagnostics["generations"] < 6  # stopped at the exact record, not the cap
    like = likelihood_fit
    assert abc.diagnostics["exact"]  # the last population reproduces the record exactly
    sd = float(like.posterior["theta"].std())
    se_abc = sd / math.sqrt(abc.diagnostics["ess"])
    se_like = sd / math.sqrt(like.diagnostics["ess"]["theta"])
    gap = abs(abc.mean()["theta"] - like.mean()["theta"])
    assert gap < 4 * math.hypot(se_abc, se_like)
    assert abs(abc.mean()["theta"] - quadrature_mean(s)) < 4 * se_abc


# ---------------------------------------------------------------- seeds, Dask, checkpoints


def test_same_seed_same_posterior_and_another_seed_another() -> None:
    s = sim.load(CHOICE)
    kw = {"steps": 30, "walkers": 8, "paths": 2, "predictive_runs": 10}
    a, b = fit(s, ["theta"], rng_seed=5, **kw), fit(s, ["theta"], rng_seed=5, **kw)
    pd.testing.assert_frame_equal(a.posterior, b.posterior)
    c = fit(s, ["theta"], rng_seed=6, **kw)
    assert not np.array_equal(a.posterior["theta"], c.posterior["theta"])


@pytest.mark.slow
def test_same_posterior_on_dask() -> None:
    pytest.importorskip("distributed")
    pytest.importorskip("pyabc")
    s = sim.load(CHOICE)
    kw = {"steps": 20, "walkers": 8, "paths": 2, "predictive_runs": 10}
    here = fit(s, ["theta"], rng_seed=2, **kw)
    there = fit(s, ["theta"], rng_seed=2, scheduler="local", workers=2, **kw)
    pd.testing.assert_frame_equal(here.posterior, there.posterior)
    kw = {"particles": 40, "generations": 2, "predictive_runs": 10}
    here = fit(s, ["theta"], method="abc", rng_seed=2, **kw)
    there = fit(s, ["theta"], method="abc", rng_seed=2, scheduler="local", workers=2, **kw)
    pd.testing.assert_frame_equal(here.posterior, there.posterior)


def test_an_interrupted_chain_resumes_to_the_same_chain(tmp_path: Path) -> None:
    s = sim.load(CHOICE)
    prior = prior_of(s, ["theta"])
    post = LogPosterior(prior, LogLikelihood(s, ("theta",), 2, 0))
    whole = run_ensemble(post, 40, 6, 9, Pool(), None, checkpoint=10)
    run_ensemble(post, 20, 6, 9, Pool(), tmp_path, checkpoint=10)  # "interrupted" at 20
    assert (tmp_path / "chain.npz").is_file()
    resumed = run_ensemble(post, 40, 6, 9, Pool(), tmp_path, checkpoint=10)
    np.testing.assert_array_equal(whole.chain, resumed.chain)
    np.testing.assert_array_equal(whole.accepted, resumed.accepted)


def test_an_interrupted_abc_run_resumes_from_its_database(tmp_path: Path) -> None:
    pytest.importorskip("pyabc")
    s = sim.load(CHOICE)
    kw = {"particles": 40, "predictive_runs": 10, "rng_seed": 4}
    whole = fit(s, ["theta"], method="abc", generations=3, **kw)
    fit(s, ["theta"], method="abc", generations=1, out=tmp_path, **kw)
    resumed = fit(s, ["theta"], method="abc", generations=3, out=tmp_path, **kw)
    assert resumed.diagnostics["generations"] == whole.diagnostics["generations"]
    pd.testing.assert_frame_equal(whole.posterior, resumed.posterior)


# ---------------------------------------------------------------- outputs, run --posterior


def test_fit_writes_its_directory_and_run_draws_from_it(tmp_path: Path) -> None:
    out = tmp_path / "fit"
    code = cli_main(
        [
            "fit", str(CHOICE), "--param", "theta", "--out", str(out),
            "--steps", "40", "--walkers", "8", "--paths", "2", "--predictive-runs", "40",
        ]
    )  # fmt: skip
    assert code == 0
    names, table = load_posterior(out)
    assert names == ["theta"] and table["weight"].sum() == pytest.approx(1.0)
    assert {
        "report.html",
        "diagnostics.json",
        "predictive.parquet",
        "chain.npz",
        "maximum.json",
    } <= {p.name for p in out.iterdir()}
    html = (out / "report.html").read_text(encoding="utf-8")
    for figure in ("fit_marginals", "fit_pairs", "prior_posterior", "fit_predictive"):
        assert f'id="{figure}"' in html
    rows = posterior_rows(table, names, 20, 0)
    assert set(rows[:, 0]) <= set(table["theta"])
    result = sim.run(CHOICE, runs=40, rng_seed=0, posterior=(names, rows))
    assert sorted(set(result.runs["theta"])) == sorted(set(rows[:, 0]))
    run_out = tmp_path / "run"
    args = ["run", str(CHOICE), "--posterior", str(out), "--runs", "30", "--out", str(run_out)]
    assert cli_main([*args, "--quiet"]) == 0
    assert set(pd.read_parquet(run_out / "runs.parquet")["theta"]) <= set(table["theta"])


def test_bad_fit_arguments_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["fit", str(CHOICE), "--out", str(tmp_path / "x")]
    assert cli_main([*args, "--param", "nope"]) == 2
    assert "--param 'nope': no such parameter" in capsys.readouterr().err
    assert cli_main([*args, "--param", "theta", "--steps", "0"]) == 2
    assert "steps 0: must be a positive integer" in capsys.readouterr().err
    no_record = ROOT / "scenarios" / "war-of-attrition-deadline.toml"
    assert cli_main(["fit", str(no_record), "--param", "concession_cost", "--out", "x"]) == 2
    assert "has no [observed] record" in capsys.readouterr().err
    assert cli_main(["run", str(CHOICE), "--posterior", str(tmp_path), "--quiet"]) == 2
    assert "not a fit's directory" in capsys.readouterr().err


# ---------------------------------------------------------------- parameter recovery


def _recovery(replications: int, steps: int) -> float:
    """The share of replications whose 90 % interval holds the truth: theta drawn from its
    prior, a record simulated at it (one path), the likelihood method fitted to it."""
    base = sim.load(CHOICE)
    prior = prior_of(base, ["theta"])
    truths = prior.sample(replications, np.random.default_rng(2026))[:, 0]
    hits = 0
    for r, theta in enumerate(truths):
        outcome = str(
            sim.run(base, runs=1, rng_seed=r, overrides={"theta": theta}).runs["outcome"][0]
        )
        s = with_record(outcome)
        result = fit(s, ["theta"], steps=steps, walkers=8, paths=2, predictive_runs=1, rng_seed=r)
        low, high = result.interval(0.9)["theta"]
        hits += int(low <= theta <= high)
    return hits / replications


def test_parameter_recovery_small() -> None:
    assert _recovery(10, 120) >= 0.7


@pytest.mark.slow
def test_parameter_recovery_30_replications() -> None:
    assert _recovery(30, 300) >= 0.8
