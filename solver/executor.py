"""Where solves run. The API and CLI submit work here instead of calling ``solve`` directly.

``ProcessExecutor`` (the default) runs each solve in a worker process of this machine, so a long
search never blocks a web server's event loop and a crash in native code cannot take the caller down.
A distributed backend (e.g. Ray) implements the same ``Executor`` protocol when one machine is not
enough; nothing else needs to change.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.managers import SyncManager
from typing import Any, Protocol

from models.problem import Problem
from models.solution import Solution
from solver.solve import Progress, ProgressFn, SolveOptions, solve


class Executor(Protocol):
    def submit(self, problem: Problem, options: SolveOptions, progress: ProgressFn | None = None) -> Future[Solution]:
        """Start a solve; progress events are delivered in the caller's process, from a helper thread."""
        ...

    def stop(self, future: Future[Solution]) -> None:
        """Ask a running solve to end now; its future then resolves with the best roster found so far."""
        ...

    def shutdown(self) -> None: ...


def _die_with_parent(parent: int) -> None:
    """In a solver process: end it as soon as the process that started it is gone (a server killed with
    SIGKILL cannot stop its pool), so no search goes on for nobody."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="bemanna-parent-watch", daemon=True).start()


def _solve_in_worker(problem_json: str, options: SolveOptions, events: Any, stop_event: Any) -> str:
    def forward(p: Progress) -> None:
        if events is not None:
            events.put(p)

    problem = Problem.model_validate_json(problem_json)
    solution = solve(problem, options, forward if events is not None else None, stop_event.is_set)
    return solution.model_dump_json()


class ProcessExecutor:
    """A pool of solver processes (spawned, so no state leaks from the parent), which end when the
    parent does."""

    def __init__(self, max_workers: int = 1) -> None:
        self._ctx = mp.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            max_workers=max_workers, mp_context=self._ctx, initializer=_die_with_parent, initargs=(os.getpid(),)
        )
        self._manager: Any = None
        self._stops: dict[int, Any] = {}  # id(result future) -> the worker's stop event

    def submit(self, problem: Problem, options: SolveOptions, progress: ProgressFn | None = None) -> Future[Solution]:
        if self._manager is None:
            self._manager = SyncManager(ctx=self._ctx)
            self._manager.start(_die_with_parent, (os.getpid(),))
        events = self._manager.Queue() if progress is not None else None
        stop_event = self._manager.Event()
        raw = self._pool.submit(_solve_in_worker, problem.model_dump_json(), options, events, stop_event)
        result: Future[Solution] = Future()
        self._stops[id(result)] = stop_event

        def pump() -> None:
            while not raw.done() or (events is not None and not events.empty()):
                try:
                    event = events.get(timeout=0.1) if events is not None else None
                except queue.Empty:
                    continue
                if event is not None and progress is not None:
                    progress(event)

        def finish(done: Future[str]) -> None:
            if events is not None:
                pump_thread.join()
            self._stops.pop(id(result), None)
            error = done.exception()
            if error is not None:
                result.set_exception(error)
            else:
                result.set_result(Solution.model_validate_json(done.result()))

        pump_thread = threading.Thread(target=pump, daemon=True)
        if events is not None:
            pump_thread.start()
        raw.add_done_callback(finish)
        return result

    def stop(self, future: Future[Solution]) -> None:
        stop_event = self._stops.get(id(future))
        if stop_event is not None:
            stop_event.set()

    def shutdown(self) -> None:
        for stop_event in list(self._stops.values()):
            stop_event.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._manager is not None:
            self._manager.shutdown()
