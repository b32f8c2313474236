"""Rules that relate one part of a scenario to another; every broken rule is reported."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sim.equilibria import RULES
from sim.errors import Problem
from sim.scenario._evidence import quote_in_seed, resolve_seed
from sim.scenario._schema import (
    Beta,
    Evidence,
    LogNormal,
    Scenario,
    Triangular,
    TruncatedNormal,
    Uniform,
)
from sim.scenario._strict import MAX_EPOCHS, YEARS
from sim.scenario._types import type_problems

__all__ = ["check", "evidence_items"]

#: Most shocks a day (a path draws about ``rate * window_days`` of them).
MAX_SHOCK_RATE = 100.0
#: Largest sigma of a lognormal (``exp(sigma * z)`` must stay a float).
MAX_LOG_SIGMA = 3.0
#: Highest pressure a scenario may reach: ``scale * (peak level + 5 typical shocks)``.
#: Policies are solved on a grid of observed levels 0.01 apart, up to that ceiling.
MAX_PRESSURE = 100.0
#: Shortest window from the start to the deadline, in hours.
MIN_WINDOW_HOURS = 1.0


def check(scenario: Scenario, seeds_dir: Path) -> list[Problem]:
    """Every cross-field problem of ``scenario``; empty when it is valid."""
    problems: list[Problem] = []
    rules = (
        _players,
        _payoffs,
        _outcomes,
        _references,
        _dates,
        _parameters,
        _schedule,
        _concept,
        _types,
    )
    for rule in rules:
        problems.extend(rule(scenario))
    if not problems:  # the limits, on a scenario whose values are otherwise valid
        problems.extend(_sizes(scenario))
        problems.extend(_pressure_ceiling(scenario))
    problems.extend(_evidence(scenario, seeds_dir))
    return problems


def _duplicates(key: str, what: str, names: list[str]) -> Iterator[Problem]:
    for name, count in Counter(names).items():
        if count > 1:
            yield Problem(key, f"duplicate {what} {name!r}", name)


def _players(s: Scenario) -> Iterator[Problem]:
    yield from _duplicates("players", "player id", [p.id for p in s.players])
    for i, p in enumerate(s.players):
        yield from _duplicates(f"players[{i}].actions", "action", list(p.actions))
        for j, c in enumerate(p.concessions):
            if c not in p.actions:
                yield Problem(f"players[{i}].concessions[{j}]", f"not an action of {p.id}", c)
        yield from _duplicates(
            f"players[{i}].payoff", "payoff component", [t.component for t in p.payoff]
        )


def _payoffs(s: Scenario) -> Iterator[Problem]:
    shape = (len(s.row.actions), len(s.col.actions))
    for i, p in enumerate(s.players):
        for j, term in enumerate(p.payoff):
            got = (len(term.matrix), len(term.matrix[0]))
            if got != shape:
                yield Problem(
                    f"players[{i}].payoff[{j}].matrix",
                    f"shape must be {shape[0]}x{shape[1]} (row actions x column actions)",
                    f"{got[0]}x{got[1]}",
                )
    rule = RULES[s.equilibrium.selection]
    if rule.shape is not None and shape != rule.shape:
        needs = f"{rule.name} needs a {rule.shape[0]}x{rule.shape[1]} game"
        yield Problem("equilibrium.selection", needs, f"{shape}")


def _outcomes(s: Scenario) -> Iterator[Problem]:
    yield from _duplicates("outcomes", "outcome id", [o.id for o in s.outcomes])
    defaults = [o.id for o in s.outcomes if o.default]
    if len(defaults) != 1:
        yield Problem("outcomes", "exactly one outcome must have default = true", defaults)
    ids = {p.id for p in s.players}
    seen: dict[tuple[str, str], str] = {}
    for i, o in enumerate(s.outcomes):
        key = f"outcomes[{i}]"
        if o.default:
            if o.profiles:
                yield Problem(f"{key}.profiles", "the default outcome has no profiles", o.profiles)
            if o.payoff is None or set(o.payoff) != ids:
                got = sorted(o.payoff or {})
                yield Problem(f"{key}.payoff", f"needs a payoff for each of {sorted(ids)}", got)
            continue
        if not o.profiles:
            yield Problem(f"{key}.profiles", "an agreement needs at least one profile", [])
        if o.payoff is not None:
            yield Problem(f"{key}.payoff", "agreement payoffs come from the players' matrices", "")
        for j, (r, c) in enumerate(o.profiles):
            if r not in s.row.actions:
                yield Problem(f"{key}.profiles[{j}][0]", f"not an action of {s.row.id}", r)
            if c not in s.col.actions:
                yield Problem(f"{key}.profiles[{j}][1]", f"not an action of {s.col.id}", c)
            if (r, c) in seen:
                yield Problem(
                    f"{key}.profiles[{j}]", f"profile already ends {seen[r, c]!r}", [r, c]
                )
            seen[r, c] = o.id


def _references(s: Scenario) -> Iterator[Problem]:
    names = set(s.parameters)

    def ref(key: str, value: float | str | None) -> Iterator[Problem]:
        if isinstance(value, str) and value not in names:
            yield Problem(key, "no such parameter", value)

    for i, p in enumerate(s.players):
        for j, term in enumerate(p.payoff):
            for k, w in enumerate(term.weight):
                yield from ref(f"players[{i}].payoff[{j}].weight[{k}]", w)
    for i, o in enumerate(s.outcomes):
        for pid, terms in (o.payoff or {}).items():
            for j, scalar in enumerate(terms):
                for k, w in enumerate(scalar.weight):
                    yield from ref(f"outcomes[{i}].payoff.{pid}[{j}].weight[{k}]", w)
    yield from ref("equilibrium.lambda", s.equilibrium.precision)
    sch = s.schedule
    yield from ref("schedule.implementation_delay_hours", sch.implementation_delay_hours)
    yield from ref("schedule.discount_per_day", sch.discount_per_day)
    yield from ref("schedule.window_days", sch.window_days)
    if s.pressure is not None:
        yield from ref("pressure.scale", s.pressure.scale)
        components = {f"{p.id}.{t.component}" for p in s.players for t in p.payoff}
        default = s.default_outcome_or_none()
        for pid, terms in (default.payoff or {}).items() if default else ():
            components.update(f"{pid}.{t.component}" for t in terms)
        for i, name in enumerate(s.pressure.scales):
            if name not in components:
                yield Problem(f"pressure.scales[{i}]", "no such payoff component", name)
        if s.pressure.shocks is not None:
            yield from ref("pressure.shocks.rate_per_day", s.pressure.shocks.rate_per_day)
            yield from ref(
                "pressure.shocks.decay_half_life_hours", s.pressure.shocks.decay_half_life_hours
            )


def _value(s: Scenario, value: float | str) -> float | None:
    if isinstance(value, str):
        return s.parameters[value].value if value in s.parameters else None
    return value


def _dates(s: Scenario) -> Iterator[Problem]:
    start, deadline = s.meta.start, s.meta.deadline
    if start >= deadline:
        yield Problem("meta.deadline", "must be after meta.start", deadline.isoformat())
        return
    if s.pressure is not None:
        previous = None
        for i, point in enumerate(s.pressure.points):
            if not start <= point.at <= deadline:
                yield Problem(
                    f"pressure.points[{i}].at", "must lie within [start, deadline]", str(point.at)
                )
            if previous is not None and point.at <= previous:
                yield Problem(
                    f"pressure.points[{i}].at", "dates must be strictly increasing", str(point.at)
                )
            previous = point.at
    if s.observed is not None:
        if not start <= s.observed.at <= deadline:
            yield Problem("observed.at", "must lie within [start, deadline]", str(s.observed.at))
        if s.observed.outcome not in {o.id for o in s.outcomes}:
            yield Problem("observed.outcome", "no such outcome", s.observed.outcome)
        yield from _moves(s)


def _moves(s: Scenario) -> Iterator[Problem]:
    """Each dated move names a player and one of its actions, within the window, in order."""
    assert s.observed is not None
    players = {p.id: p for p in s.players}
    previous = None
    for i, move in enumerate(s.observed.moves):
        key = f"observed.moves[{i}]"
        if not s.meta.start <= move.at <= s.meta.deadline:
            yield Problem(f"{key}.at", "must lie within [start, deadline]", str(move.at))
        elif move.at > s.observed.at:
            yield Problem(f"{key}.at", "must not be after observed.at", str(move.at))
        elif previous is not None and move.at < previous:
            yield Problem(f"{key}.at", "moves must be in date order", str(move.at))
        previous = move.at
        player = players.get(move.player)
        if player is None:
            yield Problem(f"{key}.player", "no such player", move.player)
        elif move.action not in player.actions:
            yield Problem(f"{key}.action", f"not an action of {move.player}", move.action)


def _parameters(s: Scenario) -> Iterator[Problem]:
    for name, p in s.parameters.items():
        key = f"parameters.{name}"
        if p.range is not None:
            low, high = p.range
            if low > high:
                yield Problem(f"{key}.range", "low must not exceed high", list(p.range))
            elif not low <= p.value <= high:
                yield Problem(f"{key}.value", f"must lie within range [{low}, {high}]", p.value)
        if p.unit == "probability" and not 0.0 <= p.value <= 1.0:
            yield Problem(f"{key}.value", "a probability must lie in [0, 1]", p.value)
        yield from _distribution(f"{key}.distribution", p.distribution)
    if s.pressure is not None and s.pressure.shocks is not None:
        yield from _distribution("pressure.shocks.size", s.pressure.shocks.size)


def _distribution(key: str, d: object) -> Iterator[Problem]:
    if isinstance(d, LogNormal) and d.sigma > MAX_LOG_SIGMA:
        rule = f"lognormal sigma must not exceed {MAX_LOG_SIGMA:g} (draws would overflow)"
        yield Problem(f"{key}.sigma", rule, d.sigma)
    if isinstance(d, Uniform | TruncatedNormal | Beta) and not d.low < d.high:
        yield Problem(key, f"{d.kind} needs low < high", [d.low, d.high])
    if isinstance(d, Triangular) and not (d.low <= d.mode <= d.high and d.low < d.high):
        got = [d.low, d.mode, d.high]
        yield Problem(key, "triangular needs low <= mode <= high and low < high", got)


def _schedule(s: Scenario) -> Iterator[Problem]:
    sch = s.schedule
    if (sch.epochs is None) == (sch.interval_hours is None):
        yield Problem("schedule", "give exactly one of epochs and interval_hours", None, False)
    if sch.spacing == "power" and sch.epochs is None:
        yield Problem("schedule.epochs", "power spacing needs epochs", None, False)
    discount = _value(s, sch.discount_per_day)
    if discount is not None and not 0.0 < discount <= 1.0:
        yield Problem("schedule.discount_per_day", "must lie in (0, 1]", discount)
    delay = _value(s, sch.implementation_delay_hours)
    if delay is not None and delay < 0:
        yield Problem("schedule.implementation_delay_hours", "must not be negative", delay)
    if sch.window_days is not None:
        window = _value(s, sch.window_days)
        if window is not None and window <= 0:
            yield Problem("schedule.window_days", "must be positive", window)
        elif window is not None:
            try:
                s.meta.deadline - timedelta(days=window)
            except OverflowError:
                yield Problem(
                    "schedule.window_days", "the window would start before year 1", window
                )
    shocks = s.pressure.shocks if s.pressure is not None else None
    if shocks is not None:
        rate = _value(s, shocks.rate_per_day)
        if rate is not None and rate < 0:
            yield Problem("pressure.shocks.rate_per_day", "must not be negative", rate)
        elif rate is not None and rate > MAX_SHOCK_RATE:
            rule = f"must not exceed {MAX_SHOCK_RATE:g} shocks a day (the limit on shocks)"
            yield Problem("pressure.shocks.rate_per_day", rule, rate)
        half = _value(s, shocks.decay_half_life_hours)
        if half is not None and half <= 0:
            yield Problem("pressure.shocks.decay_half_life_hours", "must be positive", half)
    if s.pressure is not None:
        scale = _value(s, s.pressure.scale)
        if scale is not None and scale < 0:
            yield Problem("pressure.scale", "must not be negative", scale)


def _window_hours(s: Scenario) -> float | None:
    """The window from the effective start to the deadline, if it can be computed."""
    window = _value(s, s.schedule.window_days) if s.schedule.window_days is not None else None
    if window is None:
        return (s.meta.deadline - s.meta.start).total_seconds() / 3600.0
    return 24.0 * window if window > 0 else None


def _sizes(s: Scenario) -> Iterator[Problem]:
    """The limits that keep a run finite and its dates in range (docs/scenario-format.md)."""
    sch, hours = s.schedule, _window_hours(s)
    if hours is None:
        return
    if hours < MIN_WINDOW_HOURS:
        rule = f"the window must be at least {MIN_WINDOW_HOURS:g} hour (the limit on windows)"
        yield Problem("schedule.window_days", rule, hours / 24.0)
        return
    try:
        start = s.meta.deadline - timedelta(hours=hours)
    except OverflowError:  # reported by _schedule
        return
    if sch.window_days is not None and start.year < YEARS[0]:
        rule = f"the window would start before the year {YEARS[0]} (the limit on dates)"
        yield Problem("schedule.window_days", rule, hours / 24.0)
    if sch.interval_hours is not None and hours / sch.interval_hours > MAX_EPOCHS:
        rule = f"the window holds more than {MAX_EPOCHS} intervals (the limit on epochs)"
        yield Problem("schedule.interval_hours", rule, sch.interval_hours)


def _typical(d: object) -> float:
    """A shock's typical size, as the pressure ceiling reads it (a lognormal's is generous)."""
    if isinstance(d, LogNormal):
        return d.median * math.exp(d.sigma)
    if isinstance(d, Uniform | Triangular):
        return max(abs(d.low), abs(d.high))
    return abs(float(getattr(d, "sd", 0.0) or getattr(d, "mean", 0.0) or 0.0))


def _pressure_ceiling(s: Scenario) -> Iterator[Problem]:
    p = s.pressure
    scale = _value(s, p.scale) if p is not None else None
    if p is None or scale is None:
        return
    shocks = p.shocks
    typical = _typical(shocks.size) if shocks is not None else 0.0
    ceiling = scale * (max(point.level for point in p.points) + 5.0 * typical)
    if ceiling > MAX_PRESSURE:
        rule = (
            f"scale * (highest level + 5 typical shocks) = {ceiling:.3g} exceeds "
            f"{MAX_PRESSURE:g} (the limit on pressure: policies are solved every 0.01 up to it)"
        )
        yield Problem("pressure", rule, None, False)


def _concept(s: Scenario) -> Iterator[Problem]:
    config = s.equilibrium
    if config.concept == "logit" and config.precision is None:
        rule = "concept 'logit' needs the precision lambda (a number or a parameter's name)"
        yield Problem("equilibrium.lambda", rule, None, False)
    lam = None if config.precision is None else _value(s, config.precision)
    if lam is not None and lam < 0:
        yield Problem("equilibrium.lambda", "must not be negative", lam)


def _types(s: Scenario) -> Iterator[Problem]:
    yield from type_problems(s.players, s.parameters, lambda v: _value(s, v))


def evidence_items(node: Any, key: str) -> Iterator[tuple[str, Evidence]]:
    """Every evidence quote under ``node`` (a validated scenario or part of one), with its key
    path below ``key``."""
    if isinstance(node, Evidence):
        yield key, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from evidence_items(getattr(node, name), f"{key}.{name}" if key else name)
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from evidence_items(v, f"{key}.{k}")
    elif isinstance(node, tuple | list):
        for i, v in enumerate(node):
            yield from evidence_items(v, f"{key}[{i}]")


def _evidence(s: Scenario, seeds_dir: Path) -> Iterator[Problem]:
    try:
        is_dir = seeds_dir.is_dir()
    except OSError:  # e.g. a name too long
        is_dir = False
    if not is_dir:
        yield Problem("seeds_dir", f"no such directory: {seeds_dir}", s.seeds_dir)
        return
    for key, ev in evidence_items(s, ""):
        try:
            seed = resolve_seed(seeds_dir, ev.seed)
            found = quote_in_seed(seed, ev.quote)
        except ValueError as exc:
            yield Problem(f"{key}.seed", str(exc), ev.seed)
            continue
        except OSError as exc:
            yield Problem(f"{key}.seed", f"cannot read seed file: {exc.strerror}", ev.seed)
            continue
        if not found:
            yield Problem(f"{key}.quote", f"quote not found in seed {ev.seed}", ev.quote)
