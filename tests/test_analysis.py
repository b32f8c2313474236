"""Tests for sim.analysis: hand-computed textbook values and Hypothesis properties."""

from __future__ import annotations

import json
from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.typing import NDArray
from strategies import coordination_games, generic_games, integer_games

from sim.equilibria import (
    BEST_RESPONSE_TOL,
    GameError,
    analyse,
    dominated_actions,
    iterated_elimination,
    maxmin,
    nash_bargaining_hull,
    nash_bargaining_pure,
    pareto_efficient_profiles,
    risk_dominant_equilibrium,
    solve,
)
from sim.equilibria._dominance import _mixed_domination_margin, _pure_domination_margin

FloatArray = NDArray[np.float64]

SETTINGS = settings(max_examples=50, deadline=None, database=None)

PD = ([[3, 0], [5, 1]], [[3, 5], [0, 1]])
CHICKEN = ([[0, -1], [1, -10]], [[0, 1], [-1, -10]])
CHICKEN_ASYMMETRIC = ([[0, -1], [1, -10]], [[0, 1], [-1, -20]])
BATTLE = ([[2, 0], [0, 1]], [[1, 0], [0, 2]])
PENNIES = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
STAG_HUNT = ([[4, 0], [3, 3]], [[4, 3], [0, 3]])


def test_prisoners_dilemma() -> None:
    a = analyse(*PD)
    assert a.shape == (2, 2)
    assert a.pure_equilibria == a.strict_pure_equilibria == ((1, 1),)
    for player in (a.row, a.col):
        assert player.dominated_by_pure == player.dominated_by_mixed == (0,)  # C
        assert player.surviving == (1,)
        assert player.maxmin_value == pytest.approx(1.0)  # D guarantees 1
        assert player.maxmin_strategy == pytest.approx((0.0, 1.0))
    assert a.eliminations == ((1, "row", 0), (1, "col", 0))
    assert a.pareto_efficient == ((0, 0), (0, 1), (1, 0))
    # d = (1, 1): (C, C) gains (2, 2); (C, D) and (D, C) leave one player below d.
    bargaining = a.bargaining
    assert bargaining.disagreement == pytest.approx((1.0, 1.0))
    assert bargaining.pure_profile == (0, 0) and bargaining.pure_payoffs == (3.0, 3.0)
    # Frontier (0, 5) - (3, 3) - (5, 0): the product peaks past (3, 3) on the first segment
    # (t* = 14/12) and before it on the second (t* = -1/6), so (3, 3) is the hull point.
    assert bargaining.hull_payoffs == pytest.approx((3.0, 3.0))
    assert bargaining.hull_lottery == (((0, 0), 1.0),)
    assert a.risk_dominant is None  # one strict equilibrium only


def test_battle_of_the_sexes() -> None:
    a = analyse(*BATTLE)
    assert a.pure_equilibria == ((0, 0), (1, 1))
    # Row: max_x min(2x, 1 - x) at x = 1/3; column: max_y min(y, 2(1 - y)) at y = 2/3.
    assert a.row.maxmin_value == pytest.approx(2 / 3)
    assert a.row.maxmin_strategy == pytest.approx((1 / 3, 2 / 3))
    assert a.col.maxmin_value == pytest.approx(2 / 3)
    assert a.col.maxmin_strategy == pytest.approx((2 / 3, 1 / 3))
    assert a.pareto_efficient == ((0, 0), (1, 1))
    # Pure: both give product (4/3)(1/3); the tie goes to row-major first.
    assert a.bargaining.pure_profile == (0, 0)
    # Hull: on u1 + u2 = 3 the product (u1 - 2/3)(u2 - 2/3) peaks at (3/2, 3/2).
    assert a.bargaining.hull_payoffs == pytest.approx((1.5, 1.5))
    (first, w1), (second, w2) = a.bargaining.hull_lottery
    assert {first, second} == {(0, 0), (1, 1)} and (w1, w2) == pytest.approx((0.5, 0.5))
    assert a.risk_dominant is None  # both products are 2 * 1


def test_matching_pennies() -> None:
    a = analyse(*PENNIES)
    assert a.pure_equilibria == ()
    for player in (a.row, a.col):
        assert player.maxmin_value == pytest.approx(0.0, abs=1e-12)
        assert player.maxmin_strategy == pytest.approx((0.5, 0.5))
    assert a.pareto_efficient == ((0, 0), (0, 1), (1, 0), (1, 1))  # zero-sum
    assert a.bargaining.pure_profile is None  # every profile leaves one player below 0
    assert a.bargaining.hull_payoffs is None and a.bargaining.hull_lottery == ()


def test_stag_hunt() -> None:
    a = analyse(*STAG_HUNT)
    assert a.strict_pure_equilibria == ((0, 0), (1, 1))
    assert a.risk_dominant == (1, 1)  # hare: 3 * 3 > 1 * 1
    assert a.row.maxmin_value == pytest.approx(3.0) and a.row.maxmin_strategy == (0.0, 1.0)
    assert a.pareto_efficient == ((0, 0),)
    assert a.bargaining.pure_profile == (0, 0) and a.bargaining.hull_payoffs == (4.0, 4.0)
    assert a.row.dominated_by_mixed == a.col.dominated_by_mixed == ()


def test_chicken() -> None:
    a = analyse(*CHICKEN)
    assert a.strict_pure_equilibria == ((0, 1), (1, 0))
    assert a.risk_dominant is None  # both products are 9
    # Swerving guarantees -1; mixing cannot do better since -10 + 9x <= 1 - x on [0, 1].
    assert a.row.maxmin_value == pytest.approx(-1.0)
    assert a.row.maxmin_strategy == pytest.approx((1.0, 0.0))
    # d = (-1, -1): (0, 0) has product 1; the others 0. The hull point is (0, 0) too, which
    # a pure profile pays, so the lottery is that profile alone.
    assert a.bargaining.pure_profile == (0, 0)
    assert a.bargaining.hull_payoffs == pytest.approx((0.0, 0.0))
    assert a.bargaining.hull_lottery == (((0, 0), 1.0),)
    assert analyse(*CHICKEN_ASYMMETRIC).risk_dominant == (1, 0)  # 19 > 9


def test_domination_by_a_mixture_only() -> None:
    # B = (1, 1) is beaten by (T + M) / 2 = (1.5, 1.5), but by neither T nor M alone.
    M = [[3, 0], [0, 3], [1, 1]]
    assert dominated_actions(M, mixed=False) == ()
    assert dominated_actions(M, mixed=True) == (2,)
    # A tie is not strict domination.
    assert dominated_actions([[3, 0], [0, 3], [1.5, 1.5]], mixed=True) == ()


def test_iterated_elimination_order() -> None:
    # Gibbons (1992), Figure 1.1.1: Right < Middle; then Down < Up; then Left < Middle.
    A = [[1, 1, 0], [0, 0, 2]]
    B = [[0, 2, 1], [3, 1, 0]]
    rows, cols, order = iterated_elimination(A, B)
    assert (rows, cols) == ((0,), (1,))
    assert order == ((1, "col", 2), (2, "row", 1), (3, "col", 0))
    a = analyse(A, B)
    assert a.row.dominated_by_mixed == () and a.col.dominated_by_mixed == (2,)
    assert a.row.surviving == (0,) and a.col.surviving == (1,)


def test_nash_bargaining_with_a_given_disagreement_point() -> None:
    A = [[4, 0], [0, 0]]
    B = [[0, 4], [0, 0]]
    # On u1 + u2 = 4, (u1 - 1) u2 peaks at u1 = 2.5: 5/8 of the way from (0, 4) to (4, 0).
    (u1, u2), lottery = nash_bargaining_hull(A, B, (1.0, 0.0))
    assert (u1, u2) == pytest.approx((2.5, 1.5))
    (p, wp), (q, wq) = lottery
    assert (p, q) == ((0, 1), (0, 0)) and (wp, wq) == pytest.approx((0.375, 0.625))
    assert nash_bargaining_pure(A, B, (1.0, 0.0)) == (0, 0)  # gains (3, 0): product 0
    assert analyse(A, B, disagreement=(1.0, 0.0)).bargaining.hull_payoffs == pytest.approx(
        (2.5, 1.5)
    )
    assert nash_bargaining_pure(A, B, (5.0, 0.0)) is None


def test_pareto_and_maxmin_values() -> None:
    A = [[1, 2], [2, 1]]
    B = [[2, 1], [1, 2]]
    assert pareto_efficient_profiles(A, B) == ((0, 0), (0, 1), (1, 0), (1, 1))
    value, strategy = maxmin(A)
    assert value == pytest.approx(1.5) and strategy == pytest.approx([0.5, 0.5])
    assert pareto_efficient_profiles([[1, 1]], [[1, 1]]) == ((0, 0), (0, 1))  # equal pairs


def test_risk_dominance_needs_2x2() -> None:
    assert risk_dominant_equilibrium(np.eye(3), np.eye(3)) is None


def test_invalid_game_is_rejected() -> None:
    with pytest.raises(GameError, match="differ in shape"):
        analyse([[1, 2]], [[1], [2]])


def test_to_dict_round_trips_through_json() -> None:
    data = analyse(*BATTLE).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["pure_equilibria"] == [[0, 0], [1, 1]]
    assert data["row"]["maxmin_value"] == pytest.approx(2 / 3)
    assert data["bargaining"]["hull_payoffs"] == pytest.approx([1.5, 1.5])
    assert data["risk_dominant"] is None


# --- properties ---------------------------------------------------------------------------


@SETTINGS
@given(game=integer_games())
def test_pure_equilibria_match_the_solver(game: tuple[FloatArray, FloatArray]) -> None:
    A, B = game
    pure = {e.profile for e in solve(A, B).equilibria if e.pure}
    assert set(analyse(A, B).pure_equilibria) == pure


@SETTINGS
@given(game=integer_games() | generic_games())
def test_equilibria_respect_dominance_and_security(game: tuple[FloatArray, FloatArray]) -> None:
    A, B = game
    a = analyse(A, B)
    assert set(a.row.dominated_by_pure) <= set(a.row.dominated_by_mixed)
    assert set(a.col.dominated_by_pure) <= set(a.col.dominated_by_mixed)
    x, y = np.array(a.row.maxmin_strategy), np.array(a.col.maxmin_strategy)
    assert (x @ A).min() >= a.row.maxmin_value - 1e-9  # the strategy guarantees the value
    assert (B @ y).min() >= a.col.maxmin_value - 1e-9
    assert a.row.maxmin_value >= A.min(axis=1).max() - 1e-9  # at least the pure security level
    for e in solve(A, B).equilibria:
        # Strictly dominated actions are never played; nobody gets less than their security.
        assert set(np.flatnonzero(e.row)) <= set(a.row.surviving)
        assert set(np.flatnonzero(e.col)) <= set(a.col.surviving)
        assert e.row_payoff >= a.row.maxmin_value - BEST_RESPONSE_TOL
        assert e.col_payoff >= a.col.maxmin_value - BEST_RESPONSE_TOL


@SETTINGS
@given(game=integer_games() | generic_games())
def test_skipping_the_programme_for_best_responses_changes_no_answer(
    game: tuple[FloatArray, FloatArray],
) -> None:
    """An action best against some column is not strictly dominated: the linear programme
    it skips would say the same."""
    for M in (game[0], game[1].T):
        by_programme = tuple(
            k
            for k in range(M.shape[0])
            if _pure_domination_margin(M, k) > BEST_RESPONSE_TOL
            or _mixed_domination_margin(M, k) > BEST_RESPONSE_TOL
        )
        assert dominated_actions(M) == by_programme


def _best_product_on_all_segments(A: FloatArray, B: FloatArray, d: FloatArray) -> float:
    """Reference: the Nash product on a grid along every segment between two pure outcomes."""
    points = np.column_stack([A.ravel(), B.ravel()])
    t = np.linspace(0.0, 1.0, 401)[:, None]
    best = -np.inf
    for p, q in product(points, repeat=2):
        gains = p + t * (q - p) - d
        ok = np.all(gains >= 0, axis=1)
        if ok.any():
            best = max(best, float((gains[ok, 0] * gains[ok, 1]).max()))
    return best


@SETTINGS
@given(game=integer_games(max_side=3) | generic_games(max_side=3))
def test_nash_bargaining_hull_is_optimal(game: tuple[FloatArray, FloatArray]) -> None:
    A, B = game
    a = analyse(A, B)
    d = np.array(a.bargaining.disagreement)
    reference = _best_product_on_all_segments(A, B, d)
    if a.bargaining.hull_payoffs is None:
        assert reference <= 1e-12
        return
    point = np.array(a.bargaining.hull_payoffs)
    reached = sum(w * np.array([A[p], B[p]]) for p, w in a.bargaining.hull_lottery)
    np.testing.assert_allclose(reached, point, atol=1e-9)  # the lottery pays the point
    assert sum(w for _, w in a.bargaining.hull_lottery) == pytest.approx(1.0)
    value = float(np.prod(point - d))
    assert value >= reference - 1e-9  # no sampled point of the hull does better
    if a.bargaining.pure_profile is not None:
        i, j = a.bargaining.pure_profile
        assert value >= (A[i, j] - d[0]) * (B[i, j] - d[1]) - 1e-9


@SETTINGS
@given(game=coordination_games())
def test_risk_dominant_has_the_larger_loss_product(game: tuple[FloatArray, FloatArray]) -> None:
    A, B = game
    first = (A[0, 0] - A[1, 0]) * (B[0, 0] - B[0, 1])
    second = (A[1, 1] - A[0, 1]) * (B[1, 1] - B[1, 0])
    expected = None if first == second else (0, 0) if first > second else (1, 1)
    assert analyse(A, B).risk_dominant == expected
