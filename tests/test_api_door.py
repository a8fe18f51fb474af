"""What a hostile or careless caller sends is refused at the door, naming the field, and changes nothing;
a row stored before a rule existed is named and skipped, never fails the organisation's solves, fills
and reports; every stored row can be deleted and never breaks a feed (issue 20, items 3, 4 and 6)."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from api.background.jobs import JobRunner
from models import tables as t
from models.store import load_snapshot
from tests.api_helpers import contents
from tests.pool_fixture import registration, worker_body
from tests.test_api_postings import job, shift


def refused(r: Any, loc: list[Any], status: int = 422) -> None:
    assert r.status_code == status, r.text
    if loc:
        assert loc in [e["loc"] for e in r.json()["detail"]], r.text


# Item 3: the API refuses exactly what the snapshot would refuse.
POISON = [
    (
        "anonymous: availability ending before it starts",
        "post",
        "/auth/register",
        None,
        registration(availability=[{"kind": "available", "start": "2027-01-04T16:00", "end": "2027-01-04T08:00"}]),
        ["body", "worker", "availability", 0, "end"],
    ),
    (
        "coordinator: unknown shift type in max_shifts_per_type",
        "put",
        "/workers/ada",
        "coord",
        worker_body(max_shifts_per_type={"nights": 2}),
        ["body", "max_shifts_per_type", "nights"],
    ),
    ("manager: a 48-hour shift", "post", "/shifts", "manager", shift("long", end="2027-01-06T07:00"), ["body", "end"]),
    ("manager: headcount 0", "post", "/shifts", "manager", shift("empty", headcount=0), ["body", "headcount"]),
    (
        "farmer: a job over 366 days",
        "post",
        "/jobs",
        "farmer",
        job("year", first_day="2027-01-01", last_day="2028-06-01"),
        ["body", "last_day"],
    ),
    (
        "farmer: pay_per_hour 1e308",
        "post",
        "/jobs",
        "farmer",
        job("rich", pay_per_hour=1e308),
        ["body", "pay_per_hour"],
    ),
    (
        "coordinator: hourly_rate Infinity",
        "post",
        "/workers",
        "coord",
        '{"id": "inf", "name": "X", "kind": "seasonal", "home_lat": 63, "home_lon": 10, "region_id": "centre",'
        ' "hourly_rate": Infinity}',
        ["body", "hourly_rate"],
    ),
    (
        "coordinator: a job from 1900 to 2100",
        "post",
        "/jobs",
        "coord",
        job("ever", first_day="1900-01-01", last_day="2100-01-01"),
        ["body", "first_day"],
    ),
    (
        "manager: a shift on 9999-12-31",
        "post",
        "/shifts",
        "manager",
        shift("late", start="9999-12-31T07:00", end="9999-12-31T15:00"),
        ["body", "start"],
    ),
    (
        "coordinator: a date in year 1",
        "put",
        "/workers/ada",
        "coord",
        worker_body(availability=[{"kind": "unavailable", "start": "0001-01-01T00:00", "end": "0001-01-02T00:00"}]),
        ["body", "availability", 0, "start"],
    ),
    (
        "coordinator: an integer beyond 64 bits",
        "post",
        "/shifts",
        "coord",
        shift("big", under_weight=2**70),
        ["body", "under_weight"],
    ),
]


@pytest.mark.parametrize(("case", "method", "path", "who", "body", "loc"), POISON, ids=[c[0] for c in POISON])
def test_a_row_the_snapshot_would_refuse_is_refused_at_the_door_and_changes_nothing(
    pool: dict[str, Any], case: str, method: str, path: str, who: str | None, body: Any, loc: list[Any]
) -> None:
    client, engine = pool["client"], pool["engine"]
    before = contents(engine)
    headers = pool[who] if who else {}
    send = (
        {"content": body, "headers": {**headers, "Content-Type": "application/json"}}
        if isinstance(body, str)
        else {"json": body, "headers": headers}
    )
    refused(getattr(client, method)(path, **send), loc)
    assert contents(engine) == before
    r = client.post(
        "/solve-jobs", json={"from": "2027-01-01", "to": "2027-01-31", "time_limit": 1}, headers=pool["coord"]
    )
    assert r.status_code == 202


def test_a_registration_cannot_set_what_the_pool_decides(pool: dict[str, Any]) -> None:
    """Seen: min_hours above max_hours in a registration made every solve fail. Hour limits, pay and
    always_available are the pool's: a registration's are ignored, and the person waits for approval."""
    client, engine = pool["client"], pool["engine"]
    claims = {"min_hours": 20, "max_hours": 10, "hourly_rate": 999, "always_available": True, "max_travel_km": 500}
    assert client.post("/auth/register", json=registration(**claims)).status_code == 202
    with Session(engine) as session:
        row = session.exec(select(t.Worker).where(t.Worker.ref != "ada")).one()
        assert (row.min_hours, row.max_hours, row.hourly_rate, row.always_available) == (0, None, None, False)
        assert row.pending and row.max_travel_km == 500  # the radius is the person's own choice
        loaded = load_snapshot(session, "oslo")
    assert loaded.skipped == [] and [w.id for w in loaded.problem.workers] == ["ada"]  # pending: not planned


# Item 3: a bad row already stored is named and skipped.
def test_a_stored_row_that_breaks_a_rule_is_named_and_skipped_by_solves_fills_and_reports(
    pool: dict[str, Any],
) -> None:
    client, engine, coord = pool["client"], pool["engine"], pool["coord"]
    with Session(engine) as session:  # as another tool, or a version before the rule, would have stored them
        ada = session.exec(select(t.Worker).where(t.Worker.ref == "ada")).one()
        ada.min_hours, ada.max_hours = 20.0, 10.0
        session.add(ada)
        session.execute(text("UPDATE job SET pay_per_hour = 1e308 WHERE ref = 'j1'"))
        session.commit()
    assert client.post("/workers", json=worker_body("bo"), headers=coord).status_code == 201

    r = client.post("/shifts/s1/fill?offer=false", headers=coord)
    assert r.status_code == 200, r.text
    assert [c["worker_id"] for c in r.json()["candidates"]] == ["bo"]
    assert any(line.startswith("worker 'ada': max_hours") for line in r.json()["skipped"]), r.json()["skipped"]
    # A fill reads the days around its work (issue 34, defect 7): it names the bad rows it read, and the
    # job's day is filled with the job's row read, so it says why that work cannot be filled.
    day = r.json()["skipped"]
    r = client.post("/jobs/j1/fill?day=2027-06-15&offer=false", headers=coord)
    assert r.status_code == 409 and "job 'j1': pay_per_hour" in r.json()["detail"], (r.text, day)

    r = client.get("/reports/coverage?from=2027-01-01&to=2027-01-31", headers=coord)
    assert r.status_code == 200 and r.headers["skipped-rows"] == "2"

    runner = JobRunner(engine)
    runner.start()
    try:
        r = client.post("/solve-jobs", json={"from": "2027-01-01", "to": "2027-01-10", "time_limit": 2}, headers=coord)
        job_id = r.json()["id"]
        for _ in range(120):
            state = client.get(f"/solve-jobs/{job_id}", headers=coord).json()
            if state["state"] not in ("queued", "running"):
                break
            time.sleep(0.25)
    finally:
        runner.stop()
    assert state["state"] == "succeeded", state
    assert "Left out 2 stored row(s)" in state["message"] and "worker 'ada'" in state["message"], state


# Item 6: input that answered 500.
NUL = "a\u0000b"


def test_nul_bytes_and_lone_surrogates_anywhere_are_refused_naming_the_field(pool: dict[str, Any]) -> None:
    client, engine, coord = pool["client"], pool["engine"], pool["coord"]
    before = contents(engine)
    r = client.post("/auth/token", data={"username": f"coord{NUL}@oslo.no", "password": "x"})
    refused(r, ["body", "username"])
    refused(client.post("/auth/register", json=registration(name=f"Ada{NUL}")), ["body", "worker", "name"])
    refused(client.get("/sites?region=cen%00tre", headers=coord), ["query", "region"])
    refused(client.get("/sites/li%00a", headers=coord), ["path"])
    surrogate = '{"id": "x", "name": "\\ud800"}'
    refused(
        client.post("/regions", content=surrogate, headers={**coord, "Content-Type": "application/json"}),
        ["body", "name"],
    )
    escaped = json.dumps(registration(name="Ada")).replace('"Ada"', '"\\ud800"')
    refused(
        client.post("/auth/register", content=escaped, headers={"Content-Type": "application/json"}),
        ["body", "worker", "name"],
    )
    assert contents(engine) == before


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/solve-jobs", '{"from": "2027-01-01", "to": "2027-01-02", "time_limit": NaN}', ["body", "time_limit"]),
        ("/solve-jobs", '{"from": "9999-12-01", "to": "9999-12-31"}', ["body", "from"]),
        ("/solve-jobs", '{"from": "2027-01-01", "to": "2027-01-02", "time_limit": 1e999}', ["body", "time_limit"]),
        (
            "/workers",
            '{"id": "n", "name": "N", "kind": "health", "home_lat": NaN, "home_lon": 10, "region_id": "centre"}',
            ["body", "home_lat"],
        ),
        ("/assignments/offer", '{"ids": [123456789012345678901234567890]}', ["body", "ids", 0]),
    ],
)
def test_numbers_and_dates_no_field_can_hold_are_refused(pool: dict[str, Any], path: str, body: str, loc: list) -> None:
    client, engine, coord = pool["client"], pool["engine"], pool["coord"]
    before = contents(engine)
    refused(client.post(path, content=body, headers={**coord, "Content-Type": "application/json"}), loc)
    assert contents(engine) == before


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=2027-13-01"])
def test_dates_near_year_1_or_9999_in_query_strings_are_refused(pool: dict[str, Any], query: str) -> None:
    client, coord = pool["client"], pool["coord"]
    for path in ("/shifts", "/jobs", "/assignments"):
        refused(client.get(f"{path}?{query}", headers=coord), ["query", query.split("=")[0]])
    refused(client.get(f"/reports/coverage?from=2027-01-01&to=2027-01-02&{query}", headers=coord), [])


def test_bodies_are_bounded_and_a_422_never_echoes_the_request(pool: dict[str, Any]) -> None:
    client, engine, coord = pool["client"], pool["engine"], pool["coord"]
    before = contents(engine)
    huge = worker_body("huge", name="x" * 10_000_000)
    r = client.post("/workers", json=huge, headers=coord)
    assert r.status_code == 413 and "larger than 1 MB" in r.text and len(r.content) < 200
    long_name = client.post("/workers", json=worker_body("long", name="x" * 201), headers=coord)
    refused(long_name, ["body", "name"])
    secret = "my-secret-password-123"
    r = client.post("/auth/register", json={**registration(), "password": secret, "email": "not an email" * 5000})
    assert r.status_code == 422 and secret not in r.text and len(r.content) < 2_000, r.text[:300]
    assert contents(engine) == before


# Item 4: every stored row can be deleted and never breaks a feed.
def test_a_job_over_two_centuries_stored_before_the_bounds_can_be_deleted_and_feeds_stay_fast(
    pool: dict[str, Any],
) -> None:
    client, engine, coord = pool["client"], pool["engine"], pool["coord"]
    with Session(engine) as session:
        session.execute(text("UPDATE job SET first_day = '1900-01-01', last_day = '2100-01-01' WHERE ref = 'j1'"))
        session.commit()
    feed = client.post("/calendars/feeds", json={"kind": "organisation"}, headers=coord).json()["url"]
    path = feed.split("testserver")[-1]
    started = time.monotonic()
    assert client.get(path).status_code == 200
    assert time.monotonic() - started < 5
    r = client.delete("/jobs/j1", headers=coord)
    assert r.status_code == 204, r.text
    with Session(engine) as session:
        stones = session.exec(select(t.CalendarTombstone)).all()
    assert 0 < len(stones) <= 3 * 366 + 2  # only days a feed shows: a year back, two ahead
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_shift_dated_outside_the_window_leaves_no_tombstone_that_breaks_feeds(pool: dict[str, Any], day: str) -> None:
    client, engine, coord = pool["client"], pool["engine"], pool["coord"]
    with Session(engine) as session:
        start = dt.datetime.fromisoformat(f"{day}T10:00:00+00:00")
        session.execute(
            text("UPDATE shift SET start_utc = :s, end_utc = :e WHERE ref = 's1'"),
            {"s": start, "e": start + dt.timedelta(hours=1)},
        )
        session.commit()
    site_feed = client.post("/calendars/feeds", json={"kind": "site", "ref": "lia"}, headers=coord).json()["url"]
    org_feed = client.post("/calendars/feeds", json={"kind": "organisation"}, headers=coord).json()["url"]
    for url in (site_feed, org_feed):
        assert client.get(url.split("testserver")[-1]).status_code == 200
    assert client.delete("/shifts/s1", headers=coord).status_code == 204
    for url in (site_feed, org_feed):
        assert client.get(url.split("testserver")[-1]).status_code == 200


def test_a_database_that_is_away_or_locked_answers_503_not_500(pool: dict[str, Any]) -> None:
    from sqlalchemy.exc import OperationalError

    from api.http.deps import get_session

    def locked() -> Any:
        raise OperationalError("UPDATE region", {}, Exception("database is locked"))

    client = pool["client"]
    client.app.dependency_overrides[get_session] = locked
    try:
        r = client.get("/regions", headers=pool["coord"])
    finally:
        client.app.dependency_overrides.clear()
    assert r.status_code == 503 and r.headers["retry-after"] and "try again" in r.json()["detail"]
