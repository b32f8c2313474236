"""``negsim run`` on any executor (issue 14): the same seed gives the same ``runs.parquet``,
byte for byte, in this process, on two local processes and on a Dask cluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import sim
from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
GSOMIA = ROOT / "scenarios" / "gsomia-2019.toml"
#: A short flagship: 20 epochs keep the policies quick to solve.
QUICK = {"schedule.epochs": 20}


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A Dask cluster in this process (threads), reached by its TCP address."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def _bytes(result: sim.RunResult, directory: Path) -> tuple[bytes, bytes]:
    result.write(directory)
    return (directory / "runs.parquet").read_bytes(), (directory / "events.parquet").read_bytes()


@pytest.mark.parametrize("fixed", [False, True])
def test_one_two_workers_and_dask_write_the_same_runs_parquet(
    fixed: bool, scheduler: str, tmp_path: Path
) -> None:
    # fixed: 2100 paths are three chunks of CHUNK; drawn: 12 draws in groups of draws
    kwargs = {"runs": 2100 if fixed else 600, "rng_seed": 11, "overrides": QUICK, "fixed": fixed}
    if not fixed:
        kwargs["draws"] = 12
    one = _bytes(sim.run(GSOMIA, workers=1, **kwargs), tmp_path / "one")  # type: ignore[arg-type]
    two = _bytes(sim.run(GSOMIA, workers=2, **kwargs), tmp_path / "two")  # type: ignore[arg-type]
    dask = sim.run(GSOMIA, workers=2, scheduler=scheduler, **kwargs)  # type: ignore[arg-type]
    assert ("draw" in dask.runs) is not fixed
    assert len(dask.runs) == kwargs["runs"]
    assert dask.runs["run"].tolist() == list(range(kwargs["runs"]))  # type: ignore[arg-type]
    assert _bytes(dask, tmp_path / "dask") == one == two


def test_the_command_line_runs_on_dask(scheduler: str, tmp_path: Path) -> None:
    argv = ["run", str(GSOMIA), "--runs", "200", "--draws", "4", "--quiet"]
    argv += ["--set", "schedule.epochs=20", "--rng-seed", "3"]
    assert main([*argv, "--out", str(tmp_path / "here")]) == 0
    assert main([*argv, "--out", str(tmp_path / "dask"), "--scheduler", scheduler]) == 0
    here = (tmp_path / "here" / "runs.parquet").read_bytes()
    assert (tmp_path / "dask" / "runs.parquet").read_bytes() == here


def test_a_bad_scheduler_address_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", str(GSOMIA), "--runs", "10", "--quiet", "--scheduler", "not a url"]
    assert main([*argv, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "expected tcp://HOST:PORT or 'local'" in err[0]
    with pytest.raises(sim.SimError, match="expected tcp://HOST:PORT"):
        sim.run(GSOMIA, runs=10, scheduler="nowhere")
