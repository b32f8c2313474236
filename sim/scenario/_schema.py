"""The scenario schema: frozen, validated objects built from a parsed TOML document.

Pydantic models only. Field-level rules live here (types, unknown keys, finite numbers, ranges,
the registered solver methods and selection rules). Rules relating fields to each other (shapes,
references, dates, evidence) live in :mod:`._rules`, so that every problem in a file is reported
at once (``docs/scenario-format.md``); the reprs in :mod:`._repr`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from sim.equilibria import METHODS, RULES
from sim.scenario._repr import html_repr, text_repr
from sim.scenario._strict import SCHEMA_VERSION
from sim.scenario._strict import boolean as _boolean
from sim.scenario._strict import epochs as _epochs
from sim.scenario._strict import finite as _finite
from sim.scenario._strict import matrix as _matrix
from sim.scenario._strict import moment as _moment
from sim.scenario._strict import number_or_ref as _number_or_ref
from sim.scenario._strict import version as _version
from sim.scenario._types import PlayerType

__all__ = [
    "SCHEMA_VERSION",
    "Beta",
    "Distribution",
    "EquilibriumConfig",
    "Evidence",
    "Exponential",
    "LogNormal",
    "MatrixTerm",
    "Meta",
    "Move",
    "Normal",
    "Observed",
    "Outcome",
    "Parameter",
    "Player",
    "PlayerType",
    "Pressure",
    "PressurePoint",
    "ScalarTerm",
    "Scenario",
    "Schedule",
    "Shocks",
    "Triangular",
    "TruncatedNormal",
    "Uniform",
]

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$", min_length=1, max_length=64)
]
ParameterName = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OneLine = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[^\n]*$")
]


def _one_of(names: Iterable[str]) -> Callable[[Any], str]:
    """A validator of a name registered in ``names`` (read when a value is checked)."""

    def check(value: Any) -> str:
        allowed = list(names)
        if not isinstance(value, str) or value not in allowed:
            quoted = [repr(name) for name in allowed]
            raise ValueError(f"must be {', '.join(quoted[:-1])} or {quoted[-1]}")
        return value

    return check


Finite = Annotated[float, PlainValidator(_finite)]
Boolean = Annotated[bool, PlainValidator(_boolean)]
Moment = Annotated[datetime, PlainValidator(_moment)]
NumberOrRef = Annotated[float | str, PlainValidator(_number_or_ref)]
Matrix = Annotated[tuple[tuple[float, ...], ...], PlainValidator(_matrix)]


class Frozen(BaseModel):
    """Immutable, rejects unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class Evidence(Frozen):
    """A verbatim quote from one of the seed documents."""

    seed: Text
    quote: Text


class Sourced(Frozen):
    """Anything that carries numbers: cite the seeds, or state the assumption."""

    evidence: tuple[Evidence, ...] = ()
    assumption: OneLine | None = None

    @model_validator(mode="after")
    def _needs_source(self) -> Sourced:
        if not self.evidence and self.assumption is None:
            raise ValueError("give evidence (seed and quote) or an assumption (one-line rationale)")
        return self


class Uniform(Frozen):
    kind: Literal["uniform"]
    low: Finite
    high: Finite


class Normal(Frozen):
    kind: Literal["normal"]
    mean: Finite
    sd: Annotated[Finite, Field(gt=0)]


class LogNormal(Frozen):
    kind: Literal["lognormal"]
    median: Annotated[Finite, Field(gt=0)]
    sigma: Annotated[Finite, Field(gt=0)]


class Triangular(Frozen):
    kind: Literal["triangular"]
    low: Finite
    mode: Finite
    high: Finite


class Exponential(Frozen):
    kind: Literal["exponential"]
    mean: Annotated[Finite, Field(gt=0)]


class TruncatedNormal(Frozen):
    """A normal of ``mean`` and ``sd`` cut to ``[low, high]``."""

    kind: Literal["truncated_normal"]
    mean: Finite
    sd: Annotated[Finite, Field(gt=0)]
    low: Finite
    high: Finite


class Beta(Frozen):
    """A beta of shapes ``a`` and ``b``, stretched from [0, 1] to ``[low, high]``."""

    kind: Literal["beta"]
    a: Annotated[Finite, Field(gt=0)]
    b: Annotated[Finite, Field(gt=0)]
    low: Finite = 0.0
    high: Finite = 1.0


Distribution = Annotated[
    Uniform | Normal | LogNormal | Triangular | Exponential | TruncatedNormal | Beta,
    Field(discriminator="kind"),
]


class Parameter(Sourced):
    """A named number that payoffs, pressure or schedule refer to by its dotted name."""

    value: Finite
    unit: str = ""
    description: str = ""
    range: tuple[Finite, Finite] | None = None
    distribution: Distribution | None = None


class MatrixTerm(Sourced):
    """One named component of a player's payoff matrix.

    Its contribution is ``coef * product(weight parameters) * matrix``, times the pressure when
    the pressure section names it, times the time profile. ``flow`` terms are rates per day
    paid in the cells that continue the game. A ``continuation`` term is paid in agreement
    cells and is also multiplied by that player's discounted value of continuing (as when a
    proposer offers the responder exactly what rejecting is worth).
    """

    component: Identifier
    matrix: Matrix
    weight: tuple[ParameterName, ...] = ()
    coef: Finite = 1.0
    flow: Boolean = False
    time: Literal["constant", "elapsed", "remaining"] = "constant"
    parity: Literal["all", "even", "odd"] = "all"
    continuation: Literal["row", "col"] | None = None


class ScalarTerm(Sourced):
    """One named component of a player's payoff in the default (deadline) outcome."""

    component: Identifier
    value: Finite
    weight: tuple[ParameterName, ...] = ()
    coef: Finite = 1.0
    time: Literal["constant", "elapsed", "remaining"] = "constant"


def _as_term_list(raw: Any, source: dict[str, Any], key: str) -> Any:
    """A plain matrix or number becomes one term sourced like its owner."""
    origin = {k: source[k] for k in ("evidence", "assumption") if k in source}
    return [{"component": "payoff", key: raw, **origin}]


class Player(Frozen):
    """A player: the first in the file is the row player, the second the column player."""

    id: Identifier
    name: Text
    description: str = ""
    actions: Annotated[tuple[Identifier, ...], Field(min_length=1)]
    concessions: tuple[Identifier, ...] = ()
    payoff: Annotated[tuple[MatrixTerm, ...], Field(min_length=1)]
    types: tuple[PlayerType, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    assumption: OneLine | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_matrix(cls, data: Any) -> Any:
        if isinstance(data, dict):
            payoff = data.get("payoff")
            if isinstance(payoff, list) and payoff and isinstance(payoff[0], list):
                data = {**data, "payoff": _as_term_list(payoff, data, "matrix")}
        return data


class Outcome(Frozen):
    """A named way the game ends: agreement profiles, or the default at the deadline."""

    id: Identifier
    name: Text
    description: str = ""
    profiles: tuple[tuple[Identifier, Identifier], ...] = ()
    default: Boolean = False
    payoff: dict[Identifier, tuple[ScalarTerm, ...]] | None = None
    evidence: tuple[Evidence, ...] = ()
    assumption: OneLine | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_numbers(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("payoff"), dict):
            payoff = {
                k: _as_term_list(v, data, "value") if isinstance(v, int | float) else v
                for k, v in data["payoff"].items()
            }
            data = {**data, "payoff": payoff}
        return data


class PressurePoint(Sourced):
    """A dated level of the outside pressure, usually an event."""

    at: Moment
    level: Annotated[Finite, Field(ge=0)]
    event: str = ""


class Shocks(Sourced):
    """Random pressure shocks: Poisson arrivals, random sizes, exponential decay."""

    rate_per_day: NumberOrRef
    size: Distribution
    decay_half_life_hours: NumberOrRef


class Pressure(Frozen):
    """The exogenous pressure series and the payoff components it multiplies."""

    name: str = "pressure"
    actor: str = ""
    interpolation: Literal["linear", "step"] = "linear"
    forecast: Literal["scheduled", "persistent"] = "scheduled"
    scale: NumberOrRef = 1.0
    scales: Annotated[tuple[str, ...], Field(min_length=1)]
    points: Annotated[tuple[PressurePoint, ...], Field(min_length=1)]
    shocks: Shocks | None = None


class Schedule(Sourced):
    """When the players decide, how fast commitments take effect, and discounting."""

    epochs: Annotated[int, PlainValidator(_epochs)] | None = None
    interval_hours: Annotated[Finite, Field(gt=0)] | None = None
    spacing: Literal["uniform", "power"] = "uniform"
    power: Annotated[Finite, Field(ge=1)] = 1.0
    implementation_delay_hours: NumberOrRef = 0.0
    discount_per_day: NumberOrRef = 1.0
    window_days: NumberOrRef | None = None


class EquilibriumConfig(Frozen):
    """How stage games are solved and which equilibrium is played.

    ``concept`` is ``"nash"`` (the equilibrium ``selection`` picks among those ``method``
    finds) or ``"logit"`` (the logit quantal response equilibrium at precision ``lambda``,
    on the principal branch; ``method`` and ``selection`` then only list and mark the
    stage games' Nash equilibria). ``lambda`` (attribute ``precision``) is a number or the
    dotted name of a parameter, in units of 1 / payoff. ``tolerance`` is relative to each
    player's payoff range (the solvers work on payoffs mapped onto [0, 1]).
    """

    concept: Literal["nash", "logit"] = "nash"
    precision: NumberOrRef | None = Field(default=None, alias="lambda")
    method: Annotated[str, PlainValidator(_one_of(METHODS))] = "support_enumeration"
    selection: Annotated[str, PlainValidator(_one_of(RULES))] = "payoff_dominant"
    tolerance: Annotated[
        Finite,
        Field(gt=0, le=1e-3, description="relative to each player's payoff range"),
    ] = 1e-9


class Move(Sourced):
    """A dated move in the record: ``player`` played ``action`` at the epoch in force at ``at``."""

    player: Identifier
    action: Identifier
    at: Moment


class Observed(Sourced):
    """The record: the outcome and when it was decided, and dated moves (``[[observed.moves]]``)."""

    outcome: Identifier
    at: Moment
    moves: tuple[Move, ...] = ()


class Meta(Frozen):
    """Name, description, and the window from the start to the hard deadline."""

    id: Identifier
    name: Text
    description: str = ""
    start: Moment
    deadline: Moment
    evidence: tuple[Evidence, ...] = ()
    assumption: OneLine | None = None


class Scenario(Frozen):
    """A validated scenario. Build it with :func:`sim.load`, never directly from raw dicts."""

    schema_version: Annotated[int, PlainValidator(_version)]
    seeds_dir: Text = "../seeds"
    meta: Meta
    players: Annotated[tuple[Player, ...], Field(min_length=2, max_length=2)]
    outcomes: Annotated[tuple[Outcome, ...], Field(min_length=1)]
    parameters: dict[ParameterName, Parameter] = Field(default_factory=dict)
    pressure: Pressure | None = None
    schedule: Schedule
    equilibrium: EquilibriumConfig = EquilibriumConfig()
    observed: Observed | None = None

    _path: Path | None = PrivateAttr(default=None)
    _document: dict[str, Any] = PrivateAttr(default_factory=dict)
    _roots: tuple[Path, ...] = PrivateAttr(default=())
    #: Validated from a document whose dates are ISO strings (``scenario.json``).
    _dates_as_text: bool = PrivateAttr(default=False)

    @property
    def path(self) -> Path | None:
        """The file this scenario was loaded from, if any."""
        return self._path

    @property
    def roots(self) -> tuple[Path, ...]:
        """The roots outside its project this scenario was allowed to read under."""
        return self._roots

    @property
    def row(self) -> Player:
        return self.players[0]

    @property
    def col(self) -> Player:
        return self.players[1]

    @property
    def default_outcome(self) -> Outcome:
        """The outcome at the deadline when no agreement holds."""
        return next(o for o in self.outcomes if o.default)

    def default_outcome_or_none(self) -> Outcome | None:
        return next((o for o in self.outcomes if o.default), None)

    @property
    def document(self) -> dict[str, Any]:
        """The parsed document this scenario was validated from (parameters flattened)."""
        return self._document

    def values(self) -> dict[str, float]:
        """Every parameter's value by dotted name."""
        return {name: p.value for name, p in self.parameters.items()}

    def resolve(self, value: float | str) -> float:
        """A number, or the value of the parameter it names."""
        return self.parameters[value].value if isinstance(value, str) else float(value)

    @property
    def precision(self) -> float | None:
        """The logit precision lambda (its parameter's value if it names one) when the
        concept is ``"logit"``, else ``None``."""
        config = self.equilibrium
        if config.concept != "logit" or config.precision is None:
            return None
        return self.resolve(config.precision)

    @property
    def start(self) -> datetime:
        """The effective start: ``deadline - schedule.window_days`` when that is given."""
        if self.schedule.window_days is None:
            return self.meta.start
        return self.meta.deadline - timedelta(days=self.resolve(self.schedule.window_days))

    @property
    def window_hours(self) -> float:
        return (self.meta.deadline - self.start).total_seconds() / 3600.0

    def __repr__(self) -> str:
        return text_repr(self)

    def _repr_html_(self) -> str:
        return html_repr(self)
