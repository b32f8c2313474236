"""``sim.solve``: several epochs at once against one at a time."""

from __future__ import annotations

import json

import numpy as np
import pytest

import sim
from sim.deadline import solve, solve_epochs


@pytest.mark.parametrize(
    ("path", "epochs"),
    [
        ("scenarios/gsomia-2019.toml", [0, 6, 31, 51, 55]),
        ("scenarios/alternating-offers.toml", [0, 3, 6]),
        ("scenarios/war-of-attrition-deadline.toml", [44, 0, 400]),  # any order
    ],
)
def test_epochs_together_give_each_epoch_solved_alone(path: str, epochs: list[int]) -> None:
    scenario = sim.load(path)
    together = solve_epochs(scenario, epochs)
    for k, got in zip(epochs, together, strict=True):
        alone = solve(scenario, epoch=k)
        assert got.epoch == k
        np.testing.assert_array_equal(got.path.values, alone.path.values)
        assert json.dumps(got.to_dict(), default=str) == json.dumps(alone.to_dict(), default=str)


def test_an_epoch_outside_the_live_ones_is_refused() -> None:
    with pytest.raises(sim.SimError, match="epoch 56"):
        solve_epochs(sim.load("scenarios/gsomia-2019.toml"), [0, 56])
