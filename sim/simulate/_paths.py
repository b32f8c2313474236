"""What both path engines share: a game's constants as a path reads them, the policies as
plain lists (plans), how a path's pressure news is ordered and logged, and who moved first.

The SimPy model (:mod:`._simpy`) and the array engine (:mod:`._batch`) read the same
constants and the same plans, so their numbers are the same.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
from numpy.typing import NDArray

from sim.deadline import Game, Key, Policy, PolicyBook
from sim.model import PayoffModel, PressureModel

__all__ = [
    "RESOLVE_DETAILS",
    "SHOCK_DETAILS",
    "Event",
    "PathResult",
    "cumulative_draws",
    "first_mover",
    "news",
    "point_details",
]

FloatArray = NDArray[np.float64]

#: An event of the log: hours, actor, event, details.
Event = tuple[float, str, str, str]

#: Kinds of pressure news, in the order they are handled at equal times.
_POINT, _SHOCK = 0, 1

#: Timeline entries: hours, kind, label (a point's event), value (the scheduled level at a
#: point, the size of a shock).
_News = tuple[float, int, str, float]
_WHEN = itemgetter(0, 1)

#: The ``details`` of a re-solve's event (epoch, observed pressure) and of a shock's (size).
RESOLVE_DETAILS = "epoch=%d pressure=%.4f"
SHOCK_DETAILS = "size=%.4f"


@dataclass(frozen=True)
class _Shared:
    """A game's constants as a path reads them, built once per :class:`PolicyBook`.

    ``linear`` stacks ``Model.realised``'s base and slope, shape (L, 4, m, n), so that one
    gather gives both for the cells played; ``coupled`` says whether any continuation term
    makes a path's payoff depend on the policy's continuation values.
    """

    times: list[float]
    window: float
    delay: float
    ids: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    concedes: tuple[tuple[bool, ...], ...]
    outcome_at: list[list[str | None]]
    default_outcome: str
    points: list[_News]
    pressure: PressureModel
    payoffs: PayoffModel
    linear: FloatArray
    coupling: FloatArray
    coupled: bool
    discount: FloatArray
    step: FloatArray
    deadline_discount: float

    @classmethod
    def of(cls, game: Game) -> _Shared:
        schedule, players, model = game.schedule, game.scenario.players, game.payoffs
        times = game.live_times.tolist()
        cells = model.outcome_of_cell.tolist()
        base, slope, coupling = game.model.realised
        return cls(
            times=times,
            window=schedule.window_hours,
            delay=schedule.delay_hours,
            ids=tuple(p.id for p in players),
            actions=tuple(tuple(p.actions) for p in players),
            concedes=tuple(tuple(a in p.concessions for a in p.actions) for p in players),
            outcome_at=[[model.outcome_ids[c] if c >= 0 else None for c in row] for row in cells],
            default_outcome=model.default_outcome,
            points=_points(game),
            pressure=game.pressure,
            payoffs=model,
            linear=np.concatenate([base, slope], axis=1),
            coupling=coupling,
            coupled=bool(np.any(coupling != 0.0)),
            discount=np.array([game.model.discount_at(t) for t in times], dtype=np.float64),
            step=np.array(
                [schedule.discount_per_day ** float(d) for d in schedule.live_days.tolist()],
                dtype=np.float64,
            ),
            deadline_discount=game.model.discount_at(schedule.window_hours),
        )

    def accrue(
        self,
        cells: NDArray[np.intp],
        played: NDArray[np.intp],
        levels: FloatArray,
        ahead: FloatArray | None,
        reached: NDArray[np.bool_],
    ) -> FloatArray:
        """Each of P paths' discounted payoffs, (P, 2): the epochs it played and the default
        outcome's payoffs at the deadline if it got there.

        ``cells`` (2, P, L) holds the row and column played at each epoch (the first
        ``played[p]`` count), ``levels`` (P, L + 1) the realised pressure, ``ahead``
        (P, L, 2) the value of reaching epoch k + 1 under the policy in force at k (needed
        only if the game has continuation terms). Epoch k earns ``base + level * slope +
        coupling @ (step * V)`` in its cell (``Model.realised``); a path's earnings are
        discounted to the start and summed epoch by epoch, in order.
        """
        total = np.zeros((levels.shape[0], 2))
        for k in range(int(played.max(initial=0))):
            on = np.flatnonzero(played > k)
            i, j = cells[0, on, k], cells[1, on, k]
            cell = self.linear[k, :, i, j]
            stage = cell[:, :2] + levels[on, k, None] * cell[:, 2:]
            if self.coupled:
                assert ahead is not None
                cont = ahead[on, k] * self.step[k]
                stage += np.matmul(self.coupling[k, :, :, i, j], cont[:, :, None])[:, :, 0]
            stage *= self.discount[k]
            total[on] = stage if k == 0 else total[on] + stage
        end = np.flatnonzero(reached)
        if end.size:
            deadline = self.payoffs.default_payoffs(levels[end, -1]) * self.deadline_discount
            total[end] = total[end] + deadline
        return total


@dataclass(frozen=True, slots=True)
class _Plan:
    """A policy as plain Python lists, for the per-epoch lookups of a path.

    Rows are indexed by ``k - first`` as in the policy. ``draws[p][k - first]`` is player
    p's cumulative strategy at epoch k with its last entry set to infinity, so that
    ``bisect_right(draws, u)`` maps a uniform u to an action even when rounding leaves the
    cumulative sum just below one (the last action, as ``min(..., m - 1)`` would give).
    """

    policy: Policy
    first: int
    pressure: list[float]
    draws: tuple[list[list[float]], list[list[float]]]
    values: list[list[float]]

    @classmethod
    def of(cls, policy: Policy) -> _Plan:
        return cls.many([policy])[0]

    @classmethod
    def many(cls, policies: Sequence[Policy]) -> list[_Plan]:
        """The plans of policies, with a few numpy calls for all of those from each epoch."""
        firsts = {p.first for p in policies}
        if len(firsts) > 1:
            plans: dict[int, _Plan] = {}
            for first in firsts:
                group = [i for i, p in enumerate(policies) if p.first == first]
                plans.update(zip(group, cls.many([policies[i] for i in group]), strict=True))
            return [plans[i] for i in range(len(policies))]
        if not policies:
            return []

        def draws(name: str) -> list[list[list[float]]]:
            out: list[list[list[float]]] = cumulative_draws(
                np.stack([getattr(p, name) for p in policies])
            ).tolist()
            return out

        rows, cols = draws("row"), draws("col")
        pressure = np.stack([p.pressure for p in policies]).tolist()
        values = np.stack([p.values for p in policies]).tolist()
        return [
            cls(p, p.first, pressure[i], (rows[i], cols[i]), values[i])
            for i, p in enumerate(policies)
        ]


def cumulative_draws(strategies: FloatArray) -> FloatArray:
    """Cumulative mixed strategies over the last axis with the last entry set to infinity:
    an action is the count of entries at most a uniform draw (``bisect_right``), so that
    rounding that leaves the sum just below one still gives the last action."""
    cumulative = np.cumsum(strategies, axis=-1)
    cumulative[..., -1] = math.inf
    return cumulative


class _Plans:
    """The plans of a book's policies: those added to the book built in bulk on first use,
    any other when a path first needs it (:meth:`PolicyBook.policies_at`)."""

    def __init__(self, book: PolicyBook) -> None:
        self.book = book
        self._plans: dict[Key, _Plan] = {}
        self._read = 0  # how many of book.added are planned
        self.initial = _Plan.of(book.initial)

    def get(self, first: int, level: float) -> _Plan:
        """The plan in force from live epoch ``first`` at the observed ``level``."""
        key = self.book.key(first, level)
        plan = self._plans.get(key)
        if plan is None or plan.first > first:
            added = self.book.added
            if self._read < len(added):
                keys, self._read = added[self._read :], len(added)
                kept = self.book.kept()
                self._plans.update(zip(keys, _Plan.many([kept[k] for k in keys]), strict=True))
                return self.get(first, level)
            policy = self.book.policies_at(first, [key[1]])[0]
            plan = self._plans[key] = _Plan.of(policy)
        return plan


@dataclass(frozen=True)
class _View:
    """A book's game as the paths read it: its constants and its plans."""

    shared: _Shared
    plans: _Plans


#: Each book's view, built once per book (its owner): the book's lifetime bounds it.
_VIEWS: weakref.WeakKeyDictionary[PolicyBook, _View] = weakref.WeakKeyDictionary()


def _view(game: Game, book: PolicyBook) -> _View:
    """The constants and plans of ``game``, kept with ``book`` when it is the book's game."""
    if book.game is not game:
        return _View(_Shared.of(game), _Plans(book))
    view = _VIEWS.get(book)
    if view is None:
        view = _VIEWS[book] = _View(_Shared.of(game), _Plans(book))
    return view


def news(shared: _Shared, shocks: list[list[float]]) -> list[_News]:
    """A path's pressure news in the window in the order the pressure process takes it:
    by time, a dated point before a shock at the same instant. ``shocks`` are (time, size)."""
    timeline = shared.points + [(t, _SHOCK, "", s) for t, s in shocks]
    return [n for n in sorted(timeline, key=_WHEN) if 0 <= n[0] <= shared.window]


def point_details(
    pressure: PressureModel, now: float, hours: float, label: str, scheduled: float, shock: float
) -> str:
    """The ``details`` of a dated point's event: its label and the pressure at ``now``, the
    point's time as the clock reached it (``scheduled`` is the series at ``hours``, ``shock``
    what is left of the shocks)."""
    if now != hours:
        scheduled = float(pressure.scheduled(now))
    level = pressure.combine_one(scheduled, shock)
    return f"{label} level={level:.4f}"


def _points(game: Game) -> list[_News]:
    """The dated pressure points in the window, with the scheduled level at each."""
    pressure = game.scenario.pressure
    points = [] if pressure is None else list(pressure.points)
    hours = [game.schedule.hours_at(p.at) for p in points]
    levels = game.pressure.scheduled(np.array(hours, dtype=np.float64)).tolist()
    return [
        (h, _POINT, p.event or "", level)
        for h, p, level in zip(hours, points, levels, strict=True)
        if 0 <= h <= game.schedule.window_hours
    ]


@dataclass
class PathResult:
    """What happened on one path."""

    outcome: str
    decision_hours: float
    first_mover: str
    final_actions: tuple[str, str]
    payoffs: tuple[float, float]
    resolves: int
    events: list[Event] = field(default_factory=list)


def first_mover(first_concession: Sequence[int | None], ids: Sequence[str]) -> str:
    """Who conceded first, given each player's first conceding epoch (None if never):
    a player's id, ``simultaneous`` or ``none``."""
    first = first_concession
    if first[0] is None and first[1] is None:
        return "none"
    if first[0] == first[1]:
        return "simultaneous"
    if first[1] is None or (first[0] is not None and first[0] < first[1]):
        return ids[0]
    return ids[1]
