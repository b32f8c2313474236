"""The house rules of ``sim`` (docs/architecture.md), checked on its source.

- Dependencies point one way, private modules stay inside their package, no cycles: the
  import-linter contracts of ``pyproject.toml`` (``lint-imports``).
- No private name is imported across subpackages, and every module's ``__all__`` matches its
  use: a private module's is what other modules import from it, no more and no less; a
  package's ``__init__`` (and a public module) may also export names for users, and
  ``docs/api.md`` lists every package's, one line a name.
- Modules and functions stay small.
"""

from __future__ import annotations

import ast
import importlib
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

import sim
from sim.equilibria import METHODS, RULES
from sim.experiments import DESIGNS

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "sim"
API = ROOT / "docs" / "api.md"
#: The largest module (lines) and function (lines of code, docstring and comments aside).
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 45


@dataclass(frozen=True)
class Import:
    importer: str  # the importing module, dotted
    module: str  # the imported module, dotted
    name: str


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in SIM.rglob("*.py")}


MODULES = _modules()


def _imports() -> list[Import]:
    """Every ``from sim... import name`` in sim, function-level imports included."""
    found = []
    for importer, tree in MODULES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim"):
                assert node.level == 0, f"{importer}: relative import"
                found += [Import(importer, node.module or "", a.name) for a in node.names]
    return found


IMPORTS = _imports()


def _room(module: str) -> str:
    """The subpackage a module belongs to (``""`` for the facade)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _all(module: str) -> list[str]:
    for node in MODULES[module].body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                assert node.value is not None
                return list(ast.literal_eval(node.value))
    return []


def _is_package(module: str) -> bool:
    return (SIM.parent / module.replace(".", "/") / "__init__.py").is_file()


def test_the_import_contracts_hold() -> None:
    lint = shutil.which("lint-imports")
    if lint is None:  # pragma: no cover - the test extra installs it
        pytest.fail("lint-imports is not installed (pip install -e '.[test]')")
    done = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


def test_no_private_name_is_imported_across_subpackages() -> None:
    crossing = [
        i
        for i in IMPORTS
        if _room(i.importer) != _room(i.module)
        and (i.name.startswith("_") or any(p.startswith("_") for p in i.module.split(".")))
    ]
    assert crossing == []


def test_other_subpackages_import_only_a_packages_public_api() -> None:
    for i in IMPORTS:
        if _room(i.importer) != _room(i.module) and i.module != "sim.errors":
            assert _is_package(i.module), f"{i.importer} imports {i.name} from {i.module}"
            assert i.name in _all(i.module), f"{i.importer}: {i.name} not in {i.module}.__all__"


def test_every_all_matches_its_use() -> None:
    used: dict[str, set[str]] = defaultdict(set)
    for i in IMPORTS:
        if not i.name.startswith("_") and f"{i.module}.{i.name}" not in MODULES:  # a module
            used[i.module].add(i.name)
    problems = []
    for module in MODULES:
        exported = _all(module)
        missing = sorted(used[module] - set(exported))
        private = module.rsplit(".", 1)[-1].startswith("_")
        unused = sorted(set(exported) - used[module]) if private else []
        absent = [n for n in exported if not hasattr(importlib.import_module(module), n)]
        if missing or unused or absent:
            problems.append((module, {"missing": missing, "unused": unused, "absent": absent}))
    assert problems == []


def _api() -> dict[str, list[str]]:
    """The names docs/api.md lists under each package's heading."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in API.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## `(sim[\w.]*)`", line)
        if heading:
            current = sections.setdefault(heading.group(1), [])
        elif current is not None and (item := re.match(r"^- `([\w]+)`", line)):
            current.append(item.group(1))
    return sections


def test_docs_api_lists_each_packages_public_api_one_line_a_name() -> None:
    sections = _api()
    packages = [m for m in MODULES if _is_package(m) and not m.startswith("sim.cli")]
    assert sorted(sections) == sorted([*packages, "sim.errors"])
    for package, names in sections.items():
        assert sorted(names) == sorted(_all(package)), package
    assert sorted(sections["sim"]) == sorted(sim.__all__)


def _code_lines(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    start = body[0].lineno
    if isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        start = body[1].lineno if len(body) > 1 else node.end_lineno or start
    end = node.end_lineno or start
    code = [line.strip() for line in lines[start - 1 : end]]
    return sum(1 for line in code if line and not line.startswith("#"))


def test_modules_and_functions_stay_small() -> None:
    large = []
    for path in SIM.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_MODULE_LINES:
            large.append((str(path.relative_to(ROOT)), len(lines)))
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = _code_lines(lines, node)
                if n > MAX_FUNCTION_LINES:
                    large.append((f"{path.relative_to(ROOT)}:{node.name}", n))
    assert large == []


@pytest.mark.parametrize(
    ("registry", "page"),
    [(METHODS, "scenario-format.md"), (RULES, "scenario-format.md"), (DESIGNS, "sweeps.md")],
    ids=["methods", "rules", "designs"],
)
def test_the_docs_describe_every_registered_name(registry: object, page: str) -> None:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    assert isinstance(registry, dict) or hasattr(registry, "keys")
    for name in registry:  # type: ignore[attr-defined]
        assert re.search(rf'`"?{name}\b', text), f"docs/{page} does not describe {name!r}"
