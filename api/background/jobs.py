"""The job runner: takes solve jobs from the database one at a time and runs them through an
``Executor`` (a process pool by default; a distributed backend later), writing progress as it goes.

State lives in the database, not here, so several servers can share one database:
- A job is claimed with a **lease**: a conditional UPDATE sets the runner's id and ``lease_until``;
  the runner renews the lease every few seconds while the search runs. Another server takes a running
  job over only once its lease has expired (its server died), and then runs it from the start.
- Whichever server runs a job sees a cancel made through any server: the lease renewal finds the job no
  longer running and stops the search; its roster is discarded.
- One queue serves every tenant fairly: an organisation has at most one job running while others wait
  (claims lock the organisation's row to decide), organisations take turns (the one served longest ago
  first), and each may have at most ``services.solve_jobs.MAX_QUEUED`` jobs waiting.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.services.booking import lock_rows
from api.services.solve_results import summarise
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
TRACE = 400  # points of the course kept for the live chart
LEASE = dt.timedelta(seconds=30)  # a runner silent this long is taken for dead
RENEW_EVERY = 5.0  # seconds between lease renewals (and checks for a cancel)


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
        self.runner_id = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._make_executor = executor
        self._executor: Executor | None = None
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self._current: tuple[int, Future[Solution]] | None = None

    def start(self) -> None:
        self._executor = self._make_executor()
        self._thread = threading.Thread(target=self._loop, name="bemanna-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop taking jobs; a running job is stopped and queued again, for any server to run."""
        self._halt.set()
        current = self._current
        if current is not None and self._executor is not None:
            self._executor.stop(current[1])
        if self._thread is not None:
            self._thread.join(timeout=60)
        if self._executor is not None:
            self._executor.shutdown()

    def cancel(self, job_id: int) -> None:
        """Stop the search of a running job now, if it runs here (its state is set to cancelled by the
        caller; a job running on another server stops at that server's next lease renewal)."""
        current = self._current
        if current is not None and current[0] == job_id and self._executor is not None:
            self._executor.stop(current[1])

    def _loop(self) -> None:
        while not self._halt.is_set():
            try:
                job_id = self._claim()
            except Exception as e:  # a database hiccup must not end the runner
                log.error("claiming a solve job failed: %s", type(e).__name__)
                job_id = None
            if job_id is None:
                self._halt.wait(self.poll_seconds)
                continue
            try:
                self._run(job_id)
            except Exception as e:  # a job's failure must never stop the runner
                log.error("solve job %s failed: %s", job_id, type(e).__name__)
                self._finish(job_id, JobState.failed, f"internal error in the solve ({type(e).__name__})")

    def _claim(self) -> int | None:
        """Claim the next job fairly: among organisations with nothing running (an expired lease counts
        as nothing), the one served longest ago; its oldest waiting job. Returns its id."""
        now = _now()
        with Session(self.engine) as session:
            expired = (col(t.SolveJob.state) == JobState.running) & (
                col(t.SolveJob.lease_until).is_(None) | (col(t.SolveJob.lease_until) < now)
            )
            claimable = (col(t.SolveJob.state) == JobState.queued) | expired
            live = (col(t.SolveJob.state) == JobState.running) & (col(t.SolveJob.lease_until) >= now)
            busy = select(t.SolveJob.organisation_id).where(live)
            served = (
                select(t.SolveJob.organisation_id, func.max(t.SolveJob.started_at).label("last"))
                .group_by(col(t.SolveJob.organisation_id))
                .subquery()
            )
            picked = session.exec(
                select(t.SolveJob.id, t.SolveJob.organisation_id)
                .outerjoin(served, served.c.organisation_id == t.SolveJob.organisation_id)
                .where(claimable, col(t.SolveJob.organisation_id).not_in(busy))
                .order_by(served.c.last.is_not(None), served.c.last, col(t.SolveJob.created_at), col(t.SolveJob.id))
                .limit(1)
            ).first()
            if picked is None:
                return None
            job_id, organisation_id = picked
            session.rollback()  # lock from a fresh transaction (SQLite cannot upgrade a reading one)
            lock_rows(session, t.Organisation, [organisation_id])  # one claim per organisation at a time
            if session.exec(select(t.SolveJob.id).where(live, t.SolveJob.organisation_id == organisation_id)).first():
                session.rollback()
                return None  # another server claimed this organisation's job a moment ago
            claimed = session.execute(
                update(t.SolveJob)
                .where(col(t.SolveJob.id) == job_id, claimable)
                .values(
                    state=JobState.running,
                    started_at=now,
                    message="",
                    runner=self.runner_id,
                    lease_until=now + LEASE,
                    phase="",
                    trace=[],
                    result={},
                )
            )
            session.commit()
            return job_id if claimed.rowcount == 1 else None  # type: ignore[attr-defined]

    def _ours(self, job_id: int) -> tuple[Any, ...]:
        """The job, while it runs here: not cancelled, finished or taken over meanwhile."""
        return (
            col(t.SolveJob.id) == job_id,
            col(t.SolveJob.state) == JobState.running,
            col(t.SolveJob.runner) == self.runner_id,
        )

    def _renew(self, job_id: int) -> bool:
        """Extend this runner's lease on the job; False if it is no longer ours to run (cancelled,
        finished, or taken over after our lease ran out)."""
        with Session(self.engine) as session:
            renewed = session.execute(update(t.SolveJob).where(*self._ours(job_id)).values(lease_until=_now() + LEASE))
            session.commit()
            return renewed.rowcount == 1  # type: ignore[attr-defined]

    def _wait(self, job_id: int, future: Future[Solution]) -> Solution:
        """The solve's result, renewing the lease meanwhile; a cancel seen in the database (made through
        any server) stops the search."""
        assert self._executor is not None
        while True:
            try:
                return future.result(timeout=RENEW_EVERY)
            except FutureTimeout:
                pass
            try:
                ours = self._renew(job_id)
            except Exception as e:  # the database is away for a moment: keep searching, try again
                log.error("renewing the lease of solve job %s failed: %s", job_id, type(e).__name__)
                continue
            if not ours:
                self._executor.stop(future)

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
            solution = self._wait(job_id, future)
        except KeptAssignmentsInfeasible as e:
            self._finish(job_id, JobState.failed, str(e) + note)
            return
        finally:
            self._current = None
        if self._halt.is_set():  # stopped by a shutdown, not a cancel: any server runs it again
            self._finish(job_id, JobState.queued, "queued again: the server running it stopped")
            return
        if solution.status in (SolveStatus.unknown, SolveStatus.infeasible):
            self._finish(job_id, JobState.failed, solution.message + note)
            return
        with Session(self.engine) as session:
            done = session.execute(
                update(t.SolveJob)
                .where(*self._ours(job_id))
                .values(
                    state=JobState.succeeded,
                    lease_until=None,
                    finished_at=_now(),
                    objective=solution.objective,
                    bound=solution.best_bound
                    if solution.best_bound is not None and math.isfinite(solution.best_bound)
                    else None,
                    assignments=len(solution.assignments),
                    unfilled_places=sum(u.missing for u in solution.unfilled),
                    message=f"{len(solution.assignments)} proposed assignments; {solution.message}{note}",
                    phase="",
                    result=summarise(part, solution),
                )
            )
            if done.rowcount == 1:  # type: ignore[attr-defined]
                save_solution(session, ref, solution, items)
            session.commit()

    def _finish(self, job_id: int, state: JobState, message: str) -> None:
        """Set a final state (or queue it again), unless the job was cancelled or taken over meanwhile."""
        with Session(self.engine) as session:
            session.execute(
                update(t.SolveJob)
                .where(*self._ours(job_id))
                .values(
                    state=state,
                    message=message,
                    finished_at=None if state == JobState.queued else _now(),
                    lease_until=None,
                    **({"runner": None, "started_at": None} if state == JobState.queued else {}),
                )
            )
            session.commit()

    def _progress(self, job_id: int) -> Callable[[Progress], None]:
        last = [0.0]
        trace: list[dict[str, Any]] = []  # the course so far, for the live chart (at most TRACE points)

        def write(p: Progress) -> None:
            if time.monotonic() - last[0] < PROGRESS_EVERY:
                return
            last[0] = time.monotonic()
            trace.append(
                {
                    "seconds": round(p.seconds, 1),
                    "phase": p.phase,
                    "objective": round(p.objective) if math.isfinite(p.objective) else None,
                    "bound": p.bound if math.isfinite(p.bound) else None,
                    **(
                        {"filled": p.course.filled, "km": p.course.km, "nok": p.course.nok}
                        if p.course is not None
                        else {}
                    ),
                }
            )
            if len(trace) > TRACE:
                del trace[1:-1:2]  # every other point but the first and the last: the shape stays
            with Session(self.engine) as session:
                session.execute(
                    update(t.SolveJob)
                    .where(col(t.SolveJob.id) == job_id, col(t.SolveJob.state) == JobState.running)
                    .values(
                        objective=round(p.objective) if math.isfinite(p.objective) else None,
                        bound=p.bound if math.isfinite(p.bound) else None,
                        progress_seconds=round(p.seconds, 1),
                        phase=p.phase[:32],
                        trace=list(trace),
                    )
                )
                session.commit()

        return write
