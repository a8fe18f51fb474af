"""Calendar feeds over HTTP: what each reader sees, RFC 5545 details real clients rely on, changes and
cancellations (SEQUENCE, CANCELLED), daylight-saving changes, private links (rotation, revocation),
conditional GET, and a second, independent parser (ical.js, Thunderbird's) reading the same bytes."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy.engine import Engine

from api.http.redact import FeedTokenFilter
from models.enums import AssignmentStatus, Role
from tests.api_helpers import add_org, add_user, client_for, sign_in, store_pool
from tests.factory import problem, worker

OSLO = ZoneInfo("Europe/Oslo")
ICALJS = Path(__file__).parent / "icaljs"
YEAR = dt.date.today().year + 1  # always ahead, so no event ages out of the feed's history


def last_sunday(month: int) -> dt.date:
    day = dt.date(YEAR, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


SPRING, AUTUMN = last_sunday(3), last_sunday(10)  # the nights the clocks change in Europe


def local(day: dt.date, hour: int) -> str:
    return dt.datetime.combine(day, dt.time(hour)).isoformat()


def night(sid: str, before: dt.date) -> dict[str, Any]:
    """22:00 on the evening before ``before`` to 07:00 on ``before`` (local)."""
    return {
        "id": sid,
        "site_id": "site1",
        "title": "Night shift",
        "start": local(before - dt.timedelta(days=1), 22),
        "end": local(before, 7),
        "required_skills": ["nurse"],
    }


JUNE = dt.date(YEAR, 6, 14)


def pool(engine: Engine) -> dict[str, Any]:
    """Oslo: workers a and b (users a@oslo.no, b@oslo.no), a manager of site1, a farmer of farm1, a
    coordinator; night shifts over both clock changes, a day shift, a paid two-day farm job."""
    shifts = [
        night("spring", SPRING),
        night("autumn", AUTUMN),
        {"id": "day", "site_id": "site1", "title": "Day shift", "start": local(JUNE, 7), "end": local(JUNE, 15)},
    ]
    jobs = [
        {
            "id": "apples",
            "farm_id": "farm1",
            "title": "Apple picking",
            "first_day": JUNE.isoformat(),
            "last_day": (JUNE + dt.timedelta(days=1)).isoformat(),
            "daily_start": "16:00",
            "daily_hours": 4,
            "headcount": 2,
            "pay_per_hour": 185,
            "required_skills": [],
        }
    ]
    prob = problem([worker("a", name="Anna Berg"), worker("b", name="Bo Dahl")], shifts, jobs=jobs)
    data = prob.model_dump(mode="json")
    data["sites"][0].update(name="Lia sykehjem", address="Liaveien 1, 7000 Trondheim", contact="+47 22 00 00 00")
    oslo, ids = store_pool(
        engine,
        type(prob).model_validate(data),
        [
            ("a", "spring", AssignmentStatus.offered),
            ("a", "autumn", AssignmentStatus.offered),
            ("a", f"apples@{JUNE}", AssignmentStatus.offered),
            ("b", "day", AssignmentStatus.offered),
            ("a", "day", AssignmentStatus.proposed),
        ],
    )
    add_user(engine, oslo, "coord@oslo.no", Role.coordinator)
    add_user(engine, oslo, "a@oslo.no", Role.worker, worker_id=ids["a"])
    add_user(engine, oslo, "b@oslo.no", Role.worker, worker_id=ids["b"])
    add_user(engine, add_org(engine, "bergen"), "coord@bergen.no", Role.coordinator)
    client = client_for(engine)
    who: dict[str, Any] = {e.split("@")[0]: sign_in(client, e) for e in ("coord@oslo.no", "a@oslo.no", "b@oslo.no")}
    who["bergen"] = sign_in(client, "coord@bergen.no")
    r = client.post(
        "/users",
        json={"email": "lia@oslo.no", "password": "correct horse battery", "role": "manager", "sites": ["site1"]},
        headers=who["coord"],
    )
    assert r.status_code == 201, r.text
    who["manager"] = sign_in(client, "lia@oslo.no")
    who["client"] = client
    return who


def link(who: dict[str, Any], as_: str, kind: str, ref: str | None = None) -> str:
    body = {"kind": kind} if ref is None else {"kind": kind, "ref": ref}
    r = who["client"].post("/calendars/feeds", json=body, headers=who[as_])
    assert r.status_code == 201, r.text
    return r.json()["url"]


def fetch(who: dict[str, Any], url: str, **headers: str) -> Any:
    return who["client"].get(url.removeprefix("http://testserver"), headers=headers)


def assignment_ids(who: dict[str, Any], as_: str) -> dict[str, int]:
    items = who["client"].get("/assignments?limit=500", headers=who[as_]).json()["items"]
    return {a["item"]: a["id"] for a in items}


def test_worker_feed_is_rfc5545_with_own_work_only(engine: Engine) -> None:
    who = pool(engine)
    r = fetch(who, link(who, "a", "worker"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    body = r.content
    cal = Calendar.from_ical(body)
    assert str(cal["VERSION"]) == "2.0" and "Bemanna" in str(cal["PRODID"])
    assert str(cal["CALSCALE"]) == "GREGORIAN" and str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Bemanna: Anna Berg"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body and b"X-PUBLISHED-TTL:PT1H" in body
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Oslo"]
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded, as RFC 5545 requires

    vevents = cal.walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in vevents) == [
        "Offer: Apple picking - Farm 1",
        "Offer: Night shift - Lia sykehjem",
        "Offer: Night shift - Lia sykehjem",
    ]  # both nights and one farm day; not b's shift, not the proposal
    for e in vevents:
        for prop in ("UID", "DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "STATUS", "GEO"):
            assert prop in e, prop
        assert e["DTSTART"].params["TZID"] == "Europe/Oslo"
        assert str(e["STATUS"]) == "TENTATIVE"
    farm = next(e for e in vevents if "Apple" in str(e["SUMMARY"]))
    assert "Pay: NOK 185.00 per hour, 4 hours" in str(farm["DESCRIPTION"])
    nights = [e for e in vevents if "Night" in str(e["SUMMARY"])]
    text = str(nights[0]["DESCRIPTION"])
    assert "Role: nurse" in text and "Site: Lia sykehjem" in text and "Contact: +47 22 00 00 00" in text
    assert str(nights[0]["LOCATION"]) == "Lia sykehjem, Liaveien 1, 7000 Trondheim"
    assert "Bo Dahl" not in body.decode()  # a worker never sees who else works


def test_night_shifts_over_the_clock_changes_keep_their_local_times(engine: Engine) -> None:
    who = pool(engine)
    body = fetch(who, link(who, "a", "worker")).content
    nights = sorted(
        (e for e in Calendar.from_ical(body).walk("VEVENT") if "Night" in str(e["SUMMARY"])),
        key=lambda e: e["DTSTART"].dt,
    )
    for e, day, hours in zip(nights, (SPRING, AUTUMN), (8, 10), strict=True):
        start, end = e["DTSTART"].dt, e["DTEND"].dt
        assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
            dt.datetime.combine(day - dt.timedelta(days=1), dt.time(22)),
            dt.datetime.combine(day, dt.time(7)),
        )
        assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=hours)
    # the VTIMEZONE clients convert with names both changes
    tz = Calendar.from_ical(body).walk("VTIMEZONE")[0]
    changes = {(sub.name, sub["DTSTART"].dt.date()) for sub in tz.subcomponents}
    assert ("DAYLIGHT", SPRING) in changes and ("STANDARD", AUTUMN) in changes


def test_changes_raise_sequence_and_cancellations_stay_as_cancelled(engine: Engine) -> None:
    who = pool(engine)
    client, url = who["client"], link(who, "a", "worker")
    ids = assignment_ids(who, "a")

    def night_event() -> Any:
        vevents = Calendar.from_ical(fetch(who, url).content).walk("VEVENT")
        return next(e for e in vevents if e["DTSTART"].dt.date() == SPRING - dt.timedelta(days=1))

    offered = night_event()
    assert client.post(f"/assignments/{ids['spring']}/accept", headers=who["a"]).status_code == 200
    accepted = night_event()
    assert str(accepted["STATUS"]) == "CONFIRMED" and accepted["UID"] == offered["UID"]
    assert accepted["SEQUENCE"] > offered["SEQUENCE"]
    assert accepted["LAST-MODIFIED"].dt >= offered["LAST-MODIFIED"].dt

    shift = client.get("/shifts/spring", headers=who["coord"]).json()
    shift["title"] = "Night shift (ward B)"
    assert client.put("/shifts/spring", json=shift, headers=who["coord"]).status_code == 200
    edited = night_event()
    assert edited["SEQUENCE"] > accepted["SEQUENCE"] and "ward B" in str(edited["SUMMARY"])

    assert client.post(f"/assignments/{ids['spring']}/cancel", headers=who["a"]).status_code == 200
    cancelled = night_event()
    assert str(cancelled["STATUS"]) == "CANCELLED" and cancelled["UID"] == offered["UID"]
    assert cancelled["SEQUENCE"] > edited["SEQUENCE"]

    # declining an offer cancels its event too; deleting work leaves a CANCELLED tombstone
    assert client.post(f"/assignments/{ids['autumn']}/decline", headers=who["a"]).status_code == 200
    before = {str(e["UID"]): e for e in Calendar.from_ical(fetch(who, url).content).walk("VEVENT")}
    assert client.delete("/shifts/autumn", headers=who["coord"]).status_code == 204
    after = {str(e["UID"]): e for e in Calendar.from_ical(fetch(who, url).content).walk("VEVENT")}
    assert set(after) == set(before)
    gone = [u for u in after if "Night shift" in str(before[u]["SUMMARY"]) and before[u]["DTSTART"].dt.month == 10]
    assert len(gone) == 1 and str(after[gone[0]]["STATUS"]) == "CANCELLED"
    assert after[gone[0]]["SEQUENCE"] > before[gone[0]]["SEQUENCE"]


def test_site_farm_and_organisation_feeds(engine: Engine) -> None:
    who = pool(engine)
    client, ids = who["client"], assignment_ids(who, "b")
    assert client.post(f"/assignments/{ids['day']}/accept", headers=who["b"]).status_code == 200
    site = fetch(who, link(who, "manager", "site", "site1")).content
    day = next(e for e in Calendar.from_ical(site).walk("VEVENT") if "Day shift" in str(e["SUMMARY"]))
    assert str(day["SUMMARY"]) == "Day shift - full" and "Coming: Bo Dahl" in str(day["DESCRIPTION"])
    assert b"Apple" not in site and b"+47 22" not in site  # only this site's work; no contact details
    spring = next(e for e in Calendar.from_ical(site).walk("VEVENT") if e["DTSTART"].dt.month == 3)
    assert "Offered, awaiting an answer: 1" in str(spring["DESCRIPTION"])

    farm = Calendar.from_ical(fetch(who, link(who, "coord", "farm", "farm1")).content).walk("VEVENT")
    assert len(farm) == 2 and all(str(e["SUMMARY"]) == "Apple picking - 0 of 2 filled" for e in farm)

    org = Calendar.from_ical(fetch(who, link(who, "coord", "organisation")).content).walk("VEVENT")
    assert len(org) == 5 and {str(e["SUMMARY"]).split(":")[0] for e in org} == {"Lia sykehjem", "Farm 1"}

    before = str(day["SEQUENCE"])
    assert client.post(f"/assignments/{ids['day']}/cancel", headers=who["manager"]).status_code == 200
    site = fetch(who, link(who, "manager", "site", "site1")).content
    day = next(e for e in Calendar.from_ical(site).walk("VEVENT") if "Day shift" in str(e["SUMMARY"]))
    assert str(day["SUMMARY"]) == "Day shift - 0 of 1 filled" and int(str(day["SEQUENCE"])) > int(before)


def test_who_may_have_which_feed(engine: Engine) -> None:
    who = pool(engine)
    client = who["client"]

    def status(as_: str, kind: str, ref: str | None = None) -> int:
        body = {"kind": kind} if ref is None else {"kind": kind, "ref": ref}
        return int(client.post("/calendars/feeds", json=body, headers=who[as_]).status_code)

    assert status("a", "worker", "a") == 201 and status("a", "worker", "b") == 403
    assert status("a", "site", "site1") == 403 and status("a", "organisation") == 403
    assert status("manager", "site", "site1") == 201 and status("manager", "farm", "farm1") == 403
    assert status("coord", "worker", "b") == 201 and status("coord", "organisation") == 201
    assert status("bergen", "worker", "a") == 404 and status("bergen", "site", "site1") == 404
    assert client.post("/calendars/feeds", json={"kind": "worker"}).status_code == 401
    mine = client.get("/calendars/feeds", headers=who["a"]).json()
    assert [(f["kind"], f["ref"]) for f in mine] == [("worker", "a")]  # not b's, not the site's
    assert len(client.get("/calendars/feeds", headers=who["coord"]).json()) == 4
    assert client.get("/calendars/feeds", headers=who["bergen"]).json() == []


def test_private_links_rotate_and_revoke(engine: Engine) -> None:
    who = pool(engine)
    client = who["client"]
    first = link(who, "a", "worker")
    assert fetch(who, first).status_code == 200
    assert fetch(who, first.replace("/workers/", "/sites/")).status_code == 404  # a token opens one feed only
    second = link(who, "a", "worker")  # rotation: a new link revokes the old
    assert second != first and fetch(who, first).status_code == 404 and fetch(who, second).status_code == 200
    assert client.delete("/calendars/feeds/worker/a", headers=who["a"]).status_code == 204
    assert fetch(who, second).status_code == 404
    assert client.delete("/calendars/feeds/worker/a", headers=who["a"]).status_code == 404
    third = link(who, "coord", "worker", "a")
    assert who["client"].delete("/workers/a", headers=who["coord"]).status_code == 204
    assert fetch(who, third).status_code == 404  # the worker left the pool: their feed goes with them
    assert fetch(who, "/calendars/workers/not-a-token.ics").status_code == 404
    assert fetch(who, "/calendars/people/x.ics").status_code in (404, 422)


def test_conditional_get_answers_304_until_something_changes(engine: Engine) -> None:
    who = pool(engine)
    url = link(who, "a", "worker")
    first = fetch(who, url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert fetch(who, url).content == first.content  # same data, same bytes
    again = fetch(who, url, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert fetch(who, url, **{"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert fetch(who, url, **{"If-Modified-Since": modified}).status_code == 304
    assert fetch(who, url, **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    assert fetch(who, url, **{"If-Modified-Since": "not a date"}).status_code == 200
    assert fetch(who, url, **{"If-None-Match": '"stale"', "If-Modified-Since": modified}).status_code == 200

    ids = assignment_ids(who, "a")
    assert who["client"].post(f"/assignments/{ids['spring']}/accept", headers=who["a"]).status_code == 200
    changed = fetch(who, url, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert who["client"].head(url.removeprefix("http://testserver")).status_code == 200


def test_shortening_a_job_cancels_the_dropped_days(engine: Engine) -> None:
    who = pool(engine)
    client, url = who["client"], link(who, "a", "worker")
    job = client.get("/jobs/apples", headers=who["coord"]).json()
    job["first_day"] = job["last_day"]  # the 14th, where a has an offer, drops out
    assert client.put("/jobs/apples", json=job, headers=who["coord"]).status_code == 200
    farm_day = [e for e in Calendar.from_ical(fetch(who, url).content).walk("VEVENT") if "Apple" in str(e["SUMMARY"])]
    assert len(farm_day) == 1 and str(farm_day[0]["STATUS"]) == "CANCELLED"
    farm = Calendar.from_ical(fetch(who, link(who, "coord", "farm", "farm1")).content).walk("VEVENT")
    assert sorted(str(e["STATUS"]) for e in farm) == ["CANCELLED", "CONFIRMED"]


def test_access_logs_never_show_a_feed_token() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/calendars/workers/s3cr3t-T0ken_x.ics?x=1", "1.1", 200),
        None,
    )
    assert FeedTokenFilter().filter(record)
    line = record.getMessage()
    assert "s3cr3t" not in line and "/calendars/workers/<token>.ics?x=1" in line
    logger = logging.getLogger("uvicorn.access")
    from api.http import redact

    redact.install()
    assert any(isinstance(f, FeedTokenFilter) for f in logger.filters)


def icaljs(body: bytes) -> dict[str, Any]:
    if shutil.which("node") is None:
        pytest.skip("node is not installed, so the ical.js cross-check cannot run")
    if not (ICALJS / "node_modules" / "ical.js").is_dir():
        pytest.skip("ical.js is not installed: run `npm ci --prefix tests/icaljs` (make test does)")
    out = subprocess.run(["node", str(ICALJS / "parse.mjs")], input=body, capture_output=True, check=True, timeout=60)
    return dict(json.loads(out.stdout))


def test_a_second_parser_reads_the_same_events(engine: Engine) -> None:
    who = pool(engine)
    ids = assignment_ids(who, "a")
    who["client"].post(f"/assignments/{ids['spring']}/accept", headers=who["a"])
    who["client"].post(f"/assignments/{ids['autumn']}/decline", headers=who["a"])
    feeds = (
        link(who, "a", "worker"),
        link(who, "manager", "site", "site1"),
        link(who, "coord", "farm", "farm1"),
        link(who, "coord", "organisation"),
    )
    for url in feeds:
        body = fetch(who, url).content
        js = icaljs(body)
        assert js["props"]["method"] == "METHOD:PUBLISH" and "refresh-interval" in js["props"]
        ours = {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}
        assert {e["uid"] for e in js["events"]} == set(ours)
        for e in js["events"]:
            mine = ours[e["uid"]]
            assert e["status"] == str(mine["STATUS"]) and e["sequence"] == int(str(mine["SEQUENCE"]))
            assert e["summary"] == str(mine["SUMMARY"]) and e["tzid"] == "Europe/Oslo"
            # ical.js converts with the feed's own VTIMEZONE: the instants must agree with ours
            assert dt.datetime.fromisoformat(e["start_utc"]) == mine["DTSTART"].dt.astimezone(dt.UTC)
            assert dt.datetime.fromisoformat(e["end_utc"]) == mine["DTEND"].dt.astimezone(dt.UTC)
    nights = [e for e in icaljs(fetch(who, link(who, "a", "worker")).content)["events"] if "Night" in e["summary"]]
    spans = sorted(
        (dt.datetime.fromisoformat(e["end_utc"]) - dt.datetime.fromisoformat(e["start_utc"])) for e in nights
    )
    assert spans == [dt.timedelta(hours=8), dt.timedelta(hours=10)]  # spring loses an hour, autumn gains one
    assert {e["start_local"][11:16] for e in nights} == {"22:00"}


def test_a_running_server_logs_feed_requests_without_their_token(tmp_path: Path) -> None:
    """``bemanna serve`` for real: uvicorn's access log shows the feed path with the token masked."""
    from sqlmodel import Session

    from api.core.security import new_token
    from models.store import init_db, make_engine
    from models.tables import FeedToken, Organisation

    url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    engine = make_engine(url)
    init_db(engine)
    token, digest = new_token()
    with Session(engine) as session:
        org = Organisation(ref="oslo", name="Oslo")
        session.add(org)
        session.flush()
        assert org.id is not None
        session.add(FeedToken(organisation_id=org.id, kind="organisation", digest=digest))
        session.commit()
    engine.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bemanna = Path(sys.executable).parent / "bemanna"
    server = subprocess.Popen(
        [str(bemanna), "serve", "--db", url, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/docs", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert httpx.get(f"{base}/calendars/organisations/{token}.ics").status_code == 200
        assert httpx.get(f"{base}/calendars/workers/{token}x.ics").status_code == 404
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert output.count("/calendars/organisations/<token>.ics") == 1 and "/calendars/workers/<token>.ics" in output
    assert token not in output


def test_deleting_an_organisation_takes_its_feeds_along(engine: Engine) -> None:
    from sqlmodel import Session, select

    from models.store import delete_organisation
    from models.tables import CalendarTombstone, FeedToken

    who = pool(engine)
    url = link(who, "a", "worker")
    assert who["client"].delete("/shifts/autumn", headers=who["coord"]).status_code == 204
    with Session(engine) as session:
        assert delete_organisation(session, "oslo")
        session.commit()
        assert session.exec(select(FeedToken)).all() == [] and session.exec(select(CalendarTombstone)).all() == []
    assert fetch(who, url).status_code == 404


def test_tombstones_are_forgotten_once_feeds_no_longer_show_them(engine: Engine) -> None:
    from sqlmodel import Session, select

    from api.background.calendar_refresh import CalendarRefresher
    from models.tables import CalendarTombstone

    who = pool(engine)
    url = link(who, "a", "worker")
    assert who["client"].delete("/shifts/autumn", headers=who["coord"]).status_code == 204
    CalendarRefresher(engine).run_once()  # fresh tombstones stay
    with Session(engine) as session:
        stones = session.exec(select(CalendarTombstone)).all()
        assert len(stones) == 2  # the site's event and a's
        for stone in stones:
            stone.cancelled_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=32)
            session.add(stone)
        session.commit()
    assert "CANCELLED" not in fetch(who, url).text  # too old to show
    CalendarRefresher(engine).run_once()
    with Session(engine) as session:
        assert session.exec(select(CalendarTombstone)).all() == []
