"""The record's log-likelihood under logit QRE play, the shocks integrated by simulation.

For parameter values ``theta`` the scenario is re-validated with them, compiled, and its
policies solved (the logit QRE of every stage game when ``[equilibrium] concept = "logit"``).
``paths`` shock paths are drawn from the seeds ``SeedSequence(rng_seed).spawn(paths)`` - the
same for every ``theta`` (common random numbers, so the Monte Carlo likelihood is a smooth
function of ``theta`` wherever the policies are, and two values are compared on the same
shocks) - and the likelihood is the mean over paths of the record's probability given each
path's shocks (:func:`sim.simulate.record_likelihood`).

Nash play gives each stage game a pure or mixed equilibrium; a record that Nash play gives
probability zero has likelihood zero, so the likelihood method asks for the logit concept
(``abc`` does not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.deadline import Game
from sim.errors import ArgumentError, ScenarioError
from sim.scenario import Scenario, validate, with_overrides
from sim.simulate import (
    draw_paths,
    path_generators,
    prepare_books,
    record_likelihood,
    record_masks,
)

__all__ = ["LogLikelihood", "at_values", "check_record", "logit_play"]


def check_record(scenario: Scenario) -> None:
    """That the scenario has a record to fit to."""
    if scenario.observed is None:
        raise ArgumentError("scenario", scenario.meta.id, "has no [observed] record to fit to")


def logit_play(scenario: Scenario, lam: float | str) -> Scenario:
    """The scenario played at its stage games' logit QRE at precision ``lam`` (a number or a
    parameter's name), as ``negsim solve --concept logit --lambda`` plays it."""
    document = dict(scenario.document)
    config = {**document.get("equilibrium", {}), "concept": "logit", "lambda": lam}
    return validate({**document, "equilibrium": config}, scenario.path, roots=scenario.roots)


def at_values(scenario: Scenario, names: Sequence[str], theta: Sequence[float]) -> Scenario:
    """The scenario with the parameters ``names`` set to ``theta``."""
    return with_overrides(scenario, {n: float(v) for n, v in zip(names, theta, strict=True)})


@dataclass(frozen=True)
class LogLikelihood:
    """``log L(theta)``: the record's log-probability, averaged over ``paths`` fixed shock paths.

    Callable (and picklable, for workers) on a vector of the parameters ``names``' values;
    minus infinity where the record has probability zero or the values make no valid scenario.
    """

    scenario: Scenario
    names: tuple[str, ...]
    paths: int
    rng_seed: int

    def __post_init__(self) -> None:
        check_record(self.scenario)
        if self.scenario.equilibrium.concept != "logit":
            raise ArgumentError(
                "method",
                "likelihood",
                "needs logit play ([equilibrium] concept = 'logit', or negsim fit --lambda L): "
                "Nash play gives most records probability zero; the abc method does not",
            )

    def per_path(self, theta: Sequence[float]) -> np.ndarray:
        """The record's probability on each shock path at ``theta``."""
        game = Game.from_scenario(at_values(self.scenario, self.names, theta))
        draws = draw_paths(game, path_generators(self.rng_seed, self.paths))
        book = prepare_books([game])[0]
        return record_likelihood(game, book, draws, record_masks(game))

    def __call__(self, theta: Sequence[float]) -> float:
        try:
            p = self.per_path(theta)
        except ScenarioError:
            return -np.inf
        mean = float(np.mean(p))
        return float(np.log(mean)) if mean > 0.0 else -np.inf
