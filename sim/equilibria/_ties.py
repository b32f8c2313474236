"""Ties in selecting an equilibrium: the tolerances, scaled to each player's payoff range,
and how a selection's reason says that the order found decided a tie."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.equilibria._types import payoff_span

__all__ = ["TIE_TOL", "first_best", "order_decided", "tie_scales"]

FloatArray = NDArray[np.float64]

#: Payoffs closer than this times the player's payoff range (sums: the sum of the two
#: ranges), or entropies closer than this (nats), are tied.
TIE_TOL = 1e-9

#: What the reason of a selection says when equally selected equilibria were told apart only
#: by the order the method found them in.
_ORDER_NOTES = ("tied, first found taken", "then first found")


def order_decided(reason: str) -> bool:
    """Whether a selection's ``reason`` says a tie among equally selected equilibria was
    broken by the order the method found them in (:attr:`Selection.tied`).

    >>> order_decided("max_entropy: entropy 0 nats, largest of 2; 2 tied, first found taken")
    True
    """
    return any(note in reason for note in _ORDER_NOTES)


def first_best(scores: list[float], among: list[int], tol: float = TIE_TOL) -> list[int]:
    """The indices in ``among`` whose score is within ``tol`` of the best."""
    top = max(scores[k] for k in among)
    return [k for k in among if scores[k] >= top - tol]


def tie_scales(A: FloatArray, B: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Each game's payoff tie tolerances, :data:`TIE_TOL` times the range of each player's
    payoffs (``(..., m, n)``; the largest magnitude when the matrix counts as constant)."""
    out = []
    for M in (A, B):
        _, span = payoff_span(M, (-2, -1))
        size = np.abs(M).max(axis=(-2, -1), keepdims=True)
        out.append(TIE_TOL * np.where(span > 0, span, size)[..., 0, 0])
    return out[0], out[1]
