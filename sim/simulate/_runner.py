"""Many paths of one scenario: chunks, parallel execution, and the tables they give.

Path i draws from ``SeedSequence(rng_seed).spawn(runs)[i]`` (:mod:`._draws`), so its rows are
the same whether it runs alone (replay), in one process or in several.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.deadline import RESOLVE_TOLERANCE, Game, PolicyBook, solve_policies
from sim.errors import ArgumentError
from sim.model import build_schedule
from sim.scenario import Scenario
from sim.simulate._batch import PathArrays, reach, run_paths, simulate_paths
from sim.simulate._draws import Draws, children, draw_paths, generator, path_generators
from sim.simulate._eventlog import Log, run_logged
from sim.simulate._executors import check_scheduler, map_tasks
from sim.simulate._simpy import simulate_each

__all__ = [
    "CHUNK",
    "Progress",
    "Tables",
    "check_runs",
    "concat_events",
    "in_order",
    "paused_gc",
    "prepare_books",
    "simulate",
    "simulate_points",
    "simulate_prepared",
    "solve_reached",
]

#: Paths run together, and handed to a worker, at a time.
CHUNK = 1000

Progress = Callable[[int], None]

#: A chunk's paths: their indices, what happened on them and their event log (``None``
#: when the run keeps no event log).
_Part = tuple[Sequence[int], PathArrays, Log | None]


@dataclass(frozen=True)
class Tables:
    """One row per path, and the event log of all paths (``None`` when not kept)."""

    runs: pd.DataFrame
    events: pd.DataFrame | None


def _chunk(
    scenario: Scenario,
    indices: Sequence[int],
    seeds: Sequence[np.random.SeedSequence],
    events: bool = True,
) -> _Part:
    """Paths ``indices`` from their seeds, run together, with their event log if ``events``."""
    game, book = _prepared(scenario)
    draws = draw_paths(game, [generator(s) for s in seeds])
    with paused_gc():
        solve_reached(game, book, draws)
        if not events:
            return list(indices), run_paths(game, book, draws), None
        paths, log = run_logged(game, book, draws)
    return list(indices), paths, log


def _replay(scenario: Scenario, index: int, seed: np.random.SeedSequence) -> _Part:
    """Path ``index`` alone, in the SimPy model."""
    game, book = _prepared(scenario)
    with paused_gc():
        (path,) = simulate_each(game, book, [generator(seed)])
    return [index], PathArrays.of([path]), Log.of([path.events])


#: The last scenario prepared in this process, by its JSON form: chunks of one run (in this
#: process or in a pool's worker) share its game and policies instead of solving them again.
_PREPARED: dict[str, tuple[Game, PolicyBook]] = {}


def _prepared(scenario: Scenario) -> tuple[Game, PolicyBook]:
    """The game and prepared policy book of ``scenario``, solved once per process."""
    key = scenario.model_dump_json(warnings=False)
    prepared = _PREPARED.get(key)
    if prepared is None:
        game = Game.from_scenario(scenario)
        prepared = game, prepare_books([game])[0]
        _PREPARED.clear()
        _PREPARED[key] = prepared
    return prepared


#: Batches (in any thread) inside :func:`paused_gc`; the collector is enabled again when the
#: last one ends.
_PAUSES = 0
_PAUSE_LOCK = threading.Lock()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch of work.

    Policies as plain lists and the SimPy objects of every path make millions of small
    containers; the collector would otherwise traverse them over and over while they are
    still in use (a third of the time of solving a sweep's policies). The cycles left by
    the batch (each path's SimPy environment) are freed by the collector's next young-
    generation pass after it is enabled again; a full collection here would traverse every
    live object, policies included, after every batch.
    """
    global _PAUSES
    with _PAUSE_LOCK:
        ours = _PAUSES > 0 or gc.isenabled()  # else disabled by someone else: leave it so
        if ours:
            _PAUSES += 1
            gc.disable()
    try:
        yield
    finally:
        if ours:
            with _PAUSE_LOCK:
                _PAUSES -= 1
                if _PAUSES == 0:
                    gc.enable()


def simulate(
    scenario: Scenario,
    runs: int,
    rng_seed: int,
    workers: int = 1,
    only: int | None = None,
    progress: Progress | None = None,
    scheduler: str | None = None,
    events: bool = True,
) -> Tables:
    """Simulate ``runs`` paths (or only path ``only``) and tabulate them.

    The paths of a chunk run together (:mod:`._batch`), and their event log is
    written as the SimPy model writes it (:mod:`._eventlog`); path ``only`` runs alone in
    the SimPy model (:mod:`._simpy`). Either way a path's rows are the same.

    Parameters
    ----------
    workers:
        Processes to use; 1 runs in this process.
    scheduler:
        A Dask scheduler's ``tcp://HOST:PORT``, or ``"local"`` for a Dask ``LocalCluster`` of
        ``workers`` processes (:func:`map_tasks`). The tables do not depend on the executor.
    progress:
        Called with the number of paths finished after each chunk.
    events:
        Keep the event log; ``False`` skips building it (``Tables.events`` is ``None``) and
        leaves the runs table unchanged.
    """
    check_runs(runs, rng_seed, workers, only)
    check_scheduler(scheduler)
    seeds = children(rng_seed, runs)
    if only is not None:
        index, paths, log = _replay(scenario, only, seeds[only])
        parts = [(index, paths, log if events else None)]
        if progress:
            progress(1)
        return _tabulate(scenario, parts)
    batches = [
        (range(start, min(start + CHUNK, runs)), seeds[start : start + CHUNK])
        for start in range(0, runs, CHUNK)
    ]
    tasks = [(scenario, i, s, events) for i, s in batches]
    parts = in_order(map_tasks(_chunk, tasks, workers, scheduler), len(tasks), progress)
    return _tabulate(scenario, parts)


def in_order(
    results: Iterator[tuple[int, Any]], count: int, progress: Progress | None
) -> list[Any]:
    """The ``count`` results of :func:`map_tasks` in the tasks' order, ``progress`` called with
    each one's paths (its first item's length, or the length of its ``runs``) as it ends."""
    parts: list[Any] = [None] * count
    for i, part in results:
        parts[i] = part
        if progress:
            progress(len(part.runs) if isinstance(part, Tables) else len(part[0]))
    return parts


#: Most paths of one run (a run holds a row per path, and seeds one sequence per path).
MAX_RUNS = 10_000_000
#: Root seeds are below this (``numpy.random.SeedSequence`` takes any non-negative int).
MAX_SEED = 2**128
#: Most worker processes.
MAX_WORKERS = 1024


def check_runs(runs: object, rng_seed: object, workers: object, only: object = None) -> None:
    """That a run's sizes are usable, in the library's words.

    Raises
    ------
    SimError
        For ``runs`` not a positive integer, ``rng_seed`` not a non-negative integer,
        ``workers`` not a positive integer, or a replayed path ``only`` not in ``[0, runs)``.
    """
    count = _integer(runs)
    if count is None or count < 1:
        raise ArgumentError("runs", runs, "must be a positive integer")
    if count > MAX_RUNS:
        raise ArgumentError("runs", runs, f"must be at most {MAX_RUNS} (the limit on paths)")
    seed = _integer(rng_seed)
    if seed is None or seed < 0:
        raise ArgumentError("rng_seed", rng_seed, "must be a non-negative integer")
    if seed >= MAX_SEED:
        raise ArgumentError("rng_seed", rng_seed, "must be below 2**128")
    processes = _integer(workers)
    if processes is None or processes < 1:
        raise ArgumentError("workers", workers, "must be a positive integer")
    if processes > MAX_WORKERS:
        raise ArgumentError("workers", workers, f"must be at most {MAX_WORKERS}")
    index = _integer(only)
    if only is not None and (index is None or not 0 <= index < count):
        raise ArgumentError("replay", only, f"must be a path index in [0, {count})")


def _integer(value: object) -> int | None:
    """``value`` as an int if it is an integer (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        return None
    return int(value)


def prepare_books(
    games: Sequence[Game], needs: Sequence[Mapping[int, int]] | None = None
) -> list[PolicyBook]:
    """A prepared :class:`PolicyBook` for each game, all solved in one backward induction.

    The games are one scenario at different parameter values (a sweep's points): every
    level a book would :meth:`~PolicyBook.prepare` and each game's policy on the scheduled
    pressure go to :func:`sim.deadline.solve_policies` together. With ``needs`` (one per game,
    from :func:`reach`: grid step -> earliest live epoch) a book gets only
    those levels, each solved from that epoch; any other is solved on first use.
    """
    if needs is None:
        grids = [PolicyBook.grid(game) for game in games]
        starts = None
    else:  # grid step s is level s * tolerance, as PolicyBook.grid and a book's solves give it
        grids = [[step * RESOLVE_TOLERANCE for step in need] for need in needs]
        starts = [[*need.values(), 0] for need in needs]
    books = []
    with paused_gc():
        requests = [(g, [*grid, None]) for g, grid in zip(games, grids, strict=True)]
        solved = solve_policies(requests, starts)
        for game, grid, policies in zip(games, grids, solved, strict=True):
            book = PolicyBook(game, initial=policies[-1])
            book.add(grid, policies[:-1])
            books.append(book)
    return books


def solve_reached(game: Game, book: PolicyBook, draws: Draws) -> None:
    """Solve the policies the paths of ``draws`` will re-solve to and ``book`` lacks, all in
    one backward induction, each level from the earliest live epoch a path needs it.

    With persistent forecasts, a path whose pressure leaves the book's grid (above
    :meth:`PolicyBook.grid`'s ceiling: frequent or large shocks) needs levels the book has
    not solved; the paths would solve them as they meet them, one backward induction per
    epoch, which cost most of a run on such a scenario. The pressure is exogenous, so
    :func:`reach` names them first. The policies are the same (a policy solved from epoch
    s equals the tail of the one solved from epoch 0), so the paths are unchanged.
    """
    if book.tolerance != RESOLVE_TOLERANCE:  # reach() rounds to the default grid
        return
    kept = book.kept()
    missing = {
        step: epoch
        for step, epoch in reach(game, draws).items()
        if (0, step) not in kept or kept[(0, step)].first > epoch
    }
    if not missing:
        return
    levels = [step * book.tolerance for step in missing]
    (policies,) = solve_policies([(game, levels)], [list(missing.values())])
    book.add(levels, policies)


def simulate_points(
    games: Sequence[Game], runs: int, rng_seeds: Sequence[int]
) -> list[tuple[PolicyBook, pd.DataFrame]]:
    """The runs tables of many games (a sweep's points), ``runs`` paths each from its seed.

    Each point's paths are drawn first. The pressure is exogenous, so they tell which
    policies the paths can re-solve to and from which epoch on (:func:`reach`);
    only those are solved, all points' together (:func:`prepare_books`), and the paths then
    run together (:func:`run_paths`). The tables equal ``simulate``'s; each
    comes with its point's book.
    """
    draws = [
        draw_paths(game, path_generators(seed, runs))
        for game, seed in zip(games, rng_seeds, strict=True)
    ]
    needs = [reach(game, d) for game, d in zip(games, draws, strict=True)]
    books = prepare_books(games, needs)
    return [
        (book, _runs_table(game.scenario, range(runs), run_paths(game, book, d)))
        for game, book, d in zip(games, books, draws, strict=True)
    ]


def simulate_prepared(game: Game, book: PolicyBook, runs: int, rng_seed: int) -> pd.DataFrame:
    """The runs table of ``runs`` paths simulated here with a prepared policy book.

    The same rows as ``simulate(game.scenario, runs, rng_seed).runs``, without the event
    log: the paths advance together, epoch by epoch (:func:`simulate_paths`),
    instead of one SimPy model each. (A sweep uses :func:`simulate_points`, which also
    pre-solves only what its paths reach.)
    """
    rngs = path_generators(rng_seed, runs)
    return _runs_table(game.scenario, range(runs), simulate_paths(game, book, rngs))


def _tabulate(scenario: Scenario, parts: Sequence[_Part]) -> Tables:
    runs = [_runs_table(scenario, indices, paths) for indices, paths, _ in parts]
    logs = [(indices, log) for indices, _, log in parts if log is not None]
    if len(logs) < len(parts):
        return Tables(runs=_concat(runs), events=None)
    events = [_events_table(scenario, indices, log) for indices, log in logs]
    return Tables(runs=_concat(runs), events=_concat(events))


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def concat_events(frames: Sequence[pd.DataFrame | None]) -> pd.DataFrame | None:
    """Event logs one after the other; ``None`` if any part kept none."""
    kept = [f for f in frames if f is not None]
    return _concat(kept) if kept and len(kept) == len(frames) else None


def _runs_table(scenario: Scenario, indices: Sequence[int], paths: PathArrays) -> pd.DataFrame:
    """One row per path."""
    window = build_schedule(scenario).window_hours
    ids = [p.id for p in scenario.players]
    columns: dict[str, object] = {
        "run": np.asarray(indices, dtype=np.int64),
        "outcome": pd.array(paths.outcome, dtype="string"),
        "hours_before_deadline": window - paths.decision_hours,
        "first_mover": pd.array(paths.first_mover, dtype="string"),
        "resolves": paths.resolves,
    }
    for p, pid in enumerate(ids):
        columns[f"final_action_{pid}"] = pd.array(paths.final_actions[p], dtype="string")
    for p, pid in enumerate(ids):
        columns[f"payoff_{pid}"] = paths.payoffs[:, p]
    return pd.DataFrame(columns)


def _events_table(scenario: Scenario, indices: Sequence[int], log: Log) -> pd.DataFrame:
    """The event log of the paths ``indices``, with the calendar time of each event."""
    hours = pd.Series(log.hours, dtype=np.float64)
    start = pd.Timestamp(build_schedule(scenario).start)
    when = (start + pd.to_timedelta(hours, unit="h")).dt.as_unit("ns")  # whatever the hours
    return pd.DataFrame(
        {
            "run": np.asarray(indices, dtype=np.int64)[log.path],
            "hours": hours,
            "datetime": when,
            "actor": pd.array(log.actor, dtype="str"),
            "event": pd.array(log.event, dtype="str"),
            "details": pd.array(log.details, dtype="str"),
        }
    )
