"""Selecting the one equilibrium a stage game is assumed to be played at.

Every rule is deterministic and returns, with the equilibrium, its index in the set and a
one-line reason. Ties (within :data:`TIE_TOL`) are broken by the largest entropy, then by the
order in which the method found the equilibria.

Rules
-----
``payoff_dominant``
    An equilibrium whose payoffs are at least those of every other equilibrium for both
    players (several only when their payoffs tie); if none exists, the largest sum of the
    two payoffs.
``risk_dominant``
    In a 2x2 game with two strict pure equilibria, the one with the larger product of
    deviation losses (Harsanyi and Selten 1988). When the game is not 2x2, has fewer than
    two strict pure equilibria, the products tie, or the risk-dominant profile is not among
    the equilibria found, the ``payoff_dominant`` rule decides, and the reason says why.
``max_entropy``
    The largest sum of the two strategies' Shannon entropies (nats): the most mixed one.
``first_found``
    The first equilibrium the method found.
``all``
    Not a selection: :func:`select_all` returns every equilibrium, for analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.analysis import deviation_loss_products, risk_dominant_equilibrium
from sim.equilibria import Equilibrium, EquilibriumSet, GameError, validate_game
from sim.equilibrium_arrays import EquilibriumArrays

__all__ = [
    "RULES",
    "TIE_TOL",
    "Selection",
    "entropy",
    "only_reason",
    "payoff_dominant_many",
    "select",
    "select_all",
]

#: The selection rules, as scenario files name them.
RULES = ("payoff_dominant", "risk_dominant", "max_entropy", "first_found", "all")

#: Payoffs or entropies closer than this are tied.
TIE_TOL = 1e-9


@dataclass(frozen=True)
class Selection:
    """The equilibrium a rule picked, where it was in the set, and why.

    Attributes
    ----------
    equilibrium:
        The selected equilibrium.
    index:
        Its position in ``EquilibriumSet.equilibria``.
    rule:
        The rule applied.
    reason:
        One line saying why, e.g. ``"payoff_dominant: Pareto-dominates the 2 other
        equilibria"``.
    """

    equilibrium: Equilibrium
    index: int
    rule: str
    reason: str


def select(eqs: EquilibriumSet, rule: str, A: ArrayLike, B: ArrayLike) -> Selection:
    """The equilibrium of ``eqs`` that ``rule`` picks for the game (A, B).

    Parameters
    ----------
    eqs:
        The equilibria of the game, as :func:`sim.equilibria.solve` returns them.
    rule:
        One of :data:`RULES` except ``"all"``.
    A, B:
        The game's payoff matrices (risk dominance needs them).

    Raises
    ------
    GameError
        For an unknown rule, ``"all"``, an empty set, or equilibria that do not fit (A, B).
    """
    if rule == "all":
        raise GameError("selection rule 'all' is for analysis only; use select_all()")
    if rule not in RULES:
        raise GameError(f"unknown selection rule {rule!r}; expected one of {RULES}")
    _check(eqs, A, B)
    if rule == "payoff_dominant":
        index, reason = _payoff_dominant(eqs.equilibria)
    elif rule == "risk_dominant":
        index, reason = _risk_dominant(eqs.equilibria, A, B)
    elif rule == "max_entropy":
        index, reason = _max_entropy(eqs.equilibria)
    else:
        index, reason = 0, _first_found_reason(len(eqs.equilibria), eqs.method)
    return Selection(eqs.equilibria[index], index, rule, f"{rule}: {reason}")


def only_reason(rule: str, method: str) -> str | None:
    """What :func:`select` says of a game whose one equilibrium ``method`` found, for the
    rules whose reason then depends on nothing else (None for the others)."""
    if rule == "payoff_dominant":
        return f"{rule}: {_payoff_reason(1, True, 0.0, '')}"
    if rule == "first_found":
        return f"{rule}: {_first_found_reason(1, method)}"
    return None


def _first_found_reason(count: int, method: str) -> str:
    return f"first of {count} found by {method}"


def select_all(eqs: EquilibriumSet) -> tuple[Selection, ...]:
    """Every equilibrium of ``eqs`` as a :class:`Selection` under the rule ``"all"``."""
    total = len(eqs.equilibria)
    return tuple(
        Selection(e, k, "all", f"all: equilibrium {k + 1} of {total}")
        for k, e in enumerate(eqs.equilibria)
    )


def _check(eqs: EquilibriumSet, A: ArrayLike, B: ArrayLike) -> None:
    a, _ = validate_game(A, B)
    if not eqs.equilibria:
        raise GameError(f"no equilibria to select from ({eqs.method}, flags {eqs.flags})")
    shape = (len(eqs.equilibria[0].row), len(eqs.equilibria[0].col))
    if shape != a.shape:
        raise GameError(f"equilibria are for a {shape} game but the payoffs are {a.shape}")


def entropy(p: ArrayLike) -> float:
    """Shannon entropy of a distribution, in nats (0 log 0 = 0)."""
    q = np.asarray(p, dtype=np.float64)
    q = q[q > 0]
    return max(0.0, float(-(q * np.log(q)).sum()))


def _profile_entropy(e: Equilibrium) -> float:
    return entropy(e.row) + entropy(e.col)


def _first_best(scores: list[float], among: list[int]) -> list[int]:
    """The indices in ``among`` whose score is within :data:`TIE_TOL` of the best."""
    top = max(scores[k] for k in among)
    return [k for k in among if scores[k] >= top - TIE_TOL]


def _tie_break(eqs: tuple[Equilibrium, ...], tied: list[int]) -> tuple[int, str]:
    """Among tied indices: the largest entropy, then the first found."""
    if len(tied) == 1:
        return tied[0], ""
    best = _first_best([_profile_entropy(e) for e in eqs], tied)
    return best[0], _tie_note(len(tied), len(best))


def _tie_note(tied: int, best: int) -> str:
    """What a reason adds when ``tied`` equilibria tied and ``best`` of them had the
    largest entropy."""
    if tied == 1:
        return ""
    how = "largest entropy" if best == 1 else "largest entropy, then first found"
    return f"; {tied} tied, broken by {how}"


def _max_entropy(eqs: tuple[Equilibrium, ...]) -> tuple[int, str]:
    scores = [_profile_entropy(e) for e in eqs]
    tied = _first_best(scores, list(range(len(eqs))))
    note = "" if len(tied) == 1 else f"; {len(tied)} tied, first found taken"
    return tied[0], f"entropy {scores[tied[0]]:.6g} nats, largest of {len(eqs)}{note}"


def _payoff_dominant(eqs: tuple[Equilibrium, ...]) -> tuple[int, str]:
    if len(eqs) == 1:
        return 0, _payoff_reason(1, True, 0.0, "")
    dominant = [k for k, e in enumerate(eqs) if all(_weakly_better(e, f) for f in eqs)]
    if dominant:
        index, note = _tie_break(eqs, dominant)
        return index, _payoff_reason(len(eqs), True, 0.0, note)
    sums = [e.row_payoff + e.col_payoff for e in eqs]
    index, note = _tie_break(eqs, _first_best(sums, list(range(len(eqs)))))
    return index, _payoff_reason(len(eqs), False, sums[index], note)


def _payoff_reason(count: int, dominant: bool, payoff_sum: float, note: str) -> str:
    """Why ``payoff_dominant`` chose as it did among ``count`` equilibria: one of them
    Pareto-dominates the others (``dominant``), or it has the largest ``payoff_sum``."""
    if count == 1:
        return "the only equilibrium"
    if dominant:
        return f"Pareto-dominates the {count - 1} other equilibria{note}"
    return f"no equilibrium Pareto-dominates all others; largest payoff sum {payoff_sum:.6g}{note}"


def _weakly_better(e: Equilibrium, f: Equilibrium) -> bool:
    return e.row_payoff >= f.row_payoff - TIE_TOL and e.col_payoff >= f.col_payoff - TIE_TOL


def _risk_dominant(eqs: tuple[Equilibrium, ...], A: ArrayLike, B: ArrayLike) -> tuple[int, str]:
    profile = risk_dominant_equilibrium(A, B)
    found = [k for k, e in enumerate(eqs) if e.profile == profile] if profile else []
    if profile is not None and found:
        products = deviation_loss_products(A, B)
        other = max(v for p, v in products.items() if p != profile)
        reason = f"{profile} has deviation-loss product {products[profile]:.6g} > {other:.6g}"
        return found[0], reason
    index, fallback = _payoff_dominant(eqs)
    return index, f"{_why_no_risk_dominance(A, B, profile)}; payoff_dominant: {fallback}"


def _why_no_risk_dominance(A: ArrayLike, B: ArrayLike, profile: tuple[int, int] | None) -> str:
    a, _ = validate_game(A, B)
    if a.shape != (2, 2):
        return f"risk dominance needs a 2x2 game, not {a.shape[0]}x{a.shape[1]}"
    products = deviation_loss_products(A, B)
    if len(products) != 2:
        return f"{len(products)} strict pure equilibria, risk dominance needs 2"
    if profile is None:
        return f"the strict equilibria tie in deviation-loss product ({products})"
    return f"the risk-dominant {profile} is not among the equilibria found"


def payoff_dominant_many(
    found: EquilibriumArrays, games: NDArray[np.intp]
) -> tuple[NDArray[np.intp], list[str]]:
    """The ``payoff_dominant`` rule on many games at once, without per-equilibrium objects.

    Returns, for each game in ``games`` (each with at least one equilibrium), the position
    of the selected equilibrium within the game and the reason: exactly what :func:`select`
    returns for ``found[g]`` (the same comparisons with :data:`TIE_TOL`, the same entropy
    tie-break, the same words).
    """
    counts = found.counts[games]
    most = int(counts.max(initial=1))
    slot = np.arange(most)
    valid = slot[None, :] < counts[:, None]
    at = np.where(valid, found.starts[games][:, None] + slot[None, :], 0)
    row, col = found.row_payoff[at], found.col_payoff[at]
    beats = (row[:, :, None] >= row[:, None, :] - TIE_TOL) & (
        col[:, :, None] >= col[:, None, :] - TIE_TOL
    )
    dominant = valid & (beats | ~valid[:, None, :]).all(axis=2)
    some: NDArray[np.bool_] = np.asarray(dominant.any(axis=1))
    sums = row + col
    top = np.where(valid, sums, -np.inf).max(axis=1)
    among = np.where(some[:, None], dominant, valid & (sums >= top[:, None] - TIE_TOL))
    entropies = _entropies(found.row[at]) + _entropies(found.col[at])
    best = np.where(among, entropies, -np.inf).max(axis=1)
    first = among & (entropies >= best[:, None] - TIE_TOL)
    index = first.argmax(axis=1).astype(np.intp)
    tied, broken = among.sum(axis=1).tolist(), first.sum(axis=1).tolist()
    has_dominant = some.tolist()
    reasons = [
        "payoff_dominant: "
        + _payoff_reason(
            int(counts[g]), has_dominant[g], float(sums[g, k]), _tie_note(tied[g], broken[g])
        )
        for g, k in enumerate(index.tolist())
    ]
    return index, reasons


def _entropies(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`entropy` of every distribution on the last axis."""
    positive = p > 0
    terms = np.where(positive, p * np.log(np.where(positive, p, 1.0)), 0.0)
    out: NDArray[np.float64] = np.maximum(0.0, -terms.sum(axis=-1))
    return out
