"""The batched solver against nashpy, against theory, and on degenerate games."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import product
from typing import Any
from unittest import mock

import nashpy
import nashpy.algorithms.support_enumeration as nashpy_support
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from strategies import float_games, generic_games, integer_games

import sim.equilibria._batched
from sim.equilibria import (
    BEST_RESPONSE_TOL,
    DOMINANCE,
    EquilibriumSet,
    solve_arrays,
    solve_batch,
    solve_one,
    vertex_enumeration_batch,
    vertex_enumeration_one,
)

FloatArray = NDArray[np.float64]
Profile = tuple[FloatArray, FloatArray]

#: Largest difference in any probability between our equilibria and nashpy's.
MATCH_TOL = 1e-9

SIDES = range(2, 7)
SHAPES = list(product(SIDES, SIDES))

PENNIES = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
BATTLE_OF_THE_SEXES = ([[3, 0], [0, 2]], [[2, 0], [0, 3]])
#: The column player is indifferent against row 0: a continuum of equilibria.
VON_STENGEL_DEGENERATE = ([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]])


def _repaired_solve_indifference(A: FloatArray, rows: Any = None, columns: Any = None) -> Any:
    """nashpy 0.0.43's ``solve_indifference`` with one repair: the probabilities its own
    system pins to zero are set to exactly zero before its sign test (rounding in the LU
    solve can leave -1e-17 there, and nashpy then drops a genuine equilibrium)."""
    M = (A[np.array(rows)] - np.roll(A[np.array(rows)], 1, axis=0))[:-1]
    zero_columns = sorted(set(range(A.shape[1])) - set(columns))
    if zero_columns:
        M = np.append(M, np.eye(A.shape[1])[zero_columns], axis=0)
    M = np.append(M, np.ones((1, M.shape[1])), axis=0)
    b = np.append(np.zeros(len(M) - 1), [1])
    try:
        prob = np.linalg.solve(M, b)
    except np.linalg.LinAlgError:
        return False
    prob[zero_columns] = 0.0
    return prob if all(prob >= 0) else False


@contextmanager
def _quiet(repaired: bool) -> Iterator[None]:
    """nashpy with its warnings silenced and, if asked, its rounding repaired."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not repaired:
            yield
            return
        with mock.patch.object(nashpy_support, "solve_indifference", _repaired_solve_indifference):
            yield


def nashpy_support_enumeration(A: Any, B: Any, repaired: bool = True) -> list[Profile]:
    """nashpy's support enumeration of one game, as a list of (row, col) profiles."""
    with _quiet(repaired):
        game = nashpy.Game(np.asarray(A, dtype=float), np.asarray(B, dtype=float))
        return [(np.asarray(x), np.asarray(y)) for x, y in game.support_enumeration()]


def profiles(found: EquilibriumSet) -> list[Profile]:
    """The (row, col) strategy pairs of a result, in order."""
    return [(e.row, e.col) for e in found.equilibria]


def assert_same_profiles(found: list[Profile], expected: list[Profile]) -> None:
    """Same count, same order, every probability within MATCH_TOL."""
    assert len(found) == len(expected)
    for (row, col), (expected_row, expected_col) in zip(found, expected, strict=True):
        np.testing.assert_allclose(row, expected_row, rtol=0, atol=MATCH_TOL)
        np.testing.assert_allclose(col, expected_col, rtol=0, atol=MATCH_TOL)


def assert_mutual_best_responses(A: Any, B: Any, found: EquilibriumSet) -> None:
    """Every equilibrium is a pair of distributions no deviation improves by more than tol."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    assert found.equilibria, "every finite game has an equilibrium"
    for e in found.equilibria:
        for strategy in (e.row, e.col):
            assert strategy.min() >= 0
            assert strategy.sum() == pytest.approx(1.0, abs=1e-12)
        assert (A @ e.col).max() - e.row @ A @ e.col <= BEST_RESPONSE_TOL
        assert (e.row @ B).max() - e.row @ B @ e.col <= BEST_RESPONSE_TOL
        assert e.row_payoff == pytest.approx(e.row @ A @ e.col, abs=1e-12)
        assert e.col_payoff == pytest.approx(e.row @ B @ e.col, abs=1e-12)


def assert_matches_nashpy(A: Any, B: Any, found: EquilibriumSet) -> None:
    """A non-degenerate game's set equals nashpy's with its rounding repaired; nashpy's own
    output is the same list with, at most, some equilibria left out."""
    assert found.method == "support_enumeration"
    assert found.flags == ()
    assert len(found.equilibria) % 2 == 1, "non-degenerate games have an odd number"
    assert_same_profiles(profiles(found), nashpy_support_enumeration(A, B, repaired=True))
    unrepaired = nashpy_support_enumeration(A, B, repaired=False)
    assert_same_profiles(_also_in(profiles(found), unrepaired), unrepaired)


def _also_in(found: list[Profile], other: list[Profile]) -> list[Profile]:
    """The profiles of ``found`` that ``other`` has too, in ``found``'s order."""
    return [
        (row, col)
        for row, col in found
        if any(
            np.allclose(row, other_row, rtol=0, atol=MATCH_TOL)
            and np.allclose(col, other_col, rtol=0, atol=MATCH_TOL)
            for other_row, other_col in other
        )
    ]


def _games_per_shape(m: int, n: int) -> int:
    """Few 6-action games: nashpy needs about a second for one 6 x 6 game."""
    return 3 if max(m, n) <= 4 else 1


@pytest.mark.parametrize(("m", "n"), SHAPES)
def test_random_games_match_nashpy_support_enumeration(m: int, n: int) -> None:
    rng = np.random.default_rng([m, n])
    A = rng.normal(size=(_games_per_shape(m, n), m, n))
    B = rng.normal(size=A.shape)
    for a, b, found in zip(A, B, solve_batch(A, B), strict=True):
        assert not found.degenerate
        assert_matches_nashpy(a, b, found)
        assert_mutual_best_responses(a, b, found)


@pytest.mark.slow
def test_many_random_games_match_nashpy_support_enumeration() -> None:
    rng = np.random.default_rng(2019)
    for m, n in SHAPES:
        count = 20 if max(m, n) <= 4 else 2
        A, B = rng.normal(size=(count, m, n)), rng.normal(size=(count, m, n))
        for a, b, found in zip(A, B, solve_batch(A, B), strict=True):
            assert_matches_nashpy(a, b, found)


def test_nashpy_unrepaired_drops_equilibria_that_we_keep() -> None:
    """The documented difference: nashpy 0.0.43 loses this game's only equilibrium to a
    probability of -1e-17 where its system says 0; vertex enumeration confirms it."""
    A = np.array([[8, -4, 4], [-6, -3, 9], [-1, 0, -4]], dtype=float)
    B = np.array([[-7, -1, 2], [-1, 5, -3], [2, 5, 8]], dtype=float)
    found = solve_one(A, B)
    assert not found.degenerate
    assert len(found.equilibria) == 1
    assert nashpy_support_enumeration(A, B, repaired=False) == []
    assert_same_profiles(profiles(found), nashpy_support_enumeration(A, B, repaired=True))
    with _quiet(repaired=False):
        vertices = list(nashpy.Game(A, B).vertex_enumeration())
    assert_same_profiles(profiles(found), vertices)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(generic_games(), float_games(), integer_games()))
def test_every_game_is_solved_and_non_degenerate_ones_match_nashpy(
    game: tuple[FloatArray, FloatArray],
) -> None:
    A, B = game
    found = solve_one(A, B)
    assert_mutual_best_responses(A, B, found)
    if found.degenerate:
        assert found.method in ("vertex_enumeration", DOMINANCE)
        assert_same_sets(found, vertex_enumeration_one(A, B))
    else:
        assert_matches_nashpy(A, B, found)


def assert_same_sets(found: EquilibriumSet, expected: EquilibriumSet) -> None:
    """The same equilibria in the same order, with the same payoffs."""
    assert len(found.equilibria) == len(expected.equilibria)
    for e, f in zip(found.equilibria, expected.equilibria, strict=True):
        np.testing.assert_allclose(e.row, f.row, atol=1e-12)
        np.testing.assert_allclose(e.col, f.col, atol=1e-12)
        assert e.row_payoff == pytest.approx(f.row_payoff, abs=1e-12)
        assert e.col_payoff == pytest.approx(f.col_payoff, abs=1e-12)


def test_degenerate_games_get_vertex_enumerations_sets_with_or_without_dominance() -> None:
    """Small-integer games are mostly degenerate; those that iterated strict dominance
    solves get the one profile vertex enumeration also finds, the rest its whole set."""
    rng = np.random.default_rng(7)
    for shape in [(2, 2), (3, 3), (2, 4), (4, 3)]:
        A = rng.integers(-3, 4, (400, *shape)).astype(float)
        B = rng.integers(-3, 4, (400, *shape)).astype(float)
        found = solve_batch(A, B)
        degenerate = [g for g, f in enumerate(found) if f.degenerate]
        methods = {found[g].method for g in degenerate}
        assert methods == {"vertex_enumeration", DOMINANCE}, shape
        expected = vertex_enumeration_batch(A[degenerate], B[degenerate])
        for g, e in zip(degenerate, expected, strict=True):
            assert_same_sets(found[g], e)
            if found[g].method == DOMINANCE:
                assert len(found[g].equilibria) == 1 and found[g].equilibria[0].pure


def test_solve_arrays_holds_the_same_equilibria_as_the_sets() -> None:
    rng = np.random.default_rng(11)
    A = rng.integers(-2, 3, (300, 3, 3)).astype(float)
    B = rng.normal(size=(300, 3, 3))
    arrays = solve_arrays(A, B)
    sets = solve_batch(A, B)
    assert arrays.counts.tolist() == [len(s.equilibria) for s in sets]
    assert arrays.degenerate.tolist() == [s.degenerate for s in sets]
    for g in (0, 17, 299, -1):
        assert_same_sets(arrays[g], sets[g])
        assert arrays[g].method == sets[g].method


def test_matching_pennies_has_one_half_half_equilibrium() -> None:
    found = solve_one(*PENNIES)
    assert not found.degenerate
    [equilibrium] = found.equilibria
    np.testing.assert_allclose(equilibrium.row, [0.5, 0.5], atol=1e-15)
    np.testing.assert_allclose(equilibrium.col, [0.5, 0.5], atol=1e-15)
    assert equilibrium.row_payoff == pytest.approx(0.0, abs=1e-15)
    assert equilibrium.col_payoff == pytest.approx(0.0, abs=1e-15)


def test_battle_of_the_sexes_has_two_pure_and_one_mixed_equilibrium() -> None:
    found = solve_one(*BATTLE_OF_THE_SEXES)
    assert not found.degenerate
    expected = [
        ([1, 0], [1, 0], 3.0, 2.0),
        ([0, 1], [0, 1], 2.0, 3.0),
        ([3 / 5, 2 / 5], [2 / 5, 3 / 5], 6 / 5, 6 / 5),
    ]
    assert len(found.equilibria) == len(expected)
    for equilibrium, (row, col, row_payoff, col_payoff) in zip(
        found.equilibria, expected, strict=True
    ):
        np.testing.assert_allclose(equilibrium.row, row, atol=1e-15)
        np.testing.assert_allclose(equilibrium.col, col, atol=1e-15)
        assert equilibrium.row_payoff == pytest.approx(row_payoff, abs=1e-14)
        assert equilibrium.col_payoff == pytest.approx(col_payoff, abs=1e-14)
    assert [e.pure for e in found.equilibria] == [True, True, False]


@pytest.mark.parametrize(("m", "n"), [(2, 2), (3, 4), (6, 6)])
def test_zero_game_is_degenerate_and_every_pure_profile_is_an_equilibrium(m: int, n: int) -> None:
    A = np.zeros((m, n))
    found = solve_one(A, A)
    assert found.degenerate
    assert found.method == "vertex_enumeration"
    pure = {(int(e.row.argmax()), int(e.col.argmax())) for e in found.equilibria}
    assert pure == set(product(range(m), range(n)))
    assert_mutual_best_responses(A, A, found)


def test_tied_payoffs_are_degenerate_and_their_extreme_equilibria_found() -> None:
    A, B = (np.asarray(M, dtype=float) for M in VON_STENGEL_DEGENERATE)
    found = solve_one(A, B)
    assert found.degenerate
    assert found.method == "vertex_enumeration"
    assert_mutual_best_responses(A, B, found)
    expected = {  # the ends of the segment x = (1, 0, 0), y_0 in [2/3, 1], and one more
        ((1, 0, 0), (1, 0)),
        ((1, 0, 0), (2 / 3, 1 / 3)),
        ((0, 1 / 3, 2 / 3), (1 / 3, 2 / 3)),
    }
    got = {(tuple(np.round(e.row, 9)), tuple(np.round(e.col, 9))) for e in found.equilibria}
    assert got == {(tuple(np.round(r, 9)), tuple(np.round(c, 9))) for r, c in expected}


def test_a_pure_strategy_with_two_best_replies_is_degenerate() -> None:
    found = solve_one([[1, 1], [0, 0]], [[1, 1], [0, 0]])
    assert found.degenerate
    assert len(found.equilibria) == 2


def test_ties_below_tolerance_are_degenerate_and_above_it_are_not() -> None:
    A = np.array([[1.0, 0.0], [0.0, 1.0]])
    for gap, degenerate in ((1e-12, True), (1e-3, False)):
        B = np.array([[1.0, 1.0 - gap], [0.0, 1.0]])
        assert solve_one(A, B).degenerate is degenerate


def test_mixed_batch_flags_each_game_and_matches_solving_one_by_one() -> None:
    rng = np.random.default_rng(7)
    A, B = rng.normal(size=(6, 3, 3)), rng.normal(size=(6, 3, 3))
    A[1] = B[1] = 0.0
    A[3], B[3] = [[1, 1, 0], [0, 0, 1], [2, 0, 0]], [[1, 1, 0], [0, 0, 1], [0, 2, 0]]
    together = solve_batch(A, B)
    assert [s.degenerate for s in together] == [False, True, False, True, False, False]
    for a, b, found in zip(A, B, together, strict=True):
        assert_mutual_best_responses(a, b, found)
        alone = solve_one(a, b)
        assert (alone.method, alone.degenerate, alone.flags) == (
            found.method,
            found.degenerate,
            found.flags,
        )
        assert_same_profiles(profiles(found), profiles(alone))
        if not found.degenerate:
            assert_matches_nashpy(a, b, found)


def test_chunks_do_not_change_results(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(11)
    A, B = rng.normal(size=(9, 4, 3)), rng.normal(size=(9, 4, 3))
    whole = solve_batch(A, B)
    monkeypatch.setattr(sim.equilibria._batched, "_CHUNK_ENTRIES", 1)
    for one, other in zip(whole, solve_batch(A, B), strict=True):
        assert_same_profiles(profiles(one), profiles(other))


def test_separable_payoffs_give_singular_systems_but_no_degeneracy() -> None:
    """A[i, j] = a_i + b_j makes every 2 x 2 indifference system singular (and inconsistent);
    they are skipped without warnings, as nashpy skips them."""
    A = np.add.outer([0.0, 1.0, 3.0], [0.0, 2.0, 5.0])
    B = np.add.outer([0.0, 4.0, 1.0], [3.0, 0.0, 1.0])
    found = solve_one(A, B)
    assert_matches_nashpy(A, B, found)
    [equilibrium] = found.equilibria
    assert equilibrium.row.tolist() == [0.0, 0.0, 1.0]
    assert equilibrium.col.tolist() == [1.0, 0.0, 0.0]


def test_payoff_scale_and_shift_do_not_change_equilibria() -> None:
    rng = np.random.default_rng(5)
    A, B = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    base = solve_one(A, B)
    moved = solve_one(1e6 * A - 3.0, 1e-3 * B + 7.0)
    assert_same_profiles(profiles(moved), profiles(base))


def test_returned_strategies_are_read_only() -> None:
    equilibrium = solve_one(*PENNIES).equilibria[0]
    with pytest.raises(ValueError, match="read-only"):
        equilibrium.row[0] = 1.0


def test_empty_batch_gives_no_results() -> None:
    assert solve_batch(np.zeros((0, 3, 3)), np.zeros((0, 3, 3))) == []


@pytest.mark.parametrize(
    ("A", "B", "message"),
    [
        (np.zeros((2, 3, 3)), np.zeros((2, 3, 2)), "one shape"),
        (np.zeros((3, 3)), np.zeros((3, 3)), "one shape"),
        (np.zeros((1, 7, 3)), np.zeros((1, 7, 3)), "2 to 6 actions"),
        (np.zeros((1, 1, 3)), np.zeros((1, 1, 3)), "2 to 6 actions"),
        (np.full((1, 2, 2), np.nan), np.zeros((1, 2, 2)), "finite"),
    ],
)
def test_bad_payoffs_are_rejected(A: FloatArray, B: FloatArray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        solve_batch(A, B)


def test_bad_tolerance_is_rejected() -> None:
    with pytest.raises(ValueError, match="tol"):
        solve_one(*PENNIES, tol=0.0)
