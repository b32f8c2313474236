"""Numerical robustness of the equilibrium solvers (issue 22): every method's equilibria are
unchanged by positive affine maps of each player's payoffs (scales 1e-9 to 1e9, shifts up to
1e9), against pygambit's exact rational enumeration too; rounding noise is never structure; a
flagship scaled by 1e9 gives the flagship's summary; Lemke-Howson ends within its pivot limit
on held-out games where nashpy's own path never ends; ties the order found decides are
flagged.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pygambit as gbt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from strategies import generic_games, integer_games

from sim.cli import main
from sim.equilibria import (
    CONSTANT_RANGE,
    LEMKE_HOWSON_MAX_PIVOTS,
    METHODS,
    PIVOT_LIMIT,
    EquilibriumSet,
    _nashpy,
    dominated_actions,
    is_degenerate,
    is_equilibrium,
    iterated_elimination,
    select,
    solve,
    solve_arrays,
    vertex_enumeration_one,
)

FloatArray = NDArray[np.float64]
ROOT = Path(__file__).resolve().parents[1]

#: A shift is drawn up to 1e9 but at most this times the scale: beyond it the shifted payoffs
#: no longer hold the game in float64 (an entry of size |shift| is known to 1.1e-16 of it,
#: which must stay well below the solvers' relative tolerances times the payoff range).
SHIFT_RATIO = 1e6

#: Games where nashpy 0.0.43's lemke_howson, from the label given, was still pivoting after
#: 15 s (found by a search over random 3..6 x 3..6 games with payoffs in {0, 1, 2}; its
#: float "integer pivoting" overflows and the path never closes). Row payoffs, column
#: payoffs, initial dropped label.
SLOW_GAMES = [
    (
        [
            [0, 2, 0, 0, 2],
            [0, 0, 0, 2, 2],
            [1, 2, 1, 2, 0],
            [1, 0, 1, 2, 2],
            [0, 1, 2, 0, 0],
            [1, 0, 2, 2, 2],
        ],
        [
            [2, 0, 1, 0, 0],
            [0, 2, 1, 0, 2],
            [1, 1, 0, 0, 1],
            [2, 1, 0, 2, 1],
            [1, 2, 0, 2, 0],
            [0, 0, 0, 1, 1],
        ],
        8,
    ),
    (
        [
            [1, 1, 0, 2, 2, 0],
            [2, 2, 0, 0, 1, 0],
            [2, 0, 0, 0, 2, 1],
            [0, 0, 0, 0, 0, 2],
            [2, 2, 2, 1, 1, 0],
            [2, 2, 2, 2, 0, 0],
        ],
        [
            [1, 2, 1, 2, 0, 2],
            [1, 0, 0, 1, 1, 2],
            [2, 0, 2, 0, 1, 0],
            [1, 2, 1, 1, 0, 0],
            [0, 0, 0, 1, 2, 2],
            [1, 0, 2, 1, 1, 2],
        ],
        9,
    ),
    (
        [
            [0, 2, 2, 0, 2, 1],
            [2, 1, 1, 0, 0, 0],
            [2, 2, 0, 1, 1, 1],
            [1, 2, 0, 1, 2, 2],
            [1, 2, 0, 1, 2, 1],
        ],
        [
            [2, 1, 0, 2, 1, 2],
            [0, 1, 2, 2, 0, 2],
            [0, 2, 1, 0, 1, 2],
            [0, 0, 2, 1, 2, 2],
            [2, 0, 0, 2, 0, 0],
        ],
        5,
    ),
    (
        [
            [2, 2, 1, 1, 0, 2],
            [2, 2, 0, 2, 1, 0],
            [0, 1, 1, 0, 0, 0],
            [1, 0, 1, 0, 2, 1],
            [2, 1, 1, 2, 2, 0],
            [1, 0, 2, 0, 2, 1],
        ],
        [
            [0, 0, 1, 2, 1, 0],
            [2, 2, 0, 2, 2, 0],
            [1, 0, 0, 1, 2, 2],
            [2, 1, 2, 2, 0, 2],
            [1, 1, 1, 0, 1, 0],
            [0, 0, 2, 0, 2, 2],
        ],
        2,
    ),
    (
        [
            [2, 2, 2, 0, 1],
            [0, 1, 0, 2, 1],
            [2, 1, 1, 1, 1],
            [0, 1, 0, 1, 2],
            [0, 1, 2, 1, 1],
            [1, 0, 1, 1, 2],
        ],
        [
            [0, 1, 0, 0, 2],
            [0, 2, 0, 0, 2],
            [0, 0, 2, 0, 0],
            [0, 1, 2, 2, 2],
            [2, 2, 2, 2, 2],
            [0, 0, 2, 2, 1],
        ],
        9,
    ),
    (
        [
            [1, 2, 2, 1, 0],
            [1, 1, 1, 0, 0],
            [2, 1, 0, 2, 1],
            [2, 2, 0, 0, 1],
            [2, 0, 1, 1, 1],
            [0, 1, 2, 0, 0],
        ],
        [
            [2, 1, 0, 2, 2],
            [1, 1, 2, 1, 0],
            [0, 0, 2, 1, 2],
            [0, 0, 1, 1, 2],
            [2, 1, 2, 0, 1],
            [1, 2, 1, 1, 0],
        ],
        5,
    ),
]


@st.composite
def affine(draw: st.DrawFn) -> tuple[float, float]:
    """A positive affine map: scale 10^[-9, 9], shift up to 1e9 (and SHIFT_RATIO x scale)."""
    scale = 10.0 ** draw(st.floats(-9, 9))
    shift = draw(st.floats(-1, 1)) * min(1e9, SHIFT_RATIO * scale)
    return scale, shift


def _profiles(eqs: EquilibriumSet) -> list[FloatArray]:
    return [np.concatenate([e.row, e.col]) for e in eqs.equilibria]


def _same(ours: list[FloatArray], theirs: list[FloatArray], tol: float = 1e-6) -> bool:
    """The two sets of profiles are equal, each within ``tol`` in every probability.

    Sets, not lists: in a degenerate game pygambit's ``enummixed_solve`` can report one profile
    more than once (two vertices of a polytope with the same normalised point), e.g. when a
    player's payoffs are all equal."""

    def distinct(profiles: list[FloatArray]) -> list[FloatArray]:
        kept: list[FloatArray] = []
        for p in profiles:
            if not any(np.abs(p - q).max() <= tol for q in kept):
                kept.append(p)
        return kept

    a, b = distinct(ours), distinct(theirs)
    return len(a) == len(b) and all(any(np.abs(p - q).max() <= tol for q in b) for p in a)


def _mapped(game: tuple[FloatArray, FloatArray], maps: list[tuple[float, float]]) -> list:
    return [M * scale + shift for M, (scale, shift) in zip(game, maps, strict=True)]


def _gambit(A: FloatArray, B: FloatArray) -> list[FloatArray]:
    """pygambit's exact rational enumeration of the extreme equilibria of an integer game."""
    game = gbt.Game.from_arrays(A.astype(int), B.astype(int))
    found = gbt.nash.enummixed_solve(game, rational=True).equilibria
    return [np.array([float(e[s]) for s in game.strategies]) for e in found]


# ------------------------------------------------------------ invariance, every method


@settings(max_examples=60, deadline=None)
@given(st.one_of(integer_games(), generic_games()), affine(), affine())
def test_every_method_is_unchanged_by_positive_affine_maps(
    game: tuple[FloatArray, FloatArray], row_map: tuple[float, float], col_map: tuple[float, float]
) -> None:
    A, B = game
    A2, B2 = _mapped(game, [row_map, col_map])
    for method in METHODS:
        before, after = solve(A, B, method), solve(A2, B2, method)
        assert after.degenerate == before.degenerate
        if method == "lemke_howson" and before.degenerate:
            # Lemke-Howson finds a subset, and in a degenerate game the float ratio test's
            # ties (broken by rounding) choose the path: equilibria, not always the same.
            assert all(is_equilibrium(A, B, e.row, e.col) for e in after.equilibria)
            continue
        assert _same(_profiles(after), _profiles(before)), method
    batched = solve_arrays(np.array([A, A2]), np.array([B, B2])).sets()
    assert _same(_profiles(batched[1]), _profiles(batched[0]))
    assert batched[1].degenerate == batched[0].degenerate
    assert is_degenerate(A2, B2) == is_degenerate(A, B)
    assert iterated_elimination(A2, B2)[:2] == iterated_elimination(A, B)[:2]
    assert dominated_actions(A2.T, mixed=False) == dominated_actions(A.T, mixed=False)


@settings(max_examples=60, deadline=None)
@given(integer_games(), affine(), affine())
def test_enumeration_on_mapped_games_equals_pygambits_exact_set(
    game: tuple[FloatArray, FloatArray], row_map: tuple[float, float], col_map: tuple[float, float]
) -> None:
    A, B = game
    A2, B2 = _mapped(game, [row_map, col_map])
    exact = _gambit(A, B)
    assert _same(_profiles(vertex_enumeration_one(A2, B2)), exact)
    if not is_degenerate(A, B):
        assert _same(_profiles(solve(A2, B2)), exact)
        assert _same(_profiles(solve_arrays(A2[None], B2[None])[0]), exact)


def test_a_player_indifferent_everywhere_has_gambits_extreme_equilibria_once_each() -> None:
    # Found by Hypothesis: the column player's payoffs all 0. pygambit lists 12 extreme
    # equilibria with repeats, 9 distinct; vertex enumeration gives the same 9, each once.
    A = np.array([[2.0, 1, 1], [4, -5, 1], [1, 1, 1], [1, 4, 1]])
    B = np.zeros((4, 3))
    exact, ours = _gambit(A, B), _profiles(vertex_enumeration_one(A, B))
    assert len(exact) == 12
    assert len(ours) == 9
    assert _same(ours, exact)
    assert not _same(ours[:-1], exact)


MIXED = (np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([[0.0, 1.0], [3.0, 0.0]]))
PD = (np.array([[3.0, 0.0], [5.0, 1.0]]), np.array([[3.0, 5.0], [0.0, 1.0]]))
BATTLE = (np.array([[3.0, 0.0], [0.0, 2.0]]), np.array([[2.0, 0.0], [0.0, 3.0]]))


@pytest.mark.parametrize("method", list(METHODS))
@pytest.mark.parametrize("scale, shift", [(1e9, 0.0), (1.0, 1e9), (1e9, 1e9), (1e-9, 0.0)])
def test_the_issues_games_keep_their_equilibria_at_every_scale(
    method: str, scale: float, shift: float
) -> None:
    # The unique mixed equilibrium of MIXED: the row player mixes (3/4, 1/4), the column
    # player (1/3, 2/3); PD's only equilibrium is (D, D); the battle has two pure and one
    # mixed equilibrium, of which Lemke-Howson reaches the two pure ones.
    x, y = np.array([0.75, 0.25]), np.array([1 / 3, 2 / 3])
    found = solve(MIXED[0] * scale + shift, MIXED[1] * scale + shift, method)
    assert _same(_profiles(found), [np.concatenate([x, y])])
    assert is_equilibrium(MIXED[0] * scale + shift, MIXED[1] * scale + shift, x, y)
    pd = solve(PD[0] * scale + shift, PD[1] * scale + shift, method)
    assert [e.profile for e in pd.equilibria] == [(1, 1)]
    battle = solve(BATTLE[0] * scale + shift, BATTLE[1] * scale + shift, method)
    pure = [e.profile for e in battle.equilibria if e.pure]
    assert sorted(pure) == [(0, 0), (1, 1)]
    assert len(battle) == (2 if method == "lemke_howson" else 3)
    assert (
        battle.equilibria[0].row_payoff
        == pytest.approx(BATTLE[0][battle.equilibria[0].profile or (0, 0)] * scale + shift)
        or not battle.equilibria[0].pure
    )


# ------------------------------------------------------------ constant matrices


def test_rounding_noise_in_a_responder_matrix_is_not_structure() -> None:
    # 0.1 + 0.2 differs from 0.3 by one ulp (5.6e-17): the noisy matrix counts as constant,
    # so the column player is indifferent everywhere, as with the exact matrix.
    A = np.array([[1.0, 0.0], [0.0, 2.0]])
    exact = np.full((2, 2), 0.3)
    noisy = np.array([[0.3, 0.1 + 0.2], [0.1 + 0.2, 0.3]])
    assert noisy.max() - noisy.min() > 0
    assert noisy.max() - noisy.min() <= CONSTANT_RANGE * 0.3
    for method in METHODS:
        assert _same(_profiles(solve(A, noisy, method)), _profiles(solve(A, exact, method)))
    assert _same(_profiles(solve_arrays(A[None], noisy[None])[0]), _profiles(solve(A, exact)))
    assert is_degenerate(A, noisy) and is_degenerate(A, exact)
    # A spread far above rounding is structure, however small the payoffs.
    tiny = np.array([[1e-300, 0.0], [0.0, 1e-300]])
    assert not is_degenerate(A, tiny)
    assert [e.profile for e in solve(A, tiny).equilibria] == [(0, 0), (1, 1), None]


# ------------------------------------------------------------ Lemke-Howson pivot limit


@pytest.mark.parametrize("A, B, label", SLOW_GAMES)
def test_lemke_howson_ends_within_its_pivot_limit_on_the_slow_games(
    A: list[list[int]], B: list[list[int]], label: int
) -> None:
    a, b = np.array(A, dtype=float), np.array(B, dtype=float)
    game = _nashpy._nashpy_game(a, b)
    with warnings.catch_warnings(), pytest.raises(_nashpy._PivotLimit):
        warnings.simplefilter("ignore")  # the overflow that makes the path endless
        _nashpy._lemke_howson_path(game, label)
    found = solve(a, b, "lemke_howson")
    assert f"{PIVOT_LIMIT}_label_{label}" in found.flags
    assert found.equilibria, "every other label or the fallback gives an equilibrium"
    assert all(is_equilibrium(a, b, e.row, e.col) for e in found.equilibria)


def test_lemke_howson_paths_of_ordinary_games_are_nashpys_and_short() -> None:
    import nashpy

    rng = np.random.default_rng(22)
    for _ in range(40):
        m, n = rng.integers(2, 7, size=2)
        A, B = rng.normal(size=(2, m, n))
        game = _nashpy._nashpy_game(A, B)
        for label in range(m + n):
            ours = _nashpy._lemke_howson_path(game, label, limit=100)[0]
            theirs = nashpy.Game(*game.payoff_matrices).lemke_howson(initial_dropped_label=label)
            assert np.array_equal(ours[0], theirs[0]) and np.array_equal(ours[1], theirs[1])
    assert LEMKE_HOWSON_MAX_PIVOTS >= 100


# ------------------------------------------------------------ ties the order decides


def test_a_tie_decided_by_the_order_found_is_flagged() -> None:
    # Stag hunt with a weak stag: the pure equilibria (0, 0) and (1, 1) are the only ones and
    # both are pure, so max_entropy ties them; the order found decides, and says so.
    A = np.array([[2.0, 0.0], [2.0, 1.0]])
    B = A.T.copy()
    eqs = solve(A, B)
    assert [e.profile for e in eqs.equilibria] == [(1, 1), (0, 0)]
    tied = select(eqs, "max_entropy", A, B)
    assert tied.tied and tied.index == 0
    assert tied.reason.endswith("2 tied, first found taken")
    assert not select(eqs, "payoff_dominant", A, B).tied  # (0, 0) pays both more
    assert not select(eqs, "first_found", A, B).tied
    # Pure coordination: (0, 0) and (1, 1) pay both the same and have entropy 0.
    C = np.eye(2)
    coordination = select(solve(C, C), "payoff_dominant", C, C)
    assert coordination.tied and coordination.equilibrium.pure
    # Scaled by 1e9 the payoffs still tie (relative TIE_TOL), and the flag stays.
    big = select(solve(C * 1e9 + 1e9, C * 1e9), "payoff_dominant", C * 1e9 + 1e9, C * 1e9)
    assert big.tied and big.index == coordination.index


# ------------------------------------------------------------ the flagship, times 1e9


def _scaled_flagship(path: Path, factor: float) -> Path:
    """The flagship with every parameter in utility units (``unit = "utility..."``) times
    ``factor``: its value, range and declared distribution; so every payoff is ``factor``
    times the flagship's (the weights that are fractions stay)."""
    text = (ROOT / "scenarios" / "gsomia-2019.toml").read_text(encoding="utf-8")
    sections = re.split(r"(?m)^(?=\[)", text)
    for k, section in enumerate(sections):
        if section.startswith("[parameters.") and re.search(r'(?m)^unit = "utility', section):
            sections[k] = re.sub(
                r"(?m)^(value|range|distribution) = .*$",
                lambda line: re.sub(
                    r"-?\d+\.\d+", lambda x: repr(float(x.group()) * factor), line.group()
                ),
                section,
            )
    scaled = "".join(sections).replace('seeds_dir = "../seeds"', f'seeds_dir = "{ROOT / "seeds"}"')
    path.write_text(scaled, encoding="utf-8")
    return path


def _run(scenario: Path, out: Path) -> dict:
    assert (
        main(
            [
                "--allow-root",  # the scaled copy in tmp_path cites the repository's seeds
                str(ROOT / "seeds"),
                "run",
                str(scenario),
                "--runs",
                "400",
                "--rng-seed",
                "11",
                "--quiet",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return json.loads((out / "summary.json").read_text())


@pytest.mark.slow
def test_the_flagship_times_1e9_gives_the_flagships_summary(tmp_path: Path) -> None:
    plain = _run(_scaled_flagship(tmp_path / "plain.toml", 1.0), tmp_path / "plain")
    big = _run(_scaled_flagship(tmp_path / "big.toml", 1e9), tmp_path / "big")
    payoffs = big.pop("expected_payoffs"), plain.pop("expected_payoffs")
    # The flagship draws its declared distributions (issue 14); the scaled ones are 1e9 times
    # as wide for the utility parameters, and the same unit draws give the same outcomes.
    drawn = big["uncertainty"].pop("parameters"), plain["uncertainty"].pop("parameters")
    assert drawn[0]["korea.trade_stake"]["high"] == pytest.approx(
        drawn[1]["korea.trade_stake"]["high"] * 1e9
    )
    assert drawn[0]["us.pressure_scale"] == drawn[1]["us.pressure_scale"]
    assert big == plain
    for player, value in payoffs[1].items():
        assert payoffs[0][player] == pytest.approx(value * 1e9, rel=1e-9)


def test_solve_json_flags_the_war_of_attritions_tie(capsys: pytest.CaptureFixture[str]) -> None:
    # At its last live epoch the war of attrition has two pure equilibria with the same payoff
    # sum and entropy 0: payoff_dominant takes the first found, and the record says so.
    scenario = str(ROOT / "scenarios" / "war-of-attrition-deadline.toml")
    assert main(["solve", scenario, "--rule", "payoff_dominant", "--path", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    tied = [r for r in out["path"] if r["tied"]]
    assert [r["epoch"] for r in tied] == [240]
    assert tied[0]["reason"].endswith("2 tied, broken by largest entropy, then first found")
    assert all(r["tied"] == ("first found" in r["reason"]) for r in out["path"])
    assert out["selected"]["tied"] is False


def test_the_war_of_attrition_at_400_epochs_flags_the_tie_max_entropy_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The issue's case: at 400 epochs, max_entropy finds three equally pure equilibria at the
    # degenerate epoch and takes the first found (one player concedes for sure): flagged.
    text = (ROOT / "scenarios" / "war-of-attrition-deadline.toml").read_text(encoding="utf-8")
    assert "\nepochs = 401\n" in text
    scenario = tmp_path / "woa-400.toml"
    text = text.replace("\nepochs = 401\n", "\nepochs = 400\n")
    text = text.replace('seeds_dir = "../seeds"', f'seeds_dir = "{ROOT / "seeds"}"')
    scenario.write_text(text, encoding="utf-8")
    assert (
        main(["--allow-root", str(ROOT / "seeds"), "solve", str(scenario), "--path", "--json"]) == 0
    )
    tied = [r for r in json.loads(capsys.readouterr().out)["path"] if r["tied"]]
    assert [r["epoch"] for r in tied] == [240]
    assert tied[0]["reason"].endswith("3 tied, first found taken")
    assert tied[0]["row_strategy"] == {"wait": 0.0, "concede": 1.0}
