"""``negsim solve``'s work: the library, imported only when the command runs (issue 20)."""

from __future__ import annotations

import argparse
import json

import numpy as np
from rich.table import Table

from sim.cli.common import overrides, stdout
from sim.deadline import SolveResult, path_records, solve
from sim.equilibria import QRE, Branch
from sim.errors import SimError
from sim.io import write_text
from sim.scenario import load
from sim.simulate import KNIFE_EDGE, drawn_names, tipping_points

__all__ = ["main"]


def main(args: argparse.Namespace) -> int:
    if args.at is not None and args.at.tzinfo is None:
        raise SimError(f"--at {args.at.isoformat()}: give a timezone, e.g. +09:00")
    if args.tipping:
        return _tipping(args)
    result = solve(
        args.scenario,
        at=args.at,
        epoch=args.epoch,
        overrides=overrides(args.overrides),
        method=args.method,
        rule=args.rule,
        concept=args.concept,
        lam=args.lam,
    )
    if args.nfg is not None:
        write_text(args.nfg, result.to_nfg())
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    elif args.path:
        _print_path(result)
    else:
        _print_stage(result)
    return 0


def _count(n: int, one: str, many: str) -> str:
    """``1 equilibrium``, ``3 equilibria``."""
    return f"{n} {one if n == 1 else many}"


def _fmt(p: list[float], actions: tuple[str, ...]) -> str:
    return " ".join(f"{a}={x:.3g}" for a, x in zip(actions, p, strict=True) if x > 1e-9)


def _print_stage(r: SolveResult) -> None:
    d = r.to_dict()
    row, col = r.scenario.players
    stdout.print(
        f"[bold]{r.scenario.meta.name}[/bold]: epoch {r.epoch} of {d['live_epochs']}, "
        f"{d['datetime']} ({d['hours_before_deadline']:.1f} h before the deadline), "
        f"pressure {d['pressure']:.3f}"
    )
    table = Table(title=f"stage game: {row.id} (rows) vs {col.id} (columns); payoffs row, col")
    table.add_column(f"{row.id} \\ {col.id}")
    for a in col.actions:
        table.add_column(a, justify="right")
    outcomes = r.cell_outcomes()
    for i, a in enumerate(row.actions):
        cells = [
            f"{r.A[i, j]:.3f}, {r.B[i, j]:.3f}\n[dim]{outcomes[i][j] or 'continue'}[/dim]"
            for j in range(len(col.actions))
        ]
        table.add_row(a, *cells)
    stdout.print(table)
    if r.qre is not None and r.branch is not None:
        _print_qre(r, r.qre, r.branch)
    eqs = r.equilibria
    flags = ", ".join(eqs.flags) or "none"
    stdout.print(
        f"{_count(len(eqs.equilibria), 'equilibrium', 'equilibria')} by {eqs.method}; "
        f"degenerate: {'yes' if eqs.degenerate else 'no'}; flags: {flags}"
    )
    for i, e in enumerate(eqs.equilibria):
        mark = " <- selected" if r.selection is not None and r.selection.index == i else ""
        stdout.print(
            f"  [{i}] {row.id}: {_fmt(e.row.tolist(), row.actions)} | "
            f"{col.id}: {_fmt(e.col.tolist(), col.actions)} | "
            f"payoffs {e.row_payoff:.3f}, {e.col_payoff:.3f}{mark}"
        )
    if r.selection is not None:
        stdout.print(f"  {r.selection.reason}")
    _print_analysis(r)


#: Points of the principal branch ``negsim solve`` prints (spread over it, the QRE last).
BRANCH_ROWS = 8


def _print_qre(r: SolveResult, q: QRE, b: Branch) -> None:
    row, col = r.scenario.players
    stdout.print(
        f"[bold]logit QRE[/bold] at lambda {q.lam:g}: "
        f"{row.id}: {_fmt(q.row.tolist(), row.actions)} | "
        f"{col.id}: {_fmt(q.col.tolist(), col.actions)} | "
        f"payoffs {q.row_payoff:.3f}, {q.col_payoff:.3f}"
    )
    stdout.print(f"  {q.reason}")
    shown = min(BRANCH_ROWS, len(b.lam))
    table = Table(title=f"principal branch from lambda 0 ({len(b.lam)} points, {shown} shown)")
    for name in ("lambda", row.id, col.id):
        table.add_column(name, justify="right" if name == "lambda" else "left")
    for i in np.unique(np.linspace(0, len(b.lam) - 1, BRANCH_ROWS).round().astype(int)):
        table.add_row(
            f"{b.lam[i]:.4g}",
            _fmt(b.row[i].tolist(), row.actions),
            _fmt(b.col[i].tolist(), col.actions),
        )
    stdout.print(table)
    stdout.print("[bold]Nash equilibria of the stage game[/bold], for comparison:")


def _print_analysis(r: SolveResult) -> None:
    a = r.analysis
    row, col = r.scenario.players

    def names(actions: tuple[str, ...], idx: tuple[int, ...]) -> str:
        return ", ".join(actions[i] for i in idx) or "none"

    def profiles(ps: tuple[tuple[int, int], ...]) -> str:
        return ", ".join(f"({row.actions[i]}, {col.actions[j]})" for i, j in ps) or "none"

    stdout.print("[bold]static analysis[/bold]")
    stdout.print(f"  pure equilibria: {profiles(a.pure_equilibria)}")
    for p, pa in ((row, a.row), (col, a.col)):
        stdout.print(
            f"  {p.id}: strictly dominated {names(p.actions, pa.dominated_by_mixed)}; "
            f"survive elimination {names(p.actions, pa.surviving)}; "
            f"maxmin value {pa.maxmin_value:.3f}"
        )
    stdout.print(f"  Pareto-efficient: {profiles(a.pareto_efficient)}")
    b = a.bargaining
    if b is not None and b.pure_profile is not None:
        stdout.print(
            f"  Nash bargaining (disagreement {b.disagreement[0]:.3f}, {b.disagreement[1]:.3f}): "
            f"pure {profiles((b.pure_profile,))}; hull payoffs "
            + (
                "none"
                if b.hull_payoffs is None
                else f"{b.hull_payoffs[0]:.3f}, {b.hull_payoffs[1]:.3f}"
            )
        )
    if a.risk_dominant is not None:
        stdout.print(f"  risk-dominant: {profiles((a.risk_dominant,))}")


def _print_path(r: SolveResult) -> None:
    row, col = r.scenario.players
    what = "logit QRE path" if r.qre is not None else "equilibrium path"
    table = Table(title=f"{r.scenario.meta.name}: {what} from epoch {r.path.first}")
    for name in ("epoch", "datetime", "h left", "pressure", row.id, col.id, "P(end)", "values"):
        table.add_column(name, justify="left" if name in (row.id, col.id) else "right")
    for rec in path_records(r.game, r.path):
        table.add_row(
            str(rec["epoch"]),
            rec["datetime"][:16],
            f"{rec['hours_before_deadline']:.1f}",
            f"{rec['pressure']:.3f}",
            _fmt(list(rec["row_strategy"].values()), row.actions),
            _fmt(list(rec["col_strategy"].values()), col.actions),
            f"{rec['p_agree']:.3f}",
            f"{rec['values'][0]:.2f}, {rec['values'][1]:.2f}",
        )
    if note := _pressure_note(r):
        stdout.print(note, markup=False)
    stdout.print(table)
    probs = ", ".join(f"{k} {v:.3f}" for k, v in r.path.outcome_probabilities().items())
    stdout.print(f"outcomes along the path: {probs}")


def _pressure_note(r: SolveResult) -> str:
    """What pressure the path assumes: under the persistent forecast, today's all along."""
    pressure = r.game.pressure
    if pressure.scale == 0:
        return ""
    if pressure.persistent:
        return (
            f"pressure: held at its level at epoch {r.path.first} "
            f"({float(r.path.pressure[0]):.3f}) until the deadline, as the players expect under "
            "the scenario's persistent forecast (a simulated path re-solves as the dated "
            "points arrive)"
        )
    return "pressure: as scheduled, the dated points foreseen (the scenario's forecast)"


def _tipping(args: argparse.Namespace) -> int:
    """``--tipping``: the table of :func:`sim.simulate.tipping_points`."""
    if args.tipping_runs < 1:
        raise SimError(f"--tipping-runs {args.tipping_runs}: must be at least 1")
    pins = overrides(args.overrides)
    scenario = load(args.scenario, pins)
    names = drawn_names(scenario, list(pins))
    rows = tipping_points(scenario, names, runs=args.tipping_runs)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    table = Table(title=f"{scenario.meta.name}: tipping points, one parameter at a time")
    for col in ("parameter", "point", "flips at", "distance", "what flips"):
        table.add_column(
            col, justify="right" if col in ("point", "flips at", "distance") else "left"
        )
    for r in rows:
        edge = " knife-edge" if r["distance"] <= KNIFE_EDGE else ""
        table.add_row(
            r["parameter"],
            f"{r['value']:g}",
            f"{r['at']:.4g}",
            f"{100 * r['distance']:.1f}%{edge}",
            r["changes"],
        )
    stdout.print(table)
    flat = [n for n in names if n not in {r["parameter"] for r in rows}]
    if flat:
        stdout.print(f"no flip over the declared distribution: {', '.join(flat)}")
    stdout.print(
        f"distance: from the point value, as a share of the distribution's support; "
        f"each value judged by {args.tipping_runs} paths with the same seed"
    )
    return 0
