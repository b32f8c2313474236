"""Selecting the one equilibrium a stage game is assumed to be played at: the registry of rules.

:data:`RULES` maps each rule's name (as scenario files, the command line and the docs name it)
to its :class:`Rule`. Every rule is deterministic and returns, with the equilibrium, its index
in the set and a one-line reason. Ties (payoffs within :data:`TIE_TOL` times the player's
payoff range, entropies within :data:`TIE_TOL` nats) are broken by the largest entropy, then
by the order in which the method found the equilibria; a selection that order decided says
so in its reason and is flagged (:attr:`Selection.tied`, :func:`order_decided`).

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
``logit_limit``
    The equilibrium the principal branch of the game's logit QRE correspondence converges to
    as the precision grows (the logit tracing procedure, as Gambit's ``logit`` solver;
    :func:`~sim.equilibria.logit_limit`): the equilibrium found nearest to the QRE at
    :data:`~sim.equilibria.LIMIT_PRECISION` over the game's payoff range. When no equilibrium
    found is within :data:`~sim.equilibria.LIMIT_TOL` of it (the branch converges to a point
    the method did not list, e.g. inside a continuum of equilibria) or the branch could not be
    followed that far, the nearest is taken and the reason says so.
``all``
    Not a selection: :func:`select_all` returns every equilibrium, for analysis.

:func:`select_many` applies a rule to many games at once (the backward induction's epochs),
through the rule's vectorised form where it has one; it gives what :func:`select` gives game
by game.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.equilibria._analysis import deviation_loss_products, risk_dominant_equilibrium
from sim.equilibria._arrays import EquilibriumArrays
from sim.equilibria._logit import limit_selection
from sim.equilibria._ties import TIE_TOL, first_best, order_decided, tie_scales
from sim.equilibria._types import Equilibrium, EquilibriumSet, GameError, validate_game

__all__ = [
    "RULES",
    "Rule",
    "Selection",
    "entropy",
    "select",
    "select_all",
    "select_many",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
#: A rule's choice among one game's equilibria: the index and the reason (without the name).
Pick = Callable[[tuple[Equilibrium, ...], FloatArray, FloatArray, str], tuple[int, str]]

#: A rule on many games: the arrays, the games, their payoffs A and B (G', m, n); the position
#: of each game's selected equilibrium and the reasons.
Many = Callable[[EquilibriumArrays, IntArray, FloatArray, FloatArray], tuple[IntArray, list[str]]]


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

    @property
    def tied(self) -> bool:
        """Whether several equilibria were equally selected and the order found decided."""
        return order_decided(self.reason)


@dataclass(frozen=True)
class Rule:
    """One selection rule.

    Attributes
    ----------
    name:
        As scenario files (``[equilibrium] selection``) and ``negsim solve --rule`` name it.
    description:
        One line, for ``--help`` and the docs.
    pick:
        The rule on one game's equilibria, payoffs and method: the index and the reason.
        ``None`` for ``all``, which selects nothing.
    shape:
        The only game shape the rule is defined for, if it has one (checked in scenarios).
    only:
        The reason the rule gives a game with one equilibrium found by a method, when it
        depends on nothing else (so that :func:`select_many` need not build the game's
        objects); ``None`` when it depends on the payoffs.
    many:
        The rule on many games at once, without per-equilibrium objects: given the arrays,
        the games (each with at least one equilibrium) and their ``(G', m, n)`` payoffs, the
        position of the selected equilibrium within each game, and the reasons; ``None`` to
        go game by game.
    """

    name: str
    description: str
    pick: Pick | None
    shape: tuple[int, int] | None = None
    only: Callable[[str], str] | None = None
    many: Many | None = None

    @property
    def selects(self) -> bool:
        """Whether the rule picks one equilibrium (``all`` does not)."""
        return self.pick is not None


def select(eqs: EquilibriumSet, rule: str, A: ArrayLike, B: ArrayLike) -> Selection:
    """The equilibrium of ``eqs`` that ``rule`` picks for the game (A, B).

    Parameters
    ----------
    eqs:
        The equilibria of the game, as :func:`sim.equilibria.solve` returns them.
    rule:
        One of :data:`RULES` that selects (not ``"all"``).
    A, B:
        The game's payoff matrices (risk dominance needs them).

    Raises
    ------
    GameError
        For an unknown rule, ``"all"``, an empty set, or equilibria that do not fit (A, B).
    """
    pick = _rule(rule).pick
    if pick is None:
        raise GameError(f"selection rule {rule!r} is for analysis only; use select_all()")
    _check(eqs, A, B)
    index, reason = pick(eqs.equilibria, np.asarray(A), np.asarray(B), eqs.method)
    return Selection(eqs.equilibria[index], index, rule, f"{rule}: {reason}")


def _rule(name: str) -> Rule:
    if name not in RULES:
        raise GameError(f"unknown selection rule {name!r}; expected one of {tuple(RULES)}")
    return RULES[name]


def select_many(
    found: EquilibriumArrays, rule: str, A: FloatArray, B: FloatArray
) -> tuple[IntArray, tuple[str, ...]]:
    """The index (into ``found``'s arrays) of the equilibrium ``rule`` selects in each of the
    ``(G, m, n)`` games ``A, B``, and why: what :func:`select` returns for ``found[g]``,
    without building the objects of games where the rule has nothing to choose (one
    equilibrium, for rules whose reason then depends on nothing else), and through the rule's
    vectorised form (:attr:`Rule.many`) where it has one.

    Raises
    ------
    GameError
        For an unknown rule, one that does not select, or a game without equilibria.
    """
    entry = _rule(rule)
    if not entry.selects:
        raise GameError(f"selection rule {rule!r} is for analysis only; use select_all()")
    index = found.starts.copy()
    only = entry.only
    said = {m: f"{rule}: {only(m)}" for m in set(found.method)} if only is not None else {}
    simple = (found.counts == 1) & (only is not None)
    reasons = [
        said[method] if s else "" for s, method in zip(simple.tolist(), found.method, strict=True)
    ]
    rest = np.flatnonzero(~simple)
    if entry.many is not None:
        many = rest[found.counts[rest] > 0]  # a game without equilibria: select() raises
        offsets, why = entry.many(found, many, A[many], B[many])
        index[many] += offsets
        for g, reason in zip(many.tolist(), why, strict=True):
            reasons[g] = f"{rule}: {reason}"
        rest = rest[found.counts[rest] == 0]
    for g in rest.tolist():
        picked = select(found[g], rule, A[g], B[g])
        index[g] += picked.index
        reasons[g] = picked.reason
    return index, tuple(reasons)


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


def _tie_break(eqs: tuple[Equilibrium, ...], tied: list[int]) -> tuple[int, str]:
    """Among tied indices: the largest entropy, then the first found."""
    if len(tied) == 1:
        return tied[0], ""
    best = first_best([_profile_entropy(e) for e in eqs], tied)
    return best[0], _tie_note(len(tied), len(best))


def _tie_note(tied: int, best: int) -> str:
    """What a reason adds when ``tied`` equilibria tied and ``best`` of them had the
    largest entropy."""
    if tied == 1:
        return ""
    how = "largest entropy" if best == 1 else "largest entropy, then first found"
    return f"; {tied} tied, broken by {how}"


def _max_entropy(eqs: tuple[Equilibrium, ...], *_: object) -> tuple[int, str]:
    scores = [_profile_entropy(e) for e in eqs]
    tied = first_best(scores, list(range(len(eqs))))
    note = "" if len(tied) == 1 else f"; {len(tied)} tied, first found taken"
    return tied[0], f"entropy {scores[tied[0]]:.6g} nats, largest of {len(eqs)}{note}"


def _payoff_dominant(
    eqs: tuple[Equilibrium, ...], A: FloatArray, B: FloatArray, *_: object
) -> tuple[int, str]:
    if len(eqs) == 1:
        return 0, _payoff_reason(1, True, 0.0, "")
    row_tol, col_tol = tie_scales(np.asarray(A, float), np.asarray(B, float))
    tols = float(row_tol), float(col_tol)
    dominant = [k for k, e in enumerate(eqs) if all(_weakly_better(e, f, tols) for f in eqs)]
    if dominant:
        index, note = _tie_break(eqs, dominant)
        return index, _payoff_reason(len(eqs), True, 0.0, note)
    sums = [e.row_payoff + e.col_payoff for e in eqs]
    index, note = _tie_break(eqs, first_best(sums, list(range(len(eqs))), sum(tols)))
    return index, _payoff_reason(len(eqs), False, sums[index], note)


def _payoff_reason(count: int, dominant: bool, payoff_sum: float, note: str) -> str:
    """Why ``payoff_dominant`` chose as it did among ``count`` equilibria: one of them
    Pareto-dominates the others (``dominant``), or it has the largest ``payoff_sum``."""
    if count == 1:
        return "the only equilibrium"
    if dominant:
        return f"Pareto-dominates the {count - 1} other equilibria{note}"
    return f"no equilibrium Pareto-dominates all others; largest payoff sum {payoff_sum:.6g}{note}"


def _weakly_better(e: Equilibrium, f: Equilibrium, tols: tuple[float, float]) -> bool:
    return e.row_payoff >= f.row_payoff - tols[0] and e.col_payoff >= f.col_payoff - tols[1]


def _risk_dominant(
    eqs: tuple[Equilibrium, ...], A: ArrayLike, B: ArrayLike, *_: object
) -> tuple[int, str]:
    profile = risk_dominant_equilibrium(A, B)
    found = [k for k, e in enumerate(eqs) if e.profile == profile] if profile else []
    if profile is not None and found:
        products = deviation_loss_products(A, B)
        other = max(v for p, v in products.items() if p != profile)
        reason = f"{profile} has deviation-loss product {products[profile]:.6g} > {other:.6g}"
        return found[0], reason
    index, fallback = _payoff_dominant(eqs, np.asarray(A), np.asarray(B))
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


def _payoff_dominant_many(
    found: EquilibriumArrays, games: NDArray[np.intp], A: FloatArray, B: FloatArray
) -> tuple[NDArray[np.intp], list[str]]:
    """The ``payoff_dominant`` rule on many games at once, without per-equilibrium objects.

    Returns, for each game in ``games`` (each with at least one equilibrium), the position
    of the selected equilibrium within the game and the reason: exactly what :func:`select`
    returns for ``found[g]`` (the same comparisons with :data:`TIE_TOL`, the same entropy
    tie-break, the same words, without the rule's name).
    """
    counts = found.counts[games]
    at, valid = found.slots(games)
    row, col = found.row_payoff[at], found.col_payoff[at]
    row_tol, col_tol = (t[:, None, None] for t in tie_scales(A, B))
    beats = (row[:, :, None] >= row[:, None, :] - row_tol) & (
        col[:, :, None] >= col[:, None, :] - col_tol
    )
    dominant = valid & (beats | ~valid[:, None, :]).all(axis=2)
    some: NDArray[np.bool_] = np.asarray(dominant.any(axis=1))
    sums = row + col
    top = np.where(valid, sums, -np.inf).max(axis=1)
    sum_tol = row_tol[:, :, 0] + col_tol[:, :, 0]
    among = np.where(some[:, None], dominant, valid & (sums >= top[:, None] - sum_tol))
    entropies = _entropies(found.row[at]) + _entropies(found.col[at])
    best = np.where(among, entropies, -np.inf).max(axis=1)
    first = among & (entropies >= best[:, None] - TIE_TOL)
    index = first.argmax(axis=1).astype(np.intp)
    tied, broken = among.sum(axis=1).tolist(), first.sum(axis=1).tolist()
    has_dominant = some.tolist()
    reasons = [
        _payoff_reason(
            int(counts[g]), has_dominant[g], float(sums[g, k]), _tie_note(tied[g], broken[g])
        )
        for g, k in enumerate(index.tolist())
    ]
    return index, reasons


def _only_found(method: str) -> str:
    return f"the only equilibrium {method} found (not traced)"


def _logit_limit(
    eqs: tuple[Equilibrium, ...], A: FloatArray, B: FloatArray, method: str
) -> tuple[int, str]:
    if len(eqs) == 1:
        return 0, _only_found(method)
    found = EquilibriumArrays.from_sets([EquilibriumSet(eqs, method)], *A.shape)
    index, reasons = limit_selection(found, np.zeros(1, np.intp), A[None], B[None])
    return int(index[0]), reasons[0]


def _entropies(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`entropy` of every distribution on the last axis."""
    positive = p > 0
    terms = np.where(positive, p * np.log(np.where(positive, p, 1.0)), 0.0)
    out: NDArray[np.float64] = np.maximum(0.0, -terms.sum(axis=-1))
    return out


def _first_found(
    eqs: tuple[Equilibrium, ...], A: FloatArray, B: FloatArray, method: str
) -> tuple[int, str]:
    return 0, _first_found_reason(len(eqs), method)


#: The selection rules by name.
RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "payoff_dominant": Rule(
            "payoff_dominant",
            "the equilibrium best for both players; else the largest payoff sum",
            _payoff_dominant,
            only=lambda method: _payoff_reason(1, True, 0.0, ""),
            many=_payoff_dominant_many,
        ),
        "risk_dominant": Rule(
            "risk_dominant",
            "the larger product of deviation losses (2x2 games; else payoff_dominant)",
            _risk_dominant,
            shape=(2, 2),
        ),
        "max_entropy": Rule("max_entropy", "the most mixed equilibrium", _max_entropy),
        "first_found": Rule(
            "first_found",
            "the first equilibrium the method found",
            _first_found,
            only=lambda method: _first_found_reason(1, method),
        ),
        "logit_limit": Rule(
            "logit_limit",
            "the limit of the logit QRE's principal branch as the precision grows",
            _logit_limit,
            only=_only_found,
            many=limit_selection,
        ),
        "all": Rule("all", "every equilibrium, for analysis (selects none)", None),
    }
)
