"""The belief solver (issue #15, item 2) against the complete-information solver and Bayes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.deadline import Game
from sim.deadline._beliefs import posterior, solve_beliefs
from sim.deadline._typespace import has_types
from sim.model import compile_model

ROOT = Path(__file__).resolve().parents[1]
WOA = ROOT / "scenarios" / "war-of-attrition-deadline.toml"
AG = ROOT / "tests" / "scenarios" / "types" / "reputational-bargaining.toml"


@pytest.mark.parametrize("epochs", [21, 40])
def test_one_rational_type_each_is_the_complete_information_game(epochs: int) -> None:
    scenario = sim.with_overrides(sim.load(WOA), {"schedule.epochs": epochs})
    policy = Game.from_scenario(scenario).policy()
    solved = solve_beliefs(compile_model(scenario))
    values = np.stack([solved.value[0][:, 0, 0, 0], solved.value[1][:, 0, 0, 0]], axis=1)
    np.testing.assert_allclose(values, policy.values, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(solved.strategy[0][:, 0, 0, 0], policy.row, atol=1e-12)
    np.testing.assert_allclose(solved.strategy[1][:, 0, 0, 0], policy.col, atol=1e-12)
    assert solved.regret.max() < 1e-9


def test_types_with_one_rational_type_use_the_existing_solver() -> None:
    scenario = sim.load(AG)
    assert has_types(scenario)
    sure = sim.with_overrides(scenario, {"row.obstinate": 0.0, "col.obstinate": 0.0})
    assert not has_types(sure)
    assert not has_types(sim.load(WOA))


def test_posterior_is_bayes_rule_and_passive_off_path() -> None:
    belief = np.array([0.25, 0.75])
    strategies = np.array([[1.0, 0.0], [0.6, 0.4]])
    np.testing.assert_allclose(posterior(belief, strategies, 0), [0.25 / 0.7, 0.45 / 0.7])
    np.testing.assert_allclose(posterior(belief, strategies, 1), [0.0, 1.0])
    never = np.array([[1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(posterior(belief, never, 1), belief)


def _small_ag() -> tuple[sim.Scenario, object]:
    scenario = sim.with_overrides(sim.load(AG), {"schedule.epochs": 11})
    return scenario, solve_beliefs(compile_model(scenario), 6)


def test_beliefs_on_every_path_are_bayes_rule_on_its_actions() -> None:
    from sim.simulate import play_types

    scenario, solution = _small_ag()
    model = compile_model(scenario)
    paths = play_types(solution, model, 400, np.random.default_rng(3))  # type: ignore[arg-type]
    assert len(paths.events) > 50
    actions = [list(p.actions) for p in scenario.players]
    for e in paths.events.itertuples():
        p = 0 if e.player == "row" else 1
        mixed = solution.at(int(e.epoch), (e.state_row, e.state_col))[p]  # type: ignore[attr-defined]
        before = e.state_row if p == 0 else e.state_col
        assert before == e.belief_before
        want = posterior(np.array([before, 1 - before]), mixed, actions[p].index(e.action))
        assert e.belief_after == pytest.approx(want[0], abs=1e-12)
    # obstinate types never concede: every concession is by a rational type
    row = paths.runs[paths.runs.outcome == "row_concedes"]
    col = paths.runs[paths.runs.outcome == "col_concedes"]
    assert (row.row_type == "rational").all() and (col.col_type == "rational").all()
    both = paths.runs[(paths.runs.row_type == "obstinate") & (paths.runs.col_type == "obstinate")]
    assert (both.outcome == "deadline").all()


def test_paths_replay_from_the_seed() -> None:
    from sim.simulate import play_types

    scenario, solution = _small_ag()
    model = compile_model(scenario)
    a = play_types(solution, model, 50, np.random.default_rng(11))  # type: ignore[arg-type]
    b = play_types(solution, model, 50, np.random.default_rng(11))  # type: ignore[arg-type]
    assert a.runs.equals(b.runs) and a.events.equals(b.events)


def test_gsomia_with_no_resolute_korea_is_the_flagship_policy() -> None:
    path = ROOT / "tests" / "scenarios" / "types" / "gsomia-2019-reputation.toml"
    scenario = sim.with_overrides(sim.load(path), {"korea.resolute": 0.0})
    policy = Game.from_scenario(scenario).policy()  # the complete-information solver
    solved = solve_beliefs(compile_model(scenario), 5)
    assert solved.grids[0][0] == 0.0  # the state "Korea is surely rational"
    np.testing.assert_allclose(solved.strategy[0][:, 0, 0, 1], policy.row, atol=1e-12)
    np.testing.assert_allclose(solved.strategy[1][:, 0, 0, 0], policy.col, atol=1e-12)
    np.testing.assert_allclose(solved.value[0][:, 0, 0, 1], policy.values[:, 0], rtol=1e-12)
    np.testing.assert_allclose(solved.value[1][:, 0, 0, 0], policy.values[:, 1], rtol=1e-12)
