"""The job runner: takes queued solve jobs from the database one at a time and runs them through an
``Executor`` (a process pool by default; a distributed backend later), writing progress as it goes.

State lives in the database, not here: a job is claimed with a conditional UPDATE (queued -> running),
so two runners never take the same job; after a crash or restart, jobs left running are queued again
and run from the start. A cancelled job's search is stopped and its roster discarded.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import tables as t
from models.enums import JobState
from models.solution import Solution, SolveStatus
from models.store import load_snapshot, save_solution
from models.window import window
from models.work_items import item_ids
from solver.executor import Executor, ProcessExecutor
from solver.solve import KeptAssignmentsInfeasible, Progress, SolveOptions

log = logging.getLogger("bemanna.jobs")

PROGRESS_EVERY = 1.0  # seconds between progress writes


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _skipped_note(skipped: list[str], shown: int = 5) -> str:
    """The stored rows a solve left out because they break a rule, named, for the job's message."""
    if not skipped:
        return ""
    more = f"; and {len(skipped) - shown} more" if len(skipped) > shown else ""
    return f". Left out {len(skipped)} stored row(s) that break a rule: {'; '.join(skipped[:shown])}{more}"


class JobRunner:
    def __init__(
        self,
        engine: Engine,
        executor: Callable[[], Executor] = ProcessExecutor,
        poll_seconds: float = 0.5,
        workers: int = 2,
    ) -> None:
        self.engine, self.poll_seconds, self.workers = engine, poll_seconds, workers
        self._make_executor = executor
        self._executor: Executor | None = None
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self._current: tuple[int, Future[Solution]] | None = None

    def start(self) -> None:
        self.recover()
        self._executor = self._make_executor()
        self._thread = threading.Thread(target=self._loop, name="bemanna-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop taking jobs; a running job is stopped and queued again, to run after the next start."""
        self._halt.set()
        current = self._current
        if current is not None and self._executor is not None:
            self._executor.stop(current[1])
        if self._thread is not None:
            self._thread.join(timeout=60)
        if self._executor is not None:
            self._executor.shutdown()

    def recover(self) -> int:
        """Queue again the jobs a stopped server left running. Returns how many."""
        with Session(self.engine) as session:
            result = session.execute(
                update(t.SolveJob)
                .where(col(t.SolveJob.state) == JobState.running)
                .values(state=JobState.queued, message="resumed after a server restart", started_at=None)
            )
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

    def cancel(self, job_id: int) -> None:
        """Stop the search of a running job (its state is set to cancelled by the caller)."""
        current = self._current
        if current is not None and current[0] == job_id and self._executor is not None:
            self._executor.stop(current[1])

    def _loop(self) -> None:
        while not self._halt.is_set():
            job_id = self._claim()
            if job_id is None:
                self._halt.wait(self.poll_seconds)
                continue
            try:
                self._run(job_id)
            except Exception as e:  # a job's failure must never stop the runner
                log.error("solve job %s failed: %s", job_id, type(e).__name__)
                self._finish(job_id, JobState.failed, f"internal error in the solve ({type(e).__name__})")

    def _claim(self) -> int | None:
        with Session(self.engine) as session:
            job_id = session.exec(
                select(t.SolveJob.id)
                .where(t.SolveJob.state == JobState.queued)
                .order_by(col(t.SolveJob.created_at), col(t.SolveJob.id))
            ).first()
            if job_id is None:
                return None
            claimed = session.execute(
                update(t.SolveJob)
                .where(col(t.SolveJob.id) == job_id, col(t.SolveJob.state) == JobState.queued)
                .values(state=JobState.running, started_at=_now(), message="")
            )
            session.commit()
            return job_id if claimed.rowcount == 1 else None  # type: ignore[attr-defined]

    def _run(self, job_id: int) -> None:
        with Session(self.engine) as session:
            job = session.get(t.SolveJob, job_id)
            assert job is not None
            org = session.get(t.Organisation, job.organisation_id)
            assert org is not None
            ref, time_limit = org.ref, job.time_limit
            loaded = load_snapshot(session, ref)
            part = window(loaded.problem, job.first_day, job.last_day, set(job.regions) or None)
        note = _skipped_note(loaded.skipped)
        items = item_ids(part)
        if not items:
            self._finish(job_id, JobState.succeeded, "nothing to plan: no shifts or job days in the window" + note)
            return
        assert self._executor is not None
        future = self._executor.submit(
            part, SolveOptions(time_limit=time_limit, workers=self.workers), self._progress(job_id)
        )
        self._current = (job_id, future)
        try:
            solution = future.result()
        except KeptAssignmentsInfeasible as e:
            self._finish(job_id, JobState.failed, str(e) + note)
            return
        finally:
            self._current = None
        if self._halt.is_set():  # stopped by a shutdown, not a cancel: run it again after the restart
            self._finish(job_id, JobState.queued, "resumed after a server restart")
            return
        if solution.status in (SolveStatus.unknown, SolveStatus.infeasible):
            self._finish(job_id, JobState.failed, solution.message + note)
            return
        with Session(self.engine) as session:
            done = session.execute(
                update(t.SolveJob)
                .where(col(t.SolveJob.id) == job_id, col(t.SolveJob.state) == JobState.running)
                .values(
                    state=JobState.succeeded,
                    finished_at=_now(),
                    objective=solution.objective,
                    bound=solution.best_bound
                    if solution.best_bound is not None and math.isfinite(solution.best_bound)
                    else None,
                    assignments=len(solution.assignments),
                    unfilled_places=sum(u.missing for u in solution.unfilled),
                    message=f"{solution.status.value}: {len(solution.assignments)} proposed assignments{note}",
                )
            )
            if done.rowcount == 1:  # type: ignore[attr-defined]
                save_solution(session, ref, solution, items)
            session.commit()

    def _finish(self, job_id: int, state: JobState, message: str) -> None:
        """Set a final state, unless the job was cancelled meanwhile."""
        with Session(self.engine) as session:
            session.execute(
                update(t.SolveJob)
                .where(col(t.SolveJob.id) == job_id, col(t.SolveJob.state) == JobState.running)
                .values(state=state, message=message, finished_at=None if state == JobState.queued else _now())
            )
            session.commit()

    def _progress(self, job_id: int) -> Callable[[Progress], None]:
        last = [0.0]

        def write(p: Progress) -> None:
            if time.monotonic() - last[0] < PROGRESS_EVERY:
                return
            last[0] = time.monotonic()
            with Session(self.engine) as session:
                session.execute(
                    update(t.SolveJob)
                    .where(col(t.SolveJob.id) == job_id, col(t.SolveJob.state) == JobState.running)
                    .values(
                        objective=round(p.objective) if math.isfinite(p.objective) else None,
                        bound=p.bound if math.isfinite(p.bound) else None,
                        progress_seconds=round(p.seconds, 1),
                    )
                )
                session.commit()

        return write
