"""The batched vertex enumeration against nashpy, against theory, and on degenerate games."""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.typing import ArrayLike, NDArray
from strategies import Game, generic_games, integer_games

import sim.equilibria._vertex_enumeration
from sim.equilibria import (
    EquilibriumSet,
    GameError,
    is_degenerate,
    is_equilibrium,
    solve,
    vertex_enumeration_batch,
    vertex_enumeration_one,
)
from sim.equilibria._vertex_enumeration import METHOD, ORDER_DECIMALS
from sim.errors import SimError

FloatArray = NDArray[np.float64]

#: Largest difference in any probability between our equilibria and nashpy's.
MATCH_TOL = 1e-7

#: Decimals of the rounded keys on which two sets of equilibria are sorted before matching.
SORT_DECIMALS = 6

SETTINGS = settings(max_examples=25, deadline=None, database=None)

SHAPES = list(product(range(2, 6), range(2, 6)))

#: Games per fixed-seed batch.
GAMES = 4

PENNIES = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
BATTLE_OF_THE_SEXES = ([[3, 0], [0, 2]], [[2, 0], [0, 3]])
#: Row 0 is strictly dominant; the column player is indifferent everywhere.
DOMINANT_ROW = ([[1, 1], [0, 0]], [[1, 1], [0, 0]])
#: von Stengel (2007), degenerate example: a continuum (top, y) for y from (1, 0) to (2/3, 1/3).
VON_STENGEL_DEGENERATE = ([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]])
#: A stage game of our model: rows 0 and 1 of B are equal, as are cells continuing the game.
STRUCTURAL = (
    [[-4.03, -4.03, 10], [-4.03, -4.05, 10], [-8.25, -5.25, 10]],
    [[0.6889, 0.7, -3], [0.6889, 0.7, -3], [1, 0.7, -3]],
)


def _sorted_profiles(result: EquilibriumSet) -> list[FloatArray]:
    """Each equilibrium as one vector ``(row, col)``, sorted on rounded values."""
    profiles = [np.concatenate((e.row, e.col)) for e in result.equilibria]
    return sorted(profiles, key=lambda p: tuple(np.round(p, SORT_DECIMALS)))


def _assert_same_equilibria(ours: EquilibriumSet, theirs: EquilibriumSet) -> None:
    """The two sets hold the same equilibria, within :data:`MATCH_TOL` in every probability."""
    mine, other = _sorted_profiles(ours), _sorted_profiles(theirs)
    assert len(mine) == len(other), (mine, other)
    for p, q in zip(mine, other, strict=True):
        np.testing.assert_allclose(p, q, rtol=0, atol=MATCH_TOL)


def _assert_matches_nashpy(A: ArrayLike, B: ArrayLike, result: EquilibriumSet) -> None:
    """``result`` agrees with nashpy's vertex enumeration and with the degeneracy test."""
    _assert_same_equilibria(result, solve(A, B, "vertex_enumeration"))
    assert result.degenerate == is_degenerate(A, B)
    assert result.method == METHOD
    assert result.flags == ()


def _assert_sound(A: ArrayLike, B: ArrayLike, result: EquilibriumSet) -> None:
    """Every equilibrium is a mutual best response with the right payoffs, in order."""
    a, b = np.asarray(A, dtype=np.float64), np.asarray(B, dtype=np.float64)
    for e in result.equilibria:
        assert is_equilibrium(a, b, e.row, e.col)
        assert e.row_payoff == pytest.approx(float(e.row @ a @ e.col), abs=1e-12)
        assert e.col_payoff == pytest.approx(float(e.row @ b @ e.col), abs=1e-12)
    profiles = [np.concatenate((e.row, e.col)) for e in result.equilibria]
    keys = [tuple(np.round(p, ORDER_DECIMALS)) for p in profiles]
    assert keys == sorted(keys)


def _profiles(result: EquilibriumSet) -> list[tuple[list[float], list[float]]]:
    return [(e.row.tolist(), e.col.tolist()) for e in result.equilibria]


def _integer_batch(rng: np.random.Generator, shape: tuple[int, int]) -> Game:
    """Payoffs in {-1, 0, 1}: ties everywhere, so nearly every game is degenerate."""
    A, B = rng.integers(-1, 2, (2, GAMES, *shape)).astype(np.float64)
    return A, B


def _continuous_batch(rng: np.random.Generator, shape: tuple[int, int]) -> Game:
    """Uniform payoffs: non-degenerate with probability 1."""
    A, B = rng.uniform(-5, 5, (2, GAMES, *shape))
    return A, B


# --- textbook games --------------------------------------------------------------------------


def test_matching_pennies_has_one_mixed_equilibrium() -> None:
    result = vertex_enumeration_one(*PENNIES)
    (e,) = result.equilibria
    np.testing.assert_allclose(np.concatenate((e.row, e.col)), 0.5, atol=1e-12)
    np.testing.assert_allclose((e.row_payoff, e.col_payoff), 0.0, atol=1e-12)
    assert not result.degenerate
    _assert_matches_nashpy(*PENNIES, result)


def test_battle_of_the_sexes_has_three_equilibria_in_lexicographic_order() -> None:
    result = vertex_enumeration_one(*BATTLE_OF_THE_SEXES)
    expected = [([0, 1], [0, 1]), ([0.6, 0.4], [0.4, 0.6]), ([1, 0], [1, 0])]
    payoffs = [(2.0, 3.0), (1.2, 1.2), (3.0, 2.0)]
    assert len(result) == 3
    for e, (row, col), values in zip(result.equilibria, expected, payoffs, strict=True):
        np.testing.assert_allclose(e.row, row, atol=1e-12)
        np.testing.assert_allclose(e.col, col, atol=1e-12)
        np.testing.assert_allclose((e.row_payoff, e.col_payoff), values, atol=1e-12)
    assert not result.degenerate
    _assert_matches_nashpy(*BATTLE_OF_THE_SEXES, result)


def test_dominant_row_against_an_indifferent_column_gives_the_extreme_equilibria() -> None:
    result = vertex_enumeration_one(*DOMINANT_ROW)
    assert _profiles(result) == [([1.0, 0.0], [0.0, 1.0]), ([1.0, 0.0], [1.0, 0.0])]
    assert [(e.row_payoff, e.col_payoff) for e in result.equilibria] == [(1.0, 1.0)] * 2
    assert result.degenerate
    _assert_matches_nashpy(*DOMINANT_ROW, result)


def test_von_stengel_degenerate_game_has_a_continuum_and_a_mixed_equilibrium() -> None:
    result = vertex_enumeration_one(*VON_STENGEL_DEGENERATE)
    expected = [
        ([0, 1 / 3, 2 / 3], [1 / 3, 2 / 3]),
        ([1, 0, 0], [2 / 3, 1 / 3]),
        ([1, 0, 0], [1, 0]),
    ]
    assert len(result) == len(expected)
    for e, (row, col) in zip(result.equilibria, expected, strict=True):
        np.testing.assert_allclose(e.row, row, atol=1e-12)
        np.testing.assert_allclose(e.col, col, atol=1e-12)
    assert result.degenerate
    _assert_matches_nashpy(*VON_STENGEL_DEGENERATE, result)


def test_constant_game_has_every_pure_profile_in_lexicographic_order() -> None:
    zeros = np.zeros((3, 3))
    result = vertex_enumeration_one(zeros, zeros)
    eye = np.eye(3).tolist()
    assert _profiles(result) == [(eye[i], eye[j]) for i in (2, 1, 0) for j in (2, 1, 0)]
    assert result.degenerate
    _assert_matches_nashpy(zeros, zeros, result)


def test_structural_stage_game_of_the_model() -> None:
    result = vertex_enumeration_one(*STRUCTURAL)
    assert _profiles(result) == [([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])]
    e = result.equilibria[0]
    assert (e.row_payoff, e.col_payoff) == pytest.approx((-4.03, 0.7), abs=1e-12)
    assert result.degenerate
    _assert_matches_nashpy(*STRUCTURAL, result)


# --- against nashpy ----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES, ids=[f"{m}x{n}" for m, n in SHAPES])
@pytest.mark.parametrize("draw", [_integer_batch, _continuous_batch], ids=["integer", "uniform"])
def test_batch_matches_nashpy_on_fixed_seeds(
    shape: tuple[int, int], draw: Callable[[np.random.Generator, tuple[int, int]], Game]
) -> None:
    rng = np.random.default_rng([shape[0], shape[1], draw is _integer_batch])
    A, B = draw(rng, shape)
    results = vertex_enumeration_batch(A, B)
    assert len(results) == GAMES
    for a, b, result in zip(A, B, results, strict=True):
        _assert_matches_nashpy(a, b, result)
        _assert_sound(a, b, result)
    degenerate = [r.degenerate for r in results]
    assert any(degenerate) if draw is _integer_batch else not any(degenerate)


@pytest.mark.parametrize("shape", [(1, 1), (1, 4), (3, 1), (1, 6), (6, 2)])
def test_games_where_a_player_has_one_action_match_nashpy(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(list(shape))
    A, B = rng.integers(-1, 2, (2, GAMES, *shape)).astype(np.float64)
    for a, b, result in zip(A, B, vertex_enumeration_batch(A, B), strict=True):
        _assert_matches_nashpy(a, b, result)
        _assert_sound(a, b, result)


@SETTINGS
@given(integer_games())
def test_integer_games_match_nashpy(game: Game) -> None:
    result = vertex_enumeration_one(*game)
    _assert_matches_nashpy(*game, result)
    _assert_sound(*game, result)


@SETTINGS
@given(generic_games())
def test_continuous_games_match_nashpy(game: Game) -> None:
    result = vertex_enumeration_one(*game)
    _assert_matches_nashpy(*game, result)
    _assert_sound(*game, result)
    assert not result.degenerate


# --- batching ------------------------------------------------------------------------------------


def test_batch_equals_game_by_game_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    A, B = rng.integers(-1, 2, (2, 11, 3, 3)).astype(np.float64)
    whole = vertex_enumeration_batch(A, B)
    monkeypatch.setattr(
        sim.equilibria._vertex_enumeration, "_CHUNK_ENTRIES", 3 * 20 * (9 + 9)
    )  # 3 games a chunk
    chunked = vertex_enumeration_batch(A, B)
    single = [vertex_enumeration_one(a, b) for a, b in zip(A, B, strict=True)]
    for results in (chunked, single):
        assert [r.degenerate for r in results] == [r.degenerate for r in whole]
        for mine, other in zip(results, whole, strict=True):
            assert _profiles(mine) == _profiles(other)


def test_positive_affine_maps_change_nothing() -> None:
    rng = np.random.default_rng(11)
    A, B = rng.integers(-2, 3, (2, 20, 3, 4)).astype(np.float64)
    plain = vertex_enumeration_batch(A, B)
    moved = vertex_enumeration_batch(3 * A - 7, 0.25 * B + 100)
    for p, q in zip(plain, moved, strict=True):
        _assert_same_equilibria(p, q)
        assert p.degenerate == q.degenerate


def test_sequence_of_matrices_is_a_batch() -> None:
    results = vertex_enumeration_batch([PENNIES[0], DOMINANT_ROW[0]], [PENNIES[1], DOMINANT_ROW[1]])
    assert [len(r) for r in results] == [1, 2]


def test_empty_batch_gives_no_results() -> None:
    assert vertex_enumeration_batch(np.zeros((0, 2, 3)), np.zeros((0, 2, 3))) == []


# --- errors --------------------------------------------------------------------------------------


def test_batch_mixing_shapes_is_rejected() -> None:
    A = [np.zeros((2, 2)), np.zeros((3, 3))]
    with pytest.raises(GameError, match=r"must all have one shape; got \[\(2, 2\), \(3, 3\)\]"):
        vertex_enumeration_batch(A, A)


@pytest.mark.parametrize(
    ("A", "B", "message"),
    [
        (np.zeros((1, 2, 2)), np.zeros((1, 2, 3)), r"one shape \(G, m, n\); got \(1, 2, 2\)"),
        (np.zeros((2, 2)), np.zeros((2, 2)), r"one shape \(G, m, n\)"),
        (np.zeros((1, 7, 2)), np.zeros((1, 7, 2)), r"1 to 6 actions; got shape \(7, 2\)"),
        (np.zeros((1, 2, 0)), np.zeros((1, 2, 0)), r"1 to 6 actions"),
        (np.full((1, 2, 2), np.nan), np.zeros((1, 2, 2)), "finite"),
        ([[["a", "b"]]], [[[1, 2]]], "not an array of numbers"),
    ],
)
def test_invalid_batches_are_rejected(A: ArrayLike, B: ArrayLike, message: str) -> None:
    with pytest.raises(GameError, match=message) as caught:
        vertex_enumeration_batch(A, B)
    assert isinstance(caught.value, SimError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("tol", [0.0, 1.0, -1e-9])
def test_tolerance_out_of_range_is_rejected(tol: float) -> None:
    with pytest.raises(GameError, match="tol must lie strictly between 0 and 1"):
        vertex_enumeration_batch(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), tol)


def test_single_game_is_validated() -> None:
    with pytest.raises(GameError, match="differ in shape"):
        vertex_enumeration_one(np.zeros((2, 2)), np.zeros((2, 3)))


def test_the_cross_product_of_the_small_solves_is_numpys_to_the_bit() -> None:
    from sim.equilibria._linalg import _cross

    rng = np.random.default_rng(7)
    for shape in [(1, 3), (500, 3), (4, 9, 3)]:
        u = rng.normal(size=shape) * 10.0 ** rng.integers(-8, 8, size=shape)
        v = rng.normal(size=shape)
        first = _cross(np.moveaxis(u, -1, 0), np.moveaxis(v, -1, 0))  # stacked on axis 0
        np.testing.assert_array_equal(np.moveaxis(first, 0, -1), np.cross(u, v))


@pytest.mark.parametrize("seed", [0, 1])
def test_regular_4x4_systems_are_those_the_singular_values_pass(seed: int) -> None:
    """The adjugate bounds that spare 4x4 systems their SVD decide as the SVD does: on
    small-integer matrices with tied and proportional rows and columns (ranks 1 to 4), and
    on nearly singular ones around the tolerance."""
    from sim.equilibria._linalg import _adjugate_norm4, _regular

    rng = np.random.default_rng(seed)
    mats = rng.integers(-2, 3, size=(6000, 4, 4)).astype(float)
    mats[::3, 1] = mats[::3, 0]
    mats[::5, :, 2] = 2 * mats[::5, :, 3]
    mats[::7, 2:] = 0.0
    near = rng.normal(size=(2000, 4, 4))
    near[:, 3] = near[:, 0] + np.logspace(-12, -6, 2000)[:, None] * rng.normal(size=(2000, 4))
    stack = np.concatenate((mats, near))
    values = np.linalg.svd(stack, compute_uv=False)
    for tol in (1e-9, 1e-6):
        np.testing.assert_array_equal(_regular(stack, tol), values[:, -1] > tol * values[:, 0])
    adjugate = np.linalg.det(near)[:, None, None] * np.linalg.inv(near)
    norm = np.sqrt(np.square(adjugate).sum(axis=(1, 2)))
    np.testing.assert_allclose(_adjugate_norm4(near), norm, rtol=1e-6)
