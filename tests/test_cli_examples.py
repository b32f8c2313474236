"""Every example in every ``--help`` runs, as written, from a directory with the scenarios.

Each command's examples run in order in a fresh directory (a later example may read what an
earlier one wrote). The few placeholders in them are filled in: ``<time>`` and the run
directory the ``report`` examples name, ``runs/a runs/b``, ``...`` (the arguments of the
sweep example before it) and the Dask scheduler's address (a local cluster's).
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import sim
from sim.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
#: The run directory the report examples name (and ``<time>`` in the top-level examples).
RUN = "runs/gsomia-2019-20191122-180000"
NO_BROWSER = "no web browser found"
COMMANDS = (
    "validate", "solve", "run", "sweep", "fit", "report", "compare", "scenarios", "new",
)  # fmt: skip

pytestmark = pytest.mark.slow


def examples(epilog: str) -> list[str]:
    """The command lines under ``examples:``: continuation lines joined, comments and the
    descriptions after two spaces dropped."""
    block = epilog.split("examples:", 1)[1].split("\n\n", 1)[0]
    block = re.sub(r"\\\n\s*", "", block)
    out = []
    for line in block.splitlines():
        line = re.split(r"\s{2,}|\s+#", line.strip())[0]
        if line:
            out.append(line)
    return out


def helps() -> dict[str, str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    texts = {"negsim": parser.epilog or ""}
    texts |= {name: p.epilog or "" for name, p in sub.choices.items()}  # type: ignore[attr-defined]
    return texts


def test_every_help_has_examples() -> None:
    found = {name: examples(text) for name, text in helps().items()}
    assert set(found) == {*COMMANDS, "negsim"}
    assert all(found.values()), found
    assert all(e.startswith(("negsim ", "python -m sim ")) for es in found.values() for e in es)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def _workspace(tmp: Path) -> Path:
    for name in ("scenarios", "seeds"):
        (tmp / name).symlink_to(ROOT / name)
    quick = {"schedule.epochs": 20, "pressure.shocks.rate_per_day": 0.0}
    for out in (RUN, "runs/a", "runs/b"):
        sim.run(tmp / "scenarios" / "gsomia-2019.toml", runs=40, overrides=quick).write(tmp / out)
    return tmp


def _argv(example: str, previous_sweep: list[str], address: str) -> list[str]:
    words = shlex.split(example.replace("<time>", RUN.split("gsomia-2019-")[1]))
    words = [w for arg in words for w in (sorted(glob.glob(arg)) if "*" in arg else [arg])]
    words = words[3:] if words[:3] == ["python", "-m", "sim"] else words[1:]
    if words[1:2] == ["..."]:
        words = previous_sweep + words[2:]
    return [address if w.startswith("tcp://") else w for w in words]


def _without_out(argv: list[str]) -> list[str]:
    """A sweep's arguments without its ``--out DIR``."""
    if "--out" not in argv:
        return argv
    i = argv.index("--out")
    return argv[:i] + argv[i + 2 :]


def _check(example: str, argv: list[str], done: subprocess.CompletedProcess[str]) -> None:
    """Exit 0 and what the example's flags promise (JSON prints, files appear)."""
    if "--format" in argv and done.returncode == 2 and "needs Chrome or Chromium" in done.stderr:
        assert not Path("/usr/bin/chromium").exists(), done.stderr  # kaleido's honest refusal
        return
    assert done.returncode == 0, f"{example}\n{done.stderr}"
    if "| python -m json.tool" in example:
        json.loads(done.stdout)
    if "--open" in argv:
        assert NO_BROWSER in done.stderr, done.stderr
    if "--out" in argv:
        assert Path(argv[argv.index("--out") + 1]).exists()


@pytest.mark.parametrize(
    "command", ["negsim", "validate", "solve", "run", "sweep", "report", "compare"]
)
def test_every_example_in_the_help_runs(
    command: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    scheduler = request.getfixturevalue("scheduler") if command in ("sweep", "run") else ""
    work = _workspace(tmp_path)
    monkeypatch.chdir(work)
    env = {**os.environ, "BROWSER": "false", "COLUMNS": "120"}
    previous_sweep: list[str] = []
    for example in examples(helps()[command]):
        argv = _argv(example.split(" | ")[0], previous_sweep, scheduler)
        if argv[0] == "sweep" and "..." not in example:
            previous_sweep = _without_out(argv)
        done = subprocess.run(
            [sys.executable, "-m", "sim", *argv],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        _check(example, argv, done)
