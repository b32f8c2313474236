"""The equilibria of many games as flat arrays, with :class:`EquilibriumSet` views on demand,
and the checks and maps every batched solver applies to a stack of games.

The batched solvers (:mod:`._support_enumeration`, :mod:`._vertex_enumeration`) find
equilibria as arrays; a Python object per equilibrium costs more than finding it (about 1 µs
against a few µs per 3 x 3 game for the whole enumeration). :class:`EquilibriumArrays` keeps
them as arrays, one row per equilibrium, grouped by game, so that code working on many games
at once (the backward induction of :mod:`sim.deadline`) never builds them;
:meth:`EquilibriumArrays.sets` and indexing give the usual :class:`EquilibriumSet` objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.equilibria._types import Equilibrium, EquilibriumSet, GameError, payoff_span

__all__ = ["EquilibriumArrays", "game_batch", "solve_in_chunks", "unit_range"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class EquilibriumArrays:
    """The verified equilibria of ``G`` games of one shape ``(m, n)``.

    Attributes
    ----------
    game:
        ``(E,)`` the game of each equilibrium, non-decreasing; within a game, equilibria are
        in the order the method found them.
    row, col:
        ``(E, m)`` and ``(E, n)`` mixed strategies.
    row_payoff, col_payoff:
        ``(E,)`` expected payoffs.
    degenerate:
        ``(G,)`` whether each game is degenerate.
    method:
        ``(G,)`` the method that found each game's equilibria.
    flags:
        Flags of the games that have any, by game index.
    """

    game: IntArray
    row: FloatArray
    col: FloatArray
    row_payoff: FloatArray
    col_payoff: FloatArray
    degenerate: BoolArray
    method: tuple[str, ...]
    flags: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.method)

    @cached_property
    def counts(self) -> IntArray:
        """``(G,)`` how many equilibria each game has."""
        counts: IntArray = np.bincount(self.game, minlength=len(self)).astype(np.intp)
        return counts

    @cached_property
    def starts(self) -> IntArray:
        """``(G,)`` the index of each game's first equilibrium (its count after it)."""
        starts: IntArray = np.cumsum(self.counts) - self.counts
        return starts

    def slots(self, games: IntArray) -> tuple[IntArray, BoolArray]:
        """``(G', most)`` indices into the arrays of the equilibria of each of ``games`` (0
        past a game's count, ``most`` the largest count), and which of them are the game's."""
        counts = self.counts[games]
        slot = np.arange(int(counts.max(initial=1)))
        valid = slot[None, :] < counts[:, None]
        return np.where(valid, self.starts[games][:, None] + slot[None, :], 0), valid

    def __getitem__(self, g: int) -> EquilibriumSet:
        """Game ``g``'s equilibria as an :class:`EquilibriumSet`."""
        if not -len(self) <= g < len(self):
            raise IndexError(f"game {g} is not among {len(self)} games")
        g %= len(self)
        a = int(self.starts[g])
        return self._set(g, self._equilibria(a, a + int(self.counts[g])))

    def sets(self) -> list[EquilibriumSet]:
        """Every game's :class:`EquilibriumSet`, in order."""
        found = self._equilibria(0, self.game.size)
        ends = np.cumsum(self.counts).tolist()
        starts = self.starts.tolist()
        return [self._set(g, found[a:z]) for g, (a, z) in enumerate(zip(starts, ends, strict=True))]

    def _equilibria(self, a: int, z: int) -> list[Equilibrium]:
        row, col = self.row[a:z], self.col[a:z]
        row.setflags(write=False)
        col.setflags(write=False)
        values = self.row_payoff[a:z].tolist(), self.col_payoff[a:z].tolist()
        return list(map(Equilibrium, row, col, *values))

    def _set(self, g: int, found: Sequence[Equilibrium]) -> EquilibriumSet:
        flags = self.flags.get(g, ())
        return EquilibriumSet(tuple(found), self.method[g], bool(self.degenerate[g]), flags)

    @classmethod
    def empty(cls, m: int, n: int) -> EquilibriumArrays:
        """The result for no ``(m, n)`` games."""
        none = np.zeros(0)
        return cls(
            np.zeros(0, dtype=np.intp),
            np.zeros((0, m)),
            np.zeros((0, n)),
            none,
            none,
            np.zeros(0, dtype=bool),
            (),
        )

    @classmethod
    def from_sets(cls, sets: Sequence[EquilibriumSet], m: int, n: int) -> EquilibriumArrays:
        """The arrays of equilibrium sets of ``(m, n)`` games."""
        found = [(g, e) for g, s in enumerate(sets) for e in s.equilibria]
        return cls(
            np.array([g for g, _ in found], dtype=np.intp),
            np.array([e.row for _, e in found], dtype=np.float64).reshape(-1, m),
            np.array([e.col for _, e in found], dtype=np.float64).reshape(-1, n),
            np.array([e.row_payoff for _, e in found], dtype=np.float64),
            np.array([e.col_payoff for _, e in found], dtype=np.float64),
            np.array([s.degenerate for s in sets], dtype=bool),
            tuple(s.method for s in sets),
            {g: s.flags for g, s in enumerate(sets) if s.flags},
        )

    @classmethod
    def merge(cls, parts: Sequence[tuple[IntArray, EquilibriumArrays]]) -> EquilibriumArrays:
        """One result from results on disjoint sets of games.

        Parameters
        ----------
        parts:
            Pairs ``(games, result)``: ``result``'s game ``i`` is game ``games[i]`` of the
            merged result. Together the ``games`` arrays cover ``0 .. G - 1`` once each.
        """
        size = sum(len(games) for games, _ in parts)
        degenerate = np.zeros(size, dtype=bool)
        method = [""] * size
        flags: dict[int, tuple[str, ...]] = {}
        for games, part in parts:
            degenerate[games] = part.degenerate
            for g, name in zip(games.tolist(), part.method, strict=True):
                method[g] = name
            flags.update({int(games[i]): f for i, f in part.flags.items()})
        game = np.concatenate([games[part.game] for games, part in parts]).astype(np.intp)
        order = np.argsort(game, kind="stable")

        def stacked(name: str) -> FloatArray:
            return np.concatenate([getattr(part, name) for _, part in parts])[order]

        return cls(
            game[order],
            stacked("row"),
            stacked("col"),
            stacked("row_payoff"),
            stacked("col_payoff"),
            degenerate,
            tuple(method),
            flags,
        )


def solve_in_chunks(
    solve: Callable[[FloatArray, FloatArray], EquilibriumArrays],
    A: FloatArray,
    B: FloatArray,
    chunk: int,
) -> EquilibriumArrays:
    """``solve`` on ``(G, m, n)`` games ``chunk`` at a time (which bounds memory), merged."""
    G, m, n = A.shape
    parts = [
        (np.arange(a, min(G, a + chunk)), solve(A[a : a + chunk], B[a : a + chunk]))
        for a in range(0, G, chunk)
    ]
    if not parts:
        return EquilibriumArrays.empty(m, n)
    return parts[0][1] if len(parts) == 1 else EquilibriumArrays.merge(parts)


def game_batch(
    A: ArrayLike | Sequence[ArrayLike],
    B: ArrayLike | Sequence[ArrayLike],
    min_actions: int,
    max_actions: int,
) -> tuple[FloatArray, FloatArray]:
    """Both payoff stacks as float arrays of one shape ``(G, m, n)``, checked.

    Raises
    ------
    GameError
        For stacks of different shapes, sides outside [min_actions, max_actions], or
        payoffs that are not finite numbers.
    """
    a, b = _stack(A, "A"), _stack(B, "B")
    if a.ndim != 3 or a.shape != b.shape:
        raise GameError(
            f"payoffs must be two arrays of one shape (G, m, n); got {a.shape} and {b.shape}"
        )
    if not all(min_actions <= side <= max_actions for side in a.shape[1:]):
        raise GameError(
            f"each player needs {min_actions} to {max_actions} actions; got shape {a.shape[1:]}"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise GameError("payoffs must be finite numbers")
    return a, b


def _stack(M: ArrayLike | Sequence[ArrayLike], name: str) -> FloatArray:
    """One player's payoffs as a float array, naming the shapes when the games differ."""
    if isinstance(M, Sequence) and not isinstance(M, str | bytes):
        shapes = list(dict.fromkeys(_shape_of(game) for game in M))
        if len(shapes) > 1:
            raise GameError(
                f"payoff matrices {name} of a batch must all have one shape; got {shapes}"
            )
    try:
        return np.asarray(M, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise GameError(f"payoffs {name} are not an array of numbers: {error}") from None


def _shape_of(game: ArrayLike) -> tuple[int, ...] | str:
    """The shape of one game's matrix, or ``"ragged"`` when its rows differ in length."""
    try:
        return tuple(np.shape(game))
    except ValueError:
        return "ragged"


def unit_range(M: FloatArray, axis: tuple[int, int], low: float) -> FloatArray:
    """Each game's matrix mapped onto ``[low, low + 1]`` by a positive affine map (a matrix
    that counts as constant, :data:`~sim.equilibria.CONSTANT_RANGE`, onto ``low`` exactly),
    which changes no best response; ``axis`` holds a game's two action axes. Every solver
    and check maps payoffs so before comparing them with a relative tolerance. Mapping a
    result again leaves it unchanged, bit for bit."""
    least, span = payoff_span(M, axis)
    flat = span == 0
    unit: FloatArray = (M - least) / np.where(flat, 1.0, span) + low
    if flat.any():
        unit = np.where(flat, low, unit)
    return unit
