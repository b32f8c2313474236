"""A stage game for other software: Gambit's ``.nfg`` text and a ``nashpy.Game``."""

from __future__ import annotations

from collections.abc import Sequence

import nashpy
import numpy as np
from numpy.typing import ArrayLike

__all__ = ["nashpy_game", "nfg_text"]


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def nfg_text(
    A: ArrayLike,
    B: ArrayLike,
    title: str,
    players: Sequence[str],
    actions: Sequence[Sequence[str]],
) -> str:
    """The bimatrix game (A, B) in Gambit's strategic-form (``.nfg``) payoff format.

    Payoffs are written with 17 significant digits (each float exactly), the first player's
    strategy varying fastest, as the format requires.

    >>> print(nfg_text([[1, 0], [0, 1]], [[1, 0], [0, 2]], "coordination", ["r", "c"],
    ...                [["a", "b"], ["x", "y"]]))
    NFG 1 R "coordination" { "r" "c" }
    { { "a" "b" } { "x" "y" } }
    <BLANKLINE>
    1 1 0 0 0 0 1 2
    <BLANKLINE>
    """
    a, b = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if a.shape != b.shape or a.ndim != 2 or a.shape != tuple(len(x) for x in actions):
        raise ValueError("A and B must be m x n, with m row and n column actions")
    names = " ".join(_quoted(p) for p in players)
    strategies = " ".join("{ " + " ".join(_quoted(s) for s in acts) + " }" for acts in actions)
    payoffs = [
        f"{float(a[i, j]):.17g} {float(b[i, j]):.17g}"
        for j in range(a.shape[1])
        for i in range(a.shape[0])
    ]
    return f"NFG 1 R {_quoted(title)} {{ {names} }}\n{{ {strategies} }}\n\n{' '.join(payoffs)}\n"


def nashpy_game(A: ArrayLike, B: ArrayLike) -> nashpy.Game:
    """The bimatrix game (A, B) as a ``nashpy.Game``."""
    return nashpy.Game(np.asarray(A, dtype=float), np.asarray(B, dtype=float))
