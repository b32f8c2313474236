"""The deadline game under the logit concept (an agent QRE by backward induction), and the
``logit_limit`` rule in the war of attrition at 400 and 401 epochs (docs/qre.md)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.deadline import Game, solve_policies
from sim.equilibria import logit_qre, select, solve
from sim.experiments import expand, parse_param
from sim.scenario import Scenario, validate, with_overrides

ROOT = Path(__file__).resolve().parents[1]
WOA = ROOT / "scenarios" / "war-of-attrition-deadline.toml"
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
#: The war of attrition with fewer epochs, for speed: every tenth of the shipped schedule.
WOA_41 = {"schedule.epochs": 41}


def _logit(scenario: Scenario, lam: float | str) -> Scenario:
    doc = dict(scenario.document)
    config = {**doc.get("equilibrium", {}), "concept": "logit", "lambda": lam}
    return validate({**doc, "equilibrium": config}, scenario.path)


def test_every_shipped_scenario_plays_nash_by_default() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        scenario = sim.load(path)
        assert scenario.equilibrium.concept == "nash" and scenario.precision is None, path.name


def test_each_epoch_plays_the_qre_of_its_stage_game_with_the_next_epochs_qre_values() -> None:
    game = Game.from_scenario(_logit(sim.load(GSOMIA), 10.0))
    policy = game.policy()
    for k in (0, 20, 40, game.schedule.live - 1):
        A, B = game.stage(k, policy)
        q = logit_qre(A, B, 10.0)
        assert np.abs(policy.row[k] - q.row).max() <= 1e-12
        assert np.abs(policy.col[k] - q.col).max() <= 1e-12
        assert policy.values[k] == pytest.approx([q.row_payoff, q.col_payoff], abs=1e-12)
        assert policy.reasons[k] == q.reason and policy.equilibria[k] == 1
    assert not policy.degenerate.any()


def test_lambda_zero_is_uniform_play_at_every_epoch() -> None:
    policy = Game.from_scenario(_logit(sim.load(WOA, WOA_41), 0.0)).policy()
    assert np.array_equal(policy.row, np.full_like(policy.row, 0.5))
    assert np.array_equal(policy.col, np.full_like(policy.col, 0.5))
    # each epoch ends the game with probability 3/4; the deadline needs every epoch to go on
    live = len(policy.times)
    assert policy.outcome_probabilities()["deadline"] == pytest.approx(0.25**live, rel=1e-12)


def test_the_war_of_attrition_at_qre_is_symmetric_and_nears_theory_as_lambda_grows() -> None:
    base = sim.load(WOA, WOA_41)
    nash = Game.from_scenario(base).policy().outcome_probabilities()["deadline"]
    reach = []
    for lam in (1.0, 3.0, 10.0, 100.0):
        policy = Game.from_scenario(_logit(base, lam)).policy()
        assert np.array_equal(policy.row, policy.col)
        reach.append(policy.outcome_probabilities()["deadline"])
    # noisier players give in sooner; as lambda grows the QRE path nears Nash play
    assert reach == sorted(reach)
    assert abs(reach[-1] - nash) < 0.01 < abs(reach[0] - nash)


def _with_lambda_parameter(base: Scenario) -> Scenario:
    """``base`` played at logit QRE with lambda the parameter ``qre.lambda`` (2, in [0, 50])."""
    doc = dict(base.document)
    doc["parameters"] = {
        **doc["parameters"],
        "qre.lambda": {"value": 2.0, "range": [0.0, 50.0], "assumption": "A test precision."},
    }
    return _logit(validate(doc, base.path), "qre.lambda")


def test_lambda_as_a_parameter_is_settable_and_games_at_two_lambdas_solve_apart() -> None:
    scenario = _with_lambda_parameter(sim.load(WOA, WOA_41))
    low, high = scenario, with_overrides(scenario, {"qre.lambda": 20.0})
    assert (low.precision, high.precision) == (2.0, 20.0)
    games = [Game.from_scenario(s) for s in (low, high)]
    together = solve_policies([(g, [None]) for g in games])
    for game, (policy,) in zip(games, together, strict=True):
        alone = game.policy()
        assert np.array_equal(policy.row, alone.row) and np.array_equal(policy.col, alone.col)
    assert not np.allclose(together[0][0].row, together[1][0].row)


def test_equilibrium_lambda_is_a_number_the_overrides_reach() -> None:
    scenario = _logit(sim.load(WOA, WOA_41), 3.0)
    assert "equilibrium.lambda" in sim.scenario.sweepable(scenario.document)
    assert with_overrides(scenario, {"equilibrium.lambda": 7.5}).precision == 7.5
    with pytest.raises(sim.ScenarioError, match=r"equilibrium\.lambda: must not be negative"):
        with_overrides(scenario, {"equilibrium.lambda": -1.0})


def test_paths_draw_from_the_qre_strategies() -> None:
    scenario = _logit(sim.load(WOA, WOA_41), 3.0)
    probs = Game.from_scenario(scenario).policy().outcome_probabilities()
    result = sim.run(scenario, runs=4000, rng_seed=5)
    for outcome, p in probs.items():
        share = result.summary["outcomes"][outcome]["probability"]
        assert abs(share - p) <= 4 * math.sqrt(p * (1 - p) / 4000) + 1e-9, outcome


def test_solve_reports_the_qre_and_its_branch_only_under_the_logit_concept() -> None:
    nash = sim.solve(WOA, epoch=0, overrides=WOA_41)
    assert nash.qre is None and "qre" not in nash.to_dict()
    r = sim.solve(WOA, epoch=3, overrides=WOA_41, concept="logit", lam=3.0)
    assert r.qre is not None and r.branch is not None
    assert np.abs(r.qre.row - r.path.row[3 - r.path.first]).max() <= 1e-12
    d = r.to_dict()
    assert d["concept"] == "logit" and d["qre"]["lambda"] == 3.0
    assert d["branch"][0]["lambda"] == 0.0 and d["branch"][-1]["lambda"] == 3.0
    with pytest.raises(sim.ScenarioError, match="needs the precision lambda"):
        sim.solve(WOA, concept="logit")


# ---------------------------------------------------------------- 400 and 401 epochs


def test_logit_limit_keeps_the_quiet_phase_at_the_degenerate_epoch_of_400() -> None:
    """Epoch 240 of 400 falls on T - c/2 (day 6): waiting then costs exactly what giving in
    costs, and the stage game has a continuum of equilibria. Its logit branch converges to
    (wait, wait); max_entropy, among three pure extreme equilibria, takes the first found."""
    scenario = sim.load(WOA, {"schedule.epochs": 400})
    game = Game.from_scenario(scenario)
    assert game.live_times[240] == pytest.approx(6 * 24.0)
    A, B = game.stage(240, game.policy())  # the value of epoch 241 on: both wait to T
    eqs = solve(A, B)
    assert eqs.degenerate and len(eqs.equilibria) == 3
    limit = select(eqs, "logit_limit", A, B)
    assert limit.equilibrium.profile == (0, 0)  # both wait
    assert "the branch converges to equilibrium" in limit.reason
    assert select(eqs, "max_entropy", A, B).equilibrium.profile == (1, 0)  # a concedes


@pytest.mark.slow
def test_the_war_of_attrition_under_logit_limit_at_400_and_401_epochs() -> None:
    """docs/qre.md: with 401 epochs logit_limit plays as max_entropy does (the mixed
    equilibrium before T - c/2, waiting after); with 400 it also keeps the quiet phase at the
    degenerate epoch, where max_entropy's first-found pure equilibrium ends the game, so the
    deadline is reached with probability 0.2226 instead of 0 (theory: exp(-1.5) = 0.2231)."""
    theory = math.exp(1 - 2 * 10 / 8)
    reach = {}
    for epochs in (400, 401):
        for rule in ("logit_limit", "max_entropy"):
            r = sim.solve(WOA, overrides={"schedule.epochs": epochs}, rule=rule)
            reach[epochs, rule] = r.path.outcome_probabilities()["deadline"]
    assert reach[401, "logit_limit"] == pytest.approx(reach[401, "max_entropy"], abs=1e-12)
    assert reach[401, "logit_limit"] == pytest.approx(0.222407, abs=1e-6)
    assert reach[400, "max_entropy"] == 0.0
    assert reach[400, "logit_limit"] == pytest.approx(0.222591, abs=1e-6)
    assert abs(reach[400, "logit_limit"] - theory) < 0.001


def test_a_sweep_over_lambda_runs_each_point_at_its_own_precision() -> None:
    scenario = _logit(sim.load(WOA, WOA_41), 1.0)
    rows = sim.sweep(scenario, {"equilibrium.lambda": [1.0, 30.0]}, runs=400, workers=1)
    assert rows["equilibrium.lambda"].tolist() == [1.0, 30.0]
    for point in rows.itertuples():
        played = with_overrides(scenario, {"equilibrium.lambda": point._2})
        want = Game.from_scenario(played).policy().outcome_probabilities()["deadline"]
        assert abs(point.p_deadline - want) <= 4 * math.sqrt(want * (1 - want) / 400) + 0.01
    low, high = rows["p_deadline"].tolist()
    assert low < 0.05 < high  # noisy players give in long before the deadline


def test_a_sampled_design_draws_lambda_and_each_point_plays_its_draw() -> None:
    """lambda as a parameter is drawn like any other: a Latin hypercube over its range."""
    scenario = _with_lambda_parameter(sim.load(WOA, WOA_41))
    spec = "qre.lambda=0.5:10"
    rows = sim.sweep(scenario, [spec], design="lhs", samples=2, runs=400, rng_seed=3, workers=1)
    drawn = expand([parse_param(spec)], "lhs", 2, rng_seed=3)["qre.lambda"].tolist()
    assert rows["qre.lambda"].tolist() == drawn and len(set(drawn)) == 2
    assert all(0.5 <= lam <= 10.0 for lam in drawn)
    for lam, p in zip(drawn, rows["p_deadline"].tolist(), strict=True):
        played = with_overrides(scenario, {"qre.lambda": lam})
        assert played.precision == lam
        want = Game.from_scenario(played).policy().outcome_probabilities()["deadline"]
        assert abs(p - want) <= 4 * math.sqrt(want * (1 - want) / 400) + 0.01
