"""The benchmark suite's own logic: table, JSON, SimPy skeleton, sweep grid, command line.

Values only, no timings: every test here runs in well under a second.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import simpy

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # plain `pytest` (unlike `python -m pytest`) omits the root
    sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from benchmarks.__main__ import PARTS, parser  # noqa: E402
from benchmarks.report import Row, format_rate, format_ratio, format_table, write_json  # noqa: E402
from benchmarks.skeleton import (  # noqa: E402
    counting_events,
    skeleton_path,
    skeleton_paths,
    timeline,
    timeout_loop,
)
from benchmarks.sweeps import (  # noqa: E402
    FULL_SWEEP,
    QUICK_SWEEP,
    SWEPT,
    OverBudget,
    Progress,
    SweepRun,
    grid_specs,
    sweep_row,
)
from benchmarks.timing import Clock, time_in_chunks  # noqa: E402
from sim.deadline import Game  # noqa: E402
from sim.experiments import expand  # noqa: E402

GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"


@pytest.fixture(scope="module")
def game() -> Game:
    return Game.from_scenario(sim.load(GSOMIA))


def _rows() -> list[Row]:
    return [
        Row("all equilibria, 3x3", 2**-18, "nashpy", 2**-8, 2000, 200, "same", target=1000.0),
        Row("path", 1e-3, "target", 5e-4, 100, 0, "ok", 1.0, "s/path", "paths/s", ">= 2,000"),
        Row("event", 2e-6, "bare loop", 1e-6, 10, 10, "c", unit="s/event", rate="events/s"),
        Row("sweep", 100.0, "not installed", None, 2500, 0, "", target=1.0, unit="s"),
    ]


def test_table_has_the_columns_and_one_line_per_row() -> None:
    lines = format_table(_rows()).splitlines()
    assert [c.strip() for c in lines[0].split("|")] == [
        "operation",
        "ours",
        "baseline",
        "ratio",
        "target",
        "check",
    ]
    assert set(lines[1]) <= {"-", "+"}
    assert len(lines) == 2 + len(_rows())


def test_table_cells_show_times_rates_ratios_and_targets() -> None:
    lines = format_table(_rows()).splitlines()[2:]
    first, path, event, sweep = ([c.strip() for c in line.split("|")] for line in lines)
    assert first[1] == "3.81 µs" and first[2] == "3.91 ms (nashpy)"
    assert first[3] == "1,024x" and first[4] == ">= 1000x: met"
    assert path[1] == "1,000 paths/s" and path[2] == "2,000 paths/s (target)"
    assert path[3] == "0.5x" and path[4] == ">= 2,000: NOT met"
    assert event[1] == "500,000 events/s" and event[4] == ""
    assert sweep[1] == "100.00 s" and sweep[3] == "-"
    assert sweep[4] == ">= 1x: not measured"


def test_ratio_and_met() -> None:
    first, path, _, sweep = _rows()
    assert first.ratio == 1024.0 and first.met is True
    assert path.ratio == pytest.approx(0.5) and path.met is False
    assert sweep.ratio is None and sweep.met is None


def test_number_formats() -> None:
    assert format_ratio(1234.5) == "1,234x"
    assert format_ratio(9.84) == "9.8x"
    assert format_ratio(0.0317) == "0.032x"
    assert format_ratio(None) == "-"
    assert format_rate(1 / 2000, "paths/s") == "2,000 paths/s"
    assert format_rate(1 / 51.3, "paths/s/core") == "51.3 paths/s/core"
    assert format_rate(None, "paths/s") == "-"


def test_json_records_rows_in_si_units_settings_and_versions(tmp_path: Path) -> None:
    path = tmp_path / "bench.json"
    rows = _rows()
    rows[1] = Row(**{**rows[1].__dict__, "details": {"events_per_path": 205.5}})
    write_json(rows, {"quick": True, "run": {"runs": 10}}, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["settings"] == {"quick": True, "run": {"runs": 10}}
    assert document["versions"]["simpy"] == simpy.__version__
    assert {"python", "machine"} <= document.keys()
    first, second, _, sweep = document["rows"]
    assert first["ours_s"] == 2**-18 and first["unit"] == "s/game"
    assert first["ratio"] == 1024.0 and first["met"] is True
    assert second["unit"] == "s/path" and second["details"] == {"events_per_path": 205.5}
    assert sweep["baseline_s"] is None and sweep["ratio"] is None and sweep["met"] is None


def test_skeleton_timeline_holds_the_events_a_gsomia_path_needs(game: Game) -> None:
    line = timeline(game)
    assert line.epochs == len(game.live_times) > 0
    assert line.points == 6  # every dated pressure point lies inside the window
    assert line.shocks == round(0.3 * 92)  # rate_per_day * window days
    assert line.timeouts == line.epochs + line.points + line.shocks + 1
    assert sum(line.delays) == pytest.approx(game.schedule.window_hours)
    assert min(line.delays) >= 0


def test_skeleton_schedules_exactly_the_events_it_was_asked_to(game: Game) -> None:
    line = timeline(game)
    with counting_events() as count:
        end = skeleton_path(line)
    assert end == pytest.approx(game.schedule.window_hours)
    assert count.timeouts == line.timeouts
    assert count.total == line.events == line.timeouts + 2  # process start and end
    assert count.processed == line.events
    with counting_events() as count:
        skeleton_paths(line, 3)()
    assert count.timeouts == 3 * line.timeouts


def test_counting_events_restores_simpy_and_counts_the_raw_loop() -> None:
    schedule, step = simpy.Environment.schedule, simpy.Environment.step
    with counting_events() as count:
        assert timeout_loop(10)() == 10.0
    assert count.timeouts == 10 and count.scheduled["Initialize"] == 1
    assert simpy.Environment.schedule is schedule and simpy.Environment.step is step


def test_sweep_grid_is_50_by_50_over_the_declared_ranges() -> None:
    scenario = sim.load(GSOMIA)
    specs = grid_specs(scenario, SWEPT, FULL_SWEEP.side)
    points = expand(specs, "grid")
    assert len(points) == FULL_SWEEP.points == 2500
    assert FULL_SWEEP.paths == 2500 * 200 and FULL_SWEEP.workers == 2
    assert QUICK_SWEEP.points == 25
    for name in SWEPT:
        low, high = scenario.parameters[name].range or (None, None)
        assert points[name].min() == low and points[name].max() == high
        assert points[name].nunique() == 50


def test_sweep_grid_refuses_a_parameter_without_a_range() -> None:
    scenario: Any = SimpleNamespace(parameters={"x": SimpleNamespace(range=None)})
    with pytest.raises(ValueError, match="x: the scenario declares no range"):
        grid_specs(scenario, ["x"], 3)


def test_sweep_progress_stops_past_its_budget_and_the_row_projects() -> None:
    said: list[str] = []
    progress = Progress(points=100, budget=0.0, say=said.append)
    with pytest.raises(OverBudget):
        progress(25)
    assert progress.done == 25 and said == ["sweep: 25/100 points after 0 s"]
    run = SweepRun(QUICK_SWEEP, wall=10.0, done=5)
    assert not run.complete and run.projected == pytest.approx(50.0)
    row = sweep_row(run)
    assert row.ours_s == pytest.approx(50.0) and row.target is None
    assert "projected" in row.check
    assert SweepRun(FULL_SWEEP, wall=10.0, done=0).projected is None
    assert sweep_row(SweepRun(FULL_SWEEP, wall=10.0, done=0)).met is None
    full = sweep_row(SweepRun(FULL_SWEEP, wall=60.0, done=2500))
    assert full.ratio == pytest.approx(2.0) and full.met is True


def test_interleaved_timing_ticks_every_clock_before_every_chunk() -> None:
    one, two = Clock(lambda: None, 1), Clock(lambda: None, 1)
    best, results = time_in_chunks(lambda x: 2 * x, list(range(10)), 3, [one, two])
    assert results == [2 * x for x in range(10)] and best >= 0
    assert len(one.samples) == len(two.samples) == 4


def test_command_line_parts_and_help() -> None:
    args = parser().parse_args(["--only", "run,sweep", "--skip", "sweep", "--quick"])
    assert args.only == ["run", "sweep"] and args.skip == ["sweep"] and args.quick
    assert parser().parse_args([]).only is None
    with pytest.raises(SystemExit):
        parser().parse_args(["--only", "everything"])
    text = parser().format_help()
    for part in PARTS:
        assert part in text
    assert "--sweep-budget" in text and "50x50" in text and "stress-4x4" in text
