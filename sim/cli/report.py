"""``negsim report`` and ``negsim compare``: the offline HTML report of runs."""

from __future__ import annotations

import argparse
import webbrowser
from pathlib import Path
from typing import Any

from sim.cli.common import add_command, stdout
from sim.report import FORMATS, compare, export, rebuild

HELP = "rebuild a run's offline HTML report; export its figures as images"

DESCRIPTION = """\
Rebuild DIR/report.html from the files negsim run wrote into DIR: one
self-contained page (plotly.js embedded, nothing fetched from the network) with
the scenario, its parameters and evidence quotes, the summary, the backtest and
interactive figures: the standoff over time, when agreements are reached, the
outcome probabilities, and the stage game with a time slider.
The stage games shown are cached in DIR/report-data.json.

--format also writes each figure to DIR/figures/<name>.<png|svg|pdf> through
kaleido, which needs Chrome or Chromium (apt-get install chromium).
"""

EPILOG = """\
examples:
  negsim report runs/gsomia-2019-20191122-180000
  negsim report runs/gsomia-2019-20191122-180000 --open
  negsim report runs/gsomia-2019-20191122-180000 --format svg
"""

COMPARE_HELP = "compare several runs (a baseline and counterfactuals) in one HTML page"

COMPARE_DESCRIPTION = """\
Write one offline HTML page that sets several runs side by side: each outcome's
probability with its 95% interval, and when agreements were reached. The first
DIR is the baseline; outcome colours are the same as in each run's report.
"""

COMPARE_EPILOG = """\
examples:
  negsim run scenarios/gsomia-2019.toml --out runs/base
  negsim run scenarios/gsomia-2019-no-us-pressure.toml --out runs/no-us
  negsim run scenarios/gsomia-2019.toml --set us.pressure_scale=0.5 --out runs/half
  negsim compare runs/base runs/no-us runs/half --out compare.html --open
"""


def add_parser(sub: Any) -> None:
    p = add_command(sub, "report", HELP, DESCRIPTION, EPILOG)
    p.add_argument("directory", metavar="DIR", type=Path, help="a directory from negsim run")
    p.add_argument("--format", choices=FORMATS, help="also export every figure as images")
    p.add_argument("--open", action="store_true", help="open the report in a web browser")
    p.set_defaults(handler=main)
    c = add_command(sub, "compare", COMPARE_HELP, COMPARE_DESCRIPTION, COMPARE_EPILOG)
    c.add_argument("directories", metavar="DIR", type=Path, nargs="+", help="run directories")
    c.add_argument("--out", type=Path, required=True, metavar="FILE", help="the HTML file")
    c.add_argument("--open", action="store_true", help="open the page in a web browser")
    c.set_defaults(handler=main_compare)


def open_in_browser(path: Path) -> None:
    """Open a local HTML file in the user's web browser."""
    webbrowser.open(path.resolve().as_uri())


def main(args: argparse.Namespace) -> int:
    path = rebuild(args.directory)
    stdout.print(f"wrote {path}")
    if args.format:
        for written in export(args.directory, args.format):
            stdout.print(f"wrote {written}")
    if args.open:
        open_in_browser(path)
    return 0


def main_compare(args: argparse.Namespace) -> int:
    path = compare(args.directories, args.out)
    stdout.print(f"wrote {path}")
    if args.open:
        open_in_browser(path)
    return 0
