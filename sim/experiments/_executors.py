"""Where a sweep's chunks run: in this process, a local process pool, or a Dask cluster.

:func:`map_chunks` yields each chunk's rows as it finishes, whichever executor runs it; the
rows do not depend on the executor.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from sim.errors import SimError
from sim.scenario import Scenario

__all__ = [
    "SCHEDULER_TIMEOUT",
    "check_scheduler",
    "map_chunks",
]

Task = Callable[[Scenario, list[dict[str, Any]], int], list[dict[str, Any]]]


def map_chunks(
    fn: Task,
    scenario: Scenario,
    chunks: list[list[dict[str, Any]]],
    runs: int,
    workers: int | None,
    scheduler: str | None,
) -> Iterator[list[dict[str, Any]]]:
    """``fn(scenario, chunk, runs)`` for every chunk, in order of completion.

    In this process when ``workers == 1``; on a Dask cluster when ``scheduler`` is given;
    otherwise in a local process pool of ``workers`` (default: the number of cores).
    """
    if not chunks:
        return
    if scheduler is not None:
        yield from _dask(fn, scenario, chunks, runs, workers, scheduler)
    elif workers == 1 or len(chunks) == 1:
        for c in chunks:
            yield fn(scenario, c, runs)
    else:
        yield from _pool(fn, scenario, chunks, runs, workers)


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
    fn: Task,
    scenario: Scenario,
    chunks: list[list[dict[str, Any]]],
    runs: int,
    workers: int | None,
) -> Iterator[list[dict[str, Any]]]:
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker)
    try:
        pending: set[Future[list[dict[str, Any]]]] = {
            pool.submit(fn, scenario, c, runs) for c in chunks
        }
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
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


def _dask(
    fn: Task,
    scenario: Scenario,
    chunks: list[list[dict[str, Any]]],
    runs: int,
    workers: int | None,
    scheduler: str,
) -> Iterator[list[dict[str, Any]]]:
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
            dashboard_address=None,
        )
        client = dask.Client(cluster)
    else:
        check_scheduler(scheduler)
        client = dask.Client(scheduler, timeout=SCHEDULER_TIMEOUT)
    try:
        futures = [client.submit(fn, scenario, c, runs, pure=False) for c in chunks]
        try:
            for future in dask.as_completed(futures):
                yield future.result()
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
