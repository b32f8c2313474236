"""The event log of paths run together (:mod:`sim.batchpaths`), as the SimPy model writes it.

Everything the SimPy model (:mod:`sim.dynamics`) logs follows from what its path did, so the
log is written after the paths have run, from their records: the pressure news up to the
path's end (replayed as the pressure process takes it), each re-solve, each change of action,
the agreement and when it takes effect, or the default at the deadline.

Times are the SimPy clock's. A timeout set at ``now`` for ``t - now`` hours fires at
``now + (t - now)``, which rounding can leave an ulp away from ``t``; the log carries those
times, so they are computed the same way, by the clock and by the pressure process each. At
equal times news comes first (the clock lets news at an epoch's instant come first), then the
epoch's re-solves, actions and agreement in the order the players take them, then the end.

One order is SimPy's own: news at the very instant a path ends after its last decision (when
an agreement takes effect, or at the deadline) is logged before or after the end depending on
which timeout was set first. Such a path (a dated point at that instant; a shock there has
probability zero) is run again in the SimPy model for its log, as is a path whose news would
make SimPy fail.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.batchpaths import PathArrays, _Steps
from sim.dynamics import (
    _SHOCK,
    RESOLVE_DETAILS,
    SHOCK_DETAILS,
    Draws,
    Event,
    _Path,
    _Shared,
    _shared,
    point_details,
    shock_now,
)
from sim.game import Game
from sim.policybook import PolicyBook

__all__ = ["Log", "clock_times", "path_log", "run_logged"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
ObjectArray = NDArray[np.object_]

#: Rank of an event among those at the same time: news, an epoch's decisions, the end.
_NEWS, _EPOCH, _END = 0, 1, 2
#: Order within an epoch: each player's re-solve (0, 1), action (2, 3), the agreement (4).
_RESOLVE, _ACTION, _AGREEMENT = 0, 2, 4


@dataclass(frozen=True)
class Log:
    """The events of P paths, path by path and in order within a path: each event's path
    (0 to P - 1), time in hours, and its actor, event and details."""

    path: IntArray
    hours: FloatArray
    actor: ObjectArray
    event: ObjectArray
    details: ObjectArray

    @classmethod
    def of(cls, paths: Sequence[Sequence[Event]]) -> Log:
        """The log of SimPy paths' event lists (path i's events are ``paths[i]``)."""
        rows = list(itertools.chain.from_iterable(paths))
        counts = [len(events) for events in paths]
        columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
        return cls(
            path=np.repeat(np.arange(len(paths), dtype=np.intp), counts),
            hours=np.array(columns[0], dtype=np.float64),
            actor=_objects(columns[1]),
            event=_objects(columns[2]),
            details=_objects(columns[3]),
        )


def _objects(values: Sequence[str]) -> ObjectArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _column(value: object, n: int) -> ObjectArray:
    """``n`` strings: an array or list of them as they are, or one string repeated."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, list):
        return _objects(value)
    out = np.empty(n, dtype=object)
    out[:] = value
    return out


def clock_times(times: Sequence[float]) -> FloatArray:
    """The SimPy clock's time at each live epoch: from 0, ``now + (t - now)`` per epoch."""
    now, out = 0.0, []
    for t in times:
        now = now + (t - now)
        out.append(now)
    return np.array(out, dtype=np.float64)


@dataclass
class _Parts:
    """Events gathered in any order, with the keys that order them within a path."""

    path: list[IntArray]
    hours: list[FloatArray]
    rank: list[IntArray]
    within: list[IntArray]
    text: list[tuple[ObjectArray, ObjectArray, ObjectArray]]

    def add(
        self,
        path: IntArray,
        hours: FloatArray,
        rank: int | IntArray,
        within: int | IntArray,
        text: tuple[object, object, object],
    ) -> None:
        n = path.size
        self.path.append(path)
        self.hours.append(hours)
        self.rank.append(np.broadcast_to(np.asarray(rank, dtype=np.intp), (n,)))
        self.within.append(np.broadcast_to(np.asarray(within, dtype=np.intp), (n,)))
        actor, event, details = (_column(value, n) for value in text)
        self.text.append((actor, event, details))

    def log(self) -> Log:
        path, hours = np.concatenate(self.path), np.concatenate(self.hours)
        rank, within = np.concatenate(self.rank), np.concatenate(self.within)
        order = np.lexsort((within, rank, hours, path))
        actor, event, details = (np.concatenate([t[c] for t in self.text]) for c in range(3))
        return Log(path[order], hours[order], actor[order], event[order], details[order])


def path_log(steps: _Steps, draws: Draws, trace: Callable[[int], Sequence[Event]]) -> Log:
    """The event log of the paths ``steps`` ran on ``draws``, as SimPy writes it.

    ``trace(i)`` runs path i in the SimPy model and returns its events; it is called only for
    the paths whose order SimPy alone decides (see the module's note).
    """
    shared = steps.shared
    count, live = draws.levels.shape[0], len(shared.times)
    clock = clock_times(shared.times)
    last = float(clock[-1]) if live else 0.0
    ended = steps.ended
    on = np.flatnonzero(ended >= 0)
    decided = np.full(count, last)  # the clock's time at the path's last decision
    decided[on] = clock[ended[on]]
    end = np.full(count, last + (shared.window - last))  # the deadline
    end[on] = decided[on] + shared.delay
    parts = _Parts([], [], [], [], [])
    redo = _news(parts, steps, draws, end, decided)
    _decisions(parts, steps, draws, clock)
    outcome = np.array(shared.payoffs.outcome_ids, dtype=object)[steps.outcome[on]]
    parts.add(on, decided[on], _EPOCH, _AGREEMENT, ("both", "agreement", outcome))
    parts.add(on, end[on], _END, 0, ("both", "takes_effect", outcome))
    off = np.flatnonzero(ended < 0)
    parts.add(off, end[off], _END, 0, ("deadline", "default", shared.default_outcome))
    log = parts.log()
    if not redo:
        return log
    keep = ~np.isin(log.path, redo)
    again = Log.of([trace(i) for i in redo])
    path = np.concatenate([log.path[keep], np.asarray(redo, dtype=np.intp)[again.path]])
    order = np.argsort(path, kind="stable")
    return Log(
        path[order],
        *(np.concatenate([getattr(log, c)[keep], getattr(again, c)])[order] for c in _TEXT),
    )


_TEXT = ("hours", "actor", "event", "details")


def _news(
    parts: _Parts, steps: _Steps, draws: Draws, end: FloatArray, decided: FloatArray
) -> list[int]:
    """Each path's pressure news up to its end, as the pressure process logs it; the paths
    to run again in SimPy. The clock's times follow column by column of the timeline."""
    nominal, value, kind, item = _timeline(steps.shared, draws.shocks)
    news_ = ~np.isnan(nominal)
    clock = np.empty_like(nominal)
    now = np.zeros(nominal.shape[0])
    backwards = np.zeros(nominal.shape[0], dtype=bool)  # SimPy refuses a negative delay
    for c in range(nominal.shape[1]):
        delay = nominal[:, c] - now
        backwards |= news_[:, c] & (delay < 0)
        now = now + delay
        clock[:, c] = now
    at_end = clock == end[:, None]
    before = (clock < end[:, None]) | (at_end & (end == decided)[:, None])
    logged = np.logical_and.accumulate(news_ & before, axis=1)
    redo = backwards | (news_ & at_end & (end > decided)[:, None]).any(axis=1)
    path, col = np.nonzero(logged)
    hours, value, nominal = clock[path, col], value[path, col], nominal[path, col]
    shock = kind[path, col] == _SHOCK
    details = np.empty(path.size, dtype=object)
    details[shock] = [SHOCK_DETAILS % v for v in value[shock].tolist()]
    points = _Points(path, hours, nominal, value, item[path, col], shock)
    details[~shock] = _point_details(steps.shared, points)
    events = np.where(shock, "shock", "scheduled").astype(object)
    parts.add(path, hours, _NEWS, col, ("pressure", events, details))
    return np.flatnonzero(redo).tolist()


def _timeline(
    shared: _Shared, shocks: Sequence[FloatArray]
) -> tuple[FloatArray, FloatArray, IntArray, IntArray]:
    """All paths' news as rows in the order :func:`sim.dynamics.news` gives (by time, a
    point before a shock, points in their list order, shocks in theirs): each entry's time
    (NaN past a row's news), value, kind and index among its kind."""
    points, count = shared.points, len(shocks)
    sizes = np.array([len(s) for s in shocks], dtype=np.intp)
    width = len(points) + int(sizes.max(initial=0))
    nominal = np.full((count, width), np.nan)  # NaN sorts last and compares false
    value = np.zeros((count, width))
    kind = np.full((count, width), _SHOCK, dtype=np.intp)
    item = np.broadcast_to(np.arange(width) - len(points), (count, width)).copy()
    if points:
        nominal[:, : len(points)] = [h for h, *_ in points]
        value[:, : len(points)] = [v for *_, v in points]
        kind[:, : len(points)] = [k for _, k, _, _ in points]
        item[:, : len(points)] = np.arange(len(points))
    if sizes.any():
        flat = np.concatenate(shocks)
        row = np.repeat(np.arange(count), sizes)
        col = len(points) + np.arange(flat.shape[0]) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        nominal[row, col], value[row, col] = flat[:, 0], flat[:, 1]
    nominal[(nominal < 0) | (nominal > shared.window)] = np.nan  # outside the window: not news
    order = np.lexsort((item, kind, nominal), axis=1)
    nominal, value, kind, item = (
        np.take_along_axis(a, order, 1) for a in (nominal, value, kind, item)
    )
    return nominal, value, kind, item


@dataclass(frozen=True)
class _Points:
    """Logged news, path by path and in order: path, clock time, time, value, index among
    its kind, and whether it is a shock."""

    path: IntArray
    hours: FloatArray
    nominal: FloatArray
    value: FloatArray
    item: IntArray
    shock: NDArray[np.bool_]


def _point_details(shared: _Shared, news: _Points) -> list[str]:
    """The details of the dated points among the logged news, with what is left of the
    shocks before each, as the pressure process carries it."""
    pressure, half_life = shared.pressure, shared.pressure.shock_half_life_hours
    labels = [label for _, _, label, _ in shared.points]
    out = []
    last = -1
    level = at = 0.0
    columns = (news.path, news.hours, news.nominal, news.value, news.item, news.shock)
    for n, now, h, v, q, is_shock in zip(*(c.tolist() for c in columns), strict=True):
        if n != last:
            level = at = 0.0
            last = n
        if is_shock:
            level, at = shock_now(level, at, now, half_life) + v, h
        else:
            left = shock_now(level, at, now, half_life)
            out.append(point_details(pressure, now, h, labels[q], v, left))
    return out


def _decisions(parts: _Parts, steps: _Steps, draws: Draws, clock: FloatArray) -> None:
    """Each epoch's re-solves and changes of action."""
    shared = steps.shared
    if steps.resolved:
        path = np.concatenate([paths for paths, _, _ in steps.resolved])
        epoch = np.concatenate([np.full(paths.size, k) for paths, k, _ in steps.resolved])
        player = np.concatenate([np.full(paths.size, p) for paths, _, p in steps.resolved])
        levels = draws.levels[path, epoch].tolist()
        text = [RESOLVE_DETAILS % kv for kv in zip(epoch.tolist(), levels, strict=True)]
        parts.add(path, clock[epoch], _EPOCH, _RESOLVE + player, ("players", "resolve", text))
    live = len(shared.times)
    played = np.where(steps.ended < 0, live, steps.ended + 1)
    reached = np.arange(live)[None, :] < played[:, None]
    for p in range(2):
        cells = steps.cells[p]
        changed = reached.copy()
        changed[:, 1:] &= cells[:, 1:] != cells[:, :-1]
        path, epoch = np.nonzero(changed)
        names = np.array(shared.actions[p], dtype=object)[cells[path, epoch]]
        parts.add(path, clock[epoch], _EPOCH, _ACTION + p, (shared.ids[p], "action", names))


def run_logged(game: Game, book: PolicyBook, draws: Draws) -> tuple[PathArrays, Log]:
    """The paths of ``draws`` run together (:func:`sim.batchpaths.run_paths`), and their log."""
    steps = _Steps(_shared(game, book), book, draws.levels, draws.uniforms)
    steps.run()

    def trace(i: int) -> list[Event]:
        return _Path(game, book, draws, i).run().events

    return steps.arrays(), path_log(steps, draws, trace)
