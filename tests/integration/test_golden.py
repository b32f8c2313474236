"""Every scenario, run with a fixed seed, gives its stored summary (SimPy-style ``.out`` files).

Floats are compared to 1e-9 (the runs are deterministic; the tolerance absorbs only the last
bits of floating-point formatting).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from golden_runs import GOLDEN, scenarios, summary  # type: ignore[import-not-found]


def _close(got: Any, want: Any, where: str) -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want), where
        for k in want:
            _close(got[k], want[k], f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _close(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert isinstance(got, int | float) and math.isclose(got, want, abs_tol=1e-9), where
    else:
        assert got == want, where


def test_every_scenario_has_a_golden_summary() -> None:
    assert {p.stem for p in scenarios()} == {p.stem for p in GOLDEN.glob("*.json")}


@pytest.mark.parametrize("path", scenarios(), ids=lambda p: p.stem)
def test_summary_matches_golden(path: Path) -> None:
    got = json.loads(json.dumps(summary(path)))
    want = json.loads((GOLDEN / f"{path.stem}.json").read_text())
    _close(got, want, path.stem)
