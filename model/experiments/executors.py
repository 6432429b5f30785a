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


class WorkerLost(RuntimeError):
    """The worker process running a run died (killed, out of memory, crashed)."""


def _exit_with_parent(parent: int) -> None:
    """In a worker: end this process as soon as its parent is gone (a `kill -9` of the sweep
    must not leave workers running)."""
    import os
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


class LocalExecutor:
    """A pool of worker processes on this machine (spawned: no state leaks from the parent,
    and the start method Mesa sets at import does not matter).

    A worker that dies takes the pool down with every run in flight. The pool is rebuilt, and
    the runs that were in flight are rerun one at a time: those that finish are kept, the one
    whose worker dies again fails alone (`WorkerLost`), and the sweep goes on. Workers end with
    their parent, and `close` ends any still running."""

    def __init__(self, workers: int):
        self.workers = workers
        self.name = f"local pool of {workers} processes"
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        import os

        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )

    def _rebuild(self) -> None:
        self._stop_pool()
        self._pool = self._new_pool()

    def run(self, fn: Callable, tasks: Iterable) -> Iterator[tuple[Any, Any]]:
        from concurrent.futures.process import BrokenProcessPool

        # keep a bounded window of runs in flight so memory does not grow with the sweep
        pending: dict[Future, Any] = {}
        suspects: list[Any] = []  # in flight when a worker died: rerun one at a time
        queue = iter(tasks)
        window = 4 * self.workers
        while True:
            if suspects:
                task = suspects.pop(0)
                try:
                    yield task, self._pool.submit(fn, task).result()
                except BrokenProcessPool:
                    self._rebuild()
                    yield (
                        task,
                        WorkerLost(
                            f"the worker process running {getattr(task, 'run_id', task)} died "
                            "(killed, out of memory or crashed); the other runs went on"
                        ),
                    )
                except Exception as err:  # noqa: BLE001 - reported as the run's failure
                    yield task, err
                continue
            broken = False
            while len(pending) < window and not broken:
                task = next(queue, None)
                if task is None:
                    break
                try:
                    pending[self._pool.submit(fn, task)] = task
                except BrokenProcessPool:  # a worker died since the last wait
                    suspects.append(task)
                    broken = True
            if not pending and not broken:
                return
            done = wait(pending, return_when=FIRST_COMPLETED)[0] if pending else set()
            for future in done:
                task = pending.pop(future)
                error = future.exception()
                if isinstance(error, BrokenProcessPool):
                    broken = True
                    suspects.append(task)
                else:
                    yield task, error if error is not None else future.result()
            if broken:  # every run still in flight is lost with the pool: rerun them
                suspects.extend(pending.values())
                pending.clear()
                self._rebuild()

    def _stop_pool(self) -> None:
        processes = list((self._pool._processes or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)

    def close(self) -> None:
        self._stop_pool()


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
