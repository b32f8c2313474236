"""Where a fit's evaluations run: in this process, or on a Dask cluster, in order.

:class:`Pool` has the one method emcee and the ABC sampler need, ``map(fn, items)``, returning
the results in the order of ``items``. A fit's numbers depend only on its inputs and its rng
seed, never on where the evaluations ran or in what order they finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sim.simulate import dask_client

__all__ = ["Pool", "pool"]


class Pool:
    """``map`` in this process (``client`` None) or on a Dask client, results in order."""

    def __init__(self, client: Any = None) -> None:
        self.client = client

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        items = list(items)
        if self.client is None:
            return [fn(item) for item in items]
        futures = self.client.map(fn, items, pure=False)
        try:
            return list(self.client.gather(futures))
        except BaseException:
            self.client.cancel(futures)
            raise


@contextmanager
def pool(scheduler: str | None, workers: int | None = None) -> Iterator[Pool]:
    """A :class:`Pool`: this process for ``None``; a local Dask cluster of ``workers``
    processes for ``"local"``; else the Dask scheduler at the address ``scheduler``."""
    if scheduler is None:
        yield Pool()
        return
    with dask_client(scheduler, workers or 2) as client:
        yield Pool(client)
