"""Workers over HTTP: registration, own profile, approvals, search, validation and the organisation boundary."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from models.enums import Role
from tests.api_helpers import sign_in, two_pools

PASSWORD = "long enough secret"


def worker(ref: str, skills: tuple[str, ...] = ("nurse",), approved: bool = True, **extra) -> dict:
    return {
        "id": ref,
        "name": f"Worker {ref}",
        "kind": "health",
        "home_lat": 63.4,
        "home_lon": 10.4,
        "region_id": "centre",
        "qualifications": [{"skill": s, "approved": approved} for s in skills],
        **extra,
    }


@pytest.fixture
def api(engine: Engine) -> tuple[TestClient, dict[str, dict[str, str]]]:
    return two_pools(
        engine, ("manager@oslo.no", Role.manager), {"/regions": ["centre"], "/skills": ["nurse", "driver"]}
    )


def register(client: TestClient, email: str, **extra) -> tuple[str, dict[str, str]]:
    """Register as a citizen would; the worker id the pool gave them and their signed-in headers."""
    body = {"organisation": "oslo", "email": email, "password": PASSWORD, "worker": worker("ignored", **extra)}
    r = client.post("/auth/register", json=body)
    assert r.status_code == 202 and r.json()["status"] == "pending", r.text
    headers = sign_in(client, email.lower(), PASSWORD)
    me = client.get("/auth/me", headers=headers).json()
    assert me["role"] == "worker" and me["pending"] is True and me["email"] == email.lower()
    return me["worker"], headers


def test_registered_worker_keeps_their_own_profile_but_never_approves(api) -> None:
    client, who = api
    ola, me = register(client, "Ola@Example.no")
    assert ola != "ignored"  # the pool gives the id
    profile = client.get(f"/workers/{ola}", headers=me).json()
    assert profile["qualifications"] == [{"skill": "nurse", "approved": False, "valid_until": None}]
    assert profile["pending"] is True

    coord = who["coord@oslo.no"]
    assert client.post(f"/workers/{ola}/approval", json={"approved": True}, headers=me).status_code == 403
    r = client.post(f"/workers/{ola}/approval", json={"approved": True}, headers=coord)
    assert r.status_code == 200 and r.json()["pending"] is False
    r = client.post(f"/workers/{ola}/qualifications/nurse/approval", json={"approved": True}, headers=coord)
    assert r.status_code == 200 and r.json()["qualifications"][0]["approved"] is True
    assert (
        client.post(f"/workers/{ola}/qualifications/nurse/approval", json={"approved": True}, headers=me).status_code
        == 403
    )

    # own edit: a new skill stays pending, the approved one stays approved, a claimed approval is ignored,
    # and what the organisation decides (pay, kind, hour limits, always available) stays as it was
    claims = {"max_travel_km": 5, "hourly_rate": 999, "always_available": True, "kind": "seasonal", "min_hours": 3}
    r = client.put(f"/workers/{ola}", json=worker(ola, ("nurse", "driver"), approved=True, **claims), headers=me)
    assert r.status_code == 200, r.text
    quals = {q["skill"]: q["approved"] for q in r.json()["qualifications"]}
    assert quals == {"nurse": True, "driver": False} and r.json()["max_travel_km"] == 5
    assert (r.json()["hourly_rate"], r.json()["always_available"], r.json()["kind"]) == (None, False, "health")
    assert r.json()["min_hours"] == 0

    kari, _ = register(client, "kari@example.no")
    assert client.get(f"/workers/{kari}", headers=me).status_code == 403
    assert client.put(f"/workers/{kari}", json=worker(kari), headers=me).status_code == 403
    assert client.get("/workers", headers=me).status_code == 403
    assert [w["id"] for w in client.get("/workers?pending=true", headers=coord).json()["items"]] == [kari]
    assert client.post(f"/workers/{kari}/approval", json={"approved": False}, headers=coord).status_code == 200
    assert client.get(f"/workers/{kari}", headers=coord).status_code == 404  # turned down: gone, sign-in too
    assert client.post("/auth/token", data={"username": "kari@example.no", "password": PASSWORD}).status_code == 401


def test_registration_errors(api) -> None:
    client, _ = api
    register(client, "ola@example.no")
    body = {"organisation": "oslo", "email": "ola@example.no", "password": PASSWORD, "worker": worker("other")}
    again = client.post("/auth/register", json=body)
    assert again.status_code == 202  # the same answer as for a new e-mail: it reveals no one's account
    assert client.get("/workers?pending=true", headers=sign_in(client, "coord@oslo.no")).json()["total"] == 1
    body = {**body, "email": "new@example.no"}
    assert client.post("/auth/register", json={**body, "organisation": "nowhere"}).status_code == 404
    for weak in ("Zq9!x", "password123", "oslo12345678"):
        r = client.post("/auth/register", json={**body, "password": weak})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "password"], r.text
        assert weak not in r.text  # a password is never echoed back
    r = client.post("/auth/register", json={**body, "worker": worker("x", ("surgeon",))})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "worker", "qualifications", 0, "skill"]


def test_coordinator_crud_search_and_times(api) -> None:
    client, who = api
    coord, manager = who["coord@oslo.no"], who["manager@oslo.no"]
    window = {"kind": "available", "start": "2027-01-04T08:00", "end": "2027-01-04T16:00"}
    r = client.post("/workers", json=worker("ola", availability=[window]), headers=coord)
    assert r.status_code == 201, r.text
    a = r.json()["availability"][0]
    assert (a["start"], a["end"]) == ("2027-01-04T08:00:00+01:00", "2027-01-04T16:00:00+01:00")  # local, offset named
    client.post("/workers", json=worker("kari", ("driver",)), headers=coord)
    client.post("/workers", json=worker("per", ("nurse",), approved=False), headers=coord)
    assert client.post("/workers", json=worker("ola"), headers=manager).status_code == 403
    assert client.get("/workers", headers=manager).status_code == 403  # profiles are the coordinator's
    assert client.get("/workers/ola", headers=manager).status_code == 403
    listed = client.get("/workers?skill=nurse", headers=coord).json()
    assert [w["id"] for w in listed["items"]] == ["ola"]  # approved skills only
    assert client.get("/workers?region=centre&kind=health&limit=2", headers=coord).json()["total"] == 3
    bad = {**window, "end": "2027-01-04T07:00"}
    r = client.put("/workers/ola", json=worker("ola", availability=[bad]), headers=coord)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "availability", 0, "end"]
    assert client.get("/workers/ola", headers=coord).json()["availability"][0] == a  # nothing changed
    assert client.delete("/workers/kari", headers=coord).status_code == 204
    assert client.get("/workers/kari", headers=coord).status_code == 404


def test_workers_never_cross_organisations(api) -> None:
    client, who = api
    oslo, bergen = who["coord@oslo.no"], who["coord@bergen.no"]
    client.post("/workers", json=worker("ola"), headers=oslo)
    assert client.get("/workers", headers=bergen).json()["total"] == 0
    assert client.get("/workers/ola", headers=bergen).status_code == 404
    assert client.put("/workers/ola", json=worker("ola"), headers=bergen).status_code == 404
    assert client.delete("/workers/ola", headers=bergen).status_code == 404
    r = client.post("/workers/ola/qualifications/nurse/approval", json={"approved": False}, headers=bergen)
    assert r.status_code == 404
    assert client.get("/workers/ola", headers=oslo).json()["qualifications"][0]["approved"] is True


def test_skills_are_scoped_and_guarded(api) -> None:
    client, who = api
    oslo, bergen = who["coord@oslo.no"], who["coord@bergen.no"]
    client.post("/workers", json=worker("ola"), headers=oslo)
    r = client.delete("/skills/nurse", headers=oslo)
    assert r.status_code == 409 and "qualified workers" in r.json()["detail"]
    assert client.delete("/skills/nurse", headers=bergen).status_code == 204  # Bergen's own, unused
    assert client.get("/skills/nurse", headers=oslo).status_code == 200
