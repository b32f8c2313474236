"""Stage games exported: Gambit's ``.nfg`` read back by pygambit, and ``nashpy.Game``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygambit as gbt
import pytest

import sim
from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
WAR = ROOT / "scenarios" / "war-of-attrition-deadline.toml"


@pytest.mark.parametrize(("scenario", "epoch"), [(WAR, 0), (GSOMIA, 30), (GSOMIA, 55)])
def test_the_nfg_file_has_the_same_game_and_equilibria_in_pygambit(
    scenario: Path, epoch: int, tmp_path: Path
) -> None:
    path = tmp_path / "stage.nfg"
    assert main(["solve", str(scenario), "--epoch", str(epoch), "--nfg", str(path), "--json"]) == 0
    result = sim.solve(scenario, epoch=epoch)
    game = gbt.read_nfg(str(path))
    row, col = game.players
    assert [s.label for s in row.strategies] == list(result.scenario.row.actions)
    assert [s.label for s in col.strategies] == list(result.scenario.col.actions)
    A, B = (np.vectorize(float)(m) for m in game.to_arrays())
    np.testing.assert_array_equal(A, result.A)  # 17 digits: every float exactly
    np.testing.assert_array_equal(B, result.B)
    theirs = gbt.nash.enummixed_solve(game, rational=False).equilibria
    got = sorted(tuple(round(float(p[s]), 6) for s in game.strategies) for p in theirs)
    ours = sorted(
        tuple(round(float(v), 6) for v in (*e.row, *e.col)) for e in result.equilibria.equilibria
    )
    assert got == ours


def test_nashpy_game_is_the_stage_game() -> None:
    result = sim.solve(WAR, epoch=0)
    game = result.to_nashpy()
    A, B = game.payoff_matrices
    np.testing.assert_array_equal(A, result.A)
    np.testing.assert_array_equal(B, result.B)
    theirs = sorted(tuple(np.round(np.concatenate(e), 6)) for e in game.support_enumeration())
    ours = sorted(
        tuple(np.round(np.concatenate([e.row, e.col]), 6)) for e in result.equilibria.equilibria
    )
    assert theirs == ours
