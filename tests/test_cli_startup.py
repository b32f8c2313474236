"""``negsim --help`` starts quickly (issue 20): the top-level help imports no subcommand, so
none of pandas, plotly, pyarrow, dask, numpy, scipy or the game solvers (checked in a fresh
interpreter's ``sys.modules``, not by timing); ``import sim`` defers them too. The listing is
the same as the fully built parser's, and a subcommand still gets its own parser."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[1]

#: What the help path must not import: the data, plotting, cluster and solver stacks.
HEAVY = (
    "pandas",
    "plotly",
    "pyarrow",
    "dask",
    "distributed",
    "numba",
    "numpy",
    "scipy",
    "nashpy",
    "pygambit",
    "simpy",
    "pydantic",
    "rich",
    "sim.scenario",
    "sim.simulate",
    "sim.report",
)


def _imported(code: str) -> list[str]:
    """The modules of :data:`HEAVY` loaded after ``code`` runs in a fresh interpreter."""
    probe = (
        f"import json, sys\n{code}\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


HELP = "from sim.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"


def test_negsim_help_imports_none_of_the_heavy_stacks() -> None:
    assert _imported(HELP) == []


def test_import_sim_imports_none_of_the_heavy_stacks() -> None:
    assert _imported("import sim, sim.cli, sim.errors") == []


def test_the_probe_sees_a_heavy_import_when_there_is_one() -> None:
    # the check above can fail: using a facade name, or a subcommand's help, loads them
    assert "pandas" in _imported("import sim\nsim.run")
    # every subcommand's help is light now; a subcommand's work, imported by its handler, is not
    loaded = _imported("import sim.cli.sweeping")
    assert {"numpy", "pandas", "rich", "sim.simulate"} <= set(loaded)


#: The subcommands whose ``--help`` is light (their parsers import no library module):
#: every one, so that a new subcommand is checked too.
LIGHT = tuple(c.name for c in COMMANDS)


@pytest.mark.parametrize("command", LIGHT)
def test_a_subcommands_help_imports_none_of_the_heavy_stacks(command: str) -> None:
    assert _imported(HELP.replace("'--help'", f"{command!r}, '--help'")) == []


def test_the_parsers_defaults_are_the_librarys() -> None:
    from sim import calibrate, equilibria, experiments, report, simulate
    from sim.cli import parsing

    assert parsing.FORMATS == report.FORMATS
    assert parsing.DEFAULT_RUNS == simulate.DEFAULT_RUNS
    assert parsing.DEFAULT_DRAWS == simulate.DEFAULT_DRAWS
    assert parsing.SAMPLERS == simulate.SAMPLERS
    assert parsing.FIT_METHODS == calibrate.METHODS
    assert parsing.FIT_DEFAULTS == calibrate.DEFAULTS
    assert {m.name: m.description for m in equilibria.METHODS.values()} == parsing.SOLVE_METHODS
    assert {r.name: r.description for r in equilibria.RULES.values()} == parsing.SOLVE_RULES
    assert parsing.DEFAULT_SWEEP_RUNS == experiments.DEFAULT_SWEEP_RUNS
    assert {d.name: d.description for d in experiments.DESIGNS.values()} == parsing.SWEEP_DESIGNS


def _listing(parser: argparse.ArgumentParser) -> list[tuple[str, str | None]]:
    sub = next(a for a in parser._actions if a.dest == "command")
    return [(c.dest, c.help) for c in sub._choices_actions]  # type: ignore[attr-defined]


def test_the_quick_listing_is_the_built_parsers() -> None:
    built, quick = build_parser(), build_parser(only="")
    assert _listing(quick) == _listing(built)
    assert [c.name for c in COMMANDS] == [name for name, _ in _listing(built)]
    assert quick.format_help() == built.format_help()


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_a_subcommand_built_alone_is_the_same_parser(command: str) -> None:
    def sub(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        action = next(a for a in parser._actions if a.dest == "command")
        chosen: argparse.ArgumentParser = action.choices[command]  # type: ignore[index]
        return chosen

    assert sub(build_parser(only=command)).format_help() == sub(build_parser()).format_help()


def test_the_facade_names_resolve_on_first_use() -> None:
    assert sim.load is sim.scenario.load
    assert sim.RunResult is sim.simulate.RunResult
    assert {"run", "solve", "simulate", "cli"} <= set(dir(sim))
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = sim.nonsense  # type: ignore[attr-defined]
