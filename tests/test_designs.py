"""Experiment designs: parsing ``--param`` and expanding designs into points."""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import SimError
from sim.experiments import ParamSpec, expand, parse_param, problem


def test_a_range_with_n_gives_evenly_spaced_values_with_both_ends() -> None:
    spec = parse_param("us.pressure_scale=0:2:9")
    assert spec == ParamSpec("us.pressure_scale", start=0.0, stop=2.0, n=9)
    assert spec.values() == (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
    assert parse_param("window.days=30:92:5").values() == (30.0, 45.5, 61.0, 76.5, 92.0)


def test_listed_values_and_ranges_without_n() -> None:
    assert parse_param("korea.audience_cost=0.5,1,2").values() == (0.5, 1.0, 2.0)
    spec = parse_param("x=-1:3")
    assert (spec.start, spec.stop, spec.n, spec.has_range) == (-1.0, 3.0, None, True)
    assert parse_param(spec.text()) == spec


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x", "expected NAME=START:STOP:N"),
        ("x=1:2:3:4", "expected START:STOP"),
        ("x=0:1:0", "N must be a positive integer"),
        ("x=0:1:2.5", "N must be a positive integer"),
        ("x=2:1:3", "START must not exceed STOP"),
        ("x=1,nan", "is not a finite number"),
        ("x=a:1:2", "is not a finite number"),
    ],
)
def test_malformed_params_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(SimError, match=message):
        parse_param(text)


def test_a_grid_is_the_cartesian_product_in_row_major_order() -> None:
    points = expand([parse_param("a=0:1:2"), parse_param("b=5,6,7")])
    assert list(points.columns) == ["point", "a", "b"]
    assert points["point"].tolist() == list(range(6))
    assert points[["a", "b"]].values.tolist() == [
        [0, 5],
        [0, 6],
        [0, 7],
        [1, 5],
        [1, 6],
        [1, 7],
    ]


@pytest.mark.parametrize(
    ("design", "samples", "rows"),
    [("lhs", 10, 10), ("sobol", 16, 16 * (3 + 2)), ("morris", 5, 5 * (3 + 1))],
)
def test_sampled_designs_have_the_documented_size_stay_in_bounds_and_repeat(
    design: str, samples: int, rows: int
) -> None:
    specs = [parse_param("a=0:1"), parse_param("b=-2:2"), parse_param("c=10:20:3")]
    points = expand(specs, design, samples, rng_seed=4)
    assert len(points) == rows
    for spec in specs:
        assert spec.start is not None and spec.stop is not None
        assert points[spec.name].between(spec.start, spec.stop).all()
        assert points[spec.name].nunique() > 1
    assert points.equals(expand(specs, design, samples, rng_seed=4))
    assert not points.equals(expand(specs, design, samples, rng_seed=5))


def test_a_latin_hypercube_puts_one_point_in_each_stratum() -> None:
    points = expand([parse_param("a=0:1"), parse_param("b=0:10")], "lhs", 8, rng_seed=0)
    for name, width in (("a", 1.0), ("b", 10.0)):
        strata = np.floor(points[name].to_numpy() / width * 8).astype(int)
        assert sorted(strata) == list(range(8))


@pytest.mark.parametrize(
    ("params", "design", "samples", "message"),
    [
        (["a=0:1:2"], "grid", 4, "a grid takes its size"),
        (["a=0:1"], "grid", None, "a grid needs"),
        (["a=1,2"], "sobol", 8, "needs a range"),
        (["a=1:1"], "lhs", 8, "needs a range"),
        (["a=0:1"], "sobol", 12, "power of 2"),
        (["a=0:1"], "morris", None, "needs a positive integer"),
        (["a=0:1:2", "a=1,2"], "grid", None, "given twice"),
        (["a=0:1:2"], "factorial", None, "expected one of"),
        ([], "grid", None, "at least one"),
    ],
)
def test_invalid_designs_are_rejected(
    params: list[str], design: str, samples: int | None, message: str
) -> None:
    with pytest.raises(SimError, match=message):
        expand([parse_param(p) for p in params], design, samples)


def test_the_salib_problem_lists_names_and_bounds() -> None:
    spec = problem([parse_param("a=0:1"), parse_param("b=-2:2:5")])
    assert spec == {"num_vars": 2, "names": ["a", "b"], "bounds": [[0.0, 1.0], [-2.0, 2.0]]}
