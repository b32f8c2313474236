"""What the report's figures are drawn from, gathered from a run in memory or from its folder.

:mod:`sim.report.figures` draws from plain data only; this module is the bridge. It describes
the scenario as a plain dict, samples the pressure series (the realised series of sample
paths from their own draws, through :mod:`sim.model`'s pressure formulas), solves the stage
games at a handful of epochs (:func:`sim.deadline.solve_epochs`), and keeps them in
``report-data.json`` next to the run's other files, so that ``negsim report DIR`` rebuilds the
same report from DIR alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from sim.deadline import solve_epochs
from sim.errors import SimError
from sim.io import write_json
from sim.model import build_pressure, build_schedule
from sim.report import figures as F
from sim.scenario import Evidence, Scenario, validate
from sim.simulate import draw_shocks, path_generator, tipping_points

__all__ = [
    "DATA",
    "ReportData",
    "RunLike",
    "gather",
    "load_run",
    "pressure_series",
    "scenario_info",
    "stage_epochs",
    "stage_games",
    "with_tables",
]

DATA = "report-data.json"
SCENARIO = "scenario.json"
#: Stage games solved for the report (spread over the live epochs, plus the observed one).
STAGE_EPOCHS = 10

#: Paths judging each value of a drawn run's tipping points in its report (common random
#: numbers: the same seed at every value; ``negsim solve --tipping`` defaults to 200).
TIPPING_RUNS = 100
#: ... each flip found to 1 % of the parameter's range (a knife edge is within 10 %).
TIPPING_TOLERANCE = 0.01

#: Points at which the pressure series is sampled.
PRESSURE_SAMPLES = 500


class RunLike(Protocol):
    """What the report reads of a run (:class:`sim.RunResult` has it)."""

    @property
    def scenario(self) -> Scenario: ...
    @property
    def summary(self) -> dict[str, Any]: ...
    @property
    def runs(self) -> pd.DataFrame: ...
    @property
    def events(self) -> pd.DataFrame | None: ...
    @property
    def manifest(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ReportData:
    """Everything the figures and the report are drawn from (see :mod:`sim.report.figures`)."""

    info: dict[str, Any]
    summary: dict[str, Any]
    manifest: dict[str, Any]
    runs: pd.DataFrame
    #: ``None`` for a run made without its event log (``negsim run --no-events``).
    events: pd.DataFrame | None
    pressure: dict[str, Any]
    samples: list[int]
    stages: list[dict[str, Any]]
    #: A drawn run's tipping points (:func:`_tipping`); ``None`` for a fixed run.
    tipping: list[dict[str, Any]] | None = None

    def extra(self) -> dict[str, Any]:
        """The content of ``report-data.json``."""
        return {
            "info": self.info,
            "pressure": self.pressure,
            "samples": self.samples,
            "stages": self.stages,
            "tipping": self.tipping,
        }


def _evidence(items: Sequence[Evidence]) -> list[dict[str, str]]:
    return [{"seed": e.seed, "quote": e.quote} for e in items]


def _pressure_info(scenario: Scenario) -> dict[str, Any] | None:
    if scenario.pressure is None:
        return None
    sch, p = build_schedule(scenario), scenario.pressure
    points = [
        {
            "at": pt.at.isoformat(),
            "hours": sch.hours_at(pt.at),
            "level": pt.level,
            "event": pt.event,
            "evidence": _evidence(pt.evidence),
            "assumption": pt.assumption,
        }
        for pt in p.points
    ]
    return {"name": p.name, "actor": p.actor, "points": points}


def _observed_info(scenario: Scenario) -> dict[str, Any] | None:
    o = scenario.observed
    if o is None:
        return None
    return {
        "outcome": o.outcome,
        "name": next(x.name for x in scenario.outcomes if x.id == o.outcome),
        "at": o.at.isoformat(),
        "hours": build_schedule(scenario).hours_at(o.at),
        "evidence": _evidence(o.evidence),
        "assumption": o.assumption,
    }


def scenario_info(scenario: Scenario) -> dict[str, Any]:
    """The plain description of a scenario that :mod:`sim.report.figures` reads."""
    sch = build_schedule(scenario)
    players = [
        {
            "id": p.id,
            "name": p.name,
            "description": p.description,
            "actions": list(p.actions),
            "concessions": list(p.concessions),
        }
        for p in scenario.players
    ]
    parameters = [
        {
            "name": name,
            "value": p.value,
            "unit": p.unit,
            "description": p.description,
            "evidence": _evidence(p.evidence),
            "assumption": p.assumption,
        }
        for name, p in scenario.parameters.items()
    ]
    meta = scenario.meta
    return {
        "id": meta.id,
        "name": meta.name,
        "description": meta.description,
        "evidence": _evidence(meta.evidence),
        "assumption": meta.assumption,
        "start": sch.start.isoformat(),
        "deadline": sch.deadline.isoformat(),
        "window_hours": sch.window_hours,
        "players": players,
        "outcomes": [
            {"id": o.id, "name": o.name, "description": o.description, "default": o.default}
            for o in scenario.outcomes
        ],
        "pressure": _pressure_info(scenario),
        "parameters": parameters,
        "observed": _observed_info(scenario),
    }


def pressure_series(
    scenario: Scenario, manifest: Mapping[str, Any], samples: Sequence[int]
) -> dict[str, Any]:
    """The scheduled pressure over the window, and the realised pressure of sample paths.

    A sample path's shocks are drawn again from its seed (the run's ``rng_seed`` and
    ``runs`` in ``manifest``), as the path drew them: shocks come first from its generator.
    """
    sch = build_schedule(scenario)
    model = build_pressure(scenario, sch)
    window = sch.window_hours
    dated = model.hours[(model.hours >= 0) & (model.hours <= window)]
    grid = np.unique(np.concatenate([np.linspace(0.0, window, PRESSURE_SAMPLES), dated]))
    series: dict[str, Any] = {
        "hours": grid.tolist(),
        "level": model.level(grid).tolist(),
        "paths": {},
    }
    if not model.has_shocks:
        return series
    run = manifest["parameters"]
    for index in samples:
        rng = path_generator(int(run["rng_seed"]), int(run["runs"]), index)
        shocks = draw_shocks(model, window, rng)
        at = shocks[:, 0]
        t = np.unique(np.concatenate([grid, at, np.maximum(at - 1e-6, 0.0)]))
        level = model.realised(t, [shocks])[0]
        series["paths"][str(index)] = {"hours": t.tolist(), "level": level.tolist()}
    return series


def stage_epochs(scenario: Scenario, n: int = STAGE_EPOCHS) -> list[int]:
    """A handful of live epochs spread from the start to the deadline, plus the observed one."""
    sch = build_schedule(scenario)
    if sch.live == 0:
        return []
    picks = {int(k) for k in np.linspace(0, sch.live - 1, min(n, sch.live)).round()}
    if scenario.observed is not None:
        picks.add(min(sch.epoch_at(scenario.observed.at), sch.live - 1))
    return sorted(picks)


def stage_games(scenario: Scenario, epochs: Sequence[int]) -> list[dict[str, Any]]:
    """``SolveResult.to_dict()`` at each epoch, without the (long) equilibrium path."""
    out = []
    for result in solve_epochs(scenario, epochs):
        d = result.to_dict()
        d.pop("path", None)
        out.append(d)
    return out


def _tipping(scenario: Scenario, summary: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """A drawn run's tipping points: :func:`sim.simulate.tipping_points` of the parameters it
    drew, each value judged by :data:`TIPPING_RUNS` paths, each flip to
    :data:`TIPPING_TOLERANCE` of the range; ``None`` for a fixed run."""
    drawn = summary.get("uncertainty", {}).get("parameters")
    if not drawn:
        return None
    return tipping_points(
        scenario, list(drawn), runs=TIPPING_RUNS, rng_seed=0, tolerance=TIPPING_TOLERANCE
    )


def _extra(
    scenario: Scenario,
    summary: Mapping[str, Any],
    runs: pd.DataFrame,
    manifest: Mapping[str, Any],
) -> dict[str, Any]:
    info = scenario_info(scenario)
    samples = F.sample_runs(runs, info)
    return {
        "info": info,
        "pressure": pressure_series(scenario, manifest, samples),
        "samples": samples,
        "stages": stage_games(scenario, stage_epochs(scenario)),
        "tipping": _tipping(scenario, summary),
    }


def gather(result: RunLike) -> ReportData:
    """The report's data from a run in memory (solves the stage games)."""
    extra = _extra(result.scenario, result.summary, result.runs, result.manifest)
    return ReportData(
        summary=result.summary,
        manifest=result.manifest,
        runs=result.runs,
        events=result.events,
        **extra,
    )


def _read(path: Path, reader: Callable[[Path], Any]) -> Any:
    if not path.is_file():
        raise SimError(f"{path.parent}: no {path.name}; is it a directory written by negsim run?")
    try:
        return reader(path)
    except (OSError, ValueError) as exc:
        raise SimError(f"{path}: cannot read: {' '.join(str(exc).split())}") from None


def _json(path: Path) -> Any:
    return _read(path, lambda p: json.loads(p.read_text(encoding="utf-8")))


def _scenario(directory: Path, manifest: Mapping[str, Any]) -> Scenario:
    """The run's scenario, validated again from ``scenario.json`` (quotes against the seeds)."""
    document = _json(directory / SCENARIO)
    path = manifest.get("parameters", {}).get("scenario", {}).get("path")
    return validate(document, path, dates_as_text=True)


def load_run(directory: str | Path) -> ReportData:
    """A run directory's report data; writes ``report-data.json`` first if it is missing."""
    d = Path(directory)
    if not d.is_dir():
        raise SimError(f"{d}: no such directory")
    return with_tables(d, lambda: _tables(d))


def _tables(d: Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    runs = _read(d / "runs.parquet", pd.read_parquet)
    if _json(d / "manifest.json").get("parameters", {}).get("events") is False:
        return runs, None  # a run made with --no-events has no events.parquet
    return runs, _read(d / "events.parquet", pd.read_parquet)


def with_tables(
    d: Path, tables: Callable[[], tuple[pd.DataFrame, pd.DataFrame | None]]
) -> ReportData:
    """A run directory's report data, with the runs and events ``tables()`` gives."""
    summary = _json(d / "summary.json")
    manifest = _json(d / "manifest.json")
    runs, events = tables()
    if (d / DATA).is_file():
        extra = _json(d / DATA)
    else:
        extra = _extra(_scenario(d, manifest), summary, runs, manifest)
        write_json(d / DATA, extra)
    return ReportData(summary=summary, manifest=manifest, runs=runs, events=events, **extra)
