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
