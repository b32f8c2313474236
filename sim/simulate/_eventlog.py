"""The event log of paths run together (:mod:`._batch`), as the SimPy model writes it.

Everything the SimPy model (:mod:`._simpy`) logs follows from what its path did, so the
log is written after the paths have run, from their records: the pressure news up to the
path's end (replayed as the pressure process takes it), each re-solve, each change of action,
the agreement and when it takes effect, or the default at the deadline.

Times are the SimPy clock's. A timeout set at ``now`` for ``t - now`` hours fires at
``now + (t - now)``, which rounding can leave an ulp away from ``t``; the log carries those
times, so they are computed the same way, by the clock and by the pressure process each. At
equal times news comes first (the clock lets news at an epoch's instant come first), then the
epoch's re-solves, actions and agreement in the order the players take them, then the end.

One order is SimPy's own: news at the very instant a path ends after its last decision (when
an agreement takes effect, or at the deadline). Which timeout was set first decides whether
the first such news is logged before the end or after it, and whether one more follows the
end. Such a path (a dated point at that instant; a shock there has probability zero) is run
again in the SimPy model for its log, at SimPy's speed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from sim.deadline import Game, PolicyBook
from sim.simulate._batch import PathArrays, _Steps, run_steps
from sim.simulate._draws import Draws
from sim.simulate._paths import (
    _SHOCK,
    RESOLVE_DETAILS,
    SHOCK_DETAILS,
    Event,
    _Shared,
    point_details,
)
from sim.simulate._simpy import _Path

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
    return _objects(value if isinstance(value, list) else [str(value)] * n)


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

    path: list[IntArray] = field(default_factory=list)
    hours: list[FloatArray] = field(default_factory=list)
    rank: list[IntArray] = field(default_factory=list)
    within: list[IntArray] = field(default_factory=list)
    text: list[tuple[ObjectArray, ObjectArray, ObjectArray]] = field(default_factory=list)

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


#: The columns of a :class:`Log` after ``path``.
_COLUMNS = ("hours", "actor", "event", "details")


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
    # When the clock set the timeout that ends each path: at the epoch of its agreement, or
    # at its last epoch (at the start, if none) for the deadline.
    set_at = np.full(count, last)
    set_at[on] = clock[ended[on]]
    end = np.full(count, last + (shared.window - last))  # the deadline
    end[on] = set_at[on] + shared.delay
    parts = _Parts()
    redo = _news(parts, steps, draws, end, set_at)
    _decisions(parts, steps, clock)
    outcome = np.array(shared.payoffs.outcome_ids, dtype=object)[steps.outcome[on]]
    parts.add(on, set_at[on], _EPOCH, _AGREEMENT, ("both", "agreement", outcome))
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
        *(np.concatenate([getattr(log, c)[keep], getattr(again, c)])[order] for c in _COLUMNS),
    )


@dataclass(frozen=True)
class _News:
    """All paths' pressure news, path by path, each path's in the order
    :func:`news` gives (by time, a point before a shock at the same instant,
    points in their list order, shocks in theirs): each item's path, time, value, kind and
    index among its kind; ``start`` is where each path's items begin (P + 1 entries)."""

    path: IntArray
    nominal: FloatArray
    value: FloatArray
    kind: IntArray
    item: IntArray
    start: IntArray

    @classmethod
    def of(cls, shared: _Shared, shocks: Sequence[FloatArray]) -> _News:
        count, points = len(shocks), shared.points
        sizes = np.array([len(s) for s in shocks], dtype=np.intp)
        flat = np.concatenate(shocks) if sizes.any() else np.zeros((0, 2))
        path = np.concatenate(
            [np.repeat(np.arange(count), len(points)), np.repeat(np.arange(count), sizes)]
        )
        nominal = np.concatenate([np.tile([h for h, *_ in points], count), flat[:, 0]])
        value = np.concatenate([np.tile([v for *_, v in points], count), flat[:, 1]])
        kind = np.concatenate(
            [np.tile([k for _, k, _, _ in points], count), np.full(flat.shape[0], _SHOCK)]
        )
        first = np.repeat(np.cumsum(sizes) - sizes, sizes)
        item = np.concatenate(
            [np.tile(np.arange(len(points)), count), np.arange(flat.shape[0]) - first]
        )
        inside = (nominal >= 0) & (nominal <= shared.window)
        order = np.lexsort((item, kind, nominal, path))
        order = order[inside[order]]
        path = path[order]
        start = np.searchsorted(path, np.arange(count + 1))
        return cls(
            path, nominal[order], value[order], kind[order].astype(np.intp), item[order], start
        )

    def clock(self) -> FloatArray:
        """The SimPy clock's time at each item: from 0, ``now + max(t - now, 0)`` item by item
        along each path, for all paths at once."""
        lengths = np.diff(self.start)
        now = np.zeros(lengths.size)
        out = np.empty(self.nominal.size)
        for j in range(int(lengths.max(initial=0))):
            paths = np.flatnonzero(lengths > j)
            at = self.start[paths] + j
            now[paths] = now[paths] + np.maximum(self.nominal[at] - now[paths], 0.0)
            out[at] = now[paths]
        return out


def _news(
    parts: _Parts, steps: _Steps, draws: Draws, end: FloatArray, set_at: FloatArray
) -> list[int]:
    """Each path's pressure news up to its end, as the pressure process logs it; the paths
    to run again in SimPy (news at the instant the path ends, after the end was set)."""
    news = _News.of(steps.shared, draws.shocks)
    clock = news.clock()
    ends, sets = end[news.path], set_at[news.path]
    at_end = clock == ends
    logged = (clock < ends) | (at_end & (ends == sets))  # the clock never goes back
    redo: list[int] = np.unique(news.path[at_end & (ends > sets)]).tolist()
    index = np.flatnonzero(logged)
    path, hours, value = news.path[index], clock[index], news.value[index]
    shock = news.kind[index] == _SHOCK
    details = np.empty(index.size, dtype=object)
    details[shock] = [SHOCK_DETAILS % v for v in value[shock].tolist()]
    details[~shock] = _point_details(steps.shared, news, index, hours, shock)
    events = np.where(shock, "shock", "scheduled").astype(object)
    within = index - news.start[path]
    parts.add(path, hours, _NEWS, within, ("pressure", events, details))
    return redo


def _point_details(
    shared: _Shared, news: _News, index: IntArray, hours: FloatArray, shock: NDArray[np.bool_]
) -> list[str]:
    """The details of the dated points among the logged news ``index`` (with their clock
    times ``hours``), with what is left of the shocks before each, as the pressure process
    carries it. Shocks after a path's last logged point are not needed."""
    pressure = shared.pressure
    labels = [label for _, _, label, _ in shared.points]
    path = news.path[index]
    last_point = np.full(news.start.size - 1, -1)
    np.maximum.at(last_point, path[~shock], np.flatnonzero(~shock))
    needed = np.flatnonzero(np.arange(index.size) <= last_point[path])
    columns = (path, hours, news.nominal[index], news.value[index], news.item[index], shock)
    out = []
    last = -1
    level = at = 0.0
    for n, now, h, v, q, is_shock in zip(*(c[needed].tolist() for c in columns), strict=True):
        if n != last:
            level = at = 0.0
            last = n
        if is_shock:
            level, at = pressure.shock_left(level, at, now) + v, h
        else:
            left = pressure.shock_left(level, at, now)
            out.append(point_details(pressure, now, h, labels[q], v, left))
    return out


def _decisions(parts: _Parts, steps: _Steps, clock: FloatArray) -> None:
    """Each epoch's re-solves and changes of action."""
    shared = steps.shared
    if steps.resolved:
        path = np.concatenate([paths for paths, _, _ in steps.resolved])
        epoch = np.concatenate([np.full(paths.size, k) for paths, k, _ in steps.resolved])
        player = np.concatenate([np.full(paths.size, p) for paths, _, p in steps.resolved])
        levels = steps.levels[path, epoch].tolist()
        text = [RESOLVE_DETAILS % kv for kv in zip(epoch.tolist(), levels, strict=True)]
        parts.add(path, clock[epoch], _EPOCH, _RESOLVE + player, ("players", "resolve", text))
    reached = np.arange(len(shared.times))[None, :] < steps.played[:, None]
    for p in range(2):
        cells = steps.cells[p]
        changed = reached.copy()
        changed[:, 1:] &= cells[:, 1:] != cells[:, :-1]
        path, epoch = np.nonzero(changed)
        names = np.array(shared.actions[p], dtype=object)[cells[path, epoch]]
        parts.add(path, clock[epoch], _EPOCH, _ACTION + p, (shared.ids[p], "action", names))


def run_logged(game: Game, book: PolicyBook, draws: Draws) -> tuple[PathArrays, Log]:
    """The paths of ``draws`` run together (:func:`run_paths`), and their log."""
    steps = run_steps(game, book, draws)

    def trace(i: int) -> list[Event]:
        return _Path(game, book, draws, i).run().events

    return steps.arrays(), path_log(steps, draws, trace)
