"""``docs/notebook.ipynb`` runs (nbclient, a real kernel) and shows the numbers the Python API
gives here; its figures carry their data and an HTML copy for a static export."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbclient
import nbformat
import numpy as np
import pytest

import sim
from sim.scenario import find_scenario

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "notebook.ipynb"


def _outputs(tmp_path: Path) -> list[list[dict[str, Any]]]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    return [c.outputs for c in nb.cells if c.cell_type == "code"]


def _plain(outputs: list[dict[str, Any]]) -> str:
    return "".join(o["data"]["text/plain"] for o in outputs if o["output_type"] == "execute_result")


def _figure(outputs: list[dict[str, Any]]) -> dict[str, Any]:
    (shown,) = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert "Plotly.newPlot" in shown["data"]["text/html"]  # the copy a static export shows
    fig: dict[str, Any] = shown["data"]["application/vnd.plotly.v1+json"]
    return fig


def _array(value: Any) -> Any:
    """A figure's array as Plotly wrote it: a list, or base64 (``bdata``) with its dtype."""
    if isinstance(value, dict):
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape)
    return np.asarray(value)


@pytest.mark.slow
def test_the_notebook_runs_and_shows_the_apis_numbers(tmp_path: Path) -> None:
    cells = _outputs(tmp_path)  # run from an empty folder: the scenario is a bundled one
    assert not [o for c in cells for o in c if o["output_type"] in ("error", "stream")]
    scenario = sim.load(find_scenario("war-of-attrition-deadline"))
    assert _plain(cells[0]) == repr(scenario)
    solved = sim.solve(scenario, epoch=0)
    assert _plain(cells[1]) == repr(solved)
    stage = _figure(cells[2])
    # the first figure's cell embeds plotly.js itself: the exported page works offline
    plotly_json = "application/vnd.plotly.v1+json"
    library = [o["data"]["text/html"] for o in cells[2] if plotly_json not in o["data"]]
    assert len(library) == 1 and len(library[0]) > 1_000_000
    assert np.array_equal(_array(stage["data"][0]["z"]), solved.A)
    result = sim.run(scenario, runs=400, rng_seed=1, progress=False)
    assert _plain(cells[3]) == repr(result)
    probs = {k: v["probability"] for k, v in result.summary["outcomes"].items()}
    assert eval(_plain(cells[4])) == probs  # a dict of floats, as the kernel printed it
    assert eval(_plain(cells[5])) == sorted(result.figures())
    bars = _figure(cells[6])["data"]
    (bar,) = [b for b in bars if b["type"] == "bar"]  # horizontal, one per outcome in order
    assert np.array_equal(_array(bar["x"]), list(probs.values()))
    table = sim.sweep(scenario, {"waiting_cost": [0.5, 1.0, 2.0]}, runs=100, workers=1)
    shown = _plain(cells[7])
    for v in table["p_deadline"]:
        assert f"{v:.2f}" in shown
    curves = _figure(cells[8])["data"]
    means = [t for t in curves if t.get("name") == "Deadline: one chosen at random gives in"]
    assert np.array_equal(_array(means[0]["y"]), table["p_deadline"])


def test_importing_sim_changes_no_plotly_setting() -> None:
    code = (
        "import plotly.io as pio\n"
        "before = (pio.renderers.default, pio.templates.default)\n"
        "import sim, sim.report\n"
        "print(json.dumps([before, [pio.renderers.default, pio.templates.default]]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, check=True
    )
    before, after = json.loads(out.stdout)
    assert before == after
