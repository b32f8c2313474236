"""The notebook side of the Python API (#18 item 9): figures of results in memory, and
progress bars that show only where they can be seen."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
import sim.report as R
from sim.simulate import interactive, progress_bar

ROOT = Path(__file__).resolve().parents[1]
WAR = ROOT / "scenarios" / "war-of-attrition-deadline.toml"
EPOCHS = {"schedule.epochs": 41}


def test_solve_figures_draw_this_stage_game() -> None:
    r = sim.solve(WAR, epoch=3)
    figs = r.figures()
    assert list(figs) == ["stage"]
    heat = [t for t in figs["stage"].data if t.type == "heatmap"]
    assert np.array_equal(heat[0].z, r.A) and np.array_equal(heat[1].z, r.B)


def test_solve_figures_add_the_qre_branch_under_the_logit_concept() -> None:
    r = sim.solve(WAR, concept="logit", lam=2.0)
    figs = r.figures()
    assert list(figs) == ["stage", "qre_branch"]
    assert r.branch is not None


def test_a_sweeps_table_draws_its_reports_figures() -> None:
    sc = sim.load(WAR)
    grid = sim.sweep(
        sc, {"concession_cost": [0.5, 1.0], "waiting_cost": [0.1, 0.2, 0.3]}, runs=20, workers=1
    )
    fig = R.sweep_result_figures(grid, sc)["heatmaps"]
    heat = [t for t in fig.data if t.type == "heatmap"]
    # one panel per outcome, then the median concession time; x the first parameter
    assert fig.layout.annotations[0].text == "P(A gives in)"
    table = grid.pivot(index="waiting_cost", columns="concession_cost", values="p_a_gives_in")
    assert list(heat[0].x) == [0.5, 1.0] and list(heat[0].y) == [0.1, 0.2, 0.3]
    assert np.array_equal(np.asarray(heat[0].z), table.to_numpy())
    line = sim.sweep(sc, {"waiting_cost": [0.1, 0.3]}, runs=20, workers=1)
    curves = R.sweep_result_figures(line, sc)["curves"]
    means = [t for t in curves.data if t.name == "A gives in"]
    assert list(means[0].y) == list(line["p_a_gives_in"])
    lhs = sim.sweep(
        sc, ["concession_cost=0.5:1.5", "waiting_cost=0.1:0.3"], design="lhs", samples=5, runs=20
    )
    assert list(R.sweep_result_figures(lhs, sc)) == ["parallel"]


def test_progress_false_or_a_callable_and_no_bar_in_a_pipe(
    capfd: pytest.CaptureFixture[str],
) -> None:
    seen: list[int] = []
    sim.run(WAR, runs=300, overrides=EPOCHS, progress=seen.append)
    assert sum(seen) == 300
    with progress_bar(False, 10, "x") as advance:
        assert advance is None
    assert not interactive()  # pytest captures stderr: not a terminal, not a kernel
    sim.run(WAR, runs=50, overrides=EPOCHS)  # progress=None: no bar here
    sim.sweep(WAR, {"waiting_cost": [0.1, 0.3]}, runs=20, workers=1)
    assert capfd.readouterr().err == ""


def test_progress_true_draws_a_bar_with_the_count(capfd: pytest.CaptureFixture[str]) -> None:
    sim.sweep(WAR, {"waiting_cost": [0.1, 0.2, 0.3]}, runs=20, workers=1, progress=True)
    err = capfd.readouterr().err
    assert "war-of-attrition-deadline: points" in err and "3/3" in err
