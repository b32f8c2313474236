"""``negsim scenarios`` and ``negsim new``: the bundled scenarios, and a new one to edit."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from sim.cli.parsing import add_command
from sim.errors import SimError

__all__ = ["add_new_parser", "add_parser"]

HELP = "list the scenarios that ship with negsim (run any of them by id)"

DESCRIPTION = """\
List the bundled scenarios: their id, name and file. Every command that takes a
SCENARIO accepts an id from this list as well as a path, from any directory (a
path that exists is read first).
"""

EPILOG = """\
examples:
  negsim scenarios
  negsim run gsomia-2019 --runs 500 --out runs/by-id
"""

NEW_HELP = "start a new scenario: a commented template and a seeds folder that validate"

NEW_DESCRIPTION = """\
Write NAME/NAME.toml, a commented scenario (a war of attrition between two
governments, to be rewritten for your case), and NAME/seeds/ with one document it
quotes. It validates as written; docs/scenario-format.md walks through the rest.
Refuses to overwrite an existing NAME/.
"""

NEW_EPILOG = """\
examples:
  negsim new my-standoff
  negsim validate my-standoff/my-standoff.toml
"""

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,63}$")


def add_parser(sub: Any) -> None:
    p = add_command(sub, "scenarios", HELP, DESCRIPTION, EPILOG)
    p.set_defaults(handler=main)


def add_new_parser(sub: Any) -> None:
    p = add_command(sub, "new", NEW_HELP, NEW_DESCRIPTION, NEW_EPILOG)
    p.add_argument("name", metavar="NAME", help="the scenario's id: letters, digits, - and _")
    p.set_defaults(handler=new)


def main(args: argparse.Namespace) -> int:
    from rich.table import Table

    from sim.cli.common import stdout
    from sim.scenario import bundled_scenarios, load

    table = Table(title="bundled scenarios (negsim run ID)")
    for column in ("id", "name", "file"):
        table.add_column(column)
    for sid, path in bundled_scenarios().items():
        table.add_row(sid, load(path).meta.name, str(path))
    stdout.print(table)
    return 0


def new(args: argparse.Namespace) -> int:
    from sim.cli.common import stdout
    from sim.scenario import load, scenario_template

    name = args.name
    if not NAME.match(name):
        raise SimError(f"new {name!r}: a name is letters, digits, - and _ (a letter first)")
    folder = Path(name)
    if folder.exists():
        raise SimError(f"{folder}: already exists; choose another name")
    files = scenario_template(name)
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    scenario = folder / f"{name}.toml"
    load(scenario)  # as written, it validates
    stdout.print(f"wrote {scenario} and {folder / 'seeds'}/; next: negsim validate {scenario}")
    return 0
