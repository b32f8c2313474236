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

from importlib import metadata as _metadata

from sim.deadline import SolveResult, solve
from sim.errors import Problem, ScenarioError, SimError
from sim.experiments import sweep
from sim.scenario import Scenario, load, parse, validate, with_overrides
from sim.simulate import RunResult, run

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
