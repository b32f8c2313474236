"""Loading scenarios in two stages: parse the TOML, then validate into frozen objects."""

from __future__ import annotations

import copy
import stat
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from sim.errors import Problem, ScenarioError
from sim.scenario._overrides import apply_overrides
from sim.scenario._project import allowed_roots, inside_project, project_roots
from sim.scenario._rules import check
from sim.scenario._schema import Scenario

__all__ = ["load", "parse", "validate", "with_overrides"]

MAX_FILE_BYTES = 4 * 1024 * 1024
#: How a confinement problem says what is allowed.
PROJECT_RULE = (
    "its folder, that folder's parent, or the nearest folder with pyproject.toml or .git; "
    "negsim --allow-root DIR allows another"
)

_RULES = {
    "extra_forbidden": "unknown key",
    "missing": "required key is missing",
}


def load(path: str | Path, overrides: Mapping[str, float] | None = None) -> Scenario:
    """Read, parse and validate the scenario file at ``path``.

    Parameters
    ----------
    path:
        A scenario TOML file.
    overrides:
        Values to set before validation, by dotted parameter name (``korea.audience_cost``)
        or by the dotted key of a number in the file (``schedule.epochs``).

    Raises
    ------
    ScenarioError
        With every problem found, if the file cannot be read or is not valid.

    Examples
    --------
    >>> import sim
    >>> s = sim.load("scenarios/gsomia-2019.toml")
    >>> [p.id for p in s.players]
    ['korea', 'japan']
    """
    path = Path(path)
    roots = project_roots(path.parent, allowed_roots())
    return validate(_inherit(parse(_read(path), path), path, (), roots), path, overrides)


#: How many ``base`` files a scenario may stand on, one on another.
MAX_BASE_DEPTH = 8


def _inherit(
    document: dict[str, Any], path: Path, chain: tuple[Path, ...], roots: tuple[Path, ...]
) -> dict[str, Any]:
    """Merge the scenario named by ``base`` under ``document`` (tables merge, the rest replace).

    A base must lie inside the project (``roots``) and be a scenario (with a
    ``schema_version``); its problems are reported under the file given, key ``base``,
    without its values (a file that is not a scenario must not be echoed).

    A parameter whose ``value`` the document sets without a ``distribution`` loses the one it
    inherits: a counterfactual's value is not drawn away.
    """
    base = document.pop("base", None)
    if base is None:
        return document
    here = path.resolve()
    if not isinstance(base, str) or not base:
        raise ScenarioError(path, [Problem("base", "must be the path of a scenario file", base)])
    target = (path.parent / base).resolve()
    if target in (*chain, here) or len(chain) >= MAX_BASE_DEPTH:
        raise ScenarioError(path, [Problem("base", "scenarios inherit in a cycle", base)])
    if not inside_project(target, roots):
        rule = f"must lie inside the scenario's project ({PROJECT_RULE})"
        raise ScenarioError(path, [Problem("base", rule, base)])
    if not target.is_file():
        raise ScenarioError(path, [Problem("base", "no such scenario file", base)])
    try:
        raw = parse(_read(target), target)
        is_scenario = "schema_version" in raw
        parent = _inherit(raw, target, (*chain, here), roots)
        if not is_scenario:
            rule = "not a scenario file (it has no schema_version)"
            raise ScenarioError(target, [Problem("", rule, None, False)])
    except ScenarioError as exc:
        if exc.path is not None and exc.path != target:
            raise  # already named after the file given, by a deeper base
        problems = [
            Problem("base", f"in {base}: {p.key or '<document>'}: {p.rule}", base)
            for p in exc.problems
        ]
        raise ScenarioError(path, problems) from None
    merged = _merge(parent, document)
    for name, table in (document.get("parameters") or {}).items():  # a value set is not drawn
        if isinstance(table, dict) and "value" in table and "distribution" not in table:
            inherited = merged["parameters"].get(name)
            if isinstance(inherited, dict):
                inherited.pop("distribution", None)
    return merged


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read(path: Path) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_FILE_BYTES` (a FIFO, a device or
    ``/dev/zero`` is refused before it is opened, so nothing blocks or fills the memory)."""

    def fail(rule: str) -> ScenarioError:
        return ScenarioError(path, [Problem("", rule, None, False)])

    try:
        if not path.exists():
            raise fail("no such file")
        if path.is_dir():
            raise fail("is a directory, not a scenario file")
        if not stat.S_ISREG(path.stat().st_mode):
            raise fail("is not a regular file (a pipe, socket or device), not a scenario file")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise fail(f"file is larger than {MAX_FILE_BYTES} bytes")
    return data


#: How deeply tables and arrays may nest in a scenario (the schema needs five levels).
MAX_DEPTH = 32


def _too_deep(document: Any) -> bool:
    """Whether tables and arrays nest more than :data:`MAX_DEPTH` levels (checked without
    recursion, so that no depth raises :class:`RecursionError`)."""
    stack = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(node, Mapping):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list | tuple):
            stack.extend((v, depth + 1) for v in node)
    return False


def parse(data: bytes, path: str | Path | None = None) -> dict[str, Any]:
    """Stage one: bytes to a TOML document (a dict), with parameters flattened.

    Raises
    ------
    ScenarioError
        For an empty file, bytes that are not UTF-8, or text that is not TOML.
    """
    if not data.strip():
        raise ScenarioError(path, [Problem("", "empty file", None, False)])
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # a byte order mark is accepted
    except UnicodeDecodeError as exc:
        rule = f"not UTF-8 text (byte {exc.start})"
        raise ScenarioError(path, [Problem("", rule, None, False)]) from None
    problems: list[Problem] = []
    try:
        document = tomllib.loads(text)
        if _too_deep(document):
            raise RecursionError
        if isinstance(document.get("parameters"), dict):
            document["parameters"] = _flatten(document["parameters"], "", problems)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, [Problem("", f"not valid TOML: {exc}", None, False)]) from None
    except RecursionError:
        rule = f"nested too deeply (more than {MAX_DEPTH} levels of tables and arrays)"
        raise ScenarioError(path, [Problem("", rule, None, False)]) from None
    if problems:
        raise ScenarioError(path, problems)
    return document


def _flatten(table: dict[str, Any], prefix: str, problems: list[Problem]) -> dict[str, Any]:
    """``[parameters.korea.cost] value = 1`` becomes ``{"korea.cost": {"value": 1}}``."""
    flat: dict[str, Any] = {}
    for name, node in table.items():
        dotted = f"{prefix}{name}"
        if isinstance(node, dict) and "value" not in node:
            flat.update(_flatten(node, f"{dotted}.", problems))
        elif isinstance(node, dict):
            flat[dotted] = node
        else:
            problems.append(
                Problem(
                    f"parameters.{dotted}",
                    f"a parameter is a table with a value: write [parameters.{dotted}] value = ...",
                    node,
                )
            )
    return flat


def validate(
    document: Mapping[str, Any],
    path: str | Path | None = None,
    overrides: Mapping[str, float] | None = None,
    *,
    dates_as_text: bool = False,
    roots: Iterable[Path] | None = None,
) -> Scenario:
    """Stage two: a parsed document to a frozen :class:`~sim.scenario.Scenario`.

    Types are strict, as TOML writes them: ``true`` is not a number, ``"60"`` not an integer,
    and a date is a TOML date-time with a UTC offset, not a string or a number, unless
    ``dates_as_text`` (a document read back from JSON, as ``scenario.json``) allows ISO text.
    ``seeds_dir`` must lie inside the scenario's project, or under one of ``roots`` (default:
    those :func:`~sim.scenario.allow_roots` allows).

    Raises
    ------
    ScenarioError
        With every problem found.
    """
    path = Path(path) if path is not None else None
    if _too_deep(document):
        rule = f"nested too deeply (more than {MAX_DEPTH} levels of tables and arrays)"
        raise ScenarioError(path, [Problem("", rule, None, False)])
    raw = copy.deepcopy(dict(document))
    if overrides:
        apply_overrides(raw, overrides, path)
    try:
        scenario = Scenario.model_validate(raw, context={"dates_as_text": dates_as_text})
    except ValidationError as exc:
        errors = [e for e in exc.errors() if not _echo(e)]
        raise ScenarioError(path, [_problem(e, raw) for e in errors]) from None
    seeds_base = path.parent if path is not None else Path.cwd()
    extra = allowed_roots() if roots is None else tuple(roots)
    seeds = seeds_base / scenario.seeds_dir
    try:
        confined = inside_project(seeds, project_roots(seeds_base, extra))
    except (OSError, RuntimeError):  # a name too long, a symlink loop: reported by check
        confined = True
    if not confined:
        rule = f"must lie inside the scenario's project ({PROJECT_RULE})"
        raise ScenarioError(path, [Problem("seeds_dir", rule, scenario.seeds_dir)])
    problems = check(scenario, seeds)
    if problems:
        raise ScenarioError(path, problems)
    scenario._path = path
    scenario._document = raw
    scenario._roots = extra
    scenario._dates_as_text = dates_as_text
    return scenario


def _echo(error: ErrorDetails) -> bool:
    """A "too short after validation" error that only echoes a failed item of a long-enough list."""
    given, ctx = error.get("input"), error.get("ctx") or {}
    return (
        error["type"] == "too_short"
        and isinstance(given, list | tuple)
        and len(given) >= ctx.get("min_length", len(given) + 1)
    )


def _problem(error: ErrorDetails, raw: Any) -> Problem:
    """A pydantic error as a Problem whose key follows the document, not pydantic's tags."""
    key, node = "", raw
    loc = error["loc"]
    for i, part in enumerate(loc):
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            key, node = f"{key}[{part}]", node[part]
        elif isinstance(part, str) and isinstance(node, dict) and part in node:
            key, node = (f"{key}.{part}" if key else part), node[part]
        elif isinstance(part, str) and i == len(loc) - 1 and isinstance(node, dict):
            key = f"{key}.{part}" if key else part
    rule = _RULES.get(error["type"], error["msg"])
    rule = rule.removeprefix("Value error, ").replace("Input should be", "must be")
    if error["type"] == "missing":
        return Problem(key, rule, None, False)
    return Problem(key, rule, error.get("input"))


def with_overrides(scenario: Scenario, overrides: Mapping[str, float]) -> Scenario:
    """A new scenario with some values changed, validated again from its document.

    Names are dotted parameter names or dotted keys of numbers in the file
    (:func:`~sim.scenario.sweepable`).

    Raises
    ------
    ScenarioError
        For an unknown name, or a value that makes the scenario invalid.

    Examples
    --------
    >>> import sim
    >>> base = sim.load("scenarios/gsomia-2019.toml")
    >>> sim.with_overrides(base, {"us.pressure_scale": 0.5}).parameters["us.pressure_scale"].value
    0.5
    """
    return validate(
        scenario.document,
        scenario.path,
        overrides,
        dates_as_text=scenario._dates_as_text,
        roots=scenario.roots,
    )
