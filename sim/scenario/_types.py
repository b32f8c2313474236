"""Private types of a player (issue #15): the schema of ``[[players.types]]``.

A player with types is one of a finite set of them, drawn from a common-knowledge prior
(independent across players). A type is *rational* (it plays the deadline game with the
player's payoffs, some parameters overridden for it) or *behavioural* (a fixed rule). The
prior of a type is a number or the dotted name of a parameter, so it can be set with
``--set``, swept and drawn like any parameter; at most one type per player may leave its
prior out and gets the rest. The cross-field rules are in :func:`type_problems`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StringConstraints

from sim.errors import Problem
from sim.scenario._strict import number_or_ref as _number_or_ref

__all__ = ["PlayerType", "type_problems"]

#: The rules a behavioural type can follow.
BEHAVIOURS = ("never_concede", "concede_at_deadline", "mixed")

NumberOrRef = Annotated[float | str, PlainValidator(_number_or_ref)]
Identifier = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$", min_length=1, max_length=64)
]
ParameterName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
]
OneLine = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[^\n]*$")
]


class PlayerType(BaseModel):
    """One private type of a player.

    ``kind = "rational"`` plays the equilibrium with the player's payoffs, the parameters in
    ``overrides`` set to their values for this type. ``kind = "behavioural"`` follows
    ``rule``: ``never_concede`` plays ``action`` (default: the first action that is not a
    concession) at every epoch; ``concede_at_deadline`` plays it until the last live epoch
    and then the first concession; ``mixed`` plays the mixed action ``mix`` (one probability
    per action, numbers or parameter names) at every epoch.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Identifier
    kind: Literal["rational", "behavioural"]
    prior: NumberOrRef | None = None
    rule: Literal["never_concede", "concede_at_deadline", "mixed"] | None = None
    action: Identifier | None = None
    mix: tuple[NumberOrRef, ...] = ()
    overrides: dict[ParameterName, NumberOrRef] = Field(default_factory=dict)
    description: str = ""
    assumption: OneLine | None = None


def type_problems(
    players: Any, parameters: dict[str, Any], value: Callable[[float | str], float | None]
) -> Iterator[Problem]:
    """Every problem of the players' types: references, priors, rules and mixes.

    ``value`` resolves a number or a parameter name (``None`` for an unknown name).
    """
    for i, p in enumerate(players):
        types = p.types
        key = f"players[{i}].types"
        ids = [t.id for t in types]
        for name in sorted({n for n in ids if ids.count(n) > 1}):
            yield Problem(key, f"duplicate type id {name!r}", name)
        yield from _priors(key, types, parameters, value)
        for j, t in enumerate(types):
            yield from _one_type(f"{key}[{j}]", t, p, parameters, value)


def _priors(
    key: str,
    types: tuple[PlayerType, ...],
    parameters: dict[str, Any],
    value: Callable[[float | str], float | None],
) -> Iterator[Problem]:
    if not types:
        return
    missing = [j for j, t in enumerate(types) if t.prior is None]
    if len(missing) > 1:
        yield Problem(f"{key}[{missing[1]}].prior", "only one type may leave its prior out", None)
    total, known = 0.0, True
    for j, t in enumerate(types):
        if t.prior is None:
            continue
        if isinstance(t.prior, str) and t.prior not in parameters:
            yield Problem(f"{key}[{j}].prior", "no such parameter", t.prior)
            known = False
            continue
        got = value(t.prior)
        if got is None or not 0.0 <= got <= 1.0:
            yield Problem(f"{key}[{j}].prior", "a prior must lie in [0, 1]", got)
            known = False
            continue
        total += got
    over = total > 1.0 + PRIOR_TOLERANCE
    if known and (over or (not missing and abs(total - 1.0) > PRIOR_TOLERANCE)):
        rule = "priors must sum to 1" if not missing else "priors must not sum to more than 1"
        yield Problem(f"{key}", rule, round(total, 12))


#: How far priors may miss a sum of 1 (rounding in a file).
PRIOR_TOLERANCE = 1e-9


def _one_type(
    key: str,
    t: PlayerType,
    player: Any,
    parameters: dict[str, Any],
    value: Callable[[float | str], float | None],
) -> Iterator[Problem]:
    if t.kind == "rational":
        if t.rule is not None or t.mix or t.action is not None:
            yield Problem(key, "a rational type takes no rule, action or mix", t.id)
        for name, v in t.overrides.items():
            if name not in parameters:
                yield Problem(f"{key}.overrides.{name}", "no such parameter", name)
            if isinstance(v, str) and v not in parameters:
                yield Problem(f"{key}.overrides.{name}", "no such parameter", v)
        return
    if t.overrides:
        yield Problem(f"{key}.overrides", "a behavioural type takes no overrides", t.id)
    if t.rule is None:
        rule = f"a behavioural type needs a rule: {', '.join(BEHAVIOURS)}"
        yield Problem(f"{key}.rule", rule, None)
        return
    if t.action is not None and t.action not in player.actions:
        yield Problem(f"{key}.action", f"not an action of {player.id}", t.action)
    if t.rule == "concede_at_deadline" and not player.concessions:
        yield Problem(f"{key}.rule", f"{player.id} has no concessions to make", t.rule)
    if t.rule != "mixed":
        if t.mix:
            yield Problem(f"{key}.mix", "only rule 'mixed' takes a mix", list(t.mix))
        elif t.action is None and all(a in player.concessions for a in player.actions):
            yield Problem(f"{key}.action", "every action is a concession: name the one held", None)
        return
    yield from _mix(key, t, player, parameters, value)


def _mix(
    key: str,
    t: PlayerType,
    player: Any,
    parameters: dict[str, Any],
    value: Callable[[float | str], float | None],
) -> Iterator[Problem]:
    if len(t.mix) != len(player.actions):
        rule = f"needs one probability per action ({len(player.actions)})"
        yield Problem(f"{key}.mix", rule, list(t.mix))
        return
    probs = []
    for j, v in enumerate(t.mix):
        got = value(v)
        if got is None:
            yield Problem(f"{key}.mix[{j}]", "no such parameter", v)
        elif not 0.0 <= got <= 1.0:
            yield Problem(f"{key}.mix[{j}]", "a probability must lie in [0, 1]", got)
        else:
            probs.append(got)
    if len(probs) == len(t.mix) and abs(sum(probs) - 1.0) > PRIOR_TOLERANCE:
        yield Problem(f"{key}.mix", "probabilities must sum to 1", round(sum(probs), 12))
