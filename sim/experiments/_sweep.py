"""``sim.sweep``: simulate a scenario at many parameter values, one row per point.

Point ``i`` of ``n`` gets the summary of ``sim.run(sim.with_overrides(scenario, point_i), runs,
rng_seed=seed_i)`` where ``seed_i`` comes from ``SeedSequence(rng_seed).spawn(n)[i]``; so a
point's row is the same whichever executor computes it, alone or with the others, and any
point can be replayed from the ``rng_seed`` column of its row. The points of one task are
solved together: their stage games go to the solver in one call per epoch.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.deadline import Game, Policy
from sim.equilibria import order_decided
from sim.errors import Problem, ScenarioError, SimError
from sim.experiments._designs import DESIGNS, ParamSpec, expand, parse_param, problem
from sim.experiments._sensitivity import analyze
from sim.experiments._store import SweepStore
from sim.scenario import Scenario, load, sweepable, unknown_parameter, with_overrides
from sim.simulate import (
    ProgressArg,
    check_runs,
    check_scheduler,
    map_chunks,
    progress_bar,
    simulate_points,
    summarise,
)

__all__ = [
    "DEFAULT_SWEEP_RUNS",
    "INTEGER_COLUMNS",
    "MAX_CHUNK",
    "TEXT_COLUMNS",
    "point_seeds",
    "point_summary",
    "sweep",
]

#: Paths per point when none is asked for: outcome probabilities to about +-7 points.
DEFAULT_SWEEP_RUNS = 200
#: Most points in one part file (and one task of the executor).
MAX_CHUNK = 32
#: Tasks per worker to aim for, so that slow points do not leave workers idle at the end.
TASKS_PER_WORKER = 4

#: Columns of a sweep's rows that hold counts; every other column is a float.
INTEGER_COLUMNS = ("point", "rng_seed", "epochs", "degenerate_epochs", "tied_epochs")
#: Columns of a sweep's rows that hold text (an outcome id); every other column is a number.
TEXT_COLUMNS = ("foreseen_outcome",)

Params = Sequence[str | ParamSpec] | Mapping[str, Sequence[float]]
Progress = Callable[[int], None]


def point_seeds(rng_seed: int, n_points: int) -> list[int]:
    """The root seed of each point: ``SeedSequence(rng_seed).spawn(n_points)[i]``, as an int."""
    children = np.random.SeedSequence(rng_seed).spawn(n_points)
    return [int(c.generate_state(1)[0]) for c in children]


def point_summary(scenario: Scenario, summary: Mapping[str, Any]) -> dict[str, float]:
    """The output columns of one point from a ``summary.json`` dict (see ``docs/sweeps.md``)."""
    row: dict[str, float] = {}
    for oid, o in summary["outcomes"].items():
        row[f"p_{oid}"] = float(o["probability"])
    for oid, o in summary["outcomes"].items():
        row[f"ci_low_{oid}"], row[f"ci_high_{oid}"] = (float(v) for v in o["ci95"])
    c = summary["concession"]
    q = c["hours_before_deadline"]
    for key, name in (("q05", "q05"), ("q25", "q25"), ("median", "q50"), ("q75", "q75")):
        row[f"hours_{name}"] = _float(q[key])
    row["hours_q95"] = _float(q["q95"])
    row["share_last_5pct"] = _float(c["share_in_last_5pct"])
    row["window_hours"] = float(c["window_hours"])
    for pid, v in summary["expected_payoffs"].items():
        row[f"payoff_{pid}"] = float(v)
    return row


def _float(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _simulate_points(
    scenario: Scenario, points: list[dict[str, float]], runs: int
) -> list[dict[str, Any]]:
    """The rows of some points; each point dict holds ``point``, ``rng_seed`` and parameters.

    The points are simulated together (:func:`sim.simulate.simulate_points`) with the
    rows ``sim.run`` gives, without the event log.
    """
    heres = [
        with_overrides(scenario, {k: v for k, v in p.items() if k not in ("point", "rng_seed")})
        for p in points
    ]
    games = [Game.from_scenario(here) for here in heres]
    seeds = [int(p["rng_seed"]) for p in points]
    rows = []
    for point, here, (book, table) in zip(
        points, heres, simulate_points(games, runs, seeds), strict=True
    ):
        summary = summarise(here, table)
        rows.append({**point, **point_summary(here, summary), **_flags(here, book.initial)})
    return rows


def _flags(scenario: Scenario, policy: Policy) -> dict[str, int | str]:
    """Degenerate stage games on the equilibrium path at the scheduled pressure (``policy``),
    and the most probable outcome of that path (ties go to the first in the scenario's
    order)."""
    probs = policy.outcome_probabilities()
    ids = [o.id for o in scenario.outcomes]
    best = max(ids, key=lambda o: probs.get(o, 0.0))  # max keeps the first of equals
    return {
        "epochs": len(policy.degenerate),
        "degenerate_epochs": int(policy.degenerate.sum()),
        "tied_epochs": sum(order_decided(reason) for reason in policy.reasons),
        "foreseen_outcome": best,
    }


def _specs(params: Params) -> list[ParamSpec]:
    if isinstance(params, Mapping):
        return [ParamSpec(k, listed=tuple(float(v) for v in vs)) for k, vs in params.items()]
    return [p if isinstance(p, ParamSpec) else parse_param(p) for p in params]


def _check_names(scenario: Scenario, specs: Sequence[ParamSpec]) -> None:
    valid = sweepable(scenario.document)
    problems = [
        Problem(p.name, unknown_parameter(p.name, scenario.document), p.text())
        for p in specs
        if p.name not in valid
    ]
    if problems:
        raise ScenarioError(scenario.path, problems)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for col in INTEGER_COLUMNS:
        frame[col] = frame[col].astype(np.int64)
    for col in TEXT_COLUMNS:
        frame[col] = frame[col].astype(str)
    for col in frame.columns:
        if col not in INTEGER_COLUMNS and col not in TEXT_COLUMNS:
            frame[col] = frame[col].astype(np.float64)
    return frame


def _document_digest(scenario: Scenario) -> str:
    text = json.dumps(scenario.document, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _compute(
    scenario: Scenario,
    points: pd.DataFrame,
    runs: int,
    workers: int | None,
    scheduler: str | None,
    chunk: int | None,
    store: SweepStore | None,
    done: list[pd.DataFrame],
    progress: Progress | None,
) -> None:
    """Simulate the points not in ``done`` yet, appending their parts to ``done``."""
    finished = {int(i) for f in done for i in f["point"]}
    if progress and finished:
        progress(len(finished))
    records = [{str(k): v for k, v in r.items()} for r in points.to_dict("records")]
    todo = [r for r in records if int(r["point"]) not in finished]
    size = chunk or _chunk_size(len(todo), workers)
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    try:
        for rows in map_chunks(_simulate_points, scenario, chunks, runs, workers, scheduler):
            part = _frame(rows)
            if store is not None:
                store.write_part(part)
            done.append(part)
            if progress:
                progress(len(part))
    except Exception as exc:
        # a point the scenario cannot take, or nothing computed yet (an unreachable
        # scheduler): what this sweep wrote is removed, so the same or the fixed command
        # starts afresh; after an OS error with parts written, --resume continues
        if store is not None and (isinstance(exc, SimError) or not done):
            store.discard()
        raise


def sweep(
    scenario: Scenario | str | Path,
    params: Params,
    design: str = "grid",
    samples: int | None = None,
    runs: int = DEFAULT_SWEEP_RUNS,
    rng_seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: ProgressArg = None,
    chunk: int | None = None,
) -> pd.DataFrame:
    """Simulate ``scenario`` at every point of a design; one row per point.

    Parameters
    ----------
    scenario:
        A scenario, or the path of a scenario file.
    params:
        ``["us.pressure_scale=0:2:9", "window.days=30,61,92", ...]`` (or
        :class:`~sim.experiments.ParamSpec` objects, or ``{name: [values]}`` for a grid). Any name
        that ``--set`` accepts; an unknown one raises :class:`ScenarioError` listing the valid.
    design, samples:
        ``grid`` (default), ``lhs``, ``sobol`` or ``morris``, and its size (see
        :func:`sim.experiments.expand`).
    runs, rng_seed:
        Paths per point, and the root of the points' seeds.
    workers:
        Processes of the local pool (default: the number of cores; 1 runs in this process).
    scheduler:
        ``"tcp://HOST:PORT"`` of a Dask scheduler, or ``"local"`` for a Dask ``LocalCluster``
        of ``workers`` processes. The rows do not depend on the executor.
    out:
        A directory for ``manifest.json``, ``points/part-*.parquet`` (written as points
        finish), ``results.parquet`` and, for Sobol and Morris designs,
        ``sensitivity.parquet``. (``negsim sweep`` adds the HTML report,
        :func:`sim.report.write_sweep_report`.)
    resume:
        Keep the points already in ``out`` and compute only the missing ones.
    progress:
        A progress bar of the points: by default one only where it can be seen (a terminal,
        or a notebook with ``ipywidgets``), never in a pipe or a test; ``False`` for none,
        ``True`` for one anyway, or a callable given the number of points just finished
        (already done ones first, on resume).
    chunk:
        Points per task and part file (default: about :data:`TASKS_PER_WORKER` tasks per
        worker, at most :data:`MAX_CHUNK` points each).

    Returns
    -------
    pandas.DataFrame
        Sorted by ``point``: ``point``, the parameters, ``rng_seed``, then ``p_<outcome>``,
        ``ci_low_<outcome>``, ``ci_high_<outcome>``, ``hours_q05`` ... ``hours_q95``,
        ``share_last_5pct``, ``window_hours``, ``payoff_<player>``, and the flags ``epochs``
        ``degenerate_epochs`` (decision epochs whose stage game, at the scheduled
        pressure, is degenerate) and ``tied_epochs`` (those whose selection among equally
        selected equilibria fell to the order they were found in), and ``foreseen_outcome``:
        the most probable outcome of the deadline game's equilibrium path as foreseen from the
        first epoch under the scenario's forecast (not a simulated outcome: paths re-solve as
        pressure moves).
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    check_runs(runs, rng_seed, 1 if workers is None else workers)
    check_scheduler(scheduler)
    specs = _specs(params)
    _check_names(scenario, specs)
    points = expand(specs, design, samples, rng_seed)
    points["rng_seed"] = np.array(point_seeds(rng_seed, len(points)), dtype=np.int64)
    store = SweepStore(Path(out), scenario) if out is not None else None
    done: list[pd.DataFrame] = []
    if store is not None:
        done = store.open(
            _settings(scenario, specs, design, samples, runs, len(points)), rng_seed, resume
        )
    with progress_bar(progress, len(points), f"{scenario.meta.id}: points") as advance:
        _compute(scenario, points, runs, workers, scheduler, chunk, store, done, advance)
    results = _assemble(done, len(points))
    if store is not None:
        analysis = DESIGNS[design].analysis
        indices = analyze(problem(specs), results, analysis, rng_seed) if analysis else None
        store.finish(results, indices)
    return results


def _settings(
    scenario: Scenario,
    specs: Sequence[ParamSpec],
    design: str,
    samples: int | None,
    runs: int,
    n_points: int,
) -> dict[str, Any]:
    """What a resumed sweep must share with the one it resumes (its manifest's ``sweep``)."""
    return {
        "design": design,
        "samples": samples,
        "params": [p.text() for p in specs],
        "runs": runs,
        "n_points": n_points,
        "document_sha256": _document_digest(scenario),
    }


def _chunk_size(n: int, workers: int | None) -> int:
    from os import cpu_count

    k = workers or cpu_count() or 1
    return max(1, min(MAX_CHUNK, math.ceil(n / (k * TASKS_PER_WORKER))))


def _assemble(parts: list[pd.DataFrame], n_points: int) -> pd.DataFrame:
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    frame = frame.drop_duplicates("point").sort_values("point", ignore_index=True)
    if len(frame) != n_points:  # pragma: no cover - every chunk is awaited above
        raise SimError(f"sweep: {len(frame)} of {n_points} points computed")
    return frame
