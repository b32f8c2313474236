"""What the user wrote: scenario files read, inherited, checked and validated into frozen objects.

Loading goes in two stages (:func:`parse`, then :func:`validate`; :func:`load` does both):

- the schema (:mod:`._schema`, pydantic models only): types, unknown keys, ranges, and the
  solver methods and selection rules of :mod:`sim.equilibria`'s registries;
- the rules that relate one part of a file to another (:mod:`._rules`): shapes, references,
  dates, and every evidence quote against its seed document (:mod:`._evidence`);
- inheritance through ``base`` and the dotted-name overrides (:mod:`._overrides`).

Every problem is reported at once, as a :class:`~sim.errors.ScenarioError` naming the file and
the key path.

>>> from sim.scenario import load
>>> load("scenarios/gsomia-2019.toml").meta.id
'gsomia-2019'
"""

from sim.scenario._bundled import bundled_scenarios, find_scenario, scenario_template
from sim.scenario._evidence import seed_digests, sha256_file
from sim.scenario._load import load, parse, validate, with_overrides
from sim.scenario._overrides import sweepable, unknown_parameter
from sim.scenario._project import allow_roots
from sim.scenario._repr import facts_html, facts_repr
from sim.scenario._rules import evidence_items
from sim.scenario._schema import (
    SCHEMA_VERSION,
    Beta,
    Distribution,
    EquilibriumConfig,
    Evidence,
    Exponential,
    LogNormal,
    MatrixTerm,
    Meta,
    Move,
    Normal,
    Observed,
    Outcome,
    Parameter,
    Player,
    PlayerType,
    Pressure,
    PressurePoint,
    ScalarTerm,
    Scenario,
    Schedule,
    Shocks,
    Triangular,
    TruncatedNormal,
    Uniform,
)

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
    "allow_roots",
    "bundled_scenarios",
    "evidence_items",
    "facts_html",
    "facts_repr",
    "find_scenario",
    "load",
    "parse",
    "scenario_template",
    "seed_digests",
    "sha256_file",
    "sweepable",
    "unknown_parameter",
    "validate",
    "with_overrides",
]
