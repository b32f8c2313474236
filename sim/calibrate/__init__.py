"""Calibration to the record: ``negsim fit``, a posterior for named parameters.

- :mod:`._priors`: priors from the parameters' declared distributions (or ranges);
- :mod:`._likelihood`: the record's likelihood under logit QRE play, shocks integrated by
  simulation with common random numbers;
- :mod:`._mcmc`: the likelihood method's maximum (scipy.optimize) and posterior (emcee),
  checkpointed, with its diagnostics;
- :mod:`._abc`: the ``abc`` method, ABC-SMC by pyabc (the ``fit`` extra), seeded;
- :mod:`._pool`: this process or a Dask cluster, in order;
- :mod:`._fit`, :mod:`._result` and :mod:`._store`: :func:`fit`, its result, its directory.

The method and its checks: ``docs/calibration.md``.
"""

from sim.calibrate._fit import DEFAULTS, METHODS, fit, posterior_rows, predictive
from sim.calibrate._likelihood import LogLikelihood, at_values, logit_play
from sim.calibrate._mcmc import CHAIN, split_rhat
from sim.calibrate._priors import Prior, prior_of
from sim.calibrate._result import FitResult
from sim.calibrate._store import (
    DIAGNOSTICS,
    POSTERIOR,
    PREDICTIVE,
    diagnostics_of,
    load_posterior,
    write_fit,
)

__all__ = [
    "CHAIN",
    "DEFAULTS",
    "DIAGNOSTICS",
    "METHODS",
    "POSTERIOR",
    "PREDICTIVE",
    "FitResult",
    "LogLikelihood",
    "Prior",
    "at_values",
    "diagnostics_of",
    "fit",
    "load_posterior",
    "logit_play",
    "posterior_rows",
    "predictive",
    "prior_of",
    "split_rhat",
    "write_fit",
]
