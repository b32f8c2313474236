"""The flagship played at logit QRE against Nash play: ``simulate`` of 10,000 paths, side by
side (issue #16: no more than 2x the time of Nash play).

Both sides are the same call, ``sim.simulate.simulate(scenario, runs, rng_seed,
workers=1)``: compiling the game, pre-solving its policies (the backward induction over every
pressure level the paths can observe; under the logit concept each stage game's QRE traced
from lambda = 0), running the paths and building the tables. Only ``[equilibrium] concept``
and ``lambda`` differ. The two are timed alternately, ``repeats`` times each, and each side
keeps its fastest (:mod:`benchmarks.timing`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.report import Row
from benchmarks.timing import timed
from sim.scenario import Scenario, validate
from sim.simulate import simulate

#: The issue's bound: logit play takes at most this many times as long as Nash play.
MAX_SLOWDOWN = 2.0
#: The precision of the row with the target (1 / payoff unit: in the flagship a tenth of
#: Japan's value of GSOMIA changes the odds by a factor e), and of further rows without one.
TARGET_LAMBDA = 10.0
MORE_LAMBDAS = (1.0, 100.0)


@dataclass(frozen=True)
class QRESizes:
    """Paths a call, calls a side, and the precisions timed."""

    runs: int
    repeats: int
    lambdas: Sequence[float]


FULL_QRE = QRESizes(10_000, 2, (TARGET_LAMBDA, *MORE_LAMBDAS))
QUICK_QRE = QRESizes(1000, 1, (TARGET_LAMBDA,))


def logit(scenario: Scenario, lam: float) -> Scenario:
    """``scenario`` with ``[equilibrium] concept = "logit"`` and ``lambda = lam``."""
    doc = dict(scenario.document)
    config = {**doc.get("equilibrium", {}), "concept": "logit", "lambda": lam}
    return validate({**doc, "equilibrium": config}, scenario.path)


@dataclass(frozen=True)
class Timing:
    """The fastest ``simulate`` call of each side, per path, and the outcome shares."""

    nash: float
    logit: float
    nash_shares: str
    logit_shares: str


def _shares(table: object) -> str:
    counts = table.runs["outcome"].value_counts(normalize=True)  # type: ignore[attr-defined]
    return ", ".join(f"{100 * p:.1f}% {o}" for o, p in counts.head(2).items())


def time_both(scenario: Scenario, lam: float, sizes: QRESizes, rng_seed: int) -> Timing:
    """``simulate`` under Nash and under logit play at ``lam``, alternately."""
    played = logit(scenario, lam)
    best = {"nash": float("inf"), "logit": float("inf")}
    shares = {"nash": "", "logit": ""}
    for _ in range(sizes.repeats):
        for side, which in (("nash", scenario), ("logit", played)):
            seconds, table = timed(lambda s=which: simulate(s, sizes.runs, rng_seed, workers=1))
            best[side] = min(best[side], seconds / sizes.runs)
            shares[side] = _shares(table)
    return Timing(best["nash"], best["logit"], shares["nash"], shares["logit"])


def qre_rows(
    scenario: Scenario, sizes: QRESizes, rng_seed: int, say: Callable[[str], None]
) -> list[Row]:
    """One row per precision: logit play against Nash play, the first with the target."""
    rows = []
    for k, lam in enumerate(sizes.lambdas):
        say(f"run: simulate(runs={sizes.runs}) under logit QRE, lambda {lam:g}, and Nash play")
        t = time_both(scenario, lam, sizes, rng_seed)
        rows.append(
            Row(
                f"simulate(runs={sizes.runs}, workers=1) at logit QRE, lambda {lam:g}",
                t.logit,
                "the same under Nash play",
                t.nash,
                ours_items=sizes.runs * sizes.repeats,
                baseline_items=sizes.runs * sizes.repeats,
                check=f"logit: {t.logit_shares}; Nash: {t.nash_shares}",
                target=1 / MAX_SLOWDOWN if k == 0 else None,
                unit="s/path",
                rate="paths/s",
                goal=f"<= {MAX_SLOWDOWN:g}x the time of Nash play" if k == 0 else "",
                details={"lambda": lam, "slowdown": t.logit / t.nash},
            )
        )
    return rows
