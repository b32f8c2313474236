"""negsim: deadline bargaining between two governments under outside pressure.

>>> import sim
>>> scenario = sim.load("scenarios/gsomia-2019.toml")
>>> scenario.meta.id
'gsomia-2019'
"""

from importlib import metadata as _metadata

from sim.errors import Problem, ScenarioError, SimError
from sim.loading import load, parse, validate
from sim.run import RunResult, run
from sim.scenario import Scenario
from sim.solve import SolveResult, solve
from sim.sweep import sweep

try:
    __version__ = _metadata.version("negsim")
except (
    _metadata.PackageNotFoundError
):  # pragma: no cover - running from a source tree without install
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
]
