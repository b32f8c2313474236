"""Tests for sim.equilibria's logit QRE (``_logit``, ``_homotopy``): closed forms, pygambit's
logit solver on random games, the limit as lambda grows, and the ``logit_limit`` rule."""

from __future__ import annotations

import numpy as np
import pygambit as gbt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from strategies import generic_games

from sim.equilibria import (
    LIMIT_PRECISION,
    LIMIT_TOL,
    GameError,
    best_response_gap,
    logit_branch,
    logit_limit,
    logit_qre,
    logit_qre_arrays,
    make_logit_solver,
    risk_dominant_equilibrium,
    select,
    select_many,
    solve,
    solve_arrays,
)

FloatArray = NDArray[np.float64]

PENNIES = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
STAG_HUNT = ([[4, 0], [3, 3]], [[4, 3], [0, 3]])
#: A 3x3 game whose principal branch goes forward to lambda 11.46, back to 1.39, and on: at
#: lambda 5 it has three QREs, and the first on the branch is the one returned.
FOLDING = (
    [[3, -1, -3], [-3, 0, -2], [-3, -2, -3]],
    [[1, 0, 3], [1, 4, -4], [-3, 2, -2]],
)
SHAPES = ((2, 2), (2, 3), (3, 3), (3, 4), (4, 4))
LAMBDAS = (0.3, 1.0, 3.0, 10.0, 30.0)
SETTINGS = settings(max_examples=40, deadline=None, database=None)


def _softmax(v: FloatArray) -> FloatArray:
    e = np.exp(v - v.max())
    out: FloatArray = e / e.sum()
    return out


# ---------------------------------------------------------------- closed forms


@pytest.mark.parametrize("shape", SHAPES)
def test_lambda_zero_is_uniform_play(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(2, 20, *shape))
    q = logit_qre_arrays(A, B, 0.0)
    assert np.array_equal(q.row, np.full((20, shape[0]), 1 / shape[0]))
    assert np.array_equal(q.col, np.full((20, shape[1]), 1 / shape[1]))
    assert q.converged.all() and (q.steps == 0).all()


@pytest.mark.parametrize("lam", [0.0, 0.1, 1.0, 10.0, 1e3, 1e5])
def test_matching_pennies_is_uniform_at_every_lambda(lam: float) -> None:
    q = logit_qre(*PENNIES, lam)
    assert q.converged
    np.testing.assert_allclose(q.row, [0.5, 0.5], atol=1e-12)
    np.testing.assert_allclose(q.col, [0.5, 0.5], atol=1e-12)


@pytest.mark.parametrize("delta", [0.05, 0.7, 3.0, -1.3])
@pytest.mark.parametrize("lam", [0.0, 0.5, 2.0, 10.0, 200.0])
def test_a_uniform_advantage_gives_the_logistic_closed_form(delta: float, lam: float) -> None:
    """The row's first action beats the second by ``delta`` against every column."""
    rng = np.random.default_rng(7)
    for _ in range(5):
        top = rng.normal(size=2)
        A = np.array([top, top - delta])
        B = rng.normal(size=(2, 2))
        q = logit_qre(A, B, lam)
        assert abs(q.row[0] - 1 / (1 + np.exp(-lam * delta))) <= 1e-9
        # and the column player responds to it logistically too
        want = _softmax(lam * (B.T @ q.row))
        assert np.abs(q.col - want).max() <= 1e-9


@given(generic_games(2, 4), st.floats(0.01, 50.0))
@SETTINGS
def test_every_qre_is_a_fixed_point_of_the_logit_response(game: tuple, lam: float) -> None:
    A, B = game
    q = logit_qre(A, B, lam)
    assert q.converged
    assert np.abs(q.row - _softmax(lam * (A @ q.col))).max() <= 1e-9
    assert np.abs(q.col - _softmax(lam * (B.T @ q.row))).max() <= 1e-9
    assert q.row_payoff == pytest.approx(q.row @ A @ q.col, abs=1e-12)


def test_lambda_multiplies_payoffs_in_their_units() -> None:
    """QRE is not scale-free: doubling the payoffs is doubling lambda."""
    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(2, 3, 3))
    double, twice = logit_qre(2 * A, 2 * B, 1.5), logit_qre(A, B, 3.0)
    assert np.abs(double.row - twice.row).max() <= 1e-10
    assert np.abs(logit_qre(A, B, 1.5).row - twice.row).max() > 1e-3


# ---------------------------------------------------------------- against pygambit


def _gambit(
    A: FloatArray, B: FloatArray, lams: tuple[float, ...]
) -> list[tuple[float, FloatArray]]:
    game = gbt.Game.from_arrays(A, B)
    found = gbt.qre.logit_solve_lambda(game, list(lams))
    return [(q.lam, np.array([float(q.profile[s]) for s in game.strategies])) for q in found]


def _against_gambit(games: int, seed: int) -> tuple[int, float]:
    """Ours against pygambit's logit_solve_lambda on ``games`` random games of each shape at
    every lambda of LAMBDAS (ours at the lambda Gambit reached); the comparisons and the
    largest difference in any probability."""
    rng = np.random.default_rng(seed)
    worst, count = 0.0, 0
    for shape in SHAPES:
        A, B = rng.normal(size=(2, games, *shape))
        theirs = [_gambit(A[g], B[g], LAMBDAS) for g in range(games)]
        for k in range(len(LAMBDAS)):
            lam = np.array([theirs[g][k][0] for g in range(games)])
            ours = logit_qre_arrays(A, B, lam)
            assert ours.converged.all()
            want = np.array([theirs[g][k][1] for g in range(games)])
            worst = max(worst, float(np.abs(np.hstack([ours.row, ours.col]) - want).max()))
            count += games
    return count, worst


def test_equals_pygambit_on_random_games_quick() -> None:
    count, worst = _against_gambit(games=12, seed=11)
    assert count == 12 * len(SHAPES) * len(LAMBDAS)
    assert worst <= 1e-6


@pytest.mark.slow
def test_equals_pygambit_on_600_random_games_at_five_lambdas() -> None:
    count, worst = _against_gambit(games=120, seed=2016)
    assert count == 600 * len(LAMBDAS)
    assert worst <= 1e-6


def test_a_branch_that_turns_back_gives_its_first_qre_at_lambda_as_pygambit() -> None:
    A, B = (np.asarray(M, dtype=float) for M in FOLDING)
    branch = logit_branch(A, B, 20.0)
    assert branch.lam.max() == 20.0 and (np.diff(branch.lam) < 0).any()
    for lam, turns in ((5.0, 0), (11.0, 0), (12.0, 2), (20.0, 2)):
        q = logit_qre(A, B, lam)
        assert q.turns == turns
        ((_, theirs),) = _gambit(A, B, (lam,))
        assert np.abs(np.hstack([q.row, q.col]) - theirs).max() <= 1e-6


# ---------------------------------------------------------------- batches, branches, errors


def test_a_batch_is_each_game_solved_alone_at_its_own_lambda() -> None:
    rng = np.random.default_rng(5)
    A, B = rng.normal(size=(2, 30, 3, 2))
    lam = rng.uniform(0, 20, 30)
    together = logit_qre_arrays(A, B, lam)
    for g in range(30):
        alone = logit_qre(A[g], B[g], float(lam[g]))
        assert np.abs(together.row[g] - alone.row).max() <= 1e-12
        assert np.abs(together.col[g] - alone.col).max() <= 1e-12
        assert together[g].reason == alone.reason
    assert np.array_equal(make_logit_solver(3.0)(A, B).row, logit_qre_arrays(A, B, 3.0).row)


def test_the_branch_runs_from_uniform_play_to_the_qre() -> None:
    A, B = STAG_HUNT
    branch = logit_branch(A, B, 4.0)
    q = logit_qre(A, B, 4.0)
    assert branch.lam[0] == 0.0 and branch.lam[-1] == 4.0
    assert np.array_equal(branch.row[0], [0.5, 0.5])
    assert np.abs(branch.row[-1] - q.row).max() <= 1e-10
    assert np.abs(np.diff(branch.lam)).max() <= 0.25 + 1e-12
    records = branch.to_dict()
    assert records[-1]["lambda"] == 4.0 and len(records) == len(branch.lam)


@pytest.mark.parametrize("lam", [-1.0, float("nan"), float("inf")])
def test_a_precision_that_is_not_a_number_at_least_0_is_an_error(lam: float) -> None:
    with pytest.raises(GameError, match="precision lambda"):
        logit_qre(*PENNIES, lam)
    with pytest.raises(GameError, match="precision lambda"):
        make_logit_solver(lam)


def test_symmetric_games_stay_on_the_symmetric_line() -> None:
    """Chicken: the symmetric branch passes a pitchfork where asymmetric branches split off;
    it is followed to the symmetric mixed equilibrium, not off along one of them."""
    A = np.array([[-9.0, 0.0], [-8.0, -4.0]])
    for lam in (0.5, 1.0, 3.0, 30.0, 1e4):
        q = logit_qre(A, A.T, lam)
        assert q.converged and np.array_equal(q.row, q.col)
    assert np.abs(logit_qre(A, A.T, 1e6).row - [0.8, 0.2]).max() <= 1e-4


# ---------------------------------------------------------------- the limit


def _gap(x: FloatArray, y: FloatArray, x2: FloatArray, y2: FloatArray) -> float:
    return float(max(np.abs(x - x2).max(), np.abs(y - y2).max()))


@pytest.mark.parametrize("shape", SHAPES)
def test_as_lambda_grows_the_qre_converges_to_an_equilibrium_the_solvers_find(
    shape: tuple[int, int],
) -> None:
    rng = np.random.default_rng(21)
    G = 30
    A, B = rng.normal(size=(2, G, *shape))
    found = solve_arrays(A, B)
    limit = logit_limit(A, B)
    span = np.maximum(np.ptp(A, axis=(1, 2)), np.ptp(B, axis=(1, 2)))
    assert limit.converged.all() and np.allclose(limit.lam * span, LIMIT_PRECISION)
    on_the_way = [logit_qre_arrays(A, B, p / span) for p in (1e2, 1e4)] + [limit]
    for g in range(G):
        eqs = found[g].equilibria
        gaps = [_gap(e.row, e.col, limit.row[g], limit.col[g]) for e in eqs]
        nearest = eqs[int(np.argmin(gaps))]
        assert min(gaps) <= LIMIT_TOL
        assert best_response_gap(A[g], B[g], limit.row[g], limit.col[g]) <= 1e-4 * span[g]
        # and it gets there: the distance to that equilibrium falls as lambda grows
        distance = [_gap(q.row[g], q.col[g], nearest.row, nearest.col) for q in on_the_way]
        assert distance[2] <= distance[1] <= distance[0] + 1e-12


def test_the_limit_selects_what_pygambits_logit_solver_converges_to() -> None:
    rng = np.random.default_rng(8)
    for shape in ((2, 2), (3, 3), (3, 4)):
        A, B = rng.normal(size=(2, 30, *shape))
        index, _ = select_many(solve_arrays(A, B), "logit_limit", A, B)
        found = solve_arrays(A, B)
        for g in range(30):
            game = gbt.Game.from_arrays(A[g], B[g])
            (theirs,) = gbt.nash.logit_solve(game).equilibria
            theirs = np.array([float(theirs[s]) for s in game.strategies])
            rows = slice(found.starts[g], found.starts[g] + found.counts[g])
            gaps = np.abs(np.hstack([found.row[rows], found.col[rows]]) - theirs).max(axis=1)
            # Gambit stops near the limit (max regret 1e-8 of the payoff range): its point is
            # nearest the equilibrium ours selects, and close to it
            assert found.starts[g] + int(np.argmin(gaps)) == index[g]
            assert gaps.min() <= LIMIT_TOL


def _coordination(rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """A symmetric 2x2 game with two strict pure equilibria, (0, 0) and (1, 1)."""
    a, d = rng.uniform(1, 10, 2)
    c, b = a - rng.uniform(0.1, 5), d - rng.uniform(0.1, 5)
    A = np.array([[a, b], [c, d]])
    return A, A.T.copy()


def test_in_symmetric_coordination_games_the_limit_is_risk_dominant() -> None:
    rng = np.random.default_rng(13)
    picked_payoff_dominated = 0
    for _ in range(60):
        A, B = _coordination(rng)
        eqs = solve(A, B)
        chosen = select(eqs, "logit_limit", A, B)
        assert "converges to equilibrium" in chosen.reason
        risk = risk_dominant_equilibrium(A, B)
        assert risk is not None and chosen.equilibrium.profile == risk
        payoff = select(eqs, "payoff_dominant", A, B).equilibrium.profile
        picked_payoff_dominated += payoff != risk
    assert picked_payoff_dominated > 5  # the rule is not payoff dominance in disguise
    stag = select(solve(*STAG_HUNT), "logit_limit", *STAG_HUNT)
    assert stag.equilibrium.profile == (1, 1)  # hare, hare: risk-dominant, payoff-dominated


def test_logit_limit_says_when_the_branch_does_not_converge_to_an_equilibrium_found() -> None:
    """The row player is indifferent: play stays uniform for every lambda, an equilibrium
    inside a segment of them whose ends are all the solvers list."""
    A, B = np.ones((2, 2)), np.array([[1.0, 0.0], [0.0, 1.0]])
    eqs = solve(A, B)
    assert not any(np.allclose(e.row, 0.5) and np.allclose(e.col, 0.5) for e in eqs.equilibria)
    chosen = select(eqs, "logit_limit", A, B)
    assert "does not converge to an equilibrium found" in chosen.reason
    assert "is 0.5 away; taken" in chosen.reason
    assert np.abs(logit_limit(A[None], B[None]).row - 0.5).max() <= 1e-12


def test_logit_limit_many_games_at_once_is_game_by_game() -> None:
    rng = np.random.default_rng(4)
    A, B = rng.integers(-3, 4, size=(2, 60, 2, 3)).astype(float)
    found = solve_arrays(A, B)
    index, reasons = select_many(found, "logit_limit", A, B)
    assert (found.counts > 1).sum() > 10
    for g in range(60):
        alone = select(found[g], "logit_limit", A[g], B[g])
        assert index[g] - found.starts[g] == alone.index and reasons[g] == alone.reason
