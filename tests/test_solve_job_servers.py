"""Solve jobs when several servers share one database: a job is run by one server under a lease the
server renews; only an expired lease is taken over; a cancel made through any server stops the search;
organisations take turns and each may queue only a few jobs; and solver processes end with their
server, even one killed with SIGKILL (issue 20: solve jobs across servers)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.app import create_app
from api.background.jobs import LEASE, JobRunner
from api.services.solve_jobs import MAX_QUEUED
from models import tables as t
from models.enums import JobState
from tests.api_helpers import client_for, sign_in
from tests.test_api_solve_jobs import WINDOW, big_pool, pool, wait_for


def job_row(engine: Engine, job_id: int) -> t.SolveJob:
    with Session(engine) as session:
        row = session.get(t.SolveJob, job_id)
        assert row is not None
        return row


def queued(engine: Engine, org: str, n: int = 1) -> list[int]:
    with Session(engine) as session:
        oid = session.exec(select(t.Organisation.id).where(t.Organisation.ref == org)).one()
        rows = [
            t.SolveJob(organisation_id=oid, first_day=dt.date(2027, 6, 14), last_day=dt.date(2027, 6, 15))
            for _ in range(n)
        ]
        session.add_all(rows)
        session.commit()
        return [r.id for r in rows if r.id is not None]


def set_state(engine: Engine, job_id: int, **values: object) -> None:
    with Session(engine) as session:
        row = session.get(t.SolveJob, job_id)
        assert row is not None
        for k, v in values.items():
            setattr(row, k, v)
        session.add(row)
        session.commit()


def test_a_live_lease_is_never_taken_over_an_expired_one_is(engine: Engine) -> None:
    pool(engine)
    [job] = queued(engine, "oslo")
    now = dt.datetime.now(dt.UTC)
    set_state(engine, job, state=JobState.running, runner="other-server", lease_until=now + LEASE)
    second = JobRunner(engine)  # not started: its claims are called directly
    assert second._claim() is None
    set_state(engine, job, lease_until=now - dt.timedelta(seconds=1))  # the other server died
    assert second._claim() == job
    row = job_row(engine, job)
    assert row.runner == second.runner_id and row.lease_until is not None and row.state == JobState.running


def test_organisations_take_turns_and_one_runs_at_a_time(engine: Engine) -> None:
    pool(engine)  # oslo; bergen exists too
    a = queued(engine, "oslo", 3)
    b = queued(engine, "bergen", 1)
    runner = JobRunner(engine)
    assert runner._claim() == a[0]
    assert runner._claim() == b[0]  # oslo has one running: bergen's job does not wait behind oslo's queue
    assert runner._claim() is None  # both busy
    set_state(engine, a[0], state=JobState.succeeded, lease_until=None)
    assert runner._claim() == a[1]


def test_an_organisation_may_queue_only_a_few_jobs(engine: Engine) -> None:
    pool(engine)
    client = client_for(engine)  # no runner: jobs stay queued
    coord = sign_in(client, "coord@oslo.no")
    codes = [client.post("/solve-jobs", json=WINDOW, headers=coord).status_code for _ in range(MAX_QUEUED + 1)]
    assert codes == [202] * MAX_QUEUED + [429]
    bergen = sign_in(client, "coord@bergen.no")
    assert client.post("/solve-jobs", json=WINDOW, headers=bergen).status_code == 202  # per organisation


def test_a_second_server_does_not_rerun_a_job_and_a_cancel_through_it_stops_the_search(engine: Engine) -> None:
    big = big_pool(engine)
    days = {"from": big.shifts[0].start.date().isoformat(), "to": big.shifts[-1].start.date().isoformat()}
    with TestClient(create_app(engine, runner=JobRunner(engine, poll_seconds=0.1))) as one:
        coord = sign_in(one, "coord@oslo.no")
        job_id = one.post("/solve-jobs", json={**days, "time_limit": 300}, headers=coord).json()["id"]
        deadline = time.monotonic() + 120
        while job_row(engine, job_id).state != JobState.running:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        first_runner = job_row(engine, job_id).runner
        with TestClient(create_app(engine, runner=JobRunner(engine, poll_seconds=0.1))) as two:
            time.sleep(2)  # the second server is up and polling
            assert job_row(engine, job_id).runner == first_runner  # not taken over, not re-run
            started = time.monotonic()
            r = two.post(f"/solve-jobs/{job_id}/cancel", headers=coord)
            assert r.status_code == 200 and r.json()["state"] == "cancelled", (r.text, job_row(engine, job_id))
            follow = two.post("/solve-jobs", json={**days, "time_limit": 1}, headers=coord).json()
            done = wait_for(two, coord, follow["id"], {"succeeded", "failed"})
            assert time.monotonic() - started < 60  # the first server stopped its 300 s search
    assert done["state"] == "succeeded"
    assert job_row(engine, job_id).state == JobState.cancelled


CHILD = textwrap.dedent(
    """
    import sys, time, multiprocessing
    from models.generator import GeneratorConfig, generate
    from solver.executor import ProcessExecutor
    from solver.solve import SolveOptions

    if __name__ == "__main__":
        executor = ProcessExecutor()
        problem = generate(GeneratorConfig(seed=3, workers=150, farms=4, days=7))
        executor.submit(problem, SolveOptions(time_limit=300, workers=1), lambda p: None)
        time.sleep(3)
        print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
        time.sleep(300)
    """
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state  # a zombie has ended; only its exit status is left


def test_solver_processes_end_when_their_server_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "server.py"
    script.write_text(CHILD)
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        assert server.stdout is not None
        children = [int(p) for p in server.stdout.readline().split()]
        assert len(children) >= 2 and all(_alive(p) for p in children)  # a solver process and the manager
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(p) for p in children), "solver processes outlived their server"
    finally:
        if server.poll() is None:
            server.kill()
