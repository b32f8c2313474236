"""``negsim run``'s work: check the arguments, simulate, write and print the results. The
parser (:mod:`sim.cli.run`) imports this module only when the command runs."""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from rich.table import Table

from sim.calibrate import load_posterior, posterior_rows
from sim.cli.common import (
    note_cost,
    overrides,
    progress_bar,
    stdout,
)
from sim.cli.report import open_in_browser
from sim.errors import SimError
from sim.io import check_output_directory, staged_directory
from sim.report import write_report
from sim.scenario import load
from sim.simulate import (
    DEFAULT_DRAWS,
    RunResult,
    check_runs,
    check_scheduler,
    run,
)

__all__ = ["main"]


def _checked_workers(args: argparse.Namespace) -> int:
    """The arguments' one-line errors before anything runs; the processes to use."""
    if args.runs < 1:
        raise SimError(f"--runs {args.runs}: must be at least 1")
    if args.workers < 1:
        raise SimError(f"--workers {args.workers}: must be at least 1")
    if args.replay is not None and not 0 <= args.replay < args.runs:
        raise SimError(f"--replay {args.replay}: must be a path index in [0, {args.runs})")
    workers: int = min(args.workers, os.cpu_count() or 1) if args.workers else 1
    check_runs(args.runs, args.rng_seed, workers, args.replay)
    check_scheduler(args.scheduler)
    if not args.fixed and args.draws is not None and not 1 <= args.draws <= args.runs:
        raise SimError(f"--draws {args.draws}: must be in [1, --runs {args.runs}]")
    if args.out is not None:
        check_output_directory(args.out)
    return workers


def main(args: argparse.Namespace) -> int:
    workers = _checked_workers(args)
    pins = overrides(args.overrides)
    scenario = load(args.scenario, pins)
    note_cost(scenario, args.quiet)
    total = 1 if args.replay is not None else args.runs
    posterior = _posterior(args)
    with progress_bar(total, f"{scenario.meta.id}", not args.quiet) as advance:
        result = run(
            scenario,
            runs=args.runs,
            rng_seed=args.rng_seed,
            pinned=list(pins),
            workers=workers,
            replay=args.replay,
            progress=advance,
            fixed=args.fixed,
            draws=args.draws,
            sampler=args.sampler,
            scheduler=args.scheduler,
            posterior=posterior,
            events=not args.no_events,
        )
    if args.replay is not None:
        _print_replay(result)
        if args.out:
            with staged_directory(args.out) as tmp:
                result.write(tmp)
        return 0
    out = args.out or Path("runs") / f"{scenario.meta.id}-{datetime.now():%Y%m%d-%H%M%S}"
    with staged_directory(out) as tmp:  # out holds all of this run, or what it held before
        result.write(tmp)
        write_report(result, tmp)
    report = out / "report.html"
    if not args.quiet:
        _print_summary(result)
    stdout.print(f"wrote {out}/ (open {report} in a browser)")
    if args.open:
        open_in_browser(report)
    return 0


def _posterior(args: argparse.Namespace) -> tuple[list[str], Any] | None:
    """--posterior DIR: the fitted names and --draws rows resampled from the posterior."""
    if args.posterior is None:
        return None
    names, table = load_posterior(args.posterior)
    draws = min(DEFAULT_DRAWS, args.runs) if args.draws is None else args.draws
    return names, posterior_rows(table, names, draws, args.rng_seed)


def _print_summary(result: RunResult) -> None:
    s = result.summary
    stdout.print(_first_line(result))
    _print_outcomes(result)
    c = s["concession"]
    q = c["hours_before_deadline"]
    if q["median"] is not None:
        stdout.print(
            f"concession: median {q['median']:.1f} h before the deadline "
            f"(q05 {q['q05']:.1f}, q95 {q['q95']:.1f}); "
            f"{100 * c['share_in_last_5pct']:.1f}% in the last 5% of the window"
        )
    movers = ", ".join(f"{k} {v:.3f}" for k, v in s["first_mover"].items())
    counted = "; ".join(f"{p.id}: {', '.join(p.concessions)}" for p in result.scenario.players)
    stdout.print(
        f"first to play a concession action ({counted}; whether or not it ended the "
        f"standoff): {movers}",
        markup=False,
    )
    if "observed" in s:
        o = s["observed"]
        pct = "n/a" if o["timing_percentile"] is None else f"{o['timing_percentile']:.1f}"
        stdout.print(
            f"observed: {o['outcome']} {o['hours_before_deadline']:.1f} h before the deadline; "
            f"model probability {o['probability']:.3f}, timing percentile {pct}"
        )


def _print_outcomes(result: RunResult) -> None:
    """The outcome table; with drawn parameters, the intervals by draw and the variance split."""
    s = result.summary
    table = Table(title=f"{result.scenario.meta.name}: {s['runs']} paths")
    split = s.get("uncertainty", {}).get("outcomes")
    cols = ["outcome", "probability", "95% interval", "paths"]
    if split:
        cols += ["per-draw 5-95%", "parameters' share"]
    for col in cols:
        table.add_column(col, justify="left" if col == "outcome" else "right")
    for oid, o in s["outcomes"].items():
        lo, hi = o["ci95"]
        mark = " (default)" if oid == s["default_outcome"] else ""
        if split:  # the paths of a draw share its parameters: the interval by draw
            lo, hi = split[oid]["ci95"]
        row = [oid + mark, f"{o['probability']:.3f}", f"[{lo:.3f}, {hi:.3f}]", str(o["count"])]
        if split:
            u = split[oid]
            share = u["share_parameters"]
            row.append(f"[{u['per_draw_q05']:.3f}, {u['per_draw_q95']:.3f}]")
            row.append("n/a" if share is None else f"{100 * share:.0f}%")
        table.add_row(*row)
    stdout.print(table)
    if split:
        stdout.print(
            "parameters' share: of the outcome's variance, the part the drawn parameters "
            "explain (law of total variance); n/a: the outcome never varied; 95% interval: "
            "from the spread of the per-draw probabilities"
        )


def _short(value: object) -> str:
    """A value for the replay header: floats to six significant digits."""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _to_the_second(when: Any) -> str:
    """An event's time to the nearest second (hours since the start carry float noise:
    ``22:43:19.999999999`` is ``22:43:20``)."""
    return str(pd.Timestamp(when).round("s"))


def _first_line(result: RunResult) -> str:
    """What the run drew, or that it drew nothing."""
    u = result.manifest["parameters"].get("uncertainty")
    if u is None:
        return "point values: the scenario declares no parameter distributions"
    if u["mode"] == "fixed":
        return "fixed: the point values; declared distributions not drawn (--fixed or --set)"
    return (
        f"drawn: {u['draws']} {u['sampler']} draws of {', '.join(u['drawn'])}, "
        f"{result.summary['runs']} paths in all (--fixed for the point values)"
    )


def _print_replay(result: RunResult) -> None:
    row = result.runs.iloc[0].to_dict()
    stdout.print(", ".join(f"{k}={_short(v)}" for k, v in row.items()), markup=False)
    if result.events is None:
        return
    table = Table(title=f"path {row['run']}: events")
    for col in ("hours", "datetime", "actor", "event", "details"):
        table.add_column(col)
    for e in result.events.to_dict("records"):
        table.add_row(
            f"{e['hours']:.2f}",
            _to_the_second(e["datetime"]),
            str(e["actor"]),
            str(e["event"]),
            str(e["details"]),
        )
    stdout.print(table)
