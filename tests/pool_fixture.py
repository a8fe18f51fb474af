"""The pool most API hardening tests start from, as a fixture (registered in ``conftest.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from models.enums import Role
from tests.api_helpers import add_org, add_user, client_for, sign_in
from tests.test_api_postings import PASSWORD, job, place, shift


def worker_body(ref: str = "ada", **extra: Any) -> dict[str, Any]:
    return {
        "id": ref,
        "name": ref.title(),
        "kind": "health",
        "home_lat": 63.4,
        "home_lon": 10.4,
        "region_id": "centre",
        "always_available": True,
        "qualifications": [{"skill": "nurse", "approved": True}],
        **extra,
    }


@pytest.fixture
def pool(engine: Engine) -> dict[str, Any]:
    """Oslo with a coordinator, a manager at lia, a farmer at berg and a worker ada, a shift and a job."""
    oslo = add_org(engine, "oslo")
    add_user(engine, oslo, "coord@oslo.no", Role.coordinator)
    client = client_for(engine)
    coord = sign_in(client, "coord@oslo.no")
    client.post("/regions", json={"id": "centre", "name": "Centre"}, headers=coord)
    client.post("/skills", json={"id": "nurse", "name": "Nurse"}, headers=coord)
    client.post("/sites", json=place("lia"), headers=coord)
    client.post("/farms", json=place("berg"), headers=coord)
    assert client.post("/workers", json=worker_body(), headers=coord).status_code == 201
    assert client.post("/shifts", json=shift("s1"), headers=coord).status_code == 201
    assert client.post("/jobs", json=job("j1"), headers=coord).status_code == 201
    for email, role, extra in (
        ("manager@oslo.no", "manager", {"sites": ["lia"]}),
        ("farmer@oslo.no", "farmer", {"farms": ["berg"]}),
        ("ada@oslo.no", "worker", {"worker": "ada"}),
    ):
        body = {"email": email, "password": PASSWORD, "role": role, **extra}
        assert client.post("/users", json=body, headers=coord).status_code == 201
    who = {"coord": coord} | {e.split("@")[0]: sign_in(client, e, PASSWORD) for e in ("manager@oslo.no",)}
    who |= {e.split("@")[0]: sign_in(client, e, PASSWORD) for e in ("farmer@oslo.no", "ada@oslo.no")}
    return {"client": client, "engine": engine, **who}


def registration(**worker: Any) -> dict[str, Any]:
    return {
        "organisation": "oslo",
        "email": "new@oslo.no",
        "password": PASSWORD,
        "worker": worker_body("new", **worker),
    }
