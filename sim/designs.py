"""Experiment designs: which parameter values a sweep simulates.

A parameter is given as ``NAME=START:STOP:N`` (``N`` evenly spaced values, both ends
included), ``NAME=START:STOP`` (a range, for the sampled designs) or ``NAME=V1,V2,...``
(listed values, for a grid). :func:`expand` turns the parameters into a table of points:

- ``grid``: every combination of the values;
- ``lhs``: ``samples`` points of a Latin hypercube over the ranges;
- ``sobol``: Saltelli's extension of a Sobol sequence (SALib), ``samples * (d + 2)`` points
  for ``d`` parameters, from which first-order and total Sobol indices can be estimated;
- ``morris``: ``samples`` Morris trajectories (SALib), ``samples * (d + 1)`` points.

Everything here is a pure function of its arguments: the same call gives the same table.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import SimError

__all__ = ["DESIGNS", "ParamSpec", "expand", "parse_param", "problem"]

DESIGNS = ("grid", "lhs", "sobol", "morris")
#: Levels of the Morris grid (SALib's default).
MORRIS_LEVELS = 4


@dataclass(frozen=True)
class ParamSpec:
    """One swept parameter: a range ``[start, stop]`` (with ``n`` grid values) or values."""

    name: str
    start: float | None = None
    stop: float | None = None
    n: int | None = None
    listed: tuple[float, ...] | None = None

    @property
    def has_range(self) -> bool:
        return self.start is not None and self.stop is not None

    def values(self) -> tuple[float, ...]:
        """The grid values: the listed ones, or ``n`` evenly spaced over the range."""
        if self.listed is not None:
            return self.listed
        if self.n is None or self.start is None or self.stop is None:
            raise SimError(f"--param {self.text()}: a grid needs NAME=START:STOP:N or a list")
        return tuple(float(v) for v in np.linspace(self.start, self.stop, self.n))

    def text(self) -> str:
        """The ``NAME=...`` form this spec was (or could have been) parsed from."""
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
        raise SimError(f"--param {whole!r}: {text!r} is not a finite number")
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
        raise SimError(f"--param {text!r}: expected NAME=START:STOP:N or NAME=V1,V2,...")
    if ":" in rest:
        parts = rest.split(":")
        if len(parts) not in (2, 3):
            raise SimError(f"--param {text!r}: expected START:STOP or START:STOP:N")
        start, stop = _number(parts[0], text), _number(parts[1], text)
        n = None
        if len(parts) == 3:
            if not parts[2].strip().isdigit() or int(parts[2]) < 1:
                raise SimError(f"--param {text!r}: N must be a positive integer")
            n = int(parts[2])
            if n == 1 and start != stop:
                raise SimError(f"--param {text!r}: one value needs START == STOP")
        if start > stop:
            raise SimError(f"--param {text!r}: START must not exceed STOP")
        return ParamSpec(name, start=start, stop=stop, n=n)
    listed = tuple(_number(v, text) for v in rest.split(","))
    return ParamSpec(name, listed=listed)


def problem(params: Sequence[ParamSpec]) -> dict[str, Any]:
    """The SALib problem of ranged parameters (``num_vars``, ``names``, ``bounds``)."""
    for p in params:
        if not p.has_range or p.start == p.stop:
            raise SimError(
                f"--param {p.text()}: this design needs a range NAME=START:STOP with START < STOP"
            )
    return {
        "num_vars": len(params),
        "names": [p.name for p in params],
        "bounds": [[p.start, p.stop] for p in params],
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
        raise SimError("a sweep needs at least one --param")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise SimError(f"--param: a parameter is given twice: {', '.join(names)}")
    if design not in DESIGNS:
        raise SimError(f"--design {design!r}: expected one of {', '.join(DESIGNS)}")
    if design == "grid":
        if samples is not None:
            raise SimError("--samples: a grid takes its size from the --param values")
        matrix = np.array(list(itertools.product(*(p.values() for p in params))), dtype=float)
    else:
        if samples is None or samples < 1:
            raise SimError(f"--design {design}: needs --samples N (a positive integer)")
        matrix = _sample(params, design, samples, rng_seed)
    frame = pd.DataFrame(matrix, columns=names)
    frame.insert(0, "point", np.arange(len(frame), dtype=np.int64))
    return frame


def _sample(params: Sequence[ParamSpec], design: str, samples: int, rng_seed: int) -> Any:
    spec = problem(params)
    if design == "lhs":
        from scipy.stats import qmc

        rng = np.random.default_rng(np.random.SeedSequence(rng_seed))
        unit = qmc.LatinHypercube(d=len(params), rng=rng).random(samples)
        lows, highs = zip(*spec["bounds"], strict=True)
        return qmc.scale(unit, lows, highs)
    if design == "sobol":
        if samples & (samples - 1):
            raise SimError(f"--samples {samples}: a Sobol design needs a power of 2")
        from SALib.sample import sobol

        return sobol.sample(spec, samples, calc_second_order=False, seed=rng_seed)
    from SALib.sample import morris

    return morris.sample(spec, samples, num_levels=MORRIS_LEVELS, seed=rng_seed)
