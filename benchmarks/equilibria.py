"""Equilibrium enumeration on random games: :func:`sim.equilibria.solve_arrays` against each
baseline, timed side by side on the same games, with the equilibrium sets compared."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from benchmarks import baselines
from benchmarks.baselines import FloatArray, Profile
from benchmarks.compare import in_order_within, missing_from, same_list, same_set
from benchmarks.report import Row
from benchmarks.timing import Clock, time_in_chunks
from sim.equilibria import solve, solve_arrays

SHAPE = (3, 3)
OPERATION = "all equilibria, 3x3"

#: The issue's targets: ours at least this many times faster.
NASHPY_SUPPORT_TARGET = 1000.0
QUANTECON_TARGET = 5.0


@dataclass(frozen=True)
class Sizes:
    """How many games each solver is timed on, and in chunks of how many."""

    games: int
    nashpy_support: int
    nashpy_vertex: int
    pygambit: int
    slow_chunk: int  # nashpy and pygambit, milliseconds per game
    fast_chunk: int  # QuantEcon, microseconds per game


FULL = Sizes(
    games=2000, nashpy_support=200, nashpy_vertex=100, pygambit=500, slow_chunk=10, fast_chunk=250
)
QUICK = Sizes(
    games=500, nashpy_support=30, nashpy_vertex=20, pygambit=100, slow_chunk=10, fast_chunk=100
)

Game = tuple[FloatArray, FloatArray]


@dataclass(frozen=True)
class Run:
    """The games, our equilibria on all of them, and the clock of our batched call."""

    games: list[Game]
    ours: list[list[Profile]]
    clock: Clock
    degenerate: int
    sizes: Sizes


@dataclass(frozen=True)
class Timed:
    """One baseline's fastest seconds per game, its results, and how many games it ran."""

    baseline: str
    seconds: float | None
    results: list[list[Profile]]
    target: float | None = None


def enumeration_rows(sizes: Sizes, rng_seed: int) -> tuple[Run, list[Row]]:
    """Time ours on ``sizes.games`` random games, interleaved with each baseline on a prefix
    of the same games; one row per baseline, with the equilibrium sets compared."""
    rng = np.random.default_rng(rng_seed)
    A, B = rng.normal(size=(sizes.games, *SHAPE)), rng.normal(size=(sizes.games, *SHAPE))
    sets = solve_arrays(A, B).sets()
    ours = [[(e.row, e.col) for e in found.equilibria] for found in sets]
    clock = Clock(lambda: solve_arrays(A, B), sizes.games)
    games = list(zip(A, B, strict=True))
    run = Run(games, ours, clock, sum(found.degenerate for found in sets), sizes)
    quantecon = _quantecon(run, baselines.quantecon_game_theory())
    timed = [
        _nashpy_support(run),
        _slow(
            run,
            "nashpy vertex_enumeration",
            baselines.nashpy_vertex_enumeration,
            sizes.nashpy_vertex,
        ),
        *quantecon,
        _pygambit(run, baselines.pygambit_module()),
    ]
    confirmer = quantecon[0].results if quantecon[0].seconds is not None else None
    checks = [_nashpy_check(run, timed[0].results, confirmer)]
    checks += [
        _set_check(run, t.results) if t.seconds is not None else "not installed" for t in timed[1:]
    ]
    rows = [_row(run, t, check) for t, check in zip(timed, checks, strict=True)]
    return run, [*rows, degenerate_row(sizes, rng_seed)]


def degenerate_row(sizes: Sizes, rng_seed: int) -> Row:
    """Degenerate games (payoffs in {-1, 0, 1}, ties everywhere): ours (iterated strict
    dominance where it leaves one profile, else the vectorised vertex enumeration) against
    the route the issue names, nashpy's ``vertex_enumeration`` game by game as
    :func:`sim.equilibria.solve` runs it (payoffs moved to [1, 2], every candidate verified)."""
    rng = np.random.default_rng(rng_seed)
    A, B = rng.integers(-1, 2, (2, sizes.games, *SHAPE)).astype(np.float64)
    sets = solve_arrays(A, B).sets()
    ours = [[(e.row, e.col) for e in found.equilibria] for found in sets]
    clock = Clock(lambda: solve_arrays(A, B), sizes.games)
    games = list(zip(A, B, strict=True))[: sizes.nashpy_vertex]
    seconds, found = time_in_chunks(
        lambda game: solve(*game, method="vertex_enumeration"), games, sizes.slow_chunk, clock
    )
    theirs = [[(e.row, e.col) for e in result.equilibria] for result in found]
    same = sum(same_set(a, b) for a, b in zip(ours, theirs, strict=False))
    flagged = sum(found.degenerate for found in sets)
    return Row(
        f"all equilibria, 3x3 degenerate ({flagged}/{sizes.games} flagged)",
        clock.best,
        "nashpy vertex_enumeration via sim.equilibria.solve",
        seconds,
        sizes.games,
        len(theirs),
        f"same sets on {same}/{len(theirs)} games; payoffs in {{-1, 0, 1}}",
    )


def _row(run: Run, timed: Timed, check: str) -> Row:
    return Row(
        OPERATION,
        run.clock.best,
        timed.baseline,
        timed.seconds,
        run.sizes.games,
        len(timed.results),
        check,
        timed.target,
    )


def _slow(run: Run, name: str, solver: baselines.Solver, count: int) -> Timed:
    """A baseline taking milliseconds per game, on the first ``count`` games."""
    seconds, results = time_in_chunks(
        lambda game: solver(*game), run.games[:count], run.sizes.slow_chunk, run.clock
    )
    return Timed(name, seconds, results)


def _nashpy_support(run: Run) -> Timed:
    name = "nashpy support_enumeration"
    timed = _slow(run, name, baselines.nashpy_support_enumeration, run.sizes.nashpy_support)
    return Timed(name, timed.seconds, timed.results, NASHPY_SUPPORT_TARGET)


def _nashpy_check(
    run: Run, theirs: list[list[Profile]], quantecon: list[list[Profile]] | None
) -> str:
    """Identical where nashpy is complete; where it is short, ours must hold its list in
    order and every equilibrium it lacks must be confirmed by a second solver."""
    identical = short = dropped = bad = 0
    for index, (ours, nashpy) in enumerate(zip(run.ours, theirs, strict=False)):
        if same_list(ours, nashpy):
            identical += 1
            continue
        extra = missing_from(nashpy, ours)
        confirmer = (
            quantecon[index]
            if quantecon is not None
            else baselines.nashpy_vertex_enumeration(*run.games[index])
        )
        if in_order_within(nashpy, ours) and not missing_from(confirmer, extra):
            short, dropped = short + 1, dropped + len(extra)
        else:
            bad += 1
    who = "QuantEcon" if quantecon is not None else "nashpy vertex_enumeration"
    text = f"identical lists on {identical}/{len(theirs)} games"
    if short:
        text += (
            f"; on {short} nashpy dropped {dropped} equilibria to rounding"
            f" (ours keep them, all confirmed by {who})"
        )
    return text + (f"; MISMATCH on {bad} games" if bad else "")


def _set_check(run: Run, theirs: list[list[Profile]]) -> str:
    sets = sum(same_set(ours, other) for ours, other in zip(run.ours, theirs, strict=False))
    lists = sum(same_list(ours, other) for ours, other in zip(run.ours, theirs, strict=False))
    return f"same sets on {sets}/{len(theirs)} games (same order on {lists})"


def _quantecon(run: Run, game_theory: ModuleType | None) -> list[Timed]:
    """Two timings: QuantEcon building each ``NormalFormGame`` from the arrays, as a caller
    with arrays must (the issue's 0.07 ms), and QuantEcon on games built beforehand."""
    names = (
        "QuantEcon support_enumeration incl. NormalFormGame",
        "QuantEcon support_enumeration, games prebuilt",
    )
    if game_theory is None:
        return [Timed(name, None, [], QUANTECON_TARGET) for name in names]
    warm_up = baselines.quantecon_game(game_theory, *run.games[0])
    baselines.quantecon_solve(game_theory, warm_up)  # numba compiles on the first call
    chunk = run.sizes.fast_chunk
    with_build, results = time_in_chunks(
        lambda game: baselines.quantecon_solve(
            game_theory, baselines.quantecon_game(game_theory, *game)
        ),
        run.games,
        chunk,
        run.clock,
    )
    built = [baselines.quantecon_game(game_theory, *game) for game in run.games]
    prebuilt, _ = time_in_chunks(
        lambda game: baselines.quantecon_solve(game_theory, game), built, chunk, run.clock
    )
    return [
        Timed(names[0], with_build, results, QUANTECON_TARGET),
        Timed(names[1], prebuilt, results, QUANTECON_TARGET),
    ]


def _pygambit(run: Run, gambit: ModuleType | None) -> Timed:
    name = "pygambit enummixed_solve"
    if gambit is None:
        return Timed(name, None, [])
    return _slow(
        run, name, lambda a, b: baselines.pygambit_enummixed(gambit, a, b), run.sizes.pygambit
    )
