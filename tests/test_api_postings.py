"""Shifts and jobs over HTTP: who may post where, validation, filters and the organisation boundary;
and the coordinator's user management that decides who runs which place."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from models.enums import Role
from tests.api_helpers import add_org, add_user, client_for, sign_in

PASSWORD = "long enough secret"


def place(ref: str, region: str = "centre") -> dict:
    return {"id": ref, "name": ref.title(), "lat": 63.4, "lon": 10.4, "region_id": region}


def shift(ref: str, site: str = "lia", day: int = 4, **extra) -> dict:
    start, end = f"2027-01-{day:02d}T07:00", f"2027-01-{day:02d}T15:00"
    return {"id": ref, "site_id": site, "start": start, "end": end, "required_skills": ["nurse"], **extra}


def job(ref: str, farm: str = "berg", **extra) -> dict:
    days = {"first_day": "2027-06-14", "last_day": "2027-06-18"}
    return {"id": ref, "farm_id": farm, "title": "Strawberry picking", **days, **extra}


@pytest.fixture
def api(engine: Engine) -> tuple[TestClient, dict[str, dict[str, str]]]:
    oslo, bergen = add_org(engine, "oslo"), add_org(engine, "bergen")
    add_user(engine, oslo, "coord@oslo.no", Role.coordinator)
    add_user(engine, bergen, "coord@bergen.no", Role.coordinator)
    client = client_for(engine)
    coord = sign_in(client, "coord@oslo.no")
    for region in ("centre", "east"):
        client.post("/regions", json={"id": region, "name": region.title()}, headers=coord)
    client.post("/skills", json={"id": "nurse", "name": "Nurse"}, headers=coord)
    client.post("/sites", json=place("lia"), headers=coord)
    client.post("/sites", json=place("moholt", "east"), headers=coord)
    client.post("/farms", json=place("berg"), headers=coord)
    for email, role, extra in (
        ("manager@oslo.no", "manager", {"sites": ["lia"]}),
        ("farmer@oslo.no", "farmer", {"farms": ["berg"]}),
    ):
        r = client.post("/users", json={"email": email, "password": PASSWORD, "role": role, **extra}, headers=coord)
        assert r.status_code == 201, r.text
    who = {"coord@oslo.no": coord, "coord@bergen.no": sign_in(client, "coord@bergen.no")}
    who |= {e: sign_in(client, e, PASSWORD) for e in ("manager@oslo.no", "farmer@oslo.no")}
    return client, who


def test_users_are_kept_by_the_coordinator(api) -> None:
    client, who = api
    coord, manager = who["coord@oslo.no"], who["manager@oslo.no"]
    listed = {u["email"]: u for u in client.get("/users", headers=coord).json()["items"]}
    assert listed["manager@oslo.no"]["sites"] == ["lia"] and listed["farmer@oslo.no"]["farms"] == ["berg"]
    body = {"email": "x@oslo.no", "password": PASSWORD, "role": "manager"}
    assert client.post("/users", json=body, headers=manager).status_code == 403
    assert client.post("/users", json={**body, "email": "manager@oslo.no"}, headers=coord).status_code == 409
    r = client.post("/users", json={**body, "role": "farmer", "sites": ["lia"]}, headers=coord)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "sites"]
    r = client.post("/users", json={**body, "sites": ["nowhere"]}, headers=coord)
    assert r.status_code == 422
    assert client.get("/users", headers=who["coord@bergen.no"]).json()["total"] == 1  # only Bergen's own
    mid = listed["manager@oslo.no"]["id"]
    assert client.delete(f"/users/{mid}", headers=who["coord@bergen.no"]).status_code == 404
    assert client.delete(f"/users/{mid}", headers=coord).status_code == 204
    assert client.get("/auth/me", headers=manager).status_code == 401  # gone with the account


def test_who_may_post_where(api) -> None:
    client, who = api
    manager, farmer = who["manager@oslo.no"], who["farmer@oslo.no"]
    assert client.post("/shifts", json=shift("s1"), headers=manager).status_code == 201
    r = client.post("/shifts", json=shift("s2", "moholt"), headers=manager)
    assert r.status_code == 403 and "places you run" in r.json()["detail"]
    assert client.post("/shifts", json=shift("s3"), headers=farmer).status_code == 403
    assert client.post("/jobs", json=job("j1"), headers=farmer).status_code == 201
    assert client.post("/jobs", json=job("j2"), headers=manager).status_code == 403
    assert client.post("/shifts", json=shift("s4", "moholt"), headers=who["coord@oslo.no"]).status_code == 201
    assert client.put("/shifts/s4", json=shift("s4", "moholt", headcount=2), headers=manager).status_code == 403
    assert client.delete("/shifts/s4", headers=manager).status_code == 403
    r = client.put("/shifts/s1", json=shift("s1", headcount=3), headers=manager)
    assert r.status_code == 200 and r.json()["headcount"] == 3


def test_shift_validation_and_local_times(api) -> None:
    client, who = api
    coord = who["coord@oslo.no"]
    r = client.post("/shifts", json=shift("s1"), headers=coord)
    assert r.json()["start"] == "2027-01-04T07:00:00+01:00" and r.json()["required_skills"] == ["nurse"]
    cases = [
        (shift("s2", end="2027-01-04T06:00"), ["body", "end"]),
        (shift("s2", required_skills=["surgeon"]), ["body", "required_skills", 0]),
        (shift("s2", site="nowhere"), ["body", "site_id"]),
        (shift("s2", headcount=3, max_headcount=2), ["body", "max_headcount"]),
        (shift("s2", shift_type="night"), ["body", "shift_type"]),
        (shift("s2", headcount=-1), ["body", "headcount"]),
        (job("j1", last_day="2027-06-01"), ["body", "last_day"]),
    ]
    for body, loc in cases:
        path = "/jobs" if "farm_id" in body else "/shifts"
        r = client.post(path, json=body, headers=coord)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == loc, (body, r.text)
    assert client.post("/shifts", json=shift("s1"), headers=coord).status_code == 409


def test_filters(api) -> None:
    client, who = api
    coord = who["coord@oslo.no"]
    client.post("/shifts", json=shift("a", day=4), headers=coord)
    client.post("/shifts", json=shift("b", "moholt", day=5, required_skills=[]), headers=coord)
    client.post("/shifts", json=shift("c", day=6), headers=coord)

    def ids(query: str) -> list[str]:
        return [s["id"] for s in client.get(f"/shifts?{query}", headers=coord).json()["items"]]

    assert ids("") == ["a", "b", "c"]
    assert ids("from=2027-01-05&to=2027-01-05") == ["b"]
    assert ids("place=lia") == ["a", "c"] and ids("region=east") == ["b"] and ids("skill=nurse") == ["a", "c"]
    assert client.get("/shifts?from=not-a-date", headers=coord).status_code == 422


def test_postings_never_cross_organisations(api) -> None:
    client, who = api
    oslo, bergen = who["coord@oslo.no"], who["coord@bergen.no"]
    client.post("/shifts", json=shift("s1"), headers=oslo)
    client.post("/jobs", json=job("j1"), headers=oslo)
    for path, body in (("/shifts/s1", shift("s1")), ("/jobs/j1", job("j1"))):
        assert client.get(path, headers=bergen).status_code == 404
        assert client.put(path, json=body, headers=bergen).status_code == 404
        assert client.delete(path, headers=bergen).status_code == 404
        assert client.get(path, headers=oslo).status_code == 200
    assert client.get("/shifts", headers=bergen).json()["total"] == 0
    # Bergen cannot post at Oslo's site by naming it: the site is not found in Bergen
    r = client.post("/shifts", json=shift("s9"), headers=bergen)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "site_id"]


def test_lists_filter_on_local_days_and_overlap_and_answer_in_local_time(api) -> None:
    """Reported: a 00:30 local shift was listed under the previous (UTC) day, and from=to=30 March
    missed a job running 29 March to 1 April. Days are the organisation's; an item overlapping the
    window is in it; times come back in local time with the offset."""
    client, who = api
    coord = who["coord@oslo.no"]
    early = {**shift("early"), "start": "2027-03-30T00:30", "end": "2027-03-30T08:00"}
    night = {**shift("night"), "start": "2027-03-29T22:00", "end": "2027-03-30T06:00"}
    late = {**shift("late"), "start": "2027-03-30T23:30", "end": "2027-03-31T07:00"}
    for body in (early, night, late):
        assert client.post("/shifts", json=body, headers=coord).status_code == 201
    assert (
        client.post(
            "/jobs", json=job("easter", first_day="2027-03-29", last_day="2027-04-01"), headers=coord
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/jobs", json=job("later", first_day="2027-04-02", last_day="2027-04-03"), headers=coord
        ).status_code
        == 201
    )

    def ids(path: str, query: str) -> list[str]:
        r = client.get(f"{path}?{query}", headers=coord)
        assert r.status_code == 200, r.text
        return [s["id"] for s in r.json()["items"]]

    assert ids("/shifts", "from=2027-03-30&to=2027-03-30") == ["night", "early", "late"]  # by start time
    assert ids("/shifts", "from=2027-03-29&to=2027-03-29") == ["night"]
    assert ids("/shifts", "from=2027-03-31&to=2027-03-31") == ["late"]
    assert ids("/jobs", "from=2027-03-30&to=2027-03-30") == ["easter"]
    assert ids("/jobs", "from=2027-04-01&to=2027-04-02") == ["easter", "later"]
    assert ids("/jobs", "to=2027-03-28") == []
    listed = client.get("/shifts/early", headers=coord).json()
    assert listed["start"] == "2027-03-30T00:30:00+02:00" and listed["end"] == "2027-03-30T08:00:00+02:00"
