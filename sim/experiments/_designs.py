"""Experiment designs: which parameter values a sweep simulates.

A parameter is given as ``NAME=START:STOP:N`` (``N`` evenly spaced values, both ends
included), ``NAME=START:STOP`` (a range, for the sampled designs) or ``NAME=V1,V2,...``
(listed values, for a grid). :func:`expand` turns the parameters into a table of points:

- ``grid``: every combination of the values;
- ``lhs``: ``samples`` points of a Latin hypercube over the ranges;
- ``sobol``: Saltelli's extension of a Sobol sequence (SALib), ``samples * (d + 2)`` points
  for ``d`` parameters, from which first-order and total Sobol indices can be estimated;
- ``morris``: ``samples`` Morris trajectories (SALib), ``samples * (d + 1)`` points.

A parameter of a sampled design may instead be drawn from its declared distribution
(:class:`ParamSpec` with a ``distribution``; ``negsim sweep --param NAME
--from-distributions``): the design is made on the unit interval for it and mapped through the
distribution's quantile function (:func:`sim.simulate.quantile`), so a Latin hypercube or a
Sobol' sample of the unit cube becomes one of the distributions. Morris levels ``0, 1/3, 2/3,
1`` are taken at the middles of their quarters, ``1/8, 3/8, 5/8, 7/8``, so that an unbounded
distribution's levels are finite.

Everything here is a pure function of its arguments: the same call gives the same table.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ArgumentError, SimError
from sim.scenario import Distribution, Scenario
from sim.simulate import quantile

__all__ = [
    "DESIGNS",
    "MORRIS_LEVELS",
    "Design",
    "ParamSpec",
    "declared_param",
    "expand",
    "parse_param",
    "problem",
]

#: Levels of the Morris grid (SALib's default).
MORRIS_LEVELS = 4
#: A design's points from the swept parameters, its size and the rng seed.
Points = Callable[[Sequence["ParamSpec"], int | None, int], Any]


@dataclass(frozen=True)
class Design:
    """One experiment design.

    Attributes
    ----------
    name:
        As ``negsim sweep --design`` and ``sim.sweep(design=...)`` name it.
    description:
        One line, for ``--help`` and the docs.
    samples:
        What its size (``samples``) counts, or ``None`` when it takes no size (a grid).
    points:
        The design's points, one row per point, one column per parameter.
    analysis:
        The sensitivity analysis its points allow (``sobol``, ``morris``), if any.
    """

    name: str
    description: str
    samples: str | None
    points: Points
    analysis: str | None = None


@dataclass(frozen=True)
class ParamSpec:
    """One swept parameter: a range ``[start, stop]`` (with ``n`` grid values), values, or a
    ``distribution`` to draw from (sampled designs only)."""

    name: str
    start: float | None = None
    stop: float | None = None
    n: int | None = None
    listed: tuple[float, ...] | None = None
    distribution: Distribution | None = None

    @property
    def has_range(self) -> bool:
        return self.start is not None and self.stop is not None

    def values(self) -> tuple[float, ...]:
        """The grid values: the listed ones, or ``n`` evenly spaced over the range."""
        if self.listed is not None:
            return self.listed
        if self.n is None or self.start is None or self.stop is None:
            raise ArgumentError("param", self.text(), "a grid needs NAME=START:STOP:N or a list")
        return tuple(float(v) for v in np.linspace(self.start, self.stop, self.n))

    def text(self) -> str:
        """The ``NAME=...`` form this spec was (or could have been) parsed from; ``NAME~KIND(...)``
        for a distribution."""
        if self.distribution is not None:
            d = self.distribution.model_dump()
            args = ", ".join(f"{k}={v:g}" for k, v in d.items() if k != "kind")
            return f"{self.name}~{d['kind']}({args})"
        if self.listed is not None:
            return f"{self.name}={','.join(f'{v:g}' for v in self.listed)}"
        tail = f":{self.n}" if self.n is not None else ""
        return f"{self.name}={self.start:g}:{self.stop:g}{tail}"


def _number(text: str, whole: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ArgumentError("param", whole, f"{text!r} is not a finite number")
    return value


def parse_param(text: str) -> ParamSpec:
    """``"a.b=0:2:9"``, ``"a.b=0:2"`` or ``"a.b=1,2,5"`` to a :class:`ParamSpec`.

    Examples
    --------
    >>> parse_param("us.pressure_scale=0:2:5").values()
    (0.0, 0.5, 1.0, 1.5, 2.0)
    >>> parse_param("window.days=30,61,92").values()
    (30.0, 61.0, 92.0)
    """
    name, sep, rest = text.partition("=")
    name = name.strip()
    if not sep or not name or not rest.strip():
        raise ArgumentError("param", text, "expected NAME=START:STOP:N or NAME=V1,V2,...")
    if ":" in rest:
        parts = rest.split(":")
        if len(parts) not in (2, 3):
            raise ArgumentError("param", text, "expected START:STOP or START:STOP:N")
        start, stop = _number(parts[0], text), _number(parts[1], text)
        n = None
        if len(parts) == 3:
            if not parts[2].strip().isdigit() or int(parts[2]) < 1:
                raise ArgumentError("param", text, "N must be a positive integer")
            n = int(parts[2])
            if n == 1 and start != stop:
                raise ArgumentError("param", text, "one value needs START == STOP")
        if start > stop:
            raise ArgumentError("param", text, "START must not exceed STOP")
        return ParamSpec(name, start=start, stop=stop, n=n)
    listed = tuple(_number(v, text) for v in rest.split(","))
    return ParamSpec(name, listed=listed)


def declared_param(
    scenario: Scenario, name: str, design: str, from_distribution: bool = False
) -> ParamSpec:
    """``--param NAME`` alone: the parameter's declared ``distribution`` (with
    ``from_distribution``, on a sampled design) or its declared ``range`` (9 values on a grid).

    Raises
    ------
    ArgumentError
        When ``name`` is not a parameter of the scenario or declares neither.
    """
    parameter = scenario.parameters.get(name)
    if parameter is None:
        raise ArgumentError("param", name, "is not a parameter; give NAME=START:STOP[:N]")
    if from_distribution and design != "grid" and parameter.distribution is not None:
        return ParamSpec(name, distribution=parameter.distribution)
    if parameter.range is None:
        raise ArgumentError("param", name, "declares no range; give NAME=START:STOP[:N]")
    low, high = parameter.range
    return ParamSpec(name, start=low, stop=high, n=DECLARED_GRID if design == "grid" else None)


#: Grid values of a ``--param NAME`` given without a range.
DECLARED_GRID = 9


def problem(params: Sequence[ParamSpec]) -> dict[str, Any]:
    """The SALib problem of ranged parameters (``num_vars``, ``names``, ``bounds``); a
    parameter drawn from a distribution has the unit interval (see the module docstring)."""
    for p in params:
        if p.distribution is not None:
            continue
        if not p.has_range or p.start == p.stop:
            rule = "this design needs a range NAME=START:STOP with START < STOP"
            raise ArgumentError("param", p.text(), rule)
    return {
        "num_vars": len(params),
        "names": [p.name for p in params],
        "bounds": [[0.0, 1.0] if p.distribution else [p.start, p.stop] for p in params],
    }


def expand(
    params: Sequence[ParamSpec],
    design: str = "grid",
    samples: int | None = None,
    rng_seed: int = 0,
) -> pd.DataFrame:
    """The points of a design: a ``point`` column (0, 1, ...) and one column per parameter.

    Parameters
    ----------
    design:
        ``grid``, ``lhs``, ``sobol`` or ``morris`` (see the module docstring).
    samples:
        Points of a Latin hypercube; base samples of a Sobol design (a power of 2);
        trajectories of a Morris design. Not used by a grid.
    rng_seed:
        Seeds the sampled designs (scrambling, trajectories), so they are reproducible.

    Examples
    --------
    >>> specs = [parse_param("x=0:1:2"), parse_param("y=5,6,7")]
    >>> expand(specs)
       point    x    y
    0      0  0.0  5.0
    1      1  0.0  6.0
    2      2  0.0  7.0
    3      3  1.0  5.0
    4      4  1.0  6.0
    5      5  1.0  7.0
    """
    if not params:
        raise SimError("a sweep needs at least one parameter")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise SimError(f"params: a parameter is given twice: {', '.join(names)}")
    if design not in DESIGNS:
        raise ArgumentError("design", design, f"expected one of {', '.join(DESIGNS)}")
    chosen = DESIGNS[design]
    if chosen.samples is None and samples is not None:
        raise ArgumentError("samples", samples, "a grid takes its size from the parameters' values")
    if chosen.samples is not None and (samples is None or samples < 1):
        raise ArgumentError(
            "samples", samples, f"design {design} needs a positive integer ({chosen.samples})"
        )
    _check_size(params, design, samples)
    drawn = [p for p in params if p.distribution is not None]
    if drawn and design == "grid":
        rule = "a grid cannot sample a distribution; use --design lhs, sobol or morris"
        raise ArgumentError("param", drawn[0].text(), rule)
    matrix = np.array(chosen.points(params, samples, rng_seed), dtype=float)
    for j, p in enumerate(params):
        if p.distribution is not None:
            matrix[:, j] = _from_unit(p.distribution, matrix[:, j], design)
    frame = pd.DataFrame(matrix, columns=names)
    frame.insert(0, "point", np.arange(len(frame), dtype=np.int64))
    return frame


#: Unit values are kept this far inside (0, 1), where an unbounded quantile is infinite.
UNIT_MARGIN = 1e-12


def _from_unit(dist: Distribution, u: np.ndarray, design: str) -> np.ndarray:
    """A design's unit values of one parameter as values of its distribution."""
    if design == "morris":  # levels k / (L - 1) to the middles of L equal parts
        u = (u * (MORRIS_LEVELS - 1) + 0.5) / MORRIS_LEVELS
    return quantile(dist, np.clip(u, UNIT_MARGIN, 1 - UNIT_MARGIN))


#: Most points of a design (each point is a simulation of ``runs`` paths).
MAX_POINTS = 100_000


def _check_size(params: Sequence[ParamSpec], design: str, samples: int | None) -> None:
    """That a design has at most :data:`MAX_POINTS` points, counted before any is made."""
    d = len(params)
    if design == "grid":
        size = math.prod(len(p.listed) if p.listed is not None else (p.n or 1) for p in params)
        if size > MAX_POINTS:
            rule = f"the grid has {size} points, more than {MAX_POINTS} (the limit on points)"
            raise ArgumentError("param", " ".join(p.text() for p in params), rule)
        return
    per = {"sobol": d + 2, "morris": d + 1}.get(design, 1)
    if samples is not None and samples * per > MAX_POINTS:
        rule = (
            f"the design has {samples * per} points, more than {MAX_POINTS} (the limit on points)"
        )
        raise ArgumentError("samples", samples, rule)


def _grid(params: Sequence[ParamSpec], samples: int | None, rng_seed: int) -> Any:
    return np.array(list(itertools.product(*(p.values() for p in params))), dtype=float)


def _lhs(params: Sequence[ParamSpec], samples: int | None, rng_seed: int) -> Any:
    from scipy.stats import qmc

    spec = problem(params)
    rng = np.random.default_rng(np.random.SeedSequence(rng_seed))
    unit = qmc.LatinHypercube(d=len(params), rng=rng).random(samples)
    lows, highs = zip(*spec["bounds"], strict=True)
    return qmc.scale(unit, lows, highs)


def _sobol(params: Sequence[ParamSpec], samples: int | None, rng_seed: int) -> Any:
    assert samples is not None
    if samples & (samples - 1):
        raise ArgumentError("samples", samples, "a Sobol design needs a power of 2")
    from SALib.sample import sobol

    return sobol.sample(problem(params), samples, calc_second_order=False, seed=rng_seed)


def _morris(params: Sequence[ParamSpec], samples: int | None, rng_seed: int) -> Any:
    from SALib.sample import morris

    return morris.sample(problem(params), samples, num_levels=MORRIS_LEVELS, seed=rng_seed)


#: The experiment designs by name.
DESIGNS: Mapping[str, Design] = MappingProxyType(
    {
        "grid": Design("grid", "every combination of the parameters' values", None, _grid),
        "lhs": Design("lhs", "a Latin hypercube over the ranges", "points", _lhs),
        "sobol": Design(
            "sobol",
            "Saltelli's extension of a Sobol sequence; first-order and total indices",
            "base points, a power of 2; N * (d + 2) points",
            _sobol,
            analysis="sobol",
        ),
        "morris": Design(
            "morris",
            "Morris trajectories; elementary-effect screening",
            "trajectories; N * (d + 1) points",
            _morris,
            analysis="morris",
        ),
    }
)
