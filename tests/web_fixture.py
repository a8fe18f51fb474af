"""A small pool for the page and browser tests, dated from today so offers are open and hours fall in
this month, and a live server for a real browser (uvicorn on a loopback port, in a thread)."""

from __future__ import annotations

import datetime as dt
import functools
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.app import create_app
from api.core.security import hash_password
from models import problem as p
from models import tables as t
from models.enums import AssignmentStatus, Role
from models.store import save_problem
from tests.api_helpers import PASSWORD

OSLO = ZoneInfo("Europe/Oslo")
ACCOUNTS = {
    "coordinator": "coord@oslo.no",
    "manager": "manager@oslo.no",
    "farmer": "farmer@oslo.no",
    "worker": "ada@oslo.no",
}


def local(days: int, hour: float) -> str:
    """A local wall-clock time ``days`` from today."""
    day = dt.datetime.now(OSLO).date() + dt.timedelta(days=days)
    return (dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hour)).isoformat()


def web_problem() -> p.Problem:
    """Lia nursing home with two day shifts: tomorrow's needs two people (ada has an offer), the next
    day's one (ada accepted it); Berg farm, and workers ada and bo."""
    home = {"home_lat": 63.43, "home_lon": 10.39, "region_id": "centre", "always_available": True}
    return p.Problem.model_validate(
        {
            "name": "Oslo pool",
            "skills": [{"id": "nurse", "name": "Nurse"}, {"id": "picker", "name": "Berry picker"}],
            "regions": [{"id": "centre", "name": "Centre"}],
            "sites": [
                {
                    "id": "lia",
                    "name": "Lia sykehjem",
                    "address": "Liavegen 1, Oslo",
                    "lat": 63.43,
                    "lon": 10.39,
                    "region_id": "centre",
                },
                {"id": "sentrum", "name": "Sentrum legesenter", "lat": 63.44, "lon": 10.40, "region_id": "centre"},
            ],
            "farms": [{"id": "berg", "name": "Berg gård", "lat": 63.45, "lon": 10.41, "region_id": "centre"}],
            "workers": [
                {
                    "id": "ada",
                    "name": "Ada Lund",
                    "kind": "health",
                    "hourly_rate": 300,
                    **home,
                    "qualifications": [{"skill": "nurse", "approved": True}],
                },
                {
                    "id": "bo",
                    "name": "Bo Berg",
                    "kind": "health",
                    **home,
                    "qualifications": [{"skill": "nurse", "approved": True}],
                },
            ],
            "shifts": [
                {
                    "id": "day1",
                    "site_id": "lia",
                    "title": "Day shift",
                    "start": local(1, 8),
                    "end": local(1, 15.5),
                    "headcount": 2,
                    "required_skills": ["nurse"],
                },
                {
                    "id": "day2",
                    "site_id": "lia",
                    "title": "Day shift",
                    "start": local(2, 8),
                    "end": local(2, 15.5),
                    "required_skills": ["nurse"],
                },
            ],
            "assignments": [
                {"worker_id": "ada", "item_id": "day1", "status": "offered"},
                {"worker_id": "ada", "item_id": "day2", "status": "accepted"},
            ],
        }
    )


@functools.cache
def _hashed() -> str:
    """``PASSWORD`` hashed once per test process: Argon2 is slow on purpose, the accounts need not be."""
    return hash_password(PASSWORD)


def _account(org: int, email: str, role: Role | str, name: str = "", worker_id: int | None = None) -> t.User:
    return t.User(
        organisation_id=org, email=email, name=name, role=Role(role), worker_id=worker_id, password_hash=_hashed()
    )


def seed_web_pool(engine: Engine) -> dict[str, Any]:
    """Store the pool as organisation oslo with one account per role (``ACCOUNTS``), and bergen with a
    coordinator and a worker (eve@bergen.no); the password of each is ``PASSWORD``."""
    with Session(engine) as session:
        org = save_problem(session, web_problem(), "oslo")
        other = t.Organisation(ref="bergen", name="Bergen")
        session.add(other)
        session.flush()
        assert org.id is not None and other.id is not None
        ada = session.exec(select(t.Worker).where(t.Worker.ref == "ada")).one()
        users = {
            role: _account(org.id, email, role, name=role.title(), worker_id=ada.id if role == "worker" else None)
            for role, email in ACCOUNTS.items()
        }
        users["worker"].name = "Ada Lund"
        west = t.Region(organisation_id=other.id, ref="west", name="West")
        session.add(west)
        session.flush()
        assert west.id is not None
        eve = t.Worker(
            organisation_id=other.id,
            ref="eve",
            name="Eve",
            kind="health",
            home_lat=60.4,
            home_lon=5.3,
            region_id=west.id,
        )
        session.add(eve)
        session.flush()
        session.add_all(
            [
                *users.values(),
                _account(other.id, "coord@bergen.no", Role.coordinator),
                _account(other.id, "eve@bergen.no", Role.worker, worker_id=eve.id),
            ]
        )
        session.flush()
        site = session.exec(select(t.Site).where(t.Site.ref == "lia")).one()
        farm = session.exec(select(t.Farm).where(t.Farm.ref == "berg")).one()
        session.add(t.PlaceAccess(user_id=users["manager"].id, site_id=site.id))
        session.add(t.PlaceAccess(user_id=users["farmer"].id, farm_id=farm.id))
        session.commit()
        offered = session.exec(select(t.Assignment).where(t.Assignment.status == AssignmentStatus.offered)).one()
        return {"org": org.id, "offer": offered.id}


@dataclass
class LiveServer:
    url: str
    engine: Engine


def serve(app: FastAPI, engine: Engine) -> Iterator[LiveServer]:
    """Run ``app`` on a free loopback port until the generator is closed."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", engine)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def pages_client(engine: Engine) -> TestClient:
    """A browser-like client of the app on ``engine``: over https (Secure cookies are sent), and server
    errors answered as the app answers them instead of raised into the test."""
    return TestClient(create_app(engine), base_url="https://testserver", raise_server_exceptions=False)
