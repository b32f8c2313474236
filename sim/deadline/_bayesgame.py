"""One epoch of the belief solver (:mod:`._beliefs`): the Bayesian stage games of all belief
states, in strategic form, and the fixed point between strategies and posteriors."""

from __future__ import annotations

from itertools import product

import numpy as np
from numpy.typing import NDArray

from sim.deadline._typespace import TypeSpace
from sim.equilibria import make_solver, select_many
from sim.errors import SimError
from sim.model import Model

__all__ = ["EpochGames", "interpolate", "weights"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Most fixed-point iterations per epoch.
MAX_ITERATIONS = 60
#: The fixed point stops when no strategy moves by more than this.
STEP_TOLERANCE = 1e-9


def weights(grid: FloatArray, x: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
    """Linear interpolation on ``grid``: the lower and upper indices and the upper weight."""
    if len(grid) == 1:
        zero = np.zeros(x.shape, np.intp)
        return zero, zero, np.zeros(x.shape)
    lo = np.clip(np.searchsorted(grid, x, side="right") - 1, 0, len(grid) - 2)
    w = np.clip((x - grid[lo]) / (grid[lo + 1] - grid[lo]), 0.0, 1.0)
    return lo, lo + 1, w


def interpolate(
    table: FloatArray, grids: tuple[FloatArray, FloatArray], x: FloatArray, y: FloatArray
) -> FloatArray:
    """Bilinear interpolation of ``table`` (n_row, n_col, ...) at belief states with row
    coordinates ``x`` and column coordinates ``y`` (broadcastable)."""
    x, y = np.broadcast_arrays(x, y)
    lr, hr, wr = weights(grids[0], x)
    lc, hc, wc = weights(grids[1], y)
    extra = (slice(None),) * (x.ndim) + (None,) * (table.ndim - 2)
    wr, wc = wr[extra], wc[extra]
    return np.asarray(
        (1 - wr) * (1 - wc) * table[lr, lc]
        + (1 - wr) * wc * table[lr, hc]
        + wr * (1 - wc) * table[hr, lc]
        + wr * wc * table[hr, hc]
    )


def _beliefs(space: TypeSpace, grid: FloatArray) -> FloatArray:
    """(n, T) the belief over a player's types at each grid point."""
    if space.count == 1:
        return np.ones((1, 1))
    return np.stack([grid, 1.0 - grid], axis=1)


class EpochGames:
    """The Bayesian stage games of every belief state, epoch by epoch."""

    def __init__(
        self,
        model: Model,
        spaces: tuple[TypeSpace, TypeSpace],
        grids: tuple[FloatArray, FloatArray],
    ) -> None:
        config = model.scenario.equilibrium
        if config.concept != "nash":
            raise SimError("equilibrium.concept: types are solved under 'nash' only")
        self.model, self.spaces, self.grids = model, spaces, grids
        self.rule = config.selection
        n_r, n_c = len(grids[0]), len(grids[1])
        self.mu = (
            np.repeat(_beliefs(spaces[0], grids[0]), n_c, axis=0),
            np.tile(_beliefs(spaces[1], grids[1]), (n_r, 1)),
        )
        self.coords = (np.repeat(grids[0], n_c), np.tile(grids[1], n_r))
        m, n = model.payoffs.shape
        self.plans = (
            np.array(list(product(range(m), repeat=len(spaces[0].rational))), np.intp),
            np.array(list(product(range(n), repeat=len(spaces[1].rational))), np.intp),
        )
        shape = (len(self.plans[0]), len(self.plans[1]))
        self.solver = make_solver(config.method, config.tolerance, shape, True)
        self.continues = model.payoffs.continues

    @property
    def states(self) -> int:
        return len(self.coords[0])

    def base(self, k: int, pressure: float) -> tuple[tuple[list[FloatArray], ...], float]:
        """Per player, each type's own stage payoffs (m, n) with no continuation value
        (zeros for behavioural types), and the discount to the next epoch."""
        s = self.model.schedule
        days = float(s.live_days[k])
        discount = float(s.discount_per_day**days)
        elapsed = float(s.times[k]) / s.window_hours
        out: tuple[list[FloatArray], ...] = ([], [])
        for p, space in enumerate(self.spaces):
            for t in range(space.count):
                m = space.models[t]
                if m is None:
                    out[p].append(np.zeros(self.continues.shape))
                    continue
                A, B = m.stage(k, elapsed, pressure, days, np.zeros((1, 2)), discount)
                out[p].append((A if p == 0 else B)[0])
        return out, discount

    def posteriors(self, sig: tuple[FloatArray, FloatArray]) -> tuple[FloatArray, FloatArray]:
        """Each player's belief coordinate after each of its actions, (G, a): Bayes' rule,
        passive (the belief before) where no type plays the action."""
        out = []
        for mu, s in zip(self.mu, sig, strict=True):
            joint = mu[:, None, :] * np.swapaxes(s, 1, 2)
            total = joint.sum(axis=2)
            first = np.divide(
                joint[..., 0], total, out=mu[:, None, 0].repeat(s.shape[2], 1), where=total > 0
            )
            out.append(first)
        return out[0], out[1]

    def payoffs(
        self,
        base: tuple[list[FloatArray], ...],
        discount: float,
        nxt: tuple[FloatArray, FloatArray],
        sig: tuple[FloatArray, FloatArray],
    ) -> tuple[list[FloatArray], list[FloatArray]]:
        """Per player and type, (G, m, n): its payoff in each cell, the continuation value
        interpolated at the posteriors the cell leads to (conjectured strategies ``sig``)."""
        x, y = self.posteriors(sig)
        out: tuple[list[FloatArray], list[FloatArray]] = ([], [])
        for p, space in enumerate(self.spaces):
            later = interpolate(nxt[p], self.grids, x[:, :, None], y[:, None, :])
            for t in range(space.count):
                cont = np.where(self.continues, discount * np.nan_to_num(later[..., t]), 0.0)
                out[p].append(base[p][t][None] + cont)
        return out

    def against(self, p: int, own: FloatArray, k: int) -> FloatArray:
        """(G, own actions, other's plans): what a type of player ``p`` with cell payoffs
        ``own`` (G, m, n) expects from each action against each plan of the other player's
        rational types, its behavioural types playing their fixed actions."""
        other = self.spaces[1 - p]
        mats = own if p == 0 else np.swapaxes(own, 1, 2)  # (G, own, other's actions)
        plans = self.plans[1 - p]
        total = np.zeros((mats.shape[0], mats.shape[1], len(plans)))
        for t in range(other.count):
            weight = self.mu[1 - p][:, t, None, None]
            if t in other.rational:
                part = mats[:, :, plans[:, other.rational.index(t)]]
            else:
                part = (mats @ other.fixed[t, k])[:, :, None]
            total += weight * part
        return total

    def strategic_form(
        self, cells: tuple[list[FloatArray], list[FloatArray]], k: int
    ) -> tuple[FloatArray, FloatArray]:
        """The (G, plans, plans) strategic form of the rational types' Bayesian game."""
        forms = []
        for p, space in enumerate(self.spaces):
            shape = (self.states, len(self.plans[0]), len(self.plans[1]))
            total = np.zeros(shape)
            for i, t in enumerate(space.rational):
                w = self.against(p, cells[p][t], k)[:, self.plans[p][:, i], :]
                total += w if p == 0 else np.swapaxes(w, 1, 2)
            forms.append(total)
        return forms[0], forms[1]

    def respond(
        self,
        cells: tuple[list[FloatArray], list[FloatArray]],
        k: int,
        active: NDArray[np.bool_],
    ) -> tuple[FloatArray, FloatArray]:
        """The selected equilibrium of every ``active`` state's strategic form, as each
        type's mixed action (G, T, a) per player (behavioural types: their fixed actions;
        inactive states: their fixed actions only)."""
        U, V = self.strategic_form(cells, k)
        U, V = U[active], V[active]
        found = self.solver(U, V)
        index, _ = select_many(found, self.rule, U, V)
        mixed = (found.row[index], found.col[index])
        out = []
        for p, space in enumerate(self.spaces):
            a = space.fixed.shape[2]
            sig = np.broadcast_to(space.fixed[:, k], (self.states, space.count, a)).copy()
            for i, t in enumerate(space.rational):
                onehot = np.eye(a)[self.plans[p][:, i]]  # (plans, a)
                sig[active, t] = mixed[p] @ onehot
            out.append(sig)
        return out[0], out[1]

    def values(
        self,
        cells: tuple[list[FloatArray], list[FloatArray]],
        sig: tuple[FloatArray, FloatArray],
        k: int,
    ) -> tuple[tuple[FloatArray, FloatArray], FloatArray]:
        """Each rational type's expected payoff (G, T) per player (NaN for behavioural
        types) under ``sig``, and each state's regret: the most a rational type gains by a
        pure deviation."""
        regret = np.zeros(self.states)
        out = []
        for p, space in enumerate(self.spaces):
            val = np.full((self.states, space.count), np.nan)
            other = sig[1 - p]
            for t in space.rational:
                mats = cells[p][t] if p == 0 else np.swapaxes(cells[p][t], 1, 2)
                # expected payoff of each own action against the other's types
                each = np.einsum("gt,gab,gtb->ga", self.mu[1 - p], mats, other)
                val[:, t] = np.einsum("ga,ga->g", sig[p][:, t], each)
                regret = np.maximum(regret, each.max(axis=1) - val[:, t])
            out.append(val)
        return (out[0], out[1]), regret

    def solve(
        self,
        k: int,
        pressure: float,
        nxt: tuple[FloatArray, FloatArray],
        guess: tuple[FloatArray, FloatArray] | None,
    ) -> tuple[tuple[FloatArray, FloatArray], tuple[FloatArray, FloatArray], float, int]:
        """Epoch ``k``'s fixed point on every state, from the conjecture ``guess`` (the
        next epoch's strategies; uniform over actions at the last epoch). Returns the
        strategies and values per player (on the grid's shape), the largest regret and the
        iterations taken."""
        base, discount = self.base(k, pressure)
        sig = self._start(guess, k)
        step = (np.ones_like(sig[0]), np.ones_like(sig[1]))
        last: tuple[FloatArray, FloatArray] | None = None
        active = np.ones(self.states, bool)
        done = 0
        while active.any() and done < MAX_ITERATIONS:
            done += 1
            found = self.respond(self.payoffs(base, discount, nxt, sig), k, active)
            keep = active[:, None, None]
            new = (np.where(keep, found[0], sig[0]), np.where(keep, found[1], sig[1]))
            d = (new[0] - sig[0], new[1] - sig[1])
            if last is not None:  # halve the step of every entry whose move reverses
                step = (
                    np.where(d[0] * last[0] < 0, 0.5 * step[0], step[0]),
                    np.where(d[1] * last[1] < 0, 0.5 * step[1], step[1]),
                )
            sig = (sig[0] + step[0] * d[0], sig[1] + step[1] * d[1])
            last = d
            moved = np.maximum(
                (step[0] * np.abs(d[0])).reshape(self.states, -1).max(axis=1),
                (step[1] * np.abs(d[1])).reshape(self.states, -1).max(axis=1),
            )
            active = moved >= STEP_TOLERANCE
        it = done
        cells = self.payoffs(base, discount, nxt, sig)
        vals, regret = self.values(cells, sig, k)
        shape = (len(self.grids[0]), len(self.grids[1]))
        strategies = tuple(s.reshape(*shape, *s.shape[1:]) for s in sig)
        values = tuple(v.reshape(*shape, v.shape[1]) for v in vals)
        return strategies, values, float(regret.max(initial=0.0)), it  # type: ignore[return-value]

    def _start(
        self, guess: tuple[FloatArray, FloatArray] | None, k: int
    ) -> tuple[FloatArray, FloatArray]:
        out = []
        for p, space in enumerate(self.spaces):
            a = space.fixed.shape[2]
            if guess is None:
                sig = np.broadcast_to(space.fixed[:, k], (self.states, space.count, a)).copy()
                for t in space.rational:
                    sig[:, t] = 1.0 / a
            else:
                sig = guess[p].reshape(self.states, space.count, a).copy()
                sig[:, [t for t in range(space.count) if t not in space.rational]] = space.fixed[
                    [t for t in range(space.count) if t not in space.rational], k
                ]
            out.append(sig)
        return out[0], out[1]
