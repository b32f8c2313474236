"""Where a run's or a sweep's tasks run: in this process, a local process pool, or a Dask
cluster.

:func:`map_tasks` yields each task's result as it finishes, with the task's index, whichever
executor runs it; :func:`map_chunks` is a sweep's form of it. The results do not depend on the
executor: every task is a pure function of its arguments.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, TypeVar

from sim.errors import SimError
from sim.scenario import Scenario

__all__ = [
    "SCHEDULER_TIMEOUT",
    "check_scheduler",
    "dask_client",
    "map_chunks",
    "map_tasks",
]

Task = Callable[[Scenario, list[dict[str, Any]], int], list[dict[str, Any]]]
R = TypeVar("R")


def map_chunks(
    fn: Task,
    scenario: Scenario,
    chunks: list[list[dict[str, Any]]],
    runs: int,
    workers: int | None,
    scheduler: str | None,
) -> Iterator[list[dict[str, Any]]]:
    """``fn(scenario, chunk, runs)`` for every chunk (a sweep's points), in order of
    completion (see :func:`map_tasks`)."""
    tasks = [(scenario, c, runs) for c in chunks]
    for _, rows in map_tasks(fn, tasks, workers, scheduler):
        yield rows


def map_tasks(
    fn: Callable[..., R],
    tasks: Sequence[tuple[Any, ...]],
    workers: int | None,
    scheduler: str | None,
) -> Iterator[tuple[int, R]]:
    """``(i, fn(*tasks[i]))`` for every task, in order of completion.

    In this process when ``workers == 1`` (or there is one task); on a Dask cluster when
    ``scheduler`` is given (``"local"``: a ``LocalCluster`` of ``workers`` processes);
    otherwise in a local process pool of ``workers`` (default: the number of cores).
    """
    if not tasks:
        return
    if scheduler is not None:
        yield from _dask(fn, tasks, workers, scheduler)
    elif workers == 1 or len(tasks) == 1:
        for i, task in enumerate(tasks):
            yield i, fn(*task)
    else:
        yield from _pool(fn, tasks, workers)


#: Seconds between a pool worker's checks that its parent is still alive.
PARENT_CHECK_SECONDS = 0.5


def check_scheduler(scheduler: str | None) -> None:
    """That ``scheduler`` is ``None``, ``"local"`` or a Dask address (``tcp://HOST:PORT``)."""
    if scheduler is None or scheduler == "local":
        return
    if not re.fullmatch(r"(tcp|tls|inproc|ucx)://[^\s/]+(:\d+)?/?", scheduler):
        raise SimError(f"scheduler {scheduler!r}: expected tcp://HOST:PORT or 'local'")


def _quiet_worker() -> None:
    """Workers leave Ctrl-C and SIGTERM to the parent, which stops them, and exit when the
    parent dies (after a kill -9 nothing else would stop them)."""
    import os
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)  # the parent is gone: reparented to init or a subreaper

    threading.Thread(target=watch, name="negsim-parent-watch", daemon=True).start()


def _pool(
    fn: Callable[..., R], tasks: Sequence[tuple[Any, ...]], workers: int | None
) -> Iterator[tuple[int, R]]:
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker)
    try:
        index: dict[Future[R], int] = {pool.submit(fn, *t): i for i, t in enumerate(tasks)}
        pending = set(index)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield index[future], future.result()
    except BaseException:
        # Python 3.11 has no public way to stop busy workers (3.14 adds terminate_workers);
        # without this, the interpreter would wait at exit for the points they are on.
        # Stop them first, then wait for the pool's manager thread to see them gone: a
        # shutdown that does not wait races that thread closing its pipes, and the race
        # prints an OSError traceback at exit.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


#: Seconds to wait for a Dask scheduler before giving up with one line.
SCHEDULER_TIMEOUT = 10


@contextmanager
def dask_client(scheduler: str, workers: int | None = None) -> Iterator[Any]:
    """A Dask client: on a ``LocalCluster`` of ``workers`` processes (bound to 127.0.0.1, no
    dashboard port to collide on) for ``"local"``, else on the scheduler at ``scheduler``."""
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise SimError("a Dask scheduler needs Dask: pip install 'negsim[dask]'") from exc
    dask: Any = distributed  # untyped library
    cluster = None
    if scheduler == "local":
        from os import cpu_count

        cluster = dask.LocalCluster(
            n_workers=workers or cpu_count() or 1,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=":0",
        )
        client = dask.Client(cluster)
    else:
        check_scheduler(scheduler)
        client = dask.Client(scheduler, timeout=SCHEDULER_TIMEOUT)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask(
    fn: Callable[..., R], tasks: Sequence[tuple[Any, ...]], workers: int | None, scheduler: str
) -> Iterator[tuple[int, R]]:
    import distributed

    dask: Any = distributed  # untyped library
    with dask_client(scheduler, workers) as client:
        futures = [client.submit(fn, *t, pure=False) for t in tasks]
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for future in dask.as_completed(futures):
                yield index[future.key], future.result()
        except BaseException:
            client.cancel(futures)
            raise
