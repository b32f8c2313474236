"""Many paths of one game at once, epoch by epoch over numpy arrays, without the event log.

The model is :mod:`._simpy`'s, and so are the numbers: each path draws from its own
generator in the same order (the shocks, then one uniform per player per live epoch), reads
the same realised pressure, re-solves when the policy in force is stale by more than the
tolerance (taking the same cached policy from the :class:`~sim.deadline.PolicyBook`), draws
its actions by the same rule as :func:`bisect.bisect_right` on the cumulative strategies, and
accrues its payoffs with the same function. Only the bookkeeping differs: instead of two SimPy
processes per path, one loop over the live epochs advances every path still undecided, so the
Python work per epoch is shared by all of them. It keeps no event log as it goes; it records
each re-solve, from which :mod:`._eventlog` writes the log afterwards (``negsim run``),
and a sweep point does without one. The tests check every column of the runs table bit for
bit against SimPy paths, on every scenario.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.deadline import RESOLVE_TOLERANCE, Game, Policy, PolicyBook, grid_steps
from sim.simulate._draws import Draws, draw_paths
from sim.simulate._paths import PathResult, _Shared, _view, cumulative_draws, first_mover

__all__ = ["PathArrays", "reach", "run_paths", "run_steps", "simulate_paths"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class PathArrays:
    """What happened on each of P paths (what :class:`PathResult` holds,
    the event log aside), as columns."""

    outcome: list[str]
    decision_hours: FloatArray
    first_mover: list[str]
    final_actions: tuple[list[str], list[str]]
    payoffs: FloatArray
    resolves: NDArray[np.int64]

    @classmethod
    def of(cls, results: Sequence[PathResult]) -> PathArrays:
        """The columns of SimPy paths' results."""
        return cls(
            outcome=[r.outcome for r in results],
            decision_hours=np.array([r.decision_hours for r in results], dtype=np.float64),
            first_mover=[r.first_mover for r in results],
            final_actions=(
                [r.final_actions[0] for r in results],
                [r.final_actions[1] for r in results],
            ),
            payoffs=np.array([r.payoffs for r in results], dtype=np.float64).reshape(-1, 2),
            resolves=np.array([r.resolves for r in results], dtype=np.int64),
        )


class _Table:
    """The policies in use, as arrays indexed by (policy, live epoch) for the gathers of a
    step: the book's policies from the start, and any it solves on the way.

    Rows are aligned on absolute epochs (a policy from epoch ``first`` fills rows ``first``
    on). ``draws[p]`` holds player p's cumulative strategies with the last entry set to
    infinity, as a SimPy path's plan does; ``values`` the continuation values, with
    the deadline's in row L. ``ordered`` says whether every cumulative row is sorted.
    """

    def __init__(self, book: PolicyBook, live: int, shape: tuple[int, int]) -> None:
        self.book, self.live, self.shape = book, live, shape
        self.policies: list[Policy] = []
        self._index: dict[object, int] = {}
        self._new: list[tuple[object, int]] = []
        self._built = 0
        self.first = np.zeros(0, dtype=np.intp)
        self.pressure = np.zeros((0, live))
        self.draws = (np.zeros((0, live, shape[0])), np.zeros((0, live, shape[1])))
        self.values = np.zeros((0, live + 1, 2))
        self.ordered = True
        #: The policy of each key (0, step), by step; -1 where none is kept yet.
        self._by_step = np.full(0, -1, dtype=np.intp)
        #: The policy on the scheduled pressure, in force from the start.
        self.initial = self._add("initial", book.initial)
        for key, policy in book.kept().items():
            self._add(key, policy)
        self.build()

    def lookup(self, k: int, observed: FloatArray) -> IntArray:
        """The policy re-solved at epoch ``k`` for each observed level (those the table has
        none valid at k for solved by the book, together)."""
        first, steps = self.book.keys(k, observed)
        if first == 0 and steps.max() < self._by_step.size:
            index = self._by_step[steps]
            if (index >= 0).all() and (self.first[index] <= k).all():
                return index
        unique, inverse = np.unique(steps, return_inverse=True)
        found = np.array([self._index.get((first, step), -1) for step in unique.tolist()])
        stale = (found < 0) | (self.first[found] > k)
        if stale.any():
            wanted = unique[stale].tolist()
            policies = self.book.policies_at(k, wanted)
            found[stale] = [self._add((first, s), p) for s, p in zip(wanted, policies, strict=True)]
            self.build()
        return np.asarray(found[inverse], dtype=np.intp)

    def _add(self, key: object, policy: Policy) -> int:
        q = self._index[key] = len(self.policies)
        self.policies.append(policy)
        self._new.append((key, q))
        return q

    def build(self) -> None:
        """Write the policies added since the last call into the arrays (grown by doubling,
        so that a table that grows epoch by epoch copies each policy a few times at most)."""
        new = self.policies[self._built :]
        if not new:
            return
        start, end, live = self._built, len(self.policies), self.live
        if end > self.first.size:
            self._grow(max(end, 2 * self.first.size))
        firsts = np.array([policy.first for policy in new], dtype=np.intp)

        def aligned(name: str, rows: int) -> FloatArray:
            """(new, rows, ...): each policy's array ``name`` in its rows ``first`` on."""
            parts = [getattr(policy, name) for policy in new]
            flat = np.concatenate(parts)
            lengths = np.array([len(part) for part in parts])
            which = np.repeat(np.arange(len(new)), lengths)
            row = np.arange(flat.shape[0]) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            out = np.full((len(new), rows, *flat.shape[1:]), np.nan)
            out[which, row + np.repeat(firsts, lengths)] = flat
            return out

        self.first[start:end] = firsts
        self.pressure[start:end] = aligned("pressure", live)
        self.values[start:end] = aligned("values", live + 1)
        for p, name in enumerate(("row", "col")):
            cumulative = cumulative_draws(aligned(name, live))  # a NaN row stays NaN
            steps = np.diff(cumulative, axis=2)
            self.ordered &= bool(((steps >= 0) | np.isnan(steps)).all())
            self.draws[p][start:end] = cumulative
        keyed = [(key[1], q) for key, q in self._new if isinstance(key, tuple) and key[0] == 0]
        if keyed:
            steps_, index = np.array(keyed, dtype=np.intp).T
            if steps_.max() >= self._by_step.size:
                grown = np.full(max(steps_.max() + 1, 2 * self._by_step.size), -1, np.intp)
                grown[: self._by_step.size] = self._by_step
                self._by_step = grown
            self._by_step[steps_] = index
        self._new, self._built = [], end

    def _grow(self, capacity: int) -> None:
        """Room for ``capacity`` policies (rows past those built stay NaN)."""

        def grown(old: NDArray[Any]) -> NDArray[Any]:
            out = np.full(
                (capacity, *old.shape[1:]), np.nan if old.dtype.kind == "f" else 0, old.dtype
            )
            out[: self._built] = old[: self._built]
            return out

        self.first = grown(self.first)
        self.pressure, self.values = grown(self.pressure), grown(self.values)
        self.draws = (grown(self.draws[0]), grown(self.draws[1]))


def reach(game: Game, draws: Draws) -> dict[int, int]:
    """The policies the paths can re-solve to, with persistent forecasts: each grid step
    against the earliest live epoch at which some path needs it.

    The pressure is exogenous, so the re-solves follow from the realised levels alone; this
    replays them over every live epoch as if no path ended early (a superset of what the
    paths do). A policy kept at level ``v`` assumes ``v`` at every epoch; grid step ``s`` is
    level ``s * tolerance``, as :meth:`PolicyBook.grid` and a book's own solves give it.
    Empty with scheduled forecasts, whose policies are solved from the epoch they are needed
    at anyway.
    """
    if not game.pressure.persistent:
        return {}
    tolerance = RESOLVE_TOLERANCE  # a book's by default, as sweeps' books have it
    initial = game.forecast(0)[0]  # what the policy on the scheduled pressure assumes
    levels = draws.levels
    assumed = np.full(levels.shape[0], np.nan)  # by the policy in force, if re-solved
    earliest: dict[int, int] = {}
    for k in range(levels.shape[1] - 1):
        held = np.where(np.isnan(assumed), initial[k], assumed)
        stale = np.abs(levels[:, k] - held) > tolerance
        if not stale.any():
            continue
        steps = grid_steps(levels[stale, k], tolerance)
        assumed[stale] = steps * tolerance  # the level of step s, on PolicyBook.grid or not
        for step in np.unique(steps).tolist():
            earliest.setdefault(step, k)
    return earliest


def simulate_paths(game: Game, book: PolicyBook, rngs: Sequence[np.random.Generator]) -> PathArrays:
    """Simulate one path per generator; path i equals ``simulate_path(game, book, rngs[i])``
    apart from the event log."""
    return run_paths(game, book, draw_paths(game, rngs))


def run_paths(game: Game, book: PolicyBook, draws: Draws) -> PathArrays:
    """The paths of :func:`draw_paths`' draws under the book's policies."""
    return run_steps(game, book, draws).arrays()


def run_steps(game: Game, book: PolicyBook, draws: Draws) -> _Steps:
    """The paths of ``draws`` advanced to their ends, with what they did."""
    steps = _Steps(_view(game, book).shared, book, draws.levels, draws.uniforms)
    steps.run()
    return steps


class _Steps:
    """The state of all paths, advanced one live epoch at a time."""

    def __init__(
        self, shared: _Shared, book: PolicyBook, levels: FloatArray, uniforms: FloatArray
    ) -> None:
        self.shared, self.book, self.levels, self.uniforms = shared, book, levels, uniforms
        count, live = levels.shape[0], len(shared.times)
        self.table = table = _Table(book, live, shared.payoffs.shape)
        self.plan = np.full(count, table.initial, dtype=np.intp)
        self.cells = np.zeros((2, count, live), dtype=np.intp)
        self.in_force = np.zeros((count, live), dtype=np.intp)
        self.first_concession = np.full((2, count), -1, dtype=np.intp)
        self.ended = np.full(count, -1, dtype=np.intp)
        self.outcome = np.full(count, -1, dtype=np.intp)
        self.resolves = np.zeros(count, dtype=np.int64)
        #: Each re-solve, as the paths, epoch and player whose reading found the policy stale.
        self.resolved: list[tuple[IntArray, int, int]] = []
        self.concedes = [np.array(c, dtype=bool) for c in shared.concedes]
        self.outcome_of_cell = shared.payoffs.outcome_of_cell

    def run(self) -> None:
        """Every live epoch, for the paths still undecided (``_Path.decide``)."""
        undecided = np.arange(self.levels.shape[0])
        for k in range(len(self.shared.times)):
            if undecided.size == 0:
                break
            level = self.levels[undecided, k]
            actions = []
            for p in range(2):
                self.refresh(undecided, level, k, p)
                q = self.plan[undecided]
                cumulative, u = self.table.draws[p][q, k], self.uniforms[undecided, 2 * k + p]
                if self.table.ordered:  # bisect_right on a sorted row: the entries <= u
                    actions.append(np.count_nonzero(cumulative <= u[:, None], axis=1))
                else:
                    actions.append(_bisect_right(cumulative, u))
                new = self.concedes[p][actions[p]] & (self.first_concession[p, undecided] < 0)
                self.first_concession[p, undecided[new]] = k
            i, j = actions
            self.cells[0, undecided, k], self.cells[1, undecided, k] = i, j
            self.in_force[undecided, k] = q
            outcome = self.outcome_of_cell[i, j]
            done = outcome >= 0
            self.ended[undecided[done]] = k
            self.outcome[undecided[done]] = outcome[done]
            undecided = undecided[~done]

    def refresh(self, undecided: IntArray, level: FloatArray, k: int, p: int) -> None:
        """Re-solve where the policy in force assumed a level off by more than the tolerance
        (as player ``p`` reads it)."""
        stale = np.abs(level - self.table.pressure[self.plan[undecided], k]) > self.book.tolerance
        if stale.any():
            paths = undecided[stale]
            self.plan[paths] = self.table.lookup(k, level[stale])
            self.resolves[paths] += 1
            self.resolved.append((paths, k, p))

    @property
    def played(self) -> IntArray:
        """How many live epochs each path played: up to its agreement's, or all of them."""
        return np.where(self.ended < 0, len(self.shared.times), self.ended + 1)

    def payoffs(self, played: IntArray) -> FloatArray:
        """Discounted payoffs (``_Shared.accrue``) with each path's policies in force."""
        shared, table = self.shared, self.table
        ahead = None
        if shared.coupled:  # the value of reaching epoch k + 1 under the policy in force at k
            epochs = np.arange(self.in_force.shape[1])
            ahead = table.values[self.in_force, epochs[None, :] + 1]
        return shared.accrue(self.cells, played, self.levels, ahead, self.ended < 0)

    def arrays(self) -> PathArrays:
        """The paths' outcomes, timing, movers, final actions and payoffs."""
        shared = self.shared
        live = len(shared.times)
        played = self.played
        ids = np.array([*shared.payoffs.outcome_ids, shared.default_outcome], dtype=object)
        first = [[None if k < 0 else k for k in pair] for pair in self.first_concession.T.tolist()]
        last = np.maximum(played - 1, 0)
        finals: tuple[list[str], list[str]] = ([], [])
        for p in range(2):
            names = np.array([*shared.actions[p], ""], dtype=object)
            chosen = self.cells[p, np.arange(played.size), last] if live else -1  # none: ""
            finals[p].extend(np.where(played > 0, names[chosen], "").tolist())
        times = np.append(np.asarray(shared.times, dtype=np.float64), np.nan)
        return PathArrays(
            outcome=ids[self.outcome].tolist(),
            decision_hours=times[self.ended],
            first_mover=[first_mover(f, shared.ids) for f in first],
            final_actions=finals,
            payoffs=self.payoffs(played),
            resolves=self.resolves,
        )


def _bisect_right(cumulative: FloatArray, u: FloatArray) -> IntArray:
    """``bisect.bisect_right(cumulative[g], u[g])`` for every row g, by the same halving
    steps (so the same index even where rounding leaves a cumulative row not sorted)."""
    rows = np.arange(cumulative.shape[0])
    lo = np.zeros(rows.size, dtype=np.intp)
    hi = np.full(rows.size, cumulative.shape[1], dtype=np.intp)
    while True:
        open_ = lo < hi
        if not open_.any():
            return lo
        mid = (lo + hi) // 2
        left = u < cumulative[rows, np.minimum(mid, cumulative.shape[1] - 1)]
        hi = np.where(open_ & left, mid, hi)
        lo = np.where(open_ & ~left, mid + 1, lo)
