"""Building blocks for API tests: an app on a fresh database, organisations, users and signed-in clients."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import MetaData
from sqlalchemy import select as select_core
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.app import create_app
from api.core.security import new_user
from api.services import booking
from models import problem as p
from models.enums import AssignmentStatus, Role
from models.store import save_problem
from models.tables import Organisation, Worker

PASSWORD = "correct horse battery"


def add_org(engine: Engine, ref: str) -> int:
    with Session(engine) as session:
        org = Organisation(ref=ref, name=ref.title())
        session.add(org)
        session.commit()
        assert org.id is not None
        return org.id


def add_user(engine: Engine, org_id: int, email: str, role: Role, worker_id: int | None = None) -> None:
    with Session(engine) as session:
        session.add(new_user(org_id, email, role, PASSWORD, worker_id=worker_id))
        session.commit()


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    r = client.post("/auth/token", data={"username": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def client_for(engine: Engine) -> TestClient:
    return TestClient(create_app(engine), raise_server_exceptions=False)


def two_pools(engine: Engine, oslo_user: tuple[str, Role], named: dict[str, list[str]]) -> tuple[TestClient, dict]:
    """Organisations oslo and bergen, each with a coordinator (coord@<org>.no) and the ``named`` regions and
    skills (``{"/regions": [...], "/skills": [...]}``); oslo also has ``oslo_user``. Signed-in headers by email."""
    oslo, bergen = add_org(engine, "oslo"), add_org(engine, "bergen")
    add_user(engine, oslo, "coord@oslo.no", Role.coordinator)
    add_user(engine, oslo, *oslo_user)
    add_user(engine, bergen, "coord@bergen.no", Role.coordinator)
    client = client_for(engine)
    who = {e: sign_in(client, e) for e in ("coord@oslo.no", oslo_user[0], "coord@bergen.no")}
    for coord in (who["coord@oslo.no"], who["coord@bergen.no"]):
        for path, refs in named.items():
            for ref in refs:
                r = client.post(path, json={"id": ref, "name": ref.title()}, headers=coord)
                assert r.status_code == 201, r.text
    return client, who


def store_pool(
    engine: Engine, prob: p.Problem, assignments: list[tuple[str, str, AssignmentStatus]]
) -> tuple[int, dict[str, int]]:
    """Store ``prob`` with these (worker, item, status) assignments as organisation oslo: its key, and
    the workers' keys by id."""
    rows = [p.Assignment(worker_id=w, item_id=i, status=s) for w, i, s in assignments]
    with Session(engine) as session:
        org = save_problem(session, prob.model_copy(update={"assignments": rows}), "oslo")
        session.commit()
        assert org.id is not None
        return org.id, {w.ref: w.id for w in session.exec(select(Worker)) if w.id is not None}


def contents(engine: Engine, *skip: str) -> dict[str, list[tuple]]:
    """Every row of every table (but ``skip``), for 'a refused request changed nothing' checks. Sign-in
    tokens are skipped by default: signing in is a change of its own."""
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name in {"accesstoken", "alembic_version", *skip}:
                continue
            out[name] = sorted((tuple(map(repr, row)) for row in conn.execute(select_core(table))), key=str)
    return out


def race(calls: list[Callable[[], int]]) -> Counter[int]:
    """Run the calls at once, each in its own thread, with the window between a write's checks and its
    write widened (``booking.BEFORE_WRITE``); the status codes they answered."""
    barrier = threading.Barrier(len(calls), timeout=30)
    codes: list[int] = []

    def go(call: Callable[[], int]) -> None:
        barrier.wait()
        codes.append(call())

    threads = [threading.Thread(target=go, args=(call,)) for call in calls]
    booking.BEFORE_WRITE = lambda: time.sleep(0.05)
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=120)
    finally:
        booking.BEFORE_WRITE = None
    return Counter(codes)
