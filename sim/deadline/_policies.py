"""Receding-horizon policies kept by (epoch, observed pressure on a grid), for the paths.

A player re-solves the remaining deadline game when the pressure it observes differs from
what the policy in force assumed by more than :data:`RESOLVE_TOLERANCE`; the observed level
is rounded to a grid of that step, so that the paths of a run share their policies.
:class:`PolicyBook` solves and keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from sim.deadline._game import Game
from sim.deadline._policy import Policy

__all__ = ["RESOLVE_TOLERANCE", "Key", "PolicyBook", "grid_steps"]

FloatArray = NDArray[np.float64]
#: Where a policy is kept: the epoch it is solved from, and its level's step on the grid.
Key = tuple[int, int]

#: Pressure difference (in pressure units) above which a player re-solves; also the grid
#: to which shock levels are rounded, so that re-solved policies can be shared.
RESOLVE_TOLERANCE = 0.01


class PolicyBook:
    """Receding-horizon policies, computed once per (epoch, observed pressure on a grid).

    With ``persistent`` forecasts the forecast does not depend on the epoch it is made at, so
    the policy from epoch k at level P is the policy from epoch 0 at level P read from row k
    on: one backward induction per level serves every epoch. With ``scheduled`` forecasts
    each (epoch, level) is solved from that epoch.

    A persistent policy may also be kept from a later epoch s (:meth:`add`, when the paths
    are known not to need it earlier): it serves the epochs from s, and an earlier epoch
    solves it again in full.

    Attributes
    ----------
    added:
        The keys of the policies given to :meth:`add`, in order (append-only, so that a cache
        built on the book's policies can take the new ones in bulk).
    """

    def __init__(
        self, game: Game, tolerance: float = RESOLVE_TOLERANCE, initial: Policy | None = None
    ) -> None:
        self.game = game
        self.tolerance = tolerance
        self._persistent = game.pressure.persistent
        self._cache: dict[Key, Policy] = {}
        self.added: list[Key] = []
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
        return np.arange(0.0, game.pressure.ceiling() + tolerance, tolerance).tolist()

    def get(self, first: int, level: float) -> Policy:
        """The policy in force from live epoch ``first`` given the observed ``level``.

        The level is rounded to the grid. With persistent forecasts the policy is the one
        solved from epoch 0 (or from an epoch up to ``first``, see :meth:`add`); read it at
        row ``k - policy.first``.
        """
        return self.policies_at(first, [self.key(first, level)[1]])[0]

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
        gives them), e.g. many games' together by :func:`sim.deadline.solve_policies`: from
        epoch 0, or with persistent forecasts from any epoch (they then serve the epochs
        from theirs).
        """
        for level, policy in zip(levels, policies, strict=True):
            if policy.first != 0 and not self._persistent:
                raise ValueError(f"policy from epoch {policy.first}, not from epoch 0")
            key = self.key(0, level)
            self._cache[key] = policy
            self.added.append(key)

    def key(self, first: int, level: float) -> Key:
        """Where the policy in force from live epoch ``first`` at ``level`` is kept."""
        return (0 if self._persistent else first), round(level / self.tolerance)

    def keys(self, first: int, levels: FloatArray) -> tuple[int, NDArray[np.int64]]:
        """Where the policies from live epoch ``first`` at the observed ``levels`` are kept:
        the epoch they are solved from, and each level's step on the grid."""
        return (0 if self._persistent else first), grid_steps(levels, self.tolerance)

    def kept(self) -> dict[Key, Policy]:
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


def grid_steps(levels: FloatArray, tolerance: float) -> NDArray[np.int64]:
    """The grid step of each level, ``round(level / tolerance)`` as :class:`PolicyBook`
    keys it (numpy's ``rint`` takes halves to even, as ``round`` does)."""
    return np.rint(levels / tolerance).astype(np.int64)
