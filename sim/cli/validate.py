"""``negsim validate FILE...``: check scenario files and the evidence they cite."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sim.cli.parsing import add_command, scenario_path
from sim.errors import ScenarioError

__all__ = ["add_parser", "main"]

HELP = "check scenario files, including every evidence quote against the seeds"

DESCRIPTION = """\
Check scenario files: TOML syntax, unknown keys, types, matrix shapes, dates,
parameter references, and that every evidence quote occurs verbatim (whitespace
normalised) in its seed document. All problems of a file are reported, one per
line on stderr, as  FILE: KEY: RULE (got VALUE).
"""

EPILOG = """\
examples:
  negsim validate scenarios/*.toml
  negsim validate --json scenarios/gsomia-2019.toml | python -m json.tool

exit status: 0 when every file is valid, 2 otherwise
"""


def add_parser(sub: Any) -> None:
    p = add_command(sub, "validate", HELP, DESCRIPTION, EPILOG)
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        type=lambda text: scenario_path(text),
        help="scenario files to check (or the ids of bundled ones: negsim scenarios)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: {files: [{path, ok, errors: [{key, rule, value}]}]}",
    )
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from sim.scenario import load

    reports = []
    for name in args.files:
        try:
            s = load(name)
        except ScenarioError as exc:
            errors = [
                {"key": p.key, "rule": p.rule, "value": repr(p.value) if p.has_value else None}
                for p in exc.problems
            ]
            reports.append({"path": name, "ok": False, "errors": errors, "lines": exc.lines()})
            continue
        quotes = _count_quotes(s)
        summary = (
            f"{s.meta.id}: {len(s.players[0].actions)}x{len(s.players[1].actions)} game, "
            f"{len(s.parameters)} parameters, {quotes} evidence quotes found in the seeds"
        )
        reports.append({"path": name, "ok": True, "errors": [], "summary": summary})
    if args.json:
        for r in reports:
            r.pop("lines", None)
        print(json.dumps({"files": reports}, indent=2))
    else:
        for r in reports:
            if r["ok"]:
                print(f"OK {r['path']} ({r['summary']})")
            else:
                for line in r["lines"]:
                    print(line, file=sys.stderr)
    return 0 if all(r["ok"] for r in reports) else 2


def _count_quotes(s: Any) -> int:
    from sim.scenario import evidence_items

    return sum(1 for _ in evidence_items(s, ""))
