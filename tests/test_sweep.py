"""``sim.sweep``: seeding, executors, the sweep directory and ``--resume``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.errors import ScenarioError, SimError
from sim.experiments import point_seeds
from sim.scenario import Scenario, validate

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = ROOT / "scenarios" / "war-of-attrition-deadline.toml"
#: Coarse epochs make the textbook game fast (a tenth of a second a point).
FAST = {"schedule.epochs": 40}
PARAMS = ["waiting_cost=0.2:0.8:3", "concession_cost=6,8"]


@pytest.fixture(scope="module")
def textbook() -> Scenario:
    return sim.load(TEXTBOOK, FAST)


@pytest.fixture(scope="module")
def in_process(textbook: Scenario) -> pd.DataFrame:
    return sim.sweep(textbook, PARAMS, runs=20, rng_seed=3, workers=1)


def test_a_row_per_point_with_parameters_outcomes_timing_and_payoffs(
    textbook: Scenario, in_process: pd.DataFrame
) -> None:
    frame = in_process
    assert frame["point"].tolist() == list(range(6))
    assert frame[["waiting_cost", "concession_cost"]].values.tolist() == [
        [0.2, 6],
        [0.2, 8],
        [0.5, 6],
        [0.5, 8],
        [0.8, 6],
        [0.8, 8],
    ]
    outcomes = [o.id for o in textbook.outcomes]
    p = frame[[f"p_{o}" for o in outcomes]]
    assert np.allclose(p.sum(axis=1), 1.0)
    for o in outcomes:
        assert (frame[f"ci_low_{o}"] <= frame[f"p_{o}"]).all()
        assert (frame[f"p_{o}"] <= frame[f"ci_high_{o}"]).all()
    for col in ("hours_q05", "hours_q50", "hours_q95", "share_last_5pct", "payoff_a"):
        assert frame[col].dtype == np.float64
    assert (frame["epochs"] == 40).all()
    assert frame["degenerate_epochs"].between(0, 40).all()
    assert frame["p_deadline"].nunique() > 1  # the parameters matter


def test_each_point_is_sim_run_with_its_spawned_seed(
    textbook: Scenario, in_process: pd.DataFrame
) -> None:
    seeds = point_seeds(3, 6)
    assert frame_seeds(in_process) == seeds
    row = in_process.iloc[3]
    values = {"waiting_cost": row["waiting_cost"], "concession_cost": row["concession_cost"]}
    alone = sim.run(sim.with_overrides(textbook, values), runs=20, rng_seed=seeds[3])
    for oid, o in alone.summary["outcomes"].items():
        assert row[f"p_{oid}"] == o["probability"]
    assert row["payoff_a"] == alone.summary["expected_payoffs"]["a"]


def frame_seeds(frame: pd.DataFrame) -> list[int]:
    return [int(s) for s in frame["rng_seed"]]


def test_an_unknown_parameter_is_rejected_with_the_valid_names(textbook: Scenario) -> None:
    with pytest.raises(ScenarioError) as info:
        sim.sweep(textbook, ["waiting_cost=1,2", "wating_cost=0:1:2"], runs=5)
    assert info.value.key == "wating_cost"
    assert "valid names: concession_cost, waiting_cost" in str(info.value)
    assert "schedule.epochs" in str(info.value)


def test_the_process_pool_gives_the_in_process_rows(
    textbook: Scenario, in_process: pd.DataFrame
) -> None:
    pooled = sim.sweep(textbook, PARAMS, runs=20, rng_seed=3, workers=2, chunk=1)
    pd.testing.assert_frame_equal(pooled, in_process, check_exact=True)


def test_a_dask_local_cluster_gives_the_in_process_rows(
    textbook: Scenario, in_process: pd.DataFrame
) -> None:
    pytest.importorskip("distributed")
    dasked = sim.sweep(textbook, PARAMS, runs=20, rng_seed=3, workers=2, scheduler="local", chunk=2)
    pd.testing.assert_frame_equal(dasked, in_process, check_exact=True)


def test_the_directory_holds_manifest_parts_and_results(
    textbook: Scenario, in_process: pd.DataFrame, tmp_path: Path
) -> None:
    out = tmp_path / "sweep"
    frame = sim.sweep(textbook, PARAMS, runs=20, rng_seed=3, workers=1, out=out, chunk=4)
    pd.testing.assert_frame_equal(frame, in_process, check_exact=True)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), in_process)
    parts = sorted(p.name for p in (out / "points").iterdir())
    assert parts == ["part-000000-000003.parquet", "part-000004-000005.parquet"]
    manifest = json.loads((out / "manifest.json").read_text())
    run = manifest["parameters"]
    assert run["command"] == "sweep" and run["rng_seed"] == 3
    assert run["sweep"]["params"] == ["waiting_cost=0.2:0.8:3", "concession_cost=6,8"]
    assert run["sweep"]["runs"] == 20
    assert run["sweep"]["n_points"] == 6
    assert run["scenario"]["sha256"]
    assert not (out / "report.html").exists()  # the library writes no HTML; negsim sweep does
    with pytest.raises(SimError, match="already holds a sweep"):
        sim.sweep(textbook, PARAMS, runs=20, rng_seed=3, workers=1, out=out)
    with pytest.raises(SimError, match="cannot resume: runs was 20, now 21"):
        sim.sweep(textbook, PARAMS, runs=21, rng_seed=3, workers=1, out=out, resume=True)
    with pytest.raises(SimError, match="cannot resume: document_sha256"):
        other = sim.with_overrides(textbook, {"schedule.epochs": 41})
        sim.sweep(other, PARAMS, runs=20, rng_seed=3, workers=1, out=out, resume=True)


def test_resume_computes_only_the_missing_points(
    textbook: Scenario, in_process: pd.DataFrame, tmp_path: Path
) -> None:
    out = tmp_path / "sweep"
    sim.sweep(textbook, PARAMS, runs=20, rng_seed=3, workers=1, out=out, chunk=2)
    (out / "points" / "part-000002-000003.parquet").unlink()
    (out / "results.parquet").unlink()
    seen: list[int] = []
    frame = sim.sweep(
        textbook,
        PARAMS,
        runs=20,
        rng_seed=3,
        workers=1,
        out=out,
        resume=True,
        progress=seen.append,
        chunk=2,
    )
    assert seen == [4, 2]  # the kept points first, then the one recomputed chunk
    pd.testing.assert_frame_equal(frame, in_process, check_exact=True)
    assert (out / "results.parquet").exists()  # written again once the sweep is complete


def _start(argv: list[str], out: Path) -> subprocess.Popen[bytes]:
    """Start the CLI and return once its first part file is written."""
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list((out / "points").glob("part-*.parquet")):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"no part file appeared: {err.decode()}")
        time.sleep(0.02)
    return proc


def _argv(params: list[str], out: Path, *extra: str) -> list[str]:
    argv = [sys.executable, "-m", "sim", "sweep", str(TEXTBOOK), "--set", "schedule.epochs=40"]
    argv += [a for p in params for a in ("--param", p)]
    return [*argv, "--runs", "40", "--rng-seed", "9", "--out", str(out), "--quiet", *extra]


@pytest.mark.slow
def test_resume_after_kill_9_gives_the_uninterrupted_dataset(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    params = ["waiting_cost=0.2:0.8:16", "concession_cost=6,8,10"]
    argv = _argv(params, out, "--workers", "1")  # 48 points in 4 parts of 12
    proc = _start(argv, out)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert not (out / "results.parquet").exists()
    assert len(list((out / "points").glob("part-*.parquet"))) < 4  # stopped part-way
    done = subprocess.run([*argv, "--resume"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    resumed = pd.read_parquet(out / "results.parquet")
    whole = sim.sweep(sim.load(TEXTBOOK, FAST), params, runs=40, rng_seed=9, workers=1)
    pd.testing.assert_frame_equal(resumed, whole, check_exact=True)


def test_sigterm_stops_cleanly_and_says_how_to_resume(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    proc = _start(_argv(["waiting_cost=0.2:0.8:64"], out, "--workers", "2"), out)
    os.kill(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err.decode()
    assert f"interrupted; rerun with --resume --out {out}" in " ".join(err.decode().split())
    assert b"Traceback" not in err
    assert not (out / "results.parquet").exists()


def test_a_sobol_sweep_stores_the_sensitivity_indices(textbook: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "sobol"
    params = ["waiting_cost=0.2:0.8", "concession_cost=4:10"]
    frame = sim.sweep(textbook, params, "sobol", 2, runs=10, workers=1, out=out)
    assert len(frame) == 2 * (2 + 2)
    indices = pd.read_parquet(out / "sensitivity.parquet")
    assert indices.columns.tolist() == [
        "output",
        "parameter",
        "S1",
        "S1_conf",
        "ST",
        "ST_conf",
        "note",
    ]
    assert set(indices["parameter"]) == {"waiting_cost", "concession_cost"}
    assert {"p_deadline", "payoff_a"} <= set(indices["output"])
    # an output that never varies is recorded, not analysed
    flat = indices[indices["output"] == "p_both_give_in"]
    assert flat["note"].tolist() == ["constant", "constant"]


def test_tied_epochs_counts_the_selections_the_finding_order_decided() -> None:
    # As in negsim solve --json (tests/test_numerics.py): under payoff_dominant the war of
    # attrition's epoch 240 has two pure equilibria with the same payoff sum and entropy 0.
    base = sim.load(TEXTBOOK)
    document = {**base.document, "equilibrium": {**base.document["equilibrium"]}}
    document["equilibrium"]["selection"] = "payoff_dominant"
    tied = validate(document, TEXTBOOK)
    frame = sim.sweep(tied, {"waiting_cost": [1.0]}, runs=10, rng_seed=3, workers=1)
    assert frame["tied_epochs"].tolist() == [1]
    untied = sim.sweep(base, {"waiting_cost": [1.0]}, runs=10, workers=1)
    assert untied["tied_epochs"].tolist() == [0]
