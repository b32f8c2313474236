"""negsim: deadline bargaining between two governments under outside pressure."""

from importlib.metadata import PackageNotFoundError, version

from sim.errors import Problem, ScenarioError, SimError
from sim.loading import load, parse, validate
from sim.scenario import Scenario

try:
    __version__ = version("negsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "SimError",
    "__version__",
    "load",
    "parse",
    "validate",
]
