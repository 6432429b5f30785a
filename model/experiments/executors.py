"""Where runs execute: in this process, on a local process pool, or on a Dask cluster.

Each executor takes a picklable function and tasks and yields `(task, result or exception)` as
runs finish, in whatever order they finish; the sweep writes each result as it arrives.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from model.scenario.inputs import InputError


class SchedulerError(InputError):
    """A Dask scheduler that cannot be reached."""


class InProcessExecutor:
    """One run after another in this process (workers = 1; notebooks; debugging)."""

    name = "in-process"

    def run(self, fn: Callable, tasks: Iterable) -> Iterator[tuple[Any, Any]]:
        for task in tasks:
            try:
                yield task, fn(task)
            except Exception as err:  # noqa: BLE001 - reported as the run's failure
                yield task, err

    def close(self) -> None:
        pass


class LocalExecutor:
    """A pool of worker processes on this machine (spawned: no state leaks from the parent,
    and the start method Mesa sets at import does not matter)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.name = f"local pool of {workers} processes"
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")
        )

    def run(self, fn: Callable, tasks: Iterable) -> Iterator[tuple[Any, Any]]:
        # keep a bounded window of runs in flight so memory does not grow with the sweep
        pending: dict[Future, Any] = {}
        queue = iter(tasks)
        window = 4 * self.workers
        while True:
            while len(pending) < window:
                task = next(queue, None)
                if task is None:
                    break
                pending[self._pool.submit(fn, task)] = task
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                task = pending.pop(future)
                try:
                    yield task, future.result()
                except Exception as err:  # noqa: BLE001 - a dead worker fails its run only
                    yield task, err

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class DaskExecutor:
    """Runs on a Dask distributed cluster, given its scheduler address."""

    def __init__(self, address: str, timeout_seconds: float = 10.0):
        from distributed import Client

        try:
            self._client = Client(address, timeout=f"{timeout_seconds}s")
        except (OSError, TimeoutError, ValueError) as err:
            raise SchedulerError(
                f"No Dask scheduler answered at {address!r} within {timeout_seconds:.0f} s "
                f"({type(err).__name__}: {err}). Start one (`dask scheduler`, or a "
                "dask-jobqueue cluster) and pass its address, e.g. tcp://127.0.0.1:8786; "
                "nothing has been run."
            ) from None
        workers = len(self._client.scheduler_info().get("workers", {}))
        self.name = f"Dask cluster at {address} ({workers} workers)"

    def run(self, fn: Callable, tasks: Iterable) -> Iterator[tuple[Any, Any]]:
        from distributed import as_completed

        tasks = list(tasks)
        if not tasks:
            return
        futures = {self._client.submit(fn, task, pure=False): task for task in tasks}
        for future in as_completed(futures):
            task = futures.pop(future)
            try:
                yield task, future.result()
            except Exception as err:  # noqa: BLE001 - a lost worker fails its run only
                yield task, err
            future.release()

    def close(self) -> None:
        self._client.close()


def make_executor(workers: int | None, scheduler: str | None):
    if scheduler:
        return DaskExecutor(scheduler)
    workers = workers or multiprocessing.cpu_count()
    return InProcessExecutor() if workers == 1 else LocalExecutor(workers)
