"""The deadline game by backward induction, against closed-form theory.

War of attrition with a deadline (DOMAIN "Theory"; Morath's volunteering model): waiting costs 1
a day, giving in costs c, and at the deadline T one player chosen at random gives in. For
T > c/2 each player gives in at rate 1/c before T - c/2, nobody gives in during (T - c/2, T),
and the game reaches T with probability exp(-2 (T - c/2) / c) = exp(1 - 2T/c).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.deadline import Game
from sim.errors import SimError

WOA = "scenarios/war-of-attrition-deadline.toml"
GSOMIA = "scenarios/gsomia-2019.toml"
ALTERNATING = "scenarios/alternating-offers.toml"
T_DAYS, C = 10.0, 8.0
#: The scenario decides every 10/401 days (0.6 h); the discrete game's stationary hazard
#: differs from the continuous 1/c by O(dt / c) = 0.3%, and the quiet phase starts within one
#: epoch of T - c/2. Absolute tolerance on probabilities: 0.005.
DT = T_DAYS / 401
DISCRETE_TOL = 0.005


@pytest.fixture(scope="module")
def woa_policy() -> sim.deadline.Policy:  # type: ignore[name-defined]
    return Game.from_scenario(sim.load(WOA)).policy()


def test_woa_reaches_the_deadline_with_probability_exp_1_minus_2t_over_c(woa_policy) -> None:  # type: ignore[no-untyped-def]
    probs = woa_policy.outcome_probabilities()
    assert probs["deadline"] == pytest.approx(math.exp(1 - 2 * T_DAYS / C), abs=DISCRETE_TOL)
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-12)
    assert probs["a_gives_in"] == pytest.approx(probs["b_gives_in"], abs=1e-12)  # symmetry


def test_woa_nobody_gives_in_during_the_last_c_over_2(woa_policy) -> None:  # type: ignore[no-untyped-def]
    days = woa_policy.times / 24.0
    quiet = days > T_DAYS - C / 2 + DT  # one epoch of slack for the discretisation
    assert quiet.sum() > 100
    assert np.all(woa_policy.p_agree[quiet] == 0.0)
    assert np.all(woa_policy.row[quiet][:, 0] == 1.0)  # both wait


def test_woa_mixes_before_t_minus_c_over_2_at_rate_one_over_c(woa_policy) -> None:  # type: ignore[no-untyped-def]
    days = woa_policy.times / 24.0
    mixing = days < T_DAYS - C / 2 - DT
    give_in = woa_policy.row[mixing][:, 1]
    assert np.all(give_in > 0.0) and np.all(give_in < 0.05)
    # Average hazard per player per day over the mixing phase: -log(P(a still waits)) / time.
    hazard = -np.log(1.0 - give_in).sum() / (mixing.sum() * DT)
    assert hazard == pytest.approx(1.0 / C, rel=0.02)


def test_woa_value_is_minus_c_during_mixing(woa_policy) -> None:  # type: ignore[no-untyped-def]
    # Indifference with giving in at once: each player's value is -c (within the epoch cost).
    assert woa_policy.values[0] == pytest.approx([-C, -C], abs=DT)


def test_woa_with_t_at_most_c_over_2_both_wait_until_t() -> None:
    policy = Game.from_scenario(sim.load(WOA, {"concession_cost": 2.5 * T_DAYS})).policy()
    assert policy.outcome_probabilities()["deadline"] == 1.0
    assert np.all(policy.p_agree == 0.0)


def test_the_all_rule_cannot_solve_a_deadline_game() -> None:
    doc = sim.load(WOA).document
    doc = {**doc, "equilibrium": {**doc["equilibrium"], "selection": "all"}}
    game = Game.from_scenario(sim.validate(doc, WOA))
    with pytest.raises(SimError, match="all"):
        game.policy()


# Korea's threshold: the compromise is worth 3 - 8 * 0.85 = -3.8 at the deadline, the lapse
# -1 - 3 P, so Korea concedes iff P > 2.8 / 3 = 0.9333.
@pytest.mark.parametrize(("level", "outcome"), [(0.90, "lapse"), (0.97, "suspension_for_talks")])
def test_gsomia_korea_concedes_iff_pressure_beats_its_threshold(level: float, outcome: str) -> None:
    policy = Game.from_scenario(sim.load(GSOMIA)).policy(0, level)
    assert policy.outcome_probabilities()[outcome] == pytest.approx(1.0, abs=1e-12)


def test_gsomia_concession_waits_for_the_last_live_epoch() -> None:
    game = Game.from_scenario(sim.load(GSOMIA))
    policy = game.policy(0, 1.0)
    # The early-concession cost (2 utils, falling to 0) exceeds the holdout cost
    # (0.02 / day at P = 1, 1.84 over the window): the plan is to concede at the last chance.
    assert np.flatnonzero(policy.reach * policy.p_agree > 1e-9).tolist() == [game.schedule.live - 1]
    stronger = Game.from_scenario(sim.load(GSOMIA, {"korea.holdout_cost": 0.05})).policy(0, 1.0)
    assert np.flatnonzero(stronger.reach * stronger.p_agree > 1e-9).tolist() == [
        0
    ]  # 0.05 * 92 = 4.6 > 2: at once


# Rubinstein's alternating offers with T rounds and a common discount factor d: the first
# proposer's subgame-perfect share is (1 - (-d)^T) / (1 + d), agreed in the first round.
@pytest.mark.parametrize("rounds", [1, 2, 3, 4, 7, 10])
@pytest.mark.parametrize("d", [0.5, 0.9, 0.99])
def test_finite_horizon_rubinstein_shares(rounds: int, d: float) -> None:
    overrides = {"horizon": float(rounds), "schedule.epochs": rounds, "discount": d}
    policy = Game.from_scenario(sim.load(ALTERNATING, overrides)).policy()
    share = (1 - (-d) ** rounds) / (1 + d)
    assert policy.values[0] == pytest.approx([share, 1 - share], abs=1e-12)
    assert policy.p_agree[0] == pytest.approx(1.0)  # agreement without delay


@pytest.mark.parametrize("rule", ["payoff_dominant", "first_found", "max_entropy", "risk_dominant"])
def test_batched_selection_agrees_with_select_game_by_game(rule: str) -> None:
    """The backward induction skips building objects where a rule has nothing to choose;
    its picks and reasons must be what :func:`sim.selection.select` says for every game."""
    from sim.equilibria import select, select_many, solve_arrays

    rng = np.random.default_rng(5)
    for shape in [(2, 2), (3, 3), (2, 4)]:
        A = rng.integers(-2, 3, (300, *shape)).astype(float)
        B = rng.integers(-2, 3, (300, *shape)).astype(float)
        B[:100] = A[:100]  # common interests: ties between equilibria, entropy tie-breaks
        found = solve_arrays(A, B)
        index, reasons = select_many(found, rule, A, B)
        assert (found.counts == 1).any() and (found.counts > 2).any()
        for g, s in enumerate(found.sets()):
            expected = select(s, rule, A[g], B[g])
            assert reasons[g] == expected.reason
            np.testing.assert_array_equal(found.row[index[g]], expected.equilibrium.row)
            np.testing.assert_array_equal(found.col[index[g]], expected.equilibrium.col)
    if rule == "payoff_dominant":
        assert any("tied, broken by" in r for r in reasons)


def test_policies_of_many_parameter_values_solved_together_equal_each_alone() -> None:
    """A sweep's points share each epoch's solver calls; nothing may change for a point."""
    from sim.deadline import solve_policies

    base = sim.load("scenarios/gsomia-2019.toml")
    values = [(0.5, 2.0), (1.0, 3.0), (1.5, 4.5), (0.0, 1.0)]
    games = [
        Game.from_scenario(sim.with_overrides(base, {"us.pressure_scale": s, "korea.us_cost": c}))
        for s, c in values
    ]
    shorter = Game.from_scenario(sim.with_overrides(base, {"window.days": 30.0}))
    levels: list[float | None] = [0.0, 0.35, 1.0, None]
    together = solve_policies([(g, levels) for g in [*games, shorter]])
    for game, policies in zip([*games, shorter], together, strict=True):
        for alone, joint in zip(game.policies(0, levels), policies, strict=True):
            for field in ("row", "col", "values", "agree", "degenerate", "equilibria", "pressure"):
                np.testing.assert_array_equal(getattr(alone, field), getattr(joint, field))
            assert alone.reasons == joint.reasons
    assert len(together[-1][0].times) != len(together[0][0].times)  # its own group


def test_games_with_different_agreement_cells_are_not_solved_as_one() -> None:
    """Grouping for a joint induction must include which cells end the game."""
    from dataclasses import replace

    from sim.deadline import solve_policies

    game = Game.from_scenario(sim.load("scenarios/war-of-attrition-deadline.toml"))
    cells = game.payoffs.outcome_of_cell.copy()
    cells[0, 0], cells[1, 1] = cells[1, 1], cells[0, 0]
    other = replace(
        game, model=replace(game.model, payoffs=replace(game.payoffs, outcome_of_cell=cells))
    )
    joint = solve_policies([(game, [None]), (other, [None])])
    for g, (policy,) in zip((game, other), joint, strict=True):
        alone = g.policy()
        np.testing.assert_array_equal(policy.agree, alone.agree)
        np.testing.assert_array_equal(policy.values, alone.values)


FIELDS = ("times", "pressure", "row", "col", "values", "agree", "degenerate", "equilibria")


def forecasts(game: Game, levels: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """(G, L) pressure paths and (G,) deadline pressures seen from epoch 0."""
    paths, ends = zip(*(game.forecast(0, lv) for lv in levels), strict=True)
    return np.array(paths), np.array(ends)


def assert_same_policy(got: sim.deadline.Policy, expected: sim.deadline.Policy) -> None:  # type: ignore[name-defined]
    """Bit for bit: every array, its dtype, the reasons and the first epoch."""
    assert got.first == expected.first
    for field in FIELDS:
        a, b = getattr(got, field), getattr(expected, field)
        assert a.dtype == b.dtype, field
        np.testing.assert_array_equal(a, b, err_msg=field)
    assert got.reasons == expected.reasons
    assert (got.outcome_ids, got.default_outcome) == (
        expected.outcome_ids,
        expected.default_outcome,
    )


def test_rows_solved_from_their_own_starts_equal_each_row_solved_alone() -> None:
    """Epoch k solves only the rows that start by k; a row's policy is the one its own
    induction from its start gives, and the tail of the induction from epoch 0."""
    from sim.deadline import solve_deadline, solve_deadlines

    game = Game.from_scenario(sim.load(GSOMIA))
    live, rule = game.schedule.live, game.scenario.equilibrium.selection
    levels = [0.0, 0.5, 0.9, 0.95, 1.0, 1.3]
    paths, ends = forecasts(game, levels)
    starts = [live // 2, 0, live, live - 1, live // 2, 1]
    solved: list[int] = []

    def counting(A: np.ndarray, B: np.ndarray):  # type: ignore[no-untyped-def]
        solved.append(len(A))
        return game.solver(A, B)

    block = (game.payoffs, paths, ends)
    (policies,) = solve_deadlines([block], game.schedule, counting, rule, starts=[starts])
    assert sum(solved) == sum(live - s for s in starts)  # no stage game before a row's start
    full = solve_deadline(game.payoffs, game.schedule, paths, ends, game.solver, rule)
    for i, (policy, start) in enumerate(zip(policies, starts, strict=True)):
        row = (paths[i : i + 1], ends[i : i + 1])
        (alone,) = solve_deadline(game.payoffs, game.schedule, *row, game.solver, rule, start)
        assert_same_policy(policy, alone)
        assert_same_policy(policy, full[i].tail(start))
        assert len(policy.times) == live - start
    assert policies[2].values.shape == (1, 2) and policies[2].reasons == ()
    # Levels on either side of Korea's threshold end differently: rows cannot be mixed up.
    assert policies[1].outcome_probabilities()["lapse"] == pytest.approx(1.0, abs=1e-12)
    assert policies[4].outcome_probabilities()["suspension_for_talks"] == pytest.approx(1.0)


def test_starts_of_several_games_follow_their_requests() -> None:
    """solve_policies groups games solved alike; each request keeps its own starts."""
    from sim.deadline import solve_policies

    base = sim.load(GSOMIA)
    costs = (2.0, 3.0, 4.0)
    games = [Game.from_scenario(sim.with_overrides(base, {"korea.us_cost": c})) for c in costs]
    shorter = Game.from_scenario(sim.with_overrides(base, {"window.days": 30.0}))
    requests: list[tuple[Game, list[float | None]]] = [
        (games[0], [0.9, 1.0, None]),
        (shorter, [1.0, 0.5]),
        (games[1], [1.0, 0.9, 0.95]),
        (games[2], [1.0, 0.5]),
    ]
    live = games[0].schedule.live
    starts = [[live - 1, 0, 10], [3, 3], [10, live, 0], None]
    together = solve_policies(requests, starts=starts)
    for (game, levels), given, policies in zip(requests, starts, together, strict=True):
        full = game.policies(0, levels)
        for j, policy in enumerate(policies):
            assert_same_policy(policy, full[j].tail(0 if given is None else given[j]))
    assert [p.first for p in together[2]] == [10, live, 0]


@pytest.mark.parametrize(
    ("starts", "message"),
    [
        ([[3, -1]], r"starts\[0\]\[1\] = -1"),
        ([[3, 2]], r"starts\[0\]\[1\] = 2"),  # before first = 3
        ([[3, 10**6]], r"starts\[0\]\[1\] = 1000000"),
        ([[3]], r"2 integer epochs expected"),
        ([[3.0, 4.0]], r"integer epochs"),
        ([[3, 4], None], r"2 entries for 1 blocks"),
    ],
)
def test_bad_starts_are_rejected(starts: list[object], message: str) -> None:
    from sim.deadline import solve_deadlines

    game = Game.from_scenario(sim.load(GSOMIA))
    paths, ends = forecasts(game, [0.5, 1.0])
    block = (game.payoffs, paths, ends)
    with pytest.raises(ValueError, match=message):
        solve_deadlines([block], game.schedule, game.solver, "payoff_dominant", 3, starts=starts)  # type: ignore[arg-type]


def test_solve_policies_rejects_starts_not_one_per_request() -> None:
    from sim.deadline import solve_policies

    game = Game.from_scenario(sim.load(GSOMIA))
    with pytest.raises(ValueError, match="1 entries for 2 requests"):
        solve_policies([(game, [None]), (game, [1.0])], starts=[None])
