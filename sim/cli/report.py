"""``negsim report``: rebuild a run's offline HTML report; export its figures."""

from __future__ import annotations

import argparse
import webbrowser
from pathlib import Path
from typing import Any

from sim.cli.parsing import FORMATS, add_command

__all__ = ["add_parser", "main", "open_in_browser"]

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


def add_parser(sub: Any) -> None:
    p = add_command(sub, "report", HELP, DESCRIPTION, EPILOG)
    p.add_argument("directory", metavar="DIR", type=Path, help="a directory from negsim run")
    p.add_argument("--format", choices=FORMATS, help="also export every figure as images")
    p.add_argument("--open", action="store_true", help="open the report in a web browser")
    p.set_defaults(handler=main)


def open_in_browser(path: Path) -> None:
    """Open a local HTML file in the user's web browser; say so when there is none."""
    from sim.cli.common import stderr

    uri = path.resolve().as_uri()
    try:
        opened = webbrowser.open(uri)
    except webbrowser.Error:
        opened = False
    if not opened:
        stderr.print(f"negsim: --open: no web browser found; open {uri} yourself", markup=False)


def main(args: argparse.Namespace) -> int:
    from sim.cli.common import stdout
    from sim.report import export, rebuild

    path = rebuild(args.directory)
    stdout.print(f"wrote {path}")
    if args.format:
        for written in export(args.directory, args.format):
            stdout.print(f"wrote {written}")
    if args.open:
        open_in_browser(path)
    return 0
