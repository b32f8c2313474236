"""Outputs recorded from main before the re-layering of ``sim`` (issue #13), which must not
change: ``negsim solve --path --json`` of the flagship at three epochs, and ``negsim run`` of
two textbook scenarios (``summary.json``, ``runs.parquet``, ``events.parquet``).

Refresh with ``python tests/test_golden_behaviour.py`` only when a change of behaviour is
intended, and say so in the change.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.cli import main

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).parent.parent
SOLVE_EPOCHS = (0, 30, 55)
RUN_SCENARIOS = ("war-of-attrition-deadline", "alternating-offers")
RUN_ARGS = ("--runs", "3000", "--rng-seed", "11", "--quiet")
TABLES = ("runs.parquet", "events.parquet")


def _solve_json(epoch: int, capsys: pytest.CaptureFixture[str]) -> Any:
    scenario = str(ROOT / "scenarios" / "gsomia-2019.toml")
    assert main(["solve", scenario, "--epoch", str(epoch), "--path", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _equal(got: Any, want: Any, where: str) -> None:
    """JSON-equal; floats to 1e-12 relative (the last bits of formatting)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), where
        for key in want:
            _equal(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _equal(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(got, bool):
        assert isinstance(got, int | float), where
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-15), (where, got, want)
    else:
        assert got == want, (where, got, want)


@pytest.mark.parametrize("epoch", SOLVE_EPOCHS)
def test_solve_path_json_is_unchanged(epoch: int, capsys: pytest.CaptureFixture[str]) -> None:
    want = json.loads((GOLDEN / f"solve-gsomia-2019-epoch{epoch}.json").read_text())
    _equal(_solve_json(epoch, capsys), want, f"epoch {epoch}")


@pytest.mark.parametrize("name", RUN_SCENARIOS)
def test_run_outputs_are_unchanged(name: str, tmp_path: Path) -> None:
    out = tmp_path / name
    assert (
        main(["run", str(ROOT / "scenarios" / f"{name}.toml"), *RUN_ARGS, "--out", str(out)]) == 0
    )
    want = GOLDEN / f"run-{name}"
    summary = json.loads((out / "summary.json").read_text())
    _equal(summary, json.loads((want / "summary.json").read_text()), name)
    for table in TABLES:
        pd.testing.assert_frame_equal(pd.read_parquet(out / table), pd.read_parquet(want / table))


def _record() -> None:  # pragma: no cover - run by hand
    import contextlib
    import io
    import shutil
    import tempfile

    for epoch in SOLVE_EPOCHS:
        buffer = io.StringIO()
        scenario = str(ROOT / "scenarios" / "gsomia-2019.toml")
        with contextlib.redirect_stdout(buffer):
            main(["solve", scenario, "--epoch", str(epoch), "--path", "--json"])
        (GOLDEN / f"solve-gsomia-2019-epoch{epoch}.json").write_text(buffer.getvalue())
    for name in RUN_SCENARIOS:
        with tempfile.TemporaryDirectory() as tmp:
            main(["run", str(ROOT / "scenarios" / f"{name}.toml"), *RUN_ARGS, "--out", tmp])
            target = GOLDEN / f"run-{name}"
            target.mkdir(parents=True, exist_ok=True)
            for file in ("summary.json", *TABLES):
                shutil.copy(Path(tmp) / file, target / file)


if __name__ == "__main__":  # pragma: no cover
    _record()
    sys.exit(0)
