"""``negsim sweep``'s work (pandas, rich, the simulator), imported by its handler in
:mod:`sim.cli.sweep` so that ``negsim sweep --help`` imports no library."""

from __future__ import annotations

import argparse
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

import pandas as pd
from rich.table import Table

from sim.cli.common import (
    note_cost,
    overrides,
    progress_bar,
    stderr,
    stdout,
)
from sim.errors import SimError
from sim.experiments import (
    PRIM,
    ParamSpec,
    declared_param,
    expand,
    parse_param,
    prim_boxes,
    sweep,
)
from sim.io import check_output_directory, write_json
from sim.report import rebuild_sweep
from sim.scenario import load

__all__ = ["main"]


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops the sweep like Ctrl-C: finished part files stay."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(args: argparse.Namespace) -> int:
    if args.runs < 1:
        raise SimError(f"--runs {args.runs}: must be at least 1")
    if args.workers is not None and args.workers < 1:
        raise SimError(f"--workers {args.workers}: must be at least 1")
    if args.resume and args.out is None:
        raise SimError("--resume needs the --out DIR of the interrupted sweep")
    if args.out is not None and not args.resume:
        check_output_directory(args.out)
    scenario = load(args.scenario, overrides(args.overrides))
    note_cost(scenario, args.quiet)
    specs = [_declared(t, scenario, args.design, args.from_distributions) for t in args.params]
    n_points = len(expand(specs, args.design, args.samples, args.rng_seed))
    out = args.out or Path("sweeps") / f"{scenario.meta.id}-{datetime.now():%Y%m%d-%H%M%S}"
    workers = args.workers or os.cpu_count() or 1
    try:
        with (
            _sigterm_interrupts(),
            progress_bar(n_points, f"{scenario.meta.id}: points", not args.quiet) as advance,
        ):
            results = sweep(
                scenario,
                specs,
                design=args.design,
                samples=args.samples,
                runs=args.runs,
                rng_seed=args.rng_seed,
                workers=workers,
                scheduler=args.scheduler,
                out=out,
                resume=args.resume,
                progress=advance,
            )
    except KeyboardInterrupt:
        stderr.print(f"negsim: interrupted; rerun with --resume --out {out}")
        return 130
    if args.prim:
        _prim(results, [s.name for s in specs], out)
    rebuild_sweep(out, scenario)
    if not args.quiet:
        _print_results(results, [s.name for s in specs], scenario.default_outcome.id, args.design)
        if (out / "sensitivity.parquet").exists():
            _print_sensitivity(pd.read_parquet(out / "sensitivity.parquet"))
    stdout.print(f"wrote {out}/ ({len(results)} points; results.parquet, report.html)")
    return 0


#: Characters a grid column takes on screen (``0.123`` and the borders).
CELL_WIDTH = 8


def _print_results(results: pd.DataFrame, names: list[str], default: str, design: str) -> None:
    column = f"p_{default}"
    if design == "grid" and len(names) == 2:
        rows, cols = (results[n].nunique() for n in names)
        fits = (min(rows, cols) + 1) * CELL_WIDTH <= stdout.width
        if fits:  # the wider parameter down the rows when the grid is too wide for the screen
            wide = (cols + 1) * CELL_WIDTH > stdout.width
            _print_grid(results, names[::-1] if wide else names, column)
            return
    shown = [c for c in results.columns if c.startswith("p_")]
    limit = 20 if design != "grid" or len(names) != 2 else len(results)
    table = Table(title=f"{len(results)} points" + (" (first 20)" if limit < len(results) else ""))
    for c in ("point", *names, *shown):
        table.add_column(c, justify="right")
    for record in results.head(limit).to_dict("records"):
        cells = [str(record["point"])]
        cells += [f"{record[n]:g}" for n in names] + [f"{record[c]:.3f}" for c in shown]
        table.add_row(*cells)
    stdout.print(table)


def _print_grid(results: pd.DataFrame, names: list[str], column: str) -> None:
    pivot = results.pivot(index=names[0], columns=names[1], values=column)
    table = Table(title=f"{column} (rows {names[0]}, columns {names[1]})")
    table.add_column(names[0], justify="right")
    for c in pivot.columns:
        table.add_column(f"{c:g}", justify="right", no_wrap=True)
    for idx, row in pivot.iterrows():
        table.add_row(f"{idx:g}", *(f"{v:.3f}" for v in row))
    stdout.print(table)


def _prim(results: pd.DataFrame, names: list[str], out: Path) -> None:
    """``--prim``: the boxes into ``prim.json``, one line each."""
    try:
        boxes = prim_boxes(results, names)
    except ImportError:
        raise SimError("--prim needs the PRIM package: pip install 'negsim[discovery]'") from None
    write_json(out / PRIM, boxes)
    for outcome, box in boxes.items():
        if box["note"]:
            stdout.print(f"PRIM {outcome}: no box ({box['note']})")
            continue
        limits = ", ".join(f"{n} in [{lo:.4g}, {hi:.4g}]" for n, (lo, hi) in box["limits"].items())
        stdout.print(
            f"PRIM {outcome} likely where {limits}: coverage {box['coverage']:.2f}, "
            f"density {box['density']:.2f}, mass {box['mass']:.2f}"
        )


def _print_sensitivity(indices: pd.DataFrame) -> None:
    value = "ST" if "ST" in indices.columns else "mu_star"
    wide = indices[indices["output"].str.startswith("p_")]
    wide = wide.pivot(index="output", columns="parameter", values=value)
    table = Table(title=f"sensitivity: {value} of the outcome probabilities")
    table.add_column("output")
    for c in wide.columns:
        table.add_column(str(c), justify="right")
    for idx, row in wide.iterrows():
        table.add_row(str(idx), *("n/a" if pd.isna(v) else f"{v:.3f}" for v in row))
    stdout.print(table)
    notes = indices[indices["output"].str.startswith("p_") & (indices["note"] != "")]
    why = notes.groupby("note", sort=True)["output"].unique()
    for note, outputs in why.items():
        stdout.print(f"n/a: {', '.join(outputs)}: {note} over the points (no index to compute)")


def _declared(text: str, scenario: Any, design: str, from_distributions: bool) -> ParamSpec:
    """``NAME`` alone as its declared range (:func:`declared_param`), or its declared
    distribution with ``--from-distributions``; ``NAME=...`` as written."""
    if "=" in text:  # an explicit range or list wins over a distribution
        return parse_param(text)
    name = text.strip()
    parameter = scenario.parameters.get(name)
    if parameter is None or (parameter.range is None and not from_distributions):
        why = "is not a parameter" if parameter is None else "declares no range"
        raise SimError(f"--param {text}: {why}; give NAME=START:STOP[:N]")
    if from_distributions and design == "grid":
        raise SimError(
            "--from-distributions: a grid cannot sample a distribution; use --design "
            "lhs, sobol or morris"
        )
    if parameter.range is None and parameter.distribution is None:
        raise SimError(f"--param {text}: declares no range or distribution; give NAME=START:STOP")
    return declared_param(scenario, name, design, from_distributions)
