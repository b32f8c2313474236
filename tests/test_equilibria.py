"""Tests for sim.equilibria: textbook games, degeneracy, flags, and Hypothesis properties."""

from __future__ import annotations

import json
import warnings
from itertools import combinations

import nashpy
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from numpy.typing import NDArray
from scipy.optimize import linprog
from strategies import float_games, generic_games, integer_games, permuted_games

from sim.equilibria import (
    BEST_RESPONSE_TOL,
    DEGENERATE_BY_VERTICES,
    METHODS,
    EquilibriumSet,
    GameError,
    _nashpy,
    best_response_gap,
    clean_strategy,
    is_degenerate,
    is_equilibrium,
    solve,
)
from sim.errors import SimError

FloatArray = NDArray[np.float64]
Profile = tuple[tuple[float, ...], tuple[float, ...]]

SETTINGS = settings(max_examples=60, deadline=None, database=None)

# Textbook games; action 0 is the first named (C/D, Swerve/Straight, Opera/Football, ...).
PD = ([[3, 0], [5, 1]], [[3, 5], [0, 1]])
CHICKEN = ([[0, -1], [1, -10]], [[0, 1], [-1, -10]])
BATTLE = ([[2, 0], [0, 1]], [[1, 0], [0, 2]])
PENNIES = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
STAG_HUNT = ([[4, 0], [3, 3]], [[4, 3], [0, 3]])

# (row strategy, col strategy, row payoff, col payoff), worked out by hand.
TEXTBOOK = {
    "prisoners_dilemma": (PD, [((0, 1), (0, 1), 1, 1)]),
    "chicken": (
        CHICKEN,
        [((1, 0), (0, 1), -1, 1), ((0, 1), (1, 0), 1, -1), ((0.9, 0.1), (0.9, 0.1), -0.1, -0.1)],
    ),
    "battle_of_the_sexes": (
        BATTLE,
        [
            ((1, 0), (1, 0), 2, 1),
            ((0, 1), (0, 1), 1, 2),
            ((2 / 3, 1 / 3), (1 / 3, 2 / 3), 2 / 3, 2 / 3),
        ],
    ),
    "matching_pennies": (PENNIES, [((0.5, 0.5), (0.5, 0.5), 0, 0)]),
    "stag_hunt": (
        STAG_HUNT,
        [((1, 0), (1, 0), 4, 4), ((0, 1), (0, 1), 3, 3), ((0.75, 0.25), (0.75, 0.25), 3, 3)],
    ),
}

# Degenerate: against row's action 0 the column player is indifferent (a tied column row).
# Equilibria: (0, 0), (1, 1) and the segment row 0 vs col (q, 1 - q), q in [1/2, 1].
TIED = ([[1, 0], [0, 1]], [[1, 1], [0, 1]])
TIED_EXTREME = {((1.0, 0.0), (1.0, 0.0)), ((0.0, 1.0), (0.0, 1.0)), ((1.0, 0.0), (0.5, 0.5))}


def _key(eqs: EquilibriumSet, digits: int = 6) -> set[Profile]:
    return {
        (tuple(np.round(e.row, digits)), tuple(np.round(e.col, digits))) for e in eqs.equilibria
    }


def _gap(A: FloatArray, B: FloatArray, x: FloatArray, y: FloatArray) -> float:
    """Deviation gain computed independently of the module under test, as a fraction of the
    deviating player's payoff range (0 for a player whose payoffs are constant to 1e-12)."""
    A, B = (_unit(M) for M in (A, B))
    row_gain = max(float(A[i] @ y) for i in range(A.shape[0])) - float(x @ A @ y)
    col_gain = max(float(x @ B[:, j]) for j in range(A.shape[1])) - float(x @ B @ y)
    return max(row_gain, col_gain)


def _unit(M: FloatArray) -> FloatArray:
    span = float(M.max() - M.min())
    if span <= 1e-12 * float(np.abs(M).max()):
        return np.zeros_like(M)
    return (M - M.min()) / span


# --- textbook games -----------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_textbook_equilibria(name: str, method: str) -> None:
    (A, B), expected = TEXTBOOK[name]
    eqs = solve(A, B, method)
    found = {
        (tuple(np.round(e.row, 9)), tuple(np.round(e.col, 9))): (e.row_payoff, e.col_payoff)
        for e in eqs.equilibria
    }
    wanted = {(tuple(np.round(r, 9)), tuple(np.round(c, 9))): (u, v) for r, c, u, v in expected}
    if method == "lemke_howson":
        assert set(found) <= set(wanted) and found
    else:
        assert set(found) == set(wanted)
    for profile, payoffs in found.items():
        assert payoffs == pytest.approx(wanted[profile], abs=1e-12)
    assert eqs.method == method and not eqs.degenerate and eqs.flags == ()


def test_lemke_howson_finds_only_the_pure_equilibria_of_coordination_games() -> None:
    # The mixed equilibrium of a 2x2 coordination game has index -1: LH never reaches it.
    for A, B in (BATTLE, STAG_HUNT):
        eqs = solve(A, B, "lemke_howson")
        assert all(e.pure for e in eqs.equilibria) and len(eqs) == 2


def test_matching_pennies_value_is_zero() -> None:
    (eq,) = solve(*PENNIES).equilibria
    assert eq.row_payoff == pytest.approx(0.0, abs=1e-15)
    assert eq.col_payoff == pytest.approx(0.0, abs=1e-15)
    np.testing.assert_allclose(eq.row, [0.5, 0.5], atol=1e-15)
    assert not eq.pure and eq.profile is None


def test_pure_equilibrium_profile() -> None:
    (eq,) = solve(*PD).equilibria
    assert eq.pure and eq.profile == (1, 1)


# --- degenerate games ---------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_degenerate_game_is_flagged_and_no_warning_escapes(method: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eqs = solve(*TIED, method=method)
    assert eqs.degenerate
    A, B = (np.array(m, dtype=float) for m in TIED)
    for e in eqs.equilibria:
        assert _gap(A, B, e.row, e.col) <= BEST_RESPONSE_TOL
    assert _key(eqs) <= TIED_EXTREME
    if method == "vertex_enumeration":
        assert _key(eqs) == TIED_EXTREME


def test_nashpy_warnings_on_the_all_zero_game_become_flags() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eqs = solve(np.zeros((2, 2)), np.zeros((2, 2)), "support_enumeration")
    assert eqs.degenerate
    assert len(eqs) == 4  # every pure profile, found as a support pair of size 1


@pytest.mark.parametrize(
    ("A", "B", "expected"),
    [
        (*PD, False),
        (*CHICKEN, False),
        (*BATTLE, False),
        (*PENNIES, False),
        (*STAG_HUNT, False),
        (*TIED, True),
        ([[1]], [[1]], False),
        ([[1, 2, 3]], [[1, 1, 0]], True),  # one row, two best responses
        ([[1, 2, 3]], [[1, 2, 0]], False),
        (np.zeros((2, 2)), np.zeros((2, 2)), True),
        ([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]], True),  # von Stengel's example
        ([[1, 2], [3, 4]], [[1, 0], [1, 0]], False),  # ties between rows do not matter
    ],
)
def test_is_degenerate(A: FloatArray, B: FloatArray, expected: bool) -> None:
    assert is_degenerate(A, B) is expected


def _degenerate_by_supports(A: FloatArray, B: FloatArray) -> bool:
    """Reference: an LP per (support I of size k, k + 1 responses J) of the mixing player."""
    for M in (B.T, A):  # responder's payoffs, responses as rows; columns are the mixer's actions
        responses, actions = M.shape
        for k in range(1, actions + 1):
            for support in combinations(range(actions), k):
                for tied in combinations(range(responses), k + 1):
                    if _tie_is_feasible(M, list(support), list(tied)):
                        return True
    return False


def _tie_is_feasible(M: FloatArray, support: list[int], tied: list[int]) -> bool:
    """Is there x >= 0 on ``support`` summing to 1 whose best responses include ``tied``?"""
    k = len(support)
    sub = M[:, support]
    equal = np.hstack([sub[tied], -np.ones((len(tied), 1))])
    total = np.append(np.ones(k), 0.0)[None, :]
    result = linprog(
        c=np.zeros(k + 1),
        A_ub=np.hstack([sub, -np.ones((M.shape[0], 1))]),
        b_ub=np.zeros(M.shape[0]),
        A_eq=np.vstack([equal, total]),
        b_eq=np.append(np.zeros(len(tied)), 1.0),
        bounds=[(0, None)] * k + [(None, None)],
        method="highs",
    )
    return bool(result.status == 0)


@SETTINGS
@given(integer_games(max_side=3, low=-2, high=2))
def test_is_degenerate_agrees_with_the_support_definition(
    game: tuple[FloatArray, FloatArray],
) -> None:
    assert is_degenerate(*game) is _degenerate_by_supports(*game)


# --- verification, cleaning, flags and errors ---------------------------------------------


def test_best_response_gap_and_is_equilibrium_values() -> None:
    A, B = PD
    assert best_response_gap(A, B, [1, 0], [1, 0]) == pytest.approx(2.0)  # C -> D gains 5 - 3
    assert best_response_gap(A, B, [0, 1], [0, 1]) == 0.0
    assert is_equilibrium(A, B, [0, 1], [0, 1])
    assert not is_equilibrium(A, B, [1, 0], [1, 0])
    assert not is_equilibrium(A, B, [0, 1.1], [0, 1])  # not a distribution
    assert not is_equilibrium(A, B, [0, 0, 1], [0, 1])  # wrong length
    assert is_equilibrium(A, B, [1, 0], [1, 0], tol=2.0)


def test_clean_strategy() -> None:
    np.testing.assert_array_equal(clean_strategy([-1e-12, 0.5, 0.5], 3), [0.0, 0.5, 0.5])
    np.testing.assert_allclose(clean_strategy([1e-12, 1.0, 1.0], 3), [0.0, 0.5, 0.5])
    assert clean_strategy([-0.1, 1.1], 2) is None
    assert clean_strategy([0.5, np.nan], 2) is None
    assert clean_strategy([0.5, 0.5], 3) is None
    assert clean_strategy([0.0, 0.0], 2) is None


def test_failures_warnings_and_non_equilibria_become_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(game: nashpy.Game, label: int) -> list[tuple[FloatArray, FloatArray]]:
        warnings.warn("overflow encountered in multiply", RuntimeWarning, stacklevel=1)
        if label == 0:
            raise ValueError("could not find dropped label")
        return [(np.array([1.0, 0.0]), np.array([1.0, 0.0]))]  # (C, C): not an equilibrium

    monkeypatch.setattr(_nashpy, "_lemke_howson_path", broken)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eqs = solve(*PD, method="lemke_howson")
    assert eqs.flags == (
        "lemke_howson_warning_overflow",
        "lemke_howson_failed_label_0_ValueError",
        "dropped_3_non_equilibria",
        "fallback_to_support_enumeration",
    )
    assert [e.profile for e in eqs.equilibria] == [(1, 1)]
    assert eqs.method == "lemke_howson"


@pytest.mark.parametrize(
    ("A", "B", "message"),
    [
        ([[1, 2]], [[1, 2], [3, 4]], "differ in shape"),
        ([1, 2], [1, 2], "2-D"),
        (np.empty((0, 2)), np.empty((0, 2)), "non-empty"),
        ([[1, np.nan]], [[1, 2]], "non-finite"),
        ([[1, 2]], [[np.inf, 2]], "non-finite"),
    ],
)
def test_invalid_games_are_rejected(A: FloatArray, B: FloatArray, message: str) -> None:
    with pytest.raises(GameError, match=message):
        solve(A, B)


def test_unknown_method_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown equilibrium method 'simplex'"):
        solve(*PD, method="simplex")
    assert issubclass(GameError, SimError) and issubclass(GameError, ValueError)


def test_one_action_games() -> None:
    for method in METHODS:
        eqs = solve([[1, 2, 3]], [[1, 4, 4]], method)
        assert _key(eqs) == {((1.0,), (0.0, 1.0, 0.0)), ((1.0,), (0.0, 0.0, 1.0))}
        # a degenerate game's support enumeration gives vertex enumeration's set, and says so
        flags = (DEGENERATE_BY_VERTICES,) if method == "support_enumeration" else ()
        assert eqs.degenerate and eqs.flags == flags


def test_to_dict_is_json() -> None:
    eqs = solve(*BATTLE)
    data = json.loads(json.dumps(eqs.to_dict()))
    assert data["method"] == "support_enumeration" and data["degenerate"] is False
    assert data["equilibria"][2]["row"] == pytest.approx([2 / 3, 1 / 3])
    assert data["equilibria"][2]["col_payoff"] == pytest.approx(2 / 3)


# --- properties ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(game=integer_games() | float_games())
def test_every_equilibrium_is_a_mutual_best_response(
    method: str, game: tuple[FloatArray, FloatArray]
) -> None:
    A, B = game
    eqs = solve(A, B, method)
    assert eqs.equilibria  # every finite game has one
    for e in eqs.equilibria:
        assert e.row.min() >= 0 and e.col.min() >= 0
        assert e.row.sum() == pytest.approx(1.0) and e.col.sum() == pytest.approx(1.0)
        assert _gap(A, B, e.row, e.col) <= BEST_RESPONSE_TOL
        assert e.row_payoff == pytest.approx(float(e.row @ A @ e.col))
        assert e.col_payoff == pytest.approx(float(e.row @ B @ e.col))
    assert len(_key(eqs)) == len(eqs)  # no duplicates


@SETTINGS
@given(game=integer_games())
def test_support_enumeration_finds_everything_nashpy_does(
    game: tuple[FloatArray, FloatArray],
) -> None:
    A, B = game
    ours = solve(A, B, "support_enumeration")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nashpy warns on degenerate games
        theirs = list(nashpy.Game(A, B).support_enumeration())
    for row, col in theirs:
        assert any(
            np.allclose(row, e.row, atol=1e-6) and np.allclose(col, e.col, atol=1e-6)
            for e in ours.equilibria
        )


@SETTINGS
@given(game=generic_games())
def test_methods_agree_on_non_degenerate_games(game: tuple[FloatArray, FloatArray]) -> None:
    assume(not is_degenerate(*game))
    support = solve(*game, method="support_enumeration")
    vertex = solve(*game, method="vertex_enumeration")
    lemke = solve(*game, method="lemke_howson")
    assert _key(support) == _key(vertex)
    assert _key(lemke) <= _key(support)
    assert len(support) % 2 == 1  # a non-degenerate game has an odd number of equilibria
    assert support.flags == vertex.flags == lemke.flags == ()


def _permuted_key(eqs: EquilibriumSet, rows: list[int], cols: list[int]) -> set[Profile]:
    """The equilibria relabelled: new action k is old action rows[k] (cols[k])."""
    return {
        (tuple(np.round(e.row[rows], 6)), tuple(np.round(e.col[cols], 6))) for e in eqs.equilibria
    }


@pytest.mark.parametrize("method", ["support_enumeration", "vertex_enumeration"])
@settings(SETTINGS, max_examples=40, suppress_health_check=[HealthCheck.filter_too_much])
@given(case=permuted_games(generic_games()))
def test_permuting_actions_permutes_the_equilibria(
    method: str, case: tuple[tuple[FloatArray, FloatArray], list[int], list[int]]
) -> None:
    (A, B), rows, cols = case
    assume(not is_degenerate(A, B))
    original = solve(A, B, method)
    permuted = solve(A[np.ix_(rows, cols)], B[np.ix_(rows, cols)], method)
    assert _key(permuted) == _permuted_key(original, rows, cols)
