"""Golden summaries: every scenario in ``scenarios/`` run with a fixed seed at its point values
(``fixed=True``: the declared distributions are not drawn).

Regenerate after a deliberate change of results (and say why in the commit):

    python tests/integration/golden_runs.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sim

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden")
RUNS, RNG_SEED = 200, 7


def scenarios() -> list[Path]:
    return sorted((ROOT / "scenarios").glob("*.toml"))


def summary(path: Path) -> dict[str, Any]:
    return sim.run(path, runs=RUNS, rng_seed=RNG_SEED, fixed=True).summary


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for path in scenarios():
        out = GOLDEN / f"{path.stem}.json"
        out.write_text(json.dumps(summary(path), indent=2, sort_keys=True) + "\n")
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
