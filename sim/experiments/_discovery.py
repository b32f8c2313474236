"""Scenario discovery: PRIM boxes over a sweep's results.

For each outcome, the Patient Rule Induction Method (Friedman and Fisher 1999) peels the
parameter space toward the region where the outcome is likely (its probability at a point
above ``threshold``), and reports the box: each parameter's limits, its coverage (the share of
the likely points inside), density (the share of points inside that are likely) and mass
(the share of points inside), and the peeling trajectory. The algorithm is the standalone
``PRIM`` package's (Project Platypus, the PRIM of the EMA Workbench without its other
dependencies; see ``docs/sweeps.md``), imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["PRIM", "PRIM_THRESHOLD", "prim_boxes"]

#: The file of a sweep's PRIM boxes (``negsim sweep --prim``), next to its results.
PRIM = "prim.json"
#: An outcome is likely at a point where its probability exceeds this.
PRIM_THRESHOLD = 0.5


def prim_boxes(
    results: pd.DataFrame, params: Sequence[str], threshold: float = PRIM_THRESHOLD
) -> dict[str, Any]:
    """A PRIM box per outcome column ``p_<outcome>`` of ``results``, over ``params``.

    An outcome likely at no point or at every point has no box, and ``note`` says so.
    """
    import warnings

    import prim  # type: ignore[import-untyped]  # optional: pip install negsim[discovery]

    x = results[list(params)].astype(float).reset_index(drop=True)
    boxes: dict[str, Any] = {}
    for column in [c for c in results.columns if c.startswith("p_")]:
        y = (results[column].to_numpy(dtype=float) > threshold).astype(float)
        if y.min() == y.max():
            note = "likely at every point" if y[0] else "likely at no point"
            boxes[column[2:]] = {"note": note}
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = prim.Prim(x, y, threshold=0.5, threshold_type=">").find_box()
        limits = box.limits
        boxes[column[2:]] = {
            "note": "",
            "limits": {
                str(n): [float(limits.loc[n, "min"]), float(limits.loc[n, "max"])]
                for n in limits.index
            },
            "coverage": float(box.coverage),
            "density": float(box.density),
            "mass": float(box.mass),
            "trajectory": [
                {k: float(v) for k, v in row.items()}
                for row in box.peeling_trajectory[["coverage", "density", "mass"]].to_dict(
                    "records"
                )
            ],
            "likely_points": int(np.sum(y)),
        }
    return boxes
