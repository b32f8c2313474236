"""``negsim compare``: several runs (a baseline and counterfactuals) in one HTML page."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.parsing import add_command

__all__ = ["add_parser", "main"]

HELP = "compare several runs (a baseline and counterfactuals) in one HTML page"

DESCRIPTION = """\
Write one offline HTML page that sets several runs side by side: each outcome's
probability with its 95% interval, and when agreements were reached. The first
DIR is the baseline; outcome colours are the same as in each run's report.
"""

EPILOG = """\
examples:
  negsim run scenarios/gsomia-2019.toml --out runs/base
  negsim run scenarios/gsomia-2019-no-us-pressure.toml --out runs/no-us
  negsim run scenarios/gsomia-2019.toml --set us.pressure_scale=0.5 --out runs/half
  negsim compare runs/base runs/no-us runs/half --out compare.html --open
"""


def add_parser(sub: Any) -> None:
    p = add_command(sub, "compare", HELP, DESCRIPTION, EPILOG)
    p.add_argument("directories", metavar="DIR", type=Path, nargs="+", help="run directories")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="the HTML file")
    p.add_argument("--open", action="store_true", help="open the page in a web browser")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from sim.cli.common import stderr, stdout
    from sim.cli.report import open_in_browser
    from sim.report import compare, load_run, mismatches

    path = compare(args.directories, args.out)
    for warning in mismatches([load_run(d).info for d in args.directories]):
        stderr.print(f"negsim: warning: not comparable: {warning}", markup=False)
    stdout.print(f"wrote {path}")
    if args.open:
        open_in_browser(path)
    return 0
