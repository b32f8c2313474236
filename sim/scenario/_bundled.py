"""The scenarios that ship with negsim, found by id, and the template of a new one.

The wheel carries ``scenarios/`` and ``seeds/`` as ``sim/data/scenarios`` and
``sim/data/seeds`` (so a bundled scenario's ``seeds_dir = "../seeds"`` holds wherever negsim is
installed). A name given for a scenario is a path when one exists there, else a bundled id.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["bundled_scenarios", "find_scenario", "scenario_template"]

#: The folder, next to a new scenario file, that holds its seed documents.
TEMPLATE_SEEDS = "seeds"
TEMPLATE_SEED = "example-source.txt"


def _data() -> Path:
    return Path(str(files("sim") / "data"))


def bundled_scenarios() -> dict[str, Path]:
    """The bundled scenarios: id (the file name without ``.toml``) -> path, sorted by id.

    >>> "gsomia-2019" in bundled_scenarios()
    True
    """
    folder = _data() / "scenarios"
    return {p.stem: p for p in sorted(folder.glob("*.toml"))}


def find_scenario(name: str | Path) -> Path:
    """The scenario file ``name`` means: a path that exists first, else a bundled id, else
    ``name`` as a path (so that loading it reports the missing file). A check the operating
    system refuses (a name too long, a permission) counts as "not a bundled id".

    >>> find_scenario("gsomia-2019").name
    'gsomia-2019.toml'
    >>> str(find_scenario("no/such/file.toml"))
    'no/such/file.toml'
    """
    path = Path(name)
    try:
        if path.exists():
            return path
        bundled = bundled_scenarios().get(str(name))
    except OSError:
        return path
    return path if bundled is None else bundled


def scenario_template(name: str) -> dict[str, str]:
    """The files of a new scenario called ``name`` (an identifier): relative path -> text, a
    commented scenario and one seed document it quotes. It validates as it is.

    >>> sorted(scenario_template("talks"))
    ['seeds/example-source.txt', 'talks.toml']
    """
    data = _data()
    text = (data / "template.toml").read_text(encoding="utf-8").replace("TEMPLATE_ID", name)
    seed = (data / "template-seed.txt").read_text(encoding="utf-8")
    return {f"{name}.toml": text, f"{TEMPLATE_SEEDS}/{TEMPLATE_SEED}": seed}
