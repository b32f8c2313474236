"""negsim: deadline bargaining between two governments under outside pressure.

The facade: load and validate scenarios, solve their games, simulate and sweep them; the
result types and the errors. The rooms behind it, each a subpackage whose ``__init__`` lists
its public API (``docs/architecture.md``):

``sim.scenario`` (what the user wrote), ``sim.model`` (the compiled numbers),
``sim.equilibria`` (stage-game equilibria), ``sim.deadline`` (the deadline game),
``sim.simulate`` (paths), ``sim.experiments`` (sweeps), ``sim.io`` (writing and provenance),
``sim.report`` (figures and pages) and ``sim.cli`` (the command line).

>>> import sim
>>> scenario = sim.load("scenarios/gsomia-2019.toml")
>>> scenario.meta.id
'gsomia-2019'
"""

import importlib as _importlib
import typing as _typing
from importlib import metadata as _metadata

from sim.errors import Problem, ScenarioError, SimError

if _typing.TYPE_CHECKING:  # imported on first use (below), so that ``negsim --help`` starts quickly
    from sim.deadline import SolveResult, solve
    from sim.experiments import sweep
    from sim.scenario import Scenario, load, parse, validate, with_overrides
    from sim.simulate import RunResult, run

#: Where each name of the facade lives; its subpackage (numpy, pandas, the solvers) is
#: imported when the name is first used (PEP 562), not by ``import sim``.
_LAZY = {
    "SolveResult": "sim.deadline",
    "solve": "sim.deadline",
    "sweep": "sim.experiments",
    "Scenario": "sim.scenario",
    "load": "sim.scenario",
    "parse": "sim.scenario",
    "validate": "sim.scenario",
    "with_overrides": "sim.scenario",
    "RunResult": "sim.simulate",
    "run": "sim.simulate",
}
#: The subpackages, also reachable as attributes of ``sim`` before they are imported.
_ROOMS = frozenset(
    (
        "calibrate",
        "cli",
        "deadline",
        "equilibria",
        "experiments",
        "io",
        "model",
        "report",
        "scenario",
        "simulate",
    )
)


def __getattr__(name: str) -> _typing.Any:
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _ROOMS:
        return _importlib.import_module(f"sim.{name}")
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_ROOMS})


try:
    __version__ = _metadata.version("negsim")
except _metadata.PackageNotFoundError:  # pragma: no cover - a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "Problem",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SimError",
    "SolveResult",
    "__version__",
    "load",
    "parse",
    "run",
    "solve",
    "sweep",
    "validate",
    "with_overrides",
]
