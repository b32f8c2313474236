"""Shared Hypothesis strategies for bimatrix games.

Every strategy draws a pair ``(A, B)`` of float payoff matrices of the same shape.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Game = tuple[FloatArray, FloatArray]

#: Actions per player in generated games.
MIN_SIDE, MAX_SIDE = 2, 4

#: Range of generated payoffs.
LOW, HIGH = -5, 5


def _shape(draw: st.DrawFn, min_side: int, max_side: int) -> tuple[int, int]:
    return draw(st.integers(min_side, max_side)), draw(st.integers(min_side, max_side))


@st.composite
def integer_games(
    draw: st.DrawFn,
    min_side: int = MIN_SIDE,
    max_side: int = MAX_SIDE,
    low: int = LOW,
    high: int = HIGH,
) -> Game:
    """Small-integer payoffs: ties are frequent, so many of these games are degenerate."""
    shape = _shape(draw, min_side, max_side)
    entries = arrays(np.int64, shape, elements=st.integers(low, high))
    return draw(entries).astype(np.float64), draw(entries).astype(np.float64)


@st.composite
def float_games(draw: st.DrawFn, min_side: int = MIN_SIDE, max_side: int = MAX_SIDE) -> Game:
    """Arbitrary finite float payoffs in [LOW, HIGH], including Hypothesis's awkward values."""
    shape = _shape(draw, min_side, max_side)
    values = st.floats(LOW, HIGH, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    entries = arrays(np.float64, shape, elements=values)
    return draw(entries), draw(entries)


@st.composite
def generic_games(draw: st.DrawFn, min_side: int = MIN_SIDE, max_side: int = MAX_SIDE) -> Game:
    """Continuous uniform payoffs from a drawn seed: non-degenerate with probability 1."""
    shape = _shape(draw, min_side, max_side)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.uniform(LOW, HIGH, shape), rng.uniform(LOW, HIGH, shape)


@st.composite
def coordination_games(draw: st.DrawFn) -> Game:
    """2x2 games whose pure equilibria (0, 0) and (1, 1) are both strict.

    Built from positive deviation losses, so every such game (up to relabelling) is drawn.
    """
    losses = st.integers(1, 2 * HIGH)
    base = arrays(np.int64, (2, 2), elements=st.integers(LOW, HIGH))
    A = draw(base).astype(np.float64)
    B = draw(base).astype(np.float64)
    A[0, 0], A[1, 1] = A[1, 0] + draw(losses), A[0, 1] + draw(losses)
    B[0, 0], B[1, 1] = B[0, 1] + draw(losses), B[1, 0] + draw(losses)
    return A, B


@st.composite
def permuted_games(
    draw: st.DrawFn, games: st.SearchStrategy[Game]
) -> tuple[Game, list[int], list[int]]:
    """A game from ``games`` with a permutation of each player's actions."""
    A, B = draw(games)
    rows = draw(st.permutations(range(A.shape[0])))
    cols = draw(st.permutations(range(A.shape[1])))
    return (A, B), rows, cols
