"""The Abreu-Gul limit (issue #15, item 4) for the belief solver, against the closed form.

Closed form (Abreu & Gul 2000): rational i concedes at hazard
lambda_i = r_j (1 - alpha_i) / (alpha_row + alpha_col - 1); T_i = -ln(z_i) / lambda_i;
T0 = min T_i; the player with the larger T_i concedes at 0 with probability
1 - z_i exp(lambda_i T0), the other with probability 0; nobody concedes after T0.

What holds at a CI-sized setting is asserted; the issue's 1 % check does not hold (at any
setting this solver reaches in minutes: docs/types.md has the table) and is an expected
failure, strict, so that it is noticed when it starts to hold.
"""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.deadline import belief_path, solve_beliefs
from sim.model import compile_model

ROOT = Path(__file__).resolve().parents[1]
AG = ROOT / "tests" / "scenarios" / "types" / "reputational-bargaining.toml"


@dataclass(frozen=True)
class ClosedForm:
    hazard: tuple[float, float]
    T: tuple[float, float]
    T0: float
    atom: float  # of the player with the larger T_i
    weaker: int


def closed_form(s: sim.Scenario) -> ClosedForm:
    v = s.values()
    a, r, z = (
        (v["row.demand"], v["col.demand"]),
        (v["row.rate"], v["col.rate"]),
        (v["row.obstinate"], v["col.obstinate"]),
    )
    lam = tuple(r[1 - i] * (1 - a[i]) / (a[0] + a[1] - 1) for i in range(2))
    T = tuple(-math.log(z[i]) / lam[i] for i in range(2))
    T0 = min(T)
    weaker = int(np.argmax(T))
    return ClosedForm(lam, T, T0, 1 - z[weaker] * math.exp(lam[weaker] * T0), weaker)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Measured:
    dt: float
    atom: float
    hazard: tuple[float, float]
    exhausted: tuple[float, float]
    after: float


def measure(epochs: int, grid: int) -> tuple[ClosedForm, Measured]:
    s = sim.with_overrides(sim.load(AG), {"schedule.epochs": epochs})
    m = compile_model(s)
    cf = closed_form(s)
    sol = solve_beliefs(m, grid)
    live = m.schedule.live
    dt = float(m.schedule.live_days[0])
    row, col, played = belief_path(sol, [(0, 0)] * live)  # both hold: the path that goes on
    concede = 1.0 - played  # each player's probability of conceding, given the path so far
    mixing = slice(1, int(0.8 * cf.T0 / dt))
    hazard = tuple(float(np.median(concede[mixing, p]) / dt) for p in range(2))
    exhausted = tuple(dt * float(np.argmax(b[:, 0] > 1 - 1e-9)) for b in (row, col))
    rational = sol.at(0, sol.prior_state())[cf.weaker][1, 1]  # the weaker's rational type
    late = math.ceil(1.25 * cf.T0 / dt)
    return cf, Measured(dt, float(rational), hazard, exhausted, float(concede[late:].max()))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def coarse() -> tuple[ClosedForm, Measured]:
    return measure(26, 21)


@pytest.mark.slow
def test_hazards_in_the_mixing_phase_are_abreu_gul(coarse: tuple[ClosedForm, Measured]) -> None:
    cf, got = coarse
    for p in range(2):
        assert got.hazard[p] == pytest.approx(cf.hazard[p], rel=0.10)


@pytest.mark.slow
def test_both_reputations_are_complete_at_once_near_T0(coarse: tuple[ClosedForm, Measured]) -> None:
    cf, got = coarse
    assert abs(got.exhausted[0] - got.exhausted[1]) <= got.dt + 1e-9
    assert got.exhausted[0] == pytest.approx(cf.T0, abs=2 * got.dt)
    assert got.after == 0.0  # no concession after T0 (1.25 T0 here)


@pytest.mark.slow
def test_the_weaker_concedes_at_once(coarse: tuple[ClosedForm, Measured]) -> None:
    cf, got = coarse
    assert cf.weaker == 1  # col: the larger T_i with the scenario's values
    z = sim.load(AG).values()["col.obstinate"]
    one_epoch = cf.hazard[1] * got.dt / (1 - z)  # a rational col's concession in one epoch
    assert got.atom > 2 * one_epoch  # an atom, not just the hazard of the first epoch


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="the belief grid does not reach 1 % (docs/types.md)")
def test_abreu_gul_within_one_percent(coarse: tuple[ClosedForm, Measured]) -> None:
    cf, got = coarse
    assert got.atom == pytest.approx(cf.atom, rel=0.01)
    assert got.exhausted[0] == pytest.approx(cf.T0, rel=0.01)


def test_closed_form_of_the_scenario() -> None:
    cf = closed_form(sim.load(AG))
    assert cf.hazard == pytest.approx((0.04 / 0.3, 0.03 / 0.3))
    assert pytest.approx(math.log(4) / (0.04 / 0.3)) == cf.T0
    assert cf.atom == pytest.approx(1 - 0.25 * math.exp(0.1 * cf.T0))
    assert cf.atom == pytest.approx(0.29289, abs=1e-5)


def test_run_refuses_types_with_one_line_and_exit_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "run", str(AG), "--runs", "2", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "players.types" in proc.stderr
