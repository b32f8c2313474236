"""Monte Carlo of paths: the random inputs, the two engines, the event log, the runner and
the summary.

- :mod:`._draws`: seeding (path ``i`` of a run draws from
  ``SeedSequence(rng_seed).spawn(runs)[i]``) and each path's shocks and uniforms;
- :mod:`._simpy`: the SimPy model of one path, the model of record (``negsim run --replay``);
- :mod:`._batch`: the array engine, many paths epoch by epoch with the same numbers;
- :mod:`._eventlog`: the event log of paths run together, as the SimPy model writes it;
- :mod:`._runner`: chunks, workers, the pre-solved policies, the tables;
- :mod:`._executors`: this process, a process pool or a Dask cluster, for runs and sweeps;
- :mod:`._uncertain`: the nested Monte Carlo over declared parameter distributions;
- :mod:`._summary` and :mod:`._result`: ``summary.json`` and ``sim.run``.

>>> import sim
>>> result = sim.run("scenarios/war-of-attrition-deadline.toml", runs=300, rng_seed=1)
>>> result.summary["outcomes"]["deadline"]["probability"]
0.22
"""

from sim.simulate._batch import PathArrays, reach, run_paths, run_steps, simulate_paths
from sim.simulate._draws import (
    Draws,
    draw_paths,
    draw_shocks,
    path_generator,
    path_generators,
    sample,
)
from sim.simulate._eventlog import Log, clock_times, path_log, run_logged
from sim.simulate._executors import (
    check_scheduler,
    dask_client,
    map_chunks,
    map_tasks,
)
from sim.simulate._paths import PathResult, first_mover
from sim.simulate._progress import ProgressArg, interactive, progress_bar
from sim.simulate._record import (
    RecordMasks,
    observed_row,
    record_likelihood,
    record_masks,
    simulated_records,
)
from sim.simulate._result import DEFAULT_RUNS, RunResult, run
from sim.simulate._runner import (
    CHUNK,
    Tables,
    check_runs,
    paused_gc,
    prepare_books,
    simulate,
    simulate_points,
    simulate_prepared,
    solve_reached,
)
from sim.simulate._simpy import run_each, simulate_each, simulate_path
from sim.simulate._summary import summarise, wilson
from sim.simulate._tipping import KNIFE_EDGE, support, tipping_points
from sim.simulate._typed import TypedPaths, play_types
from sim.simulate._uncertain import (
    DEFAULT_DRAWS,
    SAMPLERS,
    draw_blocks,
    drawn_names,
    frozen,
    parameter_draws,
    quantile,
    simulate_drawn,
    variance_split,
)

__all__ = [
    "CHUNK",
    "DEFAULT_DRAWS",
    "DEFAULT_RUNS",
    "KNIFE_EDGE",
    "SAMPLERS",
    "Draws",
    "Log",
    "PathArrays",
    "PathResult",
    "ProgressArg",
    "RecordMasks",
    "RunResult",
    "Tables",
    "TypedPaths",
    "check_runs",
    "check_scheduler",
    "clock_times",
    "dask_client",
    "draw_blocks",
    "draw_paths",
    "draw_shocks",
    "drawn_names",
    "first_mover",
    "frozen",
    "interactive",
    "map_chunks",
    "map_tasks",
    "observed_row",
    "parameter_draws",
    "path_generator",
    "path_generators",
    "path_log",
    "paused_gc",
    "play_types",
    "prepare_books",
    "progress_bar",
    "quantile",
    "reach",
    "record_likelihood",
    "record_masks",
    "run",
    "run_each",
    "run_logged",
    "run_paths",
    "run_steps",
    "sample",
    "simulate",
    "simulate_drawn",
    "simulate_each",
    "simulate_path",
    "simulate_paths",
    "simulate_points",
    "simulate_prepared",
    "simulated_records",
    "solve_reached",
    "summarise",
    "support",
    "tipping_points",
    "variance_split",
    "wilson",
]
