"""The players' private types compiled to numbers (issue #15): priors, the behavioural types'
fixed actions at each live epoch, and each rational type's payoff model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.errors import SimError
from sim.model import Model, PayoffModel, compile_payoffs
from sim.scenario import Player, PlayerType, Scenario, with_overrides

__all__ = ["MAX_TYPES", "TypeSpace", "has_types", "type_spaces"]

FloatArray = NDArray[np.float64]

#: Most types per player the belief solver takes: with two, a player's belief is one number
#: (the probability of its first type), on a grid (docs/types.md).
MAX_TYPES = 2


@dataclass(frozen=True)
class TypeSpace:
    """One player's types.

    Attributes
    ----------
    ids, prior:
        The types and their prior probabilities (T,).
    rational:
        Indices of the rational types.
    models:
        Per type, its payoff model (``None`` for behavioural types).
    fixed:
        (T, L, a) the behavioural types' mixed action at each live epoch (zeros for
        rational types).
    """

    ids: tuple[str, ...]
    prior: FloatArray
    rational: tuple[int, ...]
    models: tuple[PayoffModel | None, ...]
    fixed: FloatArray

    @property
    def count(self) -> int:
        return len(self.ids)


def has_types(scenario: Scenario) -> bool:
    """Whether the belief solver is needed: some player has a type with a positive prior
    other than one rational type without overrides (which is the complete-information
    game, solved by the existing solver bit for bit)."""
    for p in scenario.players:
        live = [t for t in p.types if _prior(scenario, p)[p.types.index(t)] > 0.0]
        if len(live) > 1 or (live and (live[0].kind != "rational" or live[0].overrides)):
            return True
    return False


def _prior(scenario: Scenario, player: Player) -> list[float]:
    given = [None if t.prior is None else scenario.resolve(t.prior) for t in player.types]
    rest = max(0.0, 1.0 - sum(v for v in given if v is not None))
    return [rest if v is None else v for v in given]


def type_spaces(model: Model) -> tuple[TypeSpace, TypeSpace]:
    """The row and column players' type spaces (a player without types has one rational
    type: itself).

    Raises
    ------
    SimError
        For more than :data:`MAX_TYPES` types of a player, or payoff terms the belief solver
        does not take (``continuation`` terms).
    """
    s = model.scenario
    spaces = []
    for p, player in enumerate(s.players):
        if len(player.types) > MAX_TYPES:
            raise SimError(
                f"players[{p}].types: {len(player.types)} types; the belief solver takes at "
                f"most {MAX_TYPES} per player (docs/types.md)"
            )
        if any(t.continuation is not None for t in player.payoff) and has_types(s):
            raise SimError(f"players[{p}].payoff: continuation terms are not solved with types")
        spaces.append(_space(model, p, player))
    return spaces[0], spaces[1]


def _space(model: Model, p: int, player: Player) -> TypeSpace:
    s = model.scenario
    types = player.types or (PlayerType(id=player.id, kind="rational"),)
    prior = np.array(_prior(s, player) if player.types else [1.0])
    live = model.schedule.live
    fixed = np.zeros((len(types), live, len(player.actions)))
    models: list[PayoffModel | None] = []
    for i, t in enumerate(types):
        if t.kind == "rational":
            models.append(_rational_model(model, t))
        else:
            models.append(None)
            fixed[i] = _behaviour(s, player, t, live)
    rational = tuple(i for i, t in enumerate(types) if t.kind == "rational")
    return TypeSpace(tuple(t.id for t in types), prior, rational, tuple(models), fixed)


def _rational_model(model: Model, t: PlayerType) -> PayoffModel:
    if not t.overrides:
        return model.payoffs
    s = model.scenario
    values = {name: s.resolve(v) for name, v in t.overrides.items()}
    return compile_payoffs(with_overrides(s, values))


def _behaviour(s: Scenario, player: Player, t: PlayerType, live: int) -> FloatArray:
    """(L, a): the mixed action of a behavioural type at each live epoch."""
    actions = list(player.actions)
    out = np.zeros((live, len(actions)))
    if t.rule == "mixed":
        out[:] = [s.resolve(v) for v in t.mix]
        return out
    held = t.action or next(a for a in actions if a not in player.concessions)
    out[:, actions.index(held)] = 1.0
    if t.rule == "concede_at_deadline" and live:
        out[-1] = 0.0
        out[-1, actions.index(player.concessions[0])] = 1.0
    return out
