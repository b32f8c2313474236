"""Tests for sim.selection: each rule on textbook games, fallbacks, tie-breaks, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from numpy.typing import NDArray
from strategies import coordination_games, integer_games

from sim.equilibria import (
    METHODS,
    RULES,
    TIE_TOL,
    Equilibrium,
    EquilibriumSet,
    GameError,
    entropy,
    select,
    select_all,
    solve,
)

FloatArray = NDArray[np.float64]

SETTINGS = settings(max_examples=60, deadline=None, database=None)
SINGLE_RULES = [r for r in RULES if r != "all"]

PD = ([[3, 0], [5, 1]], [[3, 5], [0, 1]])
CHICKEN = ([[0, -1], [1, -10]], [[0, 1], [-1, -10]])
# The column player's crash costs 20: swerving is riskier for it to refuse.
CHICKEN_ASYMMETRIC = ([[0, -1], [1, -10]], [[0, 1], [-1, -20]])
BATTLE = ([[2, 0], [0, 1]], [[1, 0], [0, 2]])
STAG_HUNT = ([[4, 0], [3, 3]], [[4, 3], [0, 3]])


def _pick(game: tuple[object, object], rule: str, method: str = "support_enumeration") -> tuple:
    A, B = game
    sel = select(solve(A, B, method), rule, A, B)
    return tuple(np.round(sel.equilibrium.row, 9)), tuple(np.round(sel.equilibrium.col, 9))


def test_stag_hunt_each_rule() -> None:
    A, B = STAG_HUNT
    eqs = solve(A, B)
    payoff = select(eqs, "payoff_dominant", A, B)
    risk = select(eqs, "risk_dominant", A, B)
    mixed = select(eqs, "max_entropy", A, B)
    first = select(eqs, "first_found", A, B)
    assert payoff.equilibrium.profile == (0, 0)  # stag, stag: (4, 4)
    assert payoff.reason == "payoff_dominant: Pareto-dominates the 2 other equilibria"
    assert risk.equilibrium.profile == (1, 1)  # hare, hare: losses 3 * 3 = 9 > 1 * 1
    assert risk.reason == "risk_dominant: (1, 1) has deviation-loss product 9 > 1"
    np.testing.assert_allclose(mixed.equilibrium.row, [0.75, 0.25])
    assert mixed.equilibrium.row_payoff == pytest.approx(3.0)
    assert (first.index, first.equilibrium.profile) == (0, (0, 0))
    assert first.reason == "first_found: first of 3 found by support_enumeration"


def test_prisoners_dilemma_every_rule_picks_defection() -> None:
    for rule in SINGLE_RULES:
        for method in METHODS:
            assert _pick(PD, rule, method) == ((0.0, 1.0), (0.0, 1.0))


def test_chicken_risk_dominance() -> None:
    # Symmetric chicken: both strict equilibria have deviation-loss product 9: no risk
    # dominance, so payoff dominance decides; the sums tie (0) and so do the entropies (0),
    # so the first found wins.
    A, B = CHICKEN
    sel = select(solve(A, B), "risk_dominant", A, B)
    assert sel.equilibrium.profile == (0, 1) and sel.index == 0
    assert "tie in deviation-loss product" in sel.reason
    assert "2 tied, broken by largest entropy, then first found" in sel.reason
    # Asymmetric: at (1, 0) the column player, who would lose 19 by deviating, swerves.
    A, B = CHICKEN_ASYMMETRIC
    sel = select(solve(A, B), "risk_dominant", A, B)
    assert sel.equilibrium.profile == (1, 0)
    assert sel.reason == "risk_dominant: (1, 0) has deviation-loss product 19 > 9"


def test_battle_of_the_sexes_payoff_fallback() -> None:
    # Neither pure equilibrium Pareto-dominates the other: largest payoff sum (3, tied),
    # then largest entropy (0, tied), then first found.
    A, B = BATTLE
    sel = select(solve(A, B), "payoff_dominant", A, B)
    assert sel.equilibrium.profile == (0, 0)
    assert sel.reason.startswith(
        "payoff_dominant: no equilibrium Pareto-dominates all others; largest payoff sum 3"
    )
    mixed = select(solve(A, B), "max_entropy", A, B)
    np.testing.assert_allclose(mixed.equilibrium.row, [2 / 3, 1 / 3])
    np.testing.assert_allclose(mixed.equilibrium.col, [1 / 3, 2 / 3])
    assert mixed.reason.startswith(f"max_entropy: entropy {2 * entropy([2 / 3, 1 / 3]):.6g}")


def test_payoff_ties_are_broken_by_entropy() -> None:
    pure = Equilibrium(np.array([1.0, 0.0]), np.array([1.0, 0.0]), 0.0, 0.0)
    mixed = Equilibrium(np.array([0.5, 0.5]), np.array([0.5, 0.5]), 0.0, 0.0)
    eqs = EquilibriumSet((pure, mixed), "support_enumeration", degenerate=True)
    sel = select(eqs, "payoff_dominant", np.zeros((2, 2)), np.zeros((2, 2)))
    assert sel.index == 1
    assert sel.reason == (
        "payoff_dominant: Pareto-dominates the 1 other equilibria; "
        "2 tied, broken by largest entropy"
    )


def test_risk_dominant_falls_back_when_not_2x2_or_not_found() -> None:
    A = np.array([[3, 0, 0], [0, 2, 0], [0, 0, 1]])
    sel = select(solve(A, A), "risk_dominant", A, A)
    assert sel.equilibrium.profile == (0, 0)
    assert sel.reason.startswith("risk_dominant: risk dominance needs a 2x2 game, not 3x3;")
    A, B = STAG_HUNT
    only_stag = EquilibriumSet(
        tuple(e for e in solve(A, B).equilibria if e.profile == (0, 0)), "lemke_howson"
    )
    sel = select(only_stag, "risk_dominant", A, B)
    assert sel.equilibrium.profile == (0, 0)
    assert "the risk-dominant (1, 1) is not among the equilibria found" in sel.reason


def test_all_is_for_analysis_only() -> None:
    A, B = STAG_HUNT
    eqs = solve(A, B)
    with pytest.raises(GameError, match="for analysis only"):
        select(eqs, "all", A, B)
    every = select_all(eqs)
    assert [s.index for s in every] == [0, 1, 2]
    assert all(s.equilibrium is e for s, e in zip(every, eqs.equilibria, strict=True))
    assert every[2].reason == "all: equilibrium 3 of 3"


def test_bad_requests_are_rejected() -> None:
    A, B = PD
    eqs = solve(A, B)
    with pytest.raises(ValueError, match="unknown selection rule 'nicest'"):
        select(eqs, "nicest", A, B)
    with pytest.raises(GameError, match="no equilibria to select from"):
        select(EquilibriumSet((), "support_enumeration"), "first_found", A, B)
    with pytest.raises(GameError, match=r"equilibria are for a \(2, 2\) game"):
        select(eqs, "first_found", np.zeros((3, 2)), np.zeros((3, 2)))


def test_entropy() -> None:
    assert entropy([1.0, 0.0]) == 0.0
    assert entropy([0.5, 0.5]) == pytest.approx(np.log(2))
    assert entropy([0.25] * 4) == pytest.approx(np.log(4))


@pytest.mark.parametrize("rule", SINGLE_RULES)
@SETTINGS
@given(game=integer_games())
def test_selected_equilibrium_is_one_of_those_found(
    rule: str, game: tuple[FloatArray, FloatArray]
) -> None:
    A, B = game
    eqs = solve(A, B)
    sel = select(eqs, rule, A, B)
    assert sel.equilibrium is eqs.equilibria[sel.index]
    assert sel.rule == rule and sel.reason.startswith(f"{rule}: ")
    assert select(eqs, rule, A, B).index == sel.index  # deterministic
    chosen = sel.equilibrium
    if rule == "max_entropy":
        best = max(entropy(e.row) + entropy(e.col) for e in eqs.equilibria)
        assert entropy(chosen.row) + entropy(chosen.col) >= best - TIE_TOL
    if rule == "payoff_dominant":  # nobody does strictly better for both players
        assert not any(
            e.row_payoff > chosen.row_payoff + TIE_TOL
            and e.col_payoff > chosen.col_payoff + TIE_TOL
            for e in eqs.equilibria
        )


@SETTINGS
@given(game=coordination_games())
def test_risk_dominance_matches_the_mixed_equilibrium(game: tuple[FloatArray, FloatArray]) -> None:
    # With strict equilibria (0, 0) and (1, 1) and the mixed one putting p (row) and q (col)
    # on action 0, (0, 0) risk-dominates exactly when p + q < 1 (Harsanyi and Selten 1988).
    A, B = game
    eqs = solve(A, B)
    (mixed,) = [e for e in eqs.equilibria if not e.pure]
    total = mixed.row[0] + mixed.col[0]
    assume(abs(total - 1.0) > 1e-9)
    sel = select(eqs, "risk_dominant", A, B)
    assert sel.equilibrium.profile == ((0, 0) if total < 1 else (1, 1))
