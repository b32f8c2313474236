"""Drawing the declared parameter distributions (issue 14): the values the issue asks for."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.cli import main
from sim.scenario import Beta, LogNormal, Triangular, TruncatedNormal, Uniform
from sim.simulate import draw_blocks, parameter_draws, quantile, simulate_drawn, variance_split
from sim.simulate._draws import children
from sim.simulate._uncertain import _group

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
DRAWN = ["korea.trade_stake", "korea.audience_cost", "korea.us_cost", "us.pressure_scale"]
#: The other three at their point values and no shocks: korea.audience_cost alone is drawn.
AUDIENCE_ONLY = {
    "korea.trade_stake": 10.0,
    "korea.us_cost": 3.0,
    "us.pressure_scale": 1.0,
    "pressure.shocks.rate_per_day": 0.0,
}
#: Where the lapse begins: Korea's audience cost against 7 units of suspension, x 0.85.
TIPPING = 7 / 0.85


@pytest.fixture(scope="module")
def audience_only() -> sim.RunResult:
    return sim.run(GSOMIA, runs=400, rng_seed=3, overrides=AUDIENCE_ONLY, draws=200)


def test_the_flagship_draws_its_four_distributions_by_default() -> None:
    result = sim.run(GSOMIA, runs=40, rng_seed=0, draws=4)
    assert result.manifest["parameters"]["uncertainty"]["drawn"] == DRAWN
    assert result.runs["draw"].tolist() == [d for d in range(4) for _ in range(10)]
    for name in DRAWN:  # each draw's value, the same on all its paths, inside its range
        per_draw = result.runs.groupby("draw")[name].nunique()
        assert (per_draw == 1).all()
        dist = result.scenario.parameters[name].distribution
        assert isinstance(dist, Uniform)
        assert result.runs[name].between(dist.low, dist.high).all()


@pytest.mark.slow
def test_one_uniform_parameter_gives_the_share_of_its_range(audience_only: sim.RunResult) -> None:
    runs = audience_only.runs
    assert audience_only.manifest["parameters"]["uncertainty"]["drawn"] == ["korea.audience_cost"]
    lapse = runs["outcome"] == "lapse"
    # every path lapses exactly when its draw lies beyond the tipping point
    assert (lapse == (runs["korea.audience_cost"] > TIPPING)).all()
    p = audience_only.summary["outcomes"]["lapse"]["probability"]
    want = (11 - TIPPING) / 6
    assert math.isclose(want, 0.4608, abs_tol=1e-4)
    assert abs(p - want) < 3 * math.sqrt(want * (1 - want) / 200)  # 200 draws
    # the shocks are off and play is pure: the parameters explain all the variance
    split = audience_only.summary["uncertainty"]["outcomes"]["lapse"]
    assert split["variance_shocks"] == 0.0
    assert math.isclose(split["variance_parameters"], p * (1 - p), rel_tol=1e-12)
    assert math.isclose(split["share_parameters"], 1.0, rel_tol=1e-12)


def test_every_distribution_pinned_gives_the_fixed_run_bit_for_bit() -> None:
    base = sim.load(GSOMIA)
    points = {name: base.parameters[name].value for name in DRAWN}
    pinned = sim.run(base, runs=300, rng_seed=5, overrides=points)
    fixed = sim.run(base, runs=300, rng_seed=5, fixed=True)
    assert pinned.manifest["parameters"]["uncertainty"] == {"mode": "fixed", "drawn": []}
    assert pinned.summary == fixed.summary
    pd.testing.assert_frame_equal(pinned.runs, fixed.runs, check_exact=True)
    pd.testing.assert_frame_equal(pinned.events, fixed.events, check_exact=True)


def test_the_variance_split_by_hand() -> None:
    """Two draws of four paths: lapse on 1 of 4 and on 3 of 4. Total variance 1/4 (p = 1/2);
    between draws (1/4 - 1/2)^2 = 1/16; within 3/16, the mean of 3/16 and 3/16."""
    base = sim.load(GSOMIA)
    outcomes = ["lapse", *["suspension_for_talks"] * 3, *["lapse"] * 3, "suspension_for_talks"]
    runs = pd.DataFrame({"draw": [0] * 4 + [1] * 4, "outcome": outcomes})
    split = variance_split(base, runs, DRAWN, "sobol")["outcomes"]["lapse"]
    assert split["variance"] == 0.25
    assert split["variance_parameters"] == 1 / 16
    assert split["variance_shocks"] == 3 / 16
    assert split["share_parameters"] == 0.25
    assert split["per_draw_q05"] == pytest.approx(0.25 + 0.05 * 0.5)


def test_the_variance_split_sums_to_the_total_on_the_flagship() -> None:
    result = sim.run(GSOMIA, runs=600, rng_seed=2, draws=20)
    for oid, split in result.summary["uncertainty"]["outcomes"].items():
        p = result.summary["outcomes"][oid]["probability"]
        indicator = (result.runs["outcome"] == oid).to_numpy(dtype=float)
        assert math.isclose(split["variance"], float(np.var(indicator)), abs_tol=1e-12)
        parts = split["variance_parameters"] + split["variance_shocks"]
        assert math.isclose(parts, p * (1 - p), abs_tol=1e-12)


def test_a_draw_and_its_paths_follow_from_seed_draw_and_path() -> None:
    """Each draw simulated on its own (as any executor may group them) gives its rows."""
    base = sim.load(GSOMIA)
    values = parameter_draws(base, DRAWN, 5, 9, "lhs")
    whole = simulate_drawn(base, DRAWN, values, 50, 9).runs
    for d, block in enumerate(draw_blocks(50, 5)):
        seeds = [children(9, 50)[i] for i in block]
        alone = _group(base, DRAWN, [(d, block, values[d].tolist())], seeds).runs
        rows = whole.iloc[block.start : block.stop].reset_index(drop=True)
        pd.testing.assert_frame_equal(rows, alone, check_exact=True)
    replayed = sim.run(base, runs=50, rng_seed=9, draws=5, sampler="lhs", replay=23).runs
    row = whole.iloc[[23]].reset_index(drop=True)
    pd.testing.assert_frame_equal(replayed[row.columns], row, check_exact=True)


@pytest.mark.slow
def test_the_same_seed_gives_the_same_tables_with_one_or_two_workers() -> None:
    one = sim.run(GSOMIA, runs=2400, rng_seed=4, draws=24, workers=1)
    two = sim.run(GSOMIA, runs=2400, rng_seed=4, draws=24, workers=2)
    pd.testing.assert_frame_equal(one.runs, two.runs, check_exact=True)
    pd.testing.assert_frame_equal(one.events, two.events, check_exact=True)
    assert one.summary == two.summary


def test_the_design_is_seeded_and_stratified() -> None:
    base = sim.load(GSOMIA)
    for sampler in ("sobol", "lhs"):
        a = parameter_draws(base, DRAWN, 16, 1, sampler)  # type: ignore[arg-type]
        assert np.array_equal(a, parameter_draws(base, DRAWN, 16, 1, sampler))  # type: ignore[arg-type]
        assert not np.array_equal(a, parameter_draws(base, DRAWN, 16, 2, sampler))  # type: ignore[arg-type]
    # Latin hypercube: one draw in each sixteenth of korea.audience_cost's range [5, 11]
    lhs = parameter_draws(base, DRAWN, 16, 1, "lhs")[:, 1]
    assert sorted(np.floor((lhs - 5) / 6 * 16).astype(int).tolist()) == list(range(16))


@pytest.mark.parametrize(
    ("dist", "frozen"),
    [
        (Uniform(kind="uniform", low=5, high=11), stats.uniform(5, 6)),
        (
            TruncatedNormal(kind="truncated_normal", mean=1, sd=2, low=0, high=3),
            stats.truncnorm(-0.5, 1.0, loc=1, scale=2),
        ),
        (LogNormal(kind="lognormal", median=10, sigma=1), stats.lognorm(1, scale=10)),
        (Beta(kind="beta", a=2, b=5, low=1, high=3), stats.beta(2, 5, loc=1, scale=2)),
        (Triangular(kind="triangular", low=0, mode=1, high=4), stats.triang(0.25, 0, 4)),
    ],
)
def test_quantiles_invert_each_distribution(dist: object, frozen: object) -> None:
    u = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
    x = quantile(dist, u)  # type: ignore[arg-type]
    np.testing.assert_allclose(frozen.cdf(x), u, rtol=1e-9)  # type: ignore[attr-defined]


def test_new_distributions_load_and_bad_bounds_are_rejected(tmp_path: Path) -> None:
    text = GSOMIA.read_text()
    old = 'distribution = { kind = "uniform", low = 5.0, high = 11.0 }'
    new = "{ kind = 'truncated_normal', mean = 8.0, sd = 1.5, low = 5.0, high = 11.0 }"
    scenario = sim.load(_copy(tmp_path, text.replace(old, f"distribution = {new}")))
    dist = scenario.parameters["korea.audience_cost"].distribution
    assert dist == TruncatedNormal(kind="truncated_normal", mean=8, sd=1.5, low=5, high=11)
    bad = "{ kind = 'beta', a = 2.0, b = 2.0, low = 3.0, high = 1.0 }"
    with pytest.raises(sim.ScenarioError, match="beta needs low < high"):
        sim.load(_copy(tmp_path, text.replace(old, f"distribution = {bad}")))


def _copy(tmp_path: Path, text: str) -> Path:
    """The flagship's text in a copy that finds its seeds (by an absolute seeds_dir)."""
    path = tmp_path / "copy.toml"
    seeds = (ROOT / "seeds").as_posix()
    path.write_text(text.replace('seeds_dir = "../seeds"', f'seeds_dir = "{seeds}"'))
    return path


@pytest.fixture(autouse=True)
def _repository_seeds() -> Iterator[None]:
    """The copies in tmp_path cite the repository's seeds, outside their project (#21)."""
    with sim.scenario.allow_roots([ROOT / "seeds"]):
        yield


def test_the_cli_says_it_drew_in_its_first_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run", str(GSOMIA), "--runs", "40", "--draws", "4", "--out", str(tmp_path / "d")]
    assert main(args) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("drawn: 4 sobol draws of korea.trade_stake")
    summary = json.loads((tmp_path / "d" / "summary.json").read_text())
    assert summary["uncertainty"]["draws"] == 4
    assert main([*args[:-1], str(tmp_path / "f"), "--fixed"]) == 0
    assert capsys.readouterr().out.startswith("fixed: the point values")
    assert "draw" not in pd.read_parquet(tmp_path / "f" / "runs.parquet")
    assert main([*args[:4], "--draws", "41"]) == 2


def test_a_counterfactual_value_is_not_drawn_away() -> None:
    """no-us-pressure sets us.pressure_scale = 0; the base's U[0.5, 1.5] must not draw it."""
    scenario = sim.load(ROOT / "scenarios" / "gsomia-2019-no-us-pressure.toml")
    assert scenario.parameters["us.pressure_scale"].distribution is None
    assert scenario.parameters["korea.audience_cost"].distribution is not None
    result = sim.run(scenario, runs=20, rng_seed=0, draws=2)
    assert "us.pressure_scale" not in result.runs
    assert result.manifest["parameters"]["values"]["us.pressure_scale"] == 0.0


def test_the_tipping_point_of_the_audience_cost_is_seven_over_085(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Shocks off: the flip is the deadline game's, 7 / 0.85, found to 0.1 % of [5, 11]; the
    share of the range beyond it is the drawn P(lapse) of the check above."""
    argv = ["solve", str(GSOMIA), "--tipping", "--json", "--tipping-runs", "10"]
    pins = ["--set", "pressure.shocks.rate_per_day=0", "--set", "korea.us_cost=3"]
    pins += ["--set", "us.pressure_scale=1", "--set", "korea.trade_stake=10"]
    assert main([*argv, *pins]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["parameter"] == "korea.audience_cost"
    assert abs(row["at"] - TIPPING) <= 1e-3 * 6
    assert (row["below"], row["above"]) == ("suspension_for_talks", "lapse")
    assert row["distance"] == pytest.approx((row["at"] - 8.0) / 6)
    assert (11 - row["at"]) / 6 == pytest.approx(0.4608, abs=1e-3)


@pytest.mark.slow
def test_a_swept_parameter_alone_uses_its_declared_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s"
    argv = ["sweep", str(GSOMIA), "--param", "korea.audience_cost", "--runs", "5"]
    assert main([*argv, "--rng-seed", "1", "--quiet", "--out", str(out)]) == 0
    results = pd.read_parquet(out / "results.parquet")
    assert results["korea.audience_cost"].tolist() == np.linspace(0.0, 20.0, 9).tolist()
    capsys.readouterr()
    assert main(["sweep", str(GSOMIA), "--param", "no.such", "--quiet"]) == 2
    assert "--param no.such: is not a parameter" in capsys.readouterr().err


@pytest.mark.slow
def test_an_index_that_is_na_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sweep", str(GSOMIA), "--param", "korea.audience_cost=5:11"]
    argv += ["--param", "us.pressure_scale=0.5:1.5", "--design", "sobol", "--samples", "4"]
    assert main([*argv, "--runs", "5", "--out", str(tmp_path / "s")]) == 0
    out = capsys.readouterr().out
    assert "n/a: p_curbs_lifted, p_korea_backs_down: constant over the points" in out


def test_prim_finds_the_box_where_an_outcome_is_likely() -> None:
    """On a 21 x 21 grid where lapse is certain exactly for a > 8 and b > 1."""
    from sim.experiments import prim_boxes

    a, b = np.meshgrid(np.linspace(5, 11, 21), np.linspace(0.5, 1.5, 21))
    inside = (a > 8) & (b > 1)
    results = pd.DataFrame(
        {"a": a.ravel(), "b": b.ravel(), "p_lapse": inside.ravel() * 1.0, "p_never": 0.0}
    )
    boxes = prim_boxes(results, ["a", "b"])
    assert boxes["never"] == {"note": "likely at no point"}
    box = boxes["lapse"]
    assert box["density"] == 1.0 and box["coverage"] > 0.8
    assert box["limits"]["a"][0] > 8 and box["limits"]["b"][0] > 1
    assert box["mass"] == pytest.approx(box["coverage"] * inside.mean())
    assert box["trajectory"][0]["mass"] == 1.0
