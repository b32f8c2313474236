"""The public API: ``sim.__all__`` is what the package exports, and it all exists."""

from __future__ import annotations

import sim


def test_all_names_exist_and_nothing_public_is_missing() -> None:
    for name in sim.__all__:
        assert hasattr(sim, name), name
    public = {n for n in vars(sim) if not n.startswith("_")} - {"errors", "loading", "scenario"}
    modules = {n for n in public if type(getattr(sim, n)).__name__ == "module"}
    assert public - modules <= set(sim.__all__)


def test_version_comes_from_the_installed_metadata() -> None:
    from importlib.metadata import version

    assert sim.__version__ == version("negsim")


def test_the_library_checks_its_own_arguments_in_its_own_words() -> None:
    import pytest

    from sim.errors import ArgumentError

    textbook = "scenarios/war-of-attrition-deadline.toml"
    cases = [
        (
            lambda: sim.run(textbook, runs=10, replay=-1),
            "replay -1: must be a path index in [0, 10)",
        ),
        (lambda: sim.run(textbook, runs=10, replay=10), "replay 10: must be a path index"),
        (lambda: sim.run(textbook, runs=0), "runs 0: must be a positive integer"),
        (lambda: sim.run(textbook, runs=5, rng_seed=-1), "rng_seed -1: must be a non-negative"),
        (lambda: sim.run(textbook, runs=5, workers=0), "workers 0: must be a positive integer"),
        (lambda: sim.sweep(textbook, ["waiting_cost=1,2"], runs=True), "runs True: must be"),
        (lambda: sim.sweep(textbook, ["waiting_cost=1,2"], design="box"), "design 'box'"),
        (lambda: sim.solve(textbook, epoch=10_000), "epoch 10000: must be a live epoch"),
    ]
    for call, message in cases:
        with pytest.raises(ArgumentError) as caught:
            call()
        assert str(caught.value).startswith(message), str(caught.value)
        assert "--" not in str(caught.value)  # flags are the command line's words
