"""Receding-horizon policies kept by (epoch, observed pressure on a grid), for the paths.

A player re-solves the remaining deadline game when the pressure it observes differs from
what the policy in force assumed by more than :data:`RESOLVE_TOLERANCE`; the observed level
is rounded to a grid of that step, so that the paths of a run share their policies.
:class:`PolicyBook` solves and keeps them; :class:`_Plan` is a policy as plain Python lists,
for the per-epoch lookups of a SimPy path.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from sim.deadline import Policy
from sim.game import Game

__all__ = ["RESOLVE_TOLERANCE", "PolicyBook", "cumulative_draws", "grid_steps"]

FloatArray = NDArray[np.float64]

#: Pressure difference (in pressure units) above which a player re-solves; also the grid
#: to which shock levels are rounded, so that re-solved policies can be shared.
RESOLVE_TOLERANCE = 0.01


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


class PolicyBook:
    """Receding-horizon policies, computed once per (epoch, observed pressure on a grid).

    With ``persistent`` forecasts the forecast does not depend on the epoch it is made at, so
    the policy from epoch k at level P is the policy from epoch 0 at level P read from row k
    on: one backward induction per level serves every epoch. With ``scheduled`` forecasts
    each (epoch, level) is solved from that epoch.

    A persistent policy may also be kept from a later epoch s (:meth:`add`, when the paths
    are known not to need it earlier): it serves the epochs from s, and an earlier epoch
    solves it again in full.
    """

    def __init__(
        self, game: Game, tolerance: float = RESOLVE_TOLERANCE, initial: Policy | None = None
    ) -> None:
        self.game = game
        self.tolerance = tolerance
        self._persistent = game.pressure.persistent
        self._cache: dict[tuple[int, int], Policy] = {}
        self._plans: dict[tuple[int, int], _Plan] = {}
        self._unplanned: list[tuple[int, int]] = []
        #: The policy on the scheduled pressure from epoch 0 (solved here when not given).
        self.initial = game.policy() if initial is None else initial

    @staticmethod
    def grid(game: Game, tolerance: float = RESOLVE_TOLERANCE) -> list[float]:
        """The levels :meth:`prepare` solves by default (none with scheduled forecasts).

        Every level on the grid from 0 to the highest scheduled pressure plus five times the
        typical shock.
        """
        if not game.pressure.persistent:
            return []
        return np.arange(0.0, game.pressure_ceiling() + tolerance, tolerance).tolist()

    def get(self, first: int, level: float) -> Policy:
        """The policy in force from live epoch ``first`` given the observed ``level``.

        The level is rounded to the grid. With persistent forecasts the policy is the one
        solved from epoch 0 (or from an epoch up to ``first``, see :meth:`add`); read it at
        row ``k - policy.first``.
        """
        return self._solved(self._key(first, level), first)

    @property
    def solved(self) -> int:
        return len(self._cache)

    def prepare(self, levels: Sequence[float] | None = None) -> None:
        """Solve the policies for many levels (persistent forecasts) in one batched call.

        By default the levels of :meth:`grid`; levels already solved are skipped.
        """
        if not self._persistent:
            return
        wanted = self.grid(self.game, self.tolerance) if levels is None else levels
        steps = sorted({round(v / self.tolerance) for v in wanted} - {k for _, k in self._cache})
        if steps:
            on_grid = [k * self.tolerance for k in steps]
            self.add(on_grid, self.game.policies(0, on_grid))

    def add(self, levels: Sequence[float], policies: Sequence[Policy]) -> None:
        """Policies solved elsewhere at these observed levels (on the grid, as :meth:`grid`
        gives them), e.g. many games' together by :func:`sim.game.solve_policies`: from
        epoch 0, or with persistent forecasts from any epoch (they then serve the epochs
        from theirs).
        """
        for level, policy in zip(levels, policies, strict=True):
            if policy.first != 0 and not self._persistent:
                raise ValueError(f"policy from epoch {policy.first}, not from epoch 0")
            self._cache[self._key(0, level)] = policy
        self._unplanned.extend(self._key(0, level) for level in levels)

    def keys(self, first: int, levels: FloatArray) -> tuple[int, NDArray[np.int64]]:
        """Where the policies from live epoch ``first`` at the observed ``levels`` are kept:
        the epoch they are solved from, and each level's step on the grid."""
        return (0 if self._persistent else first), grid_steps(levels, self.tolerance)

    def kept(self) -> dict[tuple[int, int], Policy]:
        """The policies solved so far, by key (as :meth:`keys` gives them)."""
        return dict(self._cache)

    def policies_at(self, epoch: int, steps: Sequence[int]) -> list[Policy]:
        """The policies re-solved at live epoch ``epoch`` to these grid steps, valid there:
        those not kept yet (or kept from a later epoch) solved in one batched induction."""
        first = 0 if self._persistent else epoch
        keys = [(first, step) for step in steps]
        missing = [k for k in keys if k not in self._cache or self._cache[k].first > epoch]
        if missing:
            levels = [step * self.tolerance for _, step in missing]
            self._cache.update(zip(missing, self.game.policies(first, levels), strict=True))
        return [self._cache[k] for k in keys]

    def _key(self, first: int, level: float) -> tuple[int, int]:
        return (0 if self._persistent else first), round(level / self.tolerance)

    def _solved(self, key: tuple[int, int], epoch: int) -> Policy:
        return self.policies_at(epoch, [key[1]])[0]

    def _plan(self, first: int, level: float) -> _Plan:
        """:meth:`get` as plain lists (cached), for the paths."""
        key = (0 if self._persistent else first), round(level / self.tolerance)  # _key, inlined
        plan = self._plans.get(key)
        if plan is None or plan.first > first:
            if self._unplanned:  # the plans of added policies, built in bulk on first use
                keys, self._unplanned = self._unplanned, []
                policies = [self._cache[k] for k in keys]
                self._plans.update(zip(keys, _Plan.many(policies), strict=True))
                return self._plan(first, level)
            plan = self._plans[key] = _Plan.of(self._solved(key, first))
        return plan

    @cached_property
    def _initial_plan(self) -> _Plan:
        return _Plan.of(self.initial)


def cumulative_draws(strategies: FloatArray) -> FloatArray:
    """Cumulative mixed strategies over the last axis with the last entry set to infinity:
    an action is the count of entries at most a uniform draw (``bisect_right``), so that
    rounding that leaves the sum just below one still gives the last action."""
    cumulative = np.cumsum(strategies, axis=-1)
    cumulative[..., -1] = math.inf
    return cumulative


def grid_steps(levels: FloatArray, tolerance: float) -> NDArray[np.int64]:
    """The grid step of each level, ``round(level / tolerance)`` as :class:`PolicyBook`
    keys it (numpy's ``rint`` takes halves to even, as ``round`` does)."""
    return np.rint(levels / tolerance).astype(np.int64)
