"""Payoff assembly, checked cell by cell against the scenario's terms by hand."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.model import compile_payoffs

GSOMIA = "scenarios/gsomia-2019.toml"


def test_agreement_cells_map_to_outcomes() -> None:
    model = compile_payoffs(sim.load(GSOMIA))
    ids = model.outcome_ids
    cells = [[ids[c] if c >= 0 else "-" for c in row] for row in model.outcome_of_cell]
    assert cells == [
        ["-", "-", "curbs_lifted"],
        ["-", "suspension_for_talks", "curbs_lifted"],
        ["korea_backs_down", "korea_backs_down", "curbs_lifted"],
    ]


def test_default_payoffs_scale_with_pressure() -> None:
    model = compile_payoffs(sim.load(GSOMIA))
    # Korea: -security_value - us_cost * P = -1 - 3P;  Japan: -us_cost * P = -P
    np.testing.assert_allclose(
        model.default_payoffs([0.0, 0.5, 1.0]), [[-1, 0], [-2.5, -0.5], [-4, -1]]
    )


def test_stage_game_by_hand() -> None:
    model = compile_payoffs(sim.load(GSOMIA))
    e, p, days, v = 0.75, 0.8, 2.0, np.array([-4.0, -1.0])
    A, B = model.stage(10, e, p, days, v, 1.0)
    A, B = A[0], B[0]
    hold_k = -0.02 * p * days  # Korea's holdout flow in continuing cells
    hold_j = -0.01 * p * days
    early = -2.0 * (1 - e)  # early-concession cost, shrinking with the window
    # row terminate: continue, continue, Japan lifts
    assert A[0].tolist() == pytest.approx([v[0] + hold_k, v[0] + hold_k, 10.0])
    assert B[0].tolist() == pytest.approx([v[1] + hold_j, v[1], 1.0 - 4.0])
    # row suspend: keep continues; talks is the compromise; lift
    assert A[1, 0] == pytest.approx(v[0] + hold_k)
    assert A[1, 1] == pytest.approx(3.0 - 8.0 * 0.85 + early)
    assert B[1, 1] == pytest.approx(1.0 - 0.3)
    # row renew: Korea backs down
    assert A[2, 0] == pytest.approx(-8.0 + early)
    assert A[2, 1] == pytest.approx(-8.0 + 3.0 + early)
    assert B[2].tolist() == pytest.approx([1.0, 0.7, -3.0])


def test_batch_axis_matches_one_at_a_time() -> None:
    model = compile_payoffs(sim.load(GSOMIA))
    pressures = np.array([0.1, 0.6, 1.3])
    cont = np.array([[-1.0, 0.5], [0.0, 0.0], [2.0, -3.0]])
    A, B = model.stage([1, 2, 3], [0.1, 0.5, 0.9], pressures, [1.0, 0.5, 0.1], cont, 0.99)
    for g in range(3):
        a, b = model.stage(
            g + 1, [0.1, 0.5, 0.9][g], pressures[g], [1.0, 0.5, 0.1][g], cont[g], 0.99
        )
        np.testing.assert_array_equal(A[g], a[0])
        np.testing.assert_array_equal(B[g], b[0])


def test_dead_epochs_continue_everywhere() -> None:
    model = compile_payoffs(sim.load(GSOMIA))
    A, _ = model.stage(0, 0.5, 1.0, 1.0, np.array([5.0, 5.0]), 1.0, live=False)
    assert np.all(A[0] <= 5.0) and np.all(A[0] >= 5.0 - 0.02 - 1e-12)


def test_stacked_models_give_each_models_stage_games_exactly() -> None:
    import sim
    from sim.model import compile_payoffs, stack_models

    base = sim.load("scenarios/gsomia-2019.toml")
    models = [
        compile_payoffs(sim.with_overrides(base, {"korea.trade_stake": v, "japan.lift_cost": w}))
        for v, w in [(5.0, 2.0), (10.0, 4.0), (15.0, 9.0)]
    ]
    stacked = stack_models(models)
    which = np.array([2, 0, 1, 1])
    pressure = np.array([0.2, 0.5, 0.9, 1.3])
    value = np.array([[1.0, -2.0], [0.5, 0.5], [-3.0, 2.0], [0.0, 0.0]])
    A, B = stacked.stage(40, 0.7, pressure, 0.5, value, 0.99, which=which)
    for g, w in enumerate(which):
        a, b = models[w].stage(40, 0.7, pressure[g : g + 1], 0.5, value[g : g + 1], 0.99)
        np.testing.assert_array_equal(A[g], a[0])
        np.testing.assert_array_equal(B[g], b[0])
    other = compile_payoffs(sim.load("scenarios/war-of-attrition-deadline.toml"))
    with pytest.raises(ValueError, match="same"):
        stack_models([models[0], other])


def test_models_with_different_agreement_cells_do_not_stack() -> None:
    from dataclasses import replace

    import sim
    from sim.model import compile_payoffs, stack_models

    model = compile_payoffs(sim.load("scenarios/gsomia-2019.toml"))
    cells = model.outcome_of_cell.copy()
    cells[0, 0] = 0
    with pytest.raises(ValueError, match="same actions and outcomes"):
        stack_models([model, replace(model, outcome_of_cell=cells)])
