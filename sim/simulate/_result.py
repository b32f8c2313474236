"""``sim.run``: simulate a scenario many times and summarise what happened."""

from __future__ import annotations

import html
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

import pandas as pd

from sim.io import manifest, write_json, write_parquet
from sim.scenario import Scenario, load, with_overrides
from sim.simulate._progress import ProgressArg, progress_bar
from sim.simulate._runner import check_runs, simulate
from sim.simulate._summary import summarise

__all__ = ["DEFAULT_RUNS", "RunResult", "run"]

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
        The event log of all paths (``events.parquet``).
    manifest:
        Provenance (``manifest.json``).
    """

    scenario: Scenario
    summary: dict[str, Any]
    runs: pd.DataFrame
    events: pd.DataFrame
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
        facts = "; ".join(f"{k} {v}" for k, v in self._facts().items())
        return f"<RunResult {self.scenario.meta.id!r}: {facts}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th>{k}</th><td>{html.escape(v)}</td></tr>" for k, v in self._facts().items()
        )
        return f"<b>{html.escape(self.scenario.meta.name)}</b>: run<table>{rows}</table>"

    def write(self, directory: str | Path) -> Path:
        """Write the five files into ``directory``, each atomically.

        ``scenario.json`` is the validated document (datetimes as ISO strings), from which
        ``negsim report DIR`` can rebuild the report.
        """
        out = Path(directory)
        write_parquet(out / "runs.parquet", self.runs)
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
) -> RunResult:
    """Simulate a scenario ``runs`` times.

    Parameters
    ----------
    scenario:
        A scenario, or the path of a scenario file.
    runs, rng_seed:
        How many paths, and the root of their random streams.
    overrides:
        Values to change first, by dotted name (``{"us.pressure_scale": 0.5}``).
    workers:
        Processes to use; results do not depend on it.
    replay:
        Simulate only path ``replay`` of the ``runs`` (its rows are the same as in the full run).
    progress:
        A progress bar of the paths: by default one only where it can be seen (a terminal,
        or a notebook with ``ipywidgets``), never in a pipe or a test; ``False`` for none,
        ``True`` for one anyway, or a callable given the number of paths just finished.

    Examples
    --------
    >>> import sim
    >>> result = sim.run("scenarios/gsomia-2019.toml", runs=200, rng_seed=1)
    >>> sorted(result.summary["outcomes"])
    ['curbs_lifted', 'korea_backs_down', 'lapse', 'suspension_for_talks']
    >>> len(result.runs)
    200
    """
    check_runs(runs, rng_seed, workers, replay)
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    if overrides:
        scenario = with_overrides(scenario, overrides)
    total = runs if replay is None else 1
    with progress_bar(progress, total, f"{scenario.meta.id}: paths") as advance:
        tables = simulate(scenario, runs, rng_seed, workers, replay, advance)
    extra = {"runs": runs, "replay": replay, "overrides": dict(overrides or {})}
    return RunResult(
        scenario=scenario,
        summary=summarise(scenario, tables.runs),
        runs=tables.runs,
        events=tables.events,
        manifest=manifest(scenario, rng_seed, "run", extra),
    )
