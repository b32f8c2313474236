"""``sim.run``: simulate a scenario many times and summarise what happened."""

from __future__ import annotations

import html
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.errors import ArgumentError
from sim.io import manifest, write_json, write_parquet
from sim.scenario import Scenario, facts_html, facts_repr, load, with_overrides
from sim.simulate._executors import check_scheduler
from sim.simulate._progress import ProgressArg, progress_bar
from sim.simulate._runner import Progress, Tables, check_runs, simulate
from sim.simulate._summary import summarise
from sim.simulate._uncertain import (
    DEFAULT_DRAWS,
    draw_blocks,
    drawn_names,
    parameter_draws,
    simulate_drawn,
    variance_split,
)

__all__ = ["DEFAULT_RUNS", "RunResult", "run"]

FloatArray = NDArray[np.float64]

#: The module that draws a run's figures (:meth:`RunResult.figures`).
REPORT_BACKEND = "sim.report"

#: Paths per run when none is asked for: outcome probabilities to about +-1.5 points.
DEFAULT_RUNS = 4000


@dataclass(frozen=True)
class RunResult:
    """The result of :func:`run`.

    Attributes
    ----------
    summary:
        Outcome probabilities with 95% intervals, concession timing, first movers, expected
        payoffs and the backtest (the content of ``summary.json``).
    runs:
        One row per path (``runs.parquet``).
    events:
        The event log of all paths (``events.parquet``); ``None`` for a run with
        ``events=False``, which writes no ``events.parquet``.
    manifest:
        Provenance (``manifest.json``).
    """

    scenario: Scenario
    summary: dict[str, Any]
    runs: pd.DataFrame
    events: pd.DataFrame | None
    manifest: dict[str, Any] = field(repr=False)

    def _facts(self) -> dict[str, str]:
        """What a notebook shows of the result (its repr and HTML repr)."""
        s = self.summary
        q = s["concession"]["hours_before_deadline"]["median"]
        return {
            "paths": str(s["runs"]),
            "outcomes": ", ".join(f"{k} {v['probability']:.3f}" for k, v in s["outcomes"].items()),
            "median agreement": "none" if q is None else f"{q:.1f} h before the deadline",
        }

    def __repr__(self) -> str:
        return facts_repr("RunResult", self.scenario.meta.id, self._facts())

    def _repr_html_(self) -> str:
        head = f"<b>{html.escape(self.scenario.meta.name)}</b>: run"
        return facts_html(head, self._facts())

    def write(self, directory: str | Path) -> Path:
        """Write the five files into ``directory``, each atomically (four without the event
        log: no ``events.parquet``).

        ``scenario.json`` is the validated document (datetimes as ISO strings), from which
        ``negsim report DIR`` can rebuild the report.
        """
        out = Path(directory)
        write_parquet(out / "runs.parquet", self.runs)
        if self.events is not None:
            write_parquet(out / "events.parquet", self.events)
        write_json(out / "summary.json", self.summary)
        write_json(out / "manifest.json", self.manifest)
        write_json(out / "scenario.json", _plain(self.scenario.document))
        return out

    def figures(self) -> dict[str, Any]:
        """Interactive figures of this run by name (``plotly.graph_objects.Figure``).

        They display in Jupyter; see ``docs/report.md``. Solves a handful of stage games.
        The figures are drawn by :mod:`sim.report`, which this package never imports: it is
        looked up by name, as pandas looks up its plotting backend, so that simulation does
        not depend on plotting (``docs/architecture.md``).
        """
        report = importlib.import_module(REPORT_BACKEND)
        figures: dict[str, Any] = report.run_figures(self)
        return figures


def _plain(value: Any) -> Any:
    """A parsed TOML document made JSON-ready: dates and times as ISO strings."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def run(
    scenario: Scenario | str | Path,
    runs: int = DEFAULT_RUNS,
    rng_seed: int = 0,
    overrides: Mapping[str, float] | None = None,
    workers: int = 1,
    replay: int | None = None,
    progress: ProgressArg = None,
    *,
    fixed: bool = False,
    draws: int | None = None,
    sampler: str = "sobol",
    pinned: Sequence[str] = (),
    scheduler: str | None = None,
    posterior: tuple[Sequence[str], FloatArray] | None = None,
    events: bool = True,
) -> RunResult:
    """Simulate a scenario ``runs`` times.

    When the scenario declares parameter distributions, the run is a nested Monte Carlo
    (``docs/uncertainty.md``): ``draws`` parameter draws, each with its share of the paths;
    ``fixed=True`` runs the point values instead.

    Parameters
    ----------
    scenario:
        A scenario, or the path of a scenario file.
    runs, rng_seed:
        How many paths in all, and the root of their random streams.
    overrides:
        Values to change first, by dotted name (``{"us.pressure_scale": 0.5}``); a parameter
        named here is pinned (not drawn).
    workers:
        Processes to use (or the size of ``scheduler="local"``); results do not depend on it.
    replay:
        Simulate only path ``replay`` of the ``runs`` (its rows are the same as in the full run).
    progress:
        A progress bar of the paths: by default one only where it can be seen (a terminal,
        or a notebook with ``ipywidgets``), never in a pipe or a test; ``False`` for none,
        ``True`` for one anyway, or a callable given the number of paths just finished.
    fixed:
        Run the point values, drawing nothing.
    draws, sampler:
        How many parameter draws (default :data:`DEFAULT_DRAWS`, at most ``runs``), from a
        scrambled Sobol' (``"sobol"``) or Latin hypercube
        (``"lhs"``) design seeded by ``rng_seed``.
    pinned:
        More parameters not to draw (``negsim run`` pins those its ``--set`` changed).
    scheduler:
        Run the paths' chunks (or groups of draws) on a Dask cluster: its ``"tcp://HOST:PORT"``,
        or ``"local"`` for a ``LocalCluster`` of ``workers`` processes (``pip install
        'negsim[dask]'``). The tables are the same, byte for byte, on any executor.
    posterior:
        Parameter names and rows of their values (a fitted posterior's draws,
        :func:`sim.calibrate.posterior_rows`): each row is one draw, with its share of the
        paths, instead of the declared distributions (``negsim run --posterior DIR``).
    events:
        Keep the event log (``RunResult.events``, ``events.parquet``); ``False`` skips
        building it, which saves time and memory. The runs table is the same either way;
        the summary and manifest record ``"events": false`` and the report leaves out the
        figure drawn from the log.

    Examples
    --------
    >>> import sim
    >>> result = sim.run("scenarios/gsomia-2019.toml", runs=200, rng_seed=1, fixed=True)
    >>> sorted(result.summary["outcomes"])
    ['curbs_lifted', 'korea_backs_down', 'lapse', 'suspension_for_talks']
    >>> len(result.runs)
    200
    """
    check_runs(runs, rng_seed, workers, replay)
    check_scheduler(scheduler)
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    if overrides:
        scenario = with_overrides(scenario, overrides)
    names = [] if fixed else drawn_names(scenario, [*(overrides or {}), *pinned])
    if posterior is not None:
        names, sampler = list(posterior[0]), "posterior"
    extra: dict[str, Any] = {"runs": runs, "replay": replay, "overrides": dict(overrides or {})}
    extra["events"] = bool(events)
    if drawn_names(scenario) or posterior is not None:
        extra["uncertainty"] = {"mode": "drawn" if names else "fixed", "drawn": names}
    total = runs if replay is None else 1
    with progress_bar(progress, total, f"{scenario.meta.id}: paths") as advance:
        if not names:
            tables = simulate(scenario, runs, rng_seed, workers, replay, advance, scheduler, events)
            summary = summarise(scenario, tables.runs)
        else:
            draws = min(DEFAULT_DRAWS, runs) if draws is None else draws
            if posterior is not None:
                draws = len(posterior[1])
            tables, summary = _run_drawn(
                scenario,
                names,
                (runs, draws, sampler),
                rng_seed,
                (workers, scheduler),
                replay,
                advance,
                None if posterior is None else np.asarray(posterior[1], dtype=np.float64),
                events,
            )
            extra["uncertainty"].update(draws=draws, sampler=sampler)
    if not events:
        summary["events"] = False
    return RunResult(
        scenario=scenario,
        summary=summary,
        runs=tables.runs,
        events=tables.events,
        manifest=manifest(scenario, rng_seed, "run", extra),
    )


def _run_drawn(
    scenario: Scenario,
    names: list[str],
    design: tuple[int, int, str],
    rng_seed: int,
    executor: tuple[int, str | None],
    replay: int | None,
    progress: Progress | None,
    given: FloatArray | None = None,
    events: bool = True,
) -> tuple[Tables, dict[str, Any]]:
    """The nested Monte Carlo: ``draws`` parameter draws of ``names`` (by ``sampler``), each
    with its share of the ``runs`` paths; the summary with its variance split."""
    runs, draws, sampler = design
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= runs:
        raise ArgumentError("draws", draws, f"must be an integer in [1, runs = {runs}]")
    values = (
        parameter_draws(scenario, names, draws, rng_seed, sampler)  # type: ignore[arg-type]
        if given is None
        else given
    )
    if replay is not None:
        tables = _replay_drawn(scenario, names, values, runs, rng_seed, replay, events)
    else:
        workers, scheduler = executor
        tables = simulate_drawn(
            scenario, names, values, runs, rng_seed, workers, progress, scheduler, events
        )
    summary = summarise(scenario, tables.runs)
    summary["uncertainty"] = variance_split(scenario, tables.runs, names, sampler)
    return tables, summary


def _replay_drawn(
    scenario: Scenario,
    names: list[str],
    values: Any,
    runs: int,
    rng_seed: int,
    replay: int,
    events: bool = True,
) -> Tables:
    """Path ``replay`` alone in SimPy, at the values of its draw."""
    draw = next(d for d, b in enumerate(draw_blocks(runs, len(values))) if replay in b)
    at = with_overrides(scenario, dict(zip(names, values[draw].tolist(), strict=True)))
    tables = simulate(at, runs, rng_seed, 1, replay, events=events)
    tables.runs.insert(1, "draw", [draw])
    for j, name in enumerate(names):
        tables.runs[name] = [float(values[draw, j])]
    return tables
