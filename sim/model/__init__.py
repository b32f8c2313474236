"""The compiled model: a scenario's numbers, with nothing solved and nothing drawn.

- :class:`Schedule` (:func:`build_schedule`): the decision epochs, the delay and discounting;
- :class:`PressureModel` (:func:`build_pressure`): the one home of the pressure's level, decay,
  forecast and bounds;
- :class:`PayoffModel` (:func:`compile_payoffs`): the stage games as functions of the epoch,
  the pressure and the continuation values;
- :class:`Model` (:func:`compile_model`): the three together, with what a path earns.

>>> import sim
>>> from sim.model import compile_model
>>> model = compile_model(sim.load("scenarios/gsomia-2019.toml"))
>>> model.schedule.live, model.payoffs.shape
(56, (3, 3))
"""

from sim.model._epochs import HOURS_PER_DAY, Schedule, build_schedule
from sim.model._model import Model, compile_model
from sim.model._payoffs import PayoffModel, Term, compile_payoffs, stack_models, structure
from sim.model._pressure import PressureModel, build_pressure

__all__ = [
    "HOURS_PER_DAY",
    "Model",
    "PayoffModel",
    "PressureModel",
    "Schedule",
    "Term",
    "build_pressure",
    "build_schedule",
    "compile_model",
    "compile_payoffs",
    "stack_models",
    "structure",
]
