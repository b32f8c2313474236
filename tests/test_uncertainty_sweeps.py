"""Sweeps that sample the declared distributions, and PRIM boxes in the sweep report (#14)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.cli import main
from sim.experiments import MORRIS_LEVELS, ParamSpec, declared_param, expand
from sim.report import sweep_figures
from sim.report._data import scenario_info
from sim.scenario import Beta, TruncatedNormal

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
TRUNCATED = TruncatedNormal(kind="truncated_normal", mean=8.0, sd=1.5, low=5.0, high=11.0)
BETA = Beta(kind="beta", a=2.0, b=5.0, low=0.5, high=1.5)
FROZEN = {
    "a": stats.truncnorm(-2.0, 2.0, loc=8.0, scale=1.5),
    "b": stats.beta(2.0, 5.0, loc=0.5, scale=1.0),
}
SPECS = [ParamSpec("a", distribution=TRUNCATED), ParamSpec("b", distribution=BETA)]
PROBABILITIES = np.linspace(0.05, 0.95, 19)


@pytest.mark.parametrize(
    ("design", "samples", "tolerance"), [("lhs", 400, 0.005), ("sobol", 256, 0.01)]
)
def test_a_sampled_design_draws_the_declared_distributions(
    design: str, samples: int, tolerance: float
) -> None:
    """The empirical quantiles of each column are the distribution's: the distribution
    function at them is the probability, within a stratified design's error."""
    points = expand(SPECS, design, samples, rng_seed=7)
    for name, frozen in FROZEN.items():
        x = points[name].to_numpy()
        assert frozen.support()[0] <= x.min() and x.max() <= frozen.support()[1]
        found = frozen.cdf(np.quantile(x, PROBABILITIES))
        np.testing.assert_allclose(found, PROBABILITIES, atol=tolerance)
        # and not the range's uniform: the truncated normal's middle half is [7.0, 9.0]
    assert np.quantile(points["a"], [0.25, 0.75]) == pytest.approx(
        FROZEN["a"].ppf([0.25, 0.75]), abs=0.05
    )


def test_morris_takes_the_quantiles_at_the_middles_of_its_levels() -> None:
    points = expand(SPECS, "morris", 6, rng_seed=3)
    middles = (np.arange(MORRIS_LEVELS) + 0.5) / MORRIS_LEVELS
    for name, frozen in FROZEN.items():
        assert set(np.round(points[name], 9)) <= set(np.round(frozen.ppf(middles), 9))


def test_a_grid_cannot_sample_a_distribution() -> None:
    with pytest.raises(sim.SimError, match="a grid cannot sample a distribution"):
        expand(SPECS, "grid")


def test_declared_param_picks_the_distribution_only_when_asked() -> None:
    base = sim.load(GSOMIA)
    drawn = declared_param(base, "korea.audience_cost", "lhs", from_distribution=True)
    assert drawn.distribution == base.parameters["korea.audience_cost"].distribution
    assert drawn.text() == "korea.audience_cost~uniform(low=5, high=11)"
    ranged = declared_param(base, "korea.audience_cost", "lhs")
    assert (ranged.start, ranged.stop, ranged.distribution) == (0.0, 20.0, None)
    on_grid = declared_param(base, "korea.audience_cost", "grid", from_distribution=True)
    assert on_grid.n == 9 and on_grid.distribution is None


@pytest.fixture(autouse=True)
def _repository_seeds() -> Iterator[None]:
    with sim.scenario.allow_roots([ROOT / "seeds"]):
        yield


def _truncated_flagship(tmp_path: Path) -> Path:
    """The flagship with korea.audience_cost ~ truncated normal(8, 1.5) on [5, 11]."""
    text = GSOMIA.read_text()
    old = 'distribution = { kind = "uniform", low = 5.0, high = 11.0 }'
    new = "{ kind = 'truncated_normal', mean = 8.0, sd = 1.5, low = 5.0, high = 11.0 }"
    assert old in text
    text = text.replace(old, f"distribution = {new}")
    path = tmp_path / "truncated.toml"
    path.write_text(text.replace('seeds_dir = "../seeds"', f'seeds_dir = "{ROOT / "seeds"}"'))
    return path


@pytest.fixture(scope="module")
def drawn_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sweep of the truncated normal (drawn) and us.pressure_scale (its range), with PRIM."""
    tmp = tmp_path_factory.mktemp("sweep")
    with sim.scenario.allow_roots([ROOT / "seeds"]):
        path = _truncated_flagship(tmp)
        argv = ["sweep", str(path), "--design", "lhs", "--samples", "24", "--from-distributions"]
        argv += ["--param", "korea.audience_cost", "--param", "us.pressure_scale=0.5:1.5"]
        argv += ["--runs", "8", "--set", "schedule.epochs=20", "--prim", "--quiet"]
        assert main([*argv, "--workers", "1", "--out", str(tmp / "s")]) == 0
    return tmp / "s"


def test_the_command_line_sweeps_the_declared_distribution(drawn_sweep: Path) -> None:
    results = pd.read_parquet(drawn_sweep / "results.parquet")
    manifest = json.loads((drawn_sweep / "manifest.json").read_text())
    params = manifest["parameters"]["sweep"]["params"]
    assert params == [
        "korea.audience_cost~truncated_normal(mean=8, sd=1.5, low=5, high=11)",
        "us.pressure_scale=0.5:1.5",
    ]
    specs = [ParamSpec("korea.audience_cost", distribution=TRUNCATED)]
    specs.append(ParamSpec("us.pressure_scale", start=0.5, stop=1.5))
    want = expand(specs, "lhs", 24, rng_seed=0)
    np.testing.assert_array_equal(results["korea.audience_cost"], want["korea.audience_cost"])
    np.testing.assert_array_equal(results["us.pressure_scale"], want["us.pressure_scale"])
    # 24 stratified draws of the truncated normal: each twenty-fourth of probability has one
    cells = np.floor(FROZEN["a"].cdf(results["korea.audience_cost"]) * 24).astype(int)
    assert sorted(cells.tolist()) == list(range(24))


def test_the_sweep_report_shows_the_prim_boxes(drawn_sweep: Path) -> None:
    boxes = json.loads((drawn_sweep / "prim.json").read_text())
    with_box = {k: b for k, b in boxes.items() if not b["note"]}
    assert with_box, boxes  # the lapse and the suspension split the points
    page = (drawn_sweep / "report.html").read_text()
    assert '<section id="prim-boxes">' in page
    table = page.split('<section id="prim-boxes">', 1)[1].split("</section>", 1)[0]
    for box in with_box.values():
        for name, (lo, hi) in box["limits"].items():
            assert f"<code>{name}</code> in [{lo:.4g}, {hi:.4g}]" in table
        cells = "".join(f'<td class="num">{box[k]:.3f}</td>' for k in ("coverage", "density"))
        assert cells in table
    for box in boxes.values():
        if box["note"]:
            assert f"no box: {box['note']}" in table
    # the figure's data are the PRIM result's trajectory and chosen box
    results = pd.read_parquet(drawn_sweep / "results.parquet")
    manifest = json.loads((drawn_sweep / "manifest.json").read_text())
    info = scenario_info(sim.load(GSOMIA))
    fig = sweep_figures(results, None, manifest, info, boxes)["prim"]
    traces = iter(fig.data)
    for box in with_box.values():
        path, star = next(traces), next(traces)
        assert list(path.x) == [s["coverage"] for s in box["trajectory"]]
        assert list(path.y) == [s["density"] for s in box["trajectory"]]
        assert list(path.customdata) == [s["mass"] for s in box["trajectory"]]
        assert (star.x[0], star.y[0]) == (box["coverage"], box["density"])
    assert 'id="fig-prim"' in page


def test_a_sweep_without_prim_has_no_box_section(drawn_sweep: Path) -> None:
    results = pd.read_parquet(drawn_sweep / "results.parquet")
    manifest = json.loads((drawn_sweep / "manifest.json").read_text())
    info = scenario_info(sim.load(GSOMIA))
    assert "prim" not in sweep_figures(results, None, manifest, info)
