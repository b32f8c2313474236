"""A fit's directory: ``posterior.parquet``, ``diagnostics.json``, ``predictive.parquet`` and
``manifest.json`` (provenance), each written atomically, beside the checkpoints
(``chain.npz`` or ``abc.db``) a fit resumes from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sim.calibrate._result import FitResult
from sim.errors import SimError
from sim.io import manifest, write_json, write_parquet

__all__ = [
    "DIAGNOSTICS",
    "POSTERIOR",
    "PREDICTIVE",
    "diagnostics_of",
    "load_posterior",
    "write_fit",
]

POSTERIOR = "posterior.parquet"
DIAGNOSTICS = "diagnostics.json"
PREDICTIVE = "predictive.parquet"


def diagnostics_of(result: FitResult) -> dict[str, Any]:
    """What ``diagnostics.json`` holds."""
    return {
        "scenario": result.scenario.meta.id,
        "method": result.method,
        "parameters": list(result.names),
        "prior": result.prior.describe(),
        "hand_calibration": {n: result.scenario.parameters[n].value for n in result.names},
        "maximum": result.maximum,
        "posterior_mean": result.mean(),
        "interval90": {n: list(v) for n, v in result.interval(0.9).items()},
        "diagnostics": result.diagnostics,
        "predictive": result.predictive_summary,
        "settings": result.settings,
    }


def write_fit(result: FitResult, out: Path) -> list[Path]:
    """Write a fit's files into ``out``; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    settings = {"fit": result.settings, "parameters_fitted": list(result.names)}
    return [
        write_parquet(out / POSTERIOR, result.posterior),
        write_json(out / DIAGNOSTICS, diagnostics_of(result)),
        write_parquet(out / PREDICTIVE, result.predictive),
        write_json(
            out / "manifest.json",
            manifest(result.scenario, int(result.settings.get("rng_seed", 0)), "fit", settings),
        ),
    ]


def load_posterior(folder: Path) -> tuple[list[str], pd.DataFrame]:
    """The fitted parameters' names and the posterior table of a fit's directory.

    Raises
    ------
    SimError
        When ``folder`` holds no readable fit.
    """
    try:
        names = json.loads((folder / DIAGNOSTICS).read_text(encoding="utf-8"))["parameters"]
        table = pd.read_parquet(folder / POSTERIOR)
    except (OSError, ValueError, KeyError) as exc:
        raise SimError(f"--posterior {str(folder)!r}: not a fit's directory ({exc})") from None
    missing = [n for n in [*names, "weight"] if n not in table.columns]
    if missing:
        raise SimError(f"--posterior {str(folder)!r}: {POSTERIOR} lacks columns {missing}")
    return list(names), table
