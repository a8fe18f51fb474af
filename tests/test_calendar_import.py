"""Busy times from workers' own calendars: exports shaped like Google's, Outlook's and Apple's, each rule
on its own (recurrence with exceptions and moved occurrences, all-day, zones, free and cancelled events),
hostile files refused whole, and the HTTP import (upload, registered URL) changing nothing on failure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from calendars import busy, fetch, imports
from calendars.busy import MAX_BYTES, CalendarFileError, busy_times
from calendars.imports import REFRESH_EVERY, refresh_due
from models import tables as t
from models.enums import Role
from models.store import load_problem
from tests.api_helpers import add_org, add_user, client_for, sign_in, store_pool
from tests.factory import problem, worker

OSLO = ZoneInfo("Europe/Oslo")
DATA = Path(__file__).parent / "data" / "ics"
Q1 = (dt.date(2027, 1, 1), dt.date(2027, 3, 31))


def z(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def periods(data: bytes, first: dt.date = Q1[0], last: dt.date = Q1[1]) -> list[tuple[str, str]]:
    out = busy_times(data, first, last, OSLO).periods
    return [(s.strftime("%m-%dT%H:%M"), e.strftime("%m-%dT%H:%M")) for s, e in out]


def ics(*events: str, head: str = "") -> bytes:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:{k}@test\r\nDTSTAMP:20260101T000000Z\r\n{e}END:VEVENT\r\n" for k, e in enumerate(events)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{head}{body}END:VCALENDAR\r\n".encode()


def test_google_export_weekly_series_with_exdate_override_and_clock_change() -> None:
    got = periods((DATA / "google_export.ics").read_bytes())
    football = [p for p in got if p[0].endswith(("T17:00", "T16:00", "T18:00"))]
    assert ("01-19T17:00", "01-19T19:00") not in got  # EXDATE
    assert ("01-26T17:00", "01-26T19:00") not in got and ("01-27T18:00", "01-27T20:00") in got  # moved
    assert ("03-23T17:00", "03-23T19:00") in got and ("03-30T16:00", "03-30T18:00") in got  # 18:00 local both
    assert ("02-10T09:00", "02-10T11:00") in got  # a UTC event
    assert not any(p[0].startswith(("02-11", "02-12")) for p in got)  # transparent and cancelled
    assert len(football) == 12 and len(got) == 13


def test_outlook_export_windows_zone_and_all_day_days() -> None:
    got = periods((DATA / "outlook_export.ics").read_bytes())
    assert got == [("02-15T13:00", "02-15T14:00"), ("02-28T23:00", "03-02T23:00")]  # 1 and 2 March, local


def test_apple_export_other_zone_floating_time_and_free_birthdays() -> None:
    result = busy_times((DATA / "apple_export.ics").read_bytes(), *Q1, OSLO)
    got = [(s.strftime("%m-%dT%H:%M"), e.strftime("%m-%dT%H:%M")) for s, e in result.periods]
    assert got == [
        ("03-08T14:00", "03-08T16:00"),  # 09:00 in New York (EST)
        ("03-10T07:00", "03-10T09:00"),  # floating 08:00, read as Oslo time
        ("03-19T23:00", "03-20T23:00"),  # an all-day event without an end is one local day
    ]
    assert result.skipped == {"free (transparent)": 1}


def test_overlapping_events_merge_and_the_horizon_clips() -> None:
    data = ics(
        "DTSTART:20270105T080000Z\r\nDTEND:20270105T100000Z\r\n",
        "DTSTART:20270105T090000Z\r\nDTEND:20270105T120000Z\r\n",
        "DTSTART:20261231T220000Z\r\nDTEND:20270101T060000Z\r\n",  # starts before the horizon (Oslo midnight)
        "DTSTART:20270601T080000Z\r\nDTEND:20270601T090000Z\r\n",  # after it
    )
    assert periods(data) == [("12-31T23:00", "01-01T06:00"), ("01-05T08:00", "01-05T12:00")]


def test_only_events_inside_the_horizon_count_against_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(busy, "MAX_BUSY", 100)
    old = [f"DTSTART:{2000 + k // 10}0101T{k % 24:02}0000Z\r\nDURATION:PT1H\r\n" for k in range(150)]
    data = ics(*old, "DTSTART:20270105T080000Z\r\nDURATION:PT1H\r\n")
    assert periods(data) == [("01-05T08:00", "01-05T09:00")]  # years of history are fine
    inside = [f"DTSTART:202701{1 + k // 10:02}T{k % 10:02}0000Z\r\nDURATION:PT1M\r\n" for k in range(101)]
    with pytest.raises(CalendarFileError, match="more than 100 events in the horizon"):
        busy_times(ics(*inside), *Q1, OSLO)


def test_duration_and_zero_length_events() -> None:
    data = ics(
        "DTSTART;TZID=Europe/Oslo:20270105T080000\r\nDURATION:PT90M\r\n",
        "DTSTART:20270106T080000Z\r\n",  # no end, no duration: takes no time
        "DTSTART:20270107T080000Z\r\nDTEND:20270107T080000Z\r\n",
    )
    result = busy_times(data, *Q1, OSLO)
    assert [(s.isoformat(), e.isoformat()) for s, e in result.periods] == [
        ("2027-01-05T07:00:00+00:00", "2027-01-05T08:30:00+00:00")
    ]
    assert result.skipped == {"without a length": 2}


def test_x_wr_timezone_keeps_google_utc_series_at_local_time() -> None:
    data = ics(
        "DTSTART:20270322T070000Z\r\nDTEND:20270322T080000Z\r\nRRULE:FREQ=DAILY;COUNT=14\r\n",
        head="X-WR-TIMEZONE:Europe/Oslo\r\n",
    )
    got = periods(data)
    assert got[0] == ("03-22T07:00", "03-22T08:00") and got[-1] == ("03-31T06:00", "03-31T07:00")  # 08:00 local


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2027", "cut short"),
        (ics("DTSTART:garbage\r\nDTEND:20270101T100000Z\r\n"), "broken DTSTART"),
        (ics("DTSTART:19000101T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY\r\n"), "repeats too often"),
        (ics("DTSTART:00010101T000000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY\r\n"), "repeats too often"),
        (ics("DTSTART:20270101T000000Z\r\nDURATION:PT1M\r\nRRULE:FREQ=MINUTELY;INTERVAL=2\r\n"), "in the horizon"),
        (ics("DTSTART:20270101T000000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=FORTNIGHTLY\r\n"), "broken RRULE"),
        (b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * MAX_BYTES + b"\r\nEND:VCALENDAR\r\n", "larger than"),
    ],
    ids=[
        "not-ics",
        "truncated",
        "broken-start",
        "every-second",
        "daily-since-year-1",
        "every-2-min",
        "bad-freq",
        "huge",
    ],
)
def test_bad_and_hostile_files_are_refused_before_expanding(data: bytes, message: str) -> None:
    with pytest.raises(CalendarFileError, match=message):
        busy_times(data, *Q1, OSLO)


# --- over HTTP -----------------------------------------------------------------------------------


def setup(engine: Engine) -> dict[str, Any]:
    manual = {"kind": "unavailable", "start": "2027-02-01T08:00:00", "end": "2027-02-01T12:00:00"}
    oslo, ids = store_pool(engine, problem([worker("a", availability=[manual]), worker("b")]), [])
    add_user(engine, oslo, "coord@oslo.no", Role.coordinator)
    add_user(engine, oslo, "a@oslo.no", Role.worker, worker_id=ids["a"])
    add_user(engine, oslo, "b@oslo.no", Role.worker, worker_id=ids["b"])
    add_user(engine, add_org(engine, "bergen"), "coord@bergen.no", Role.coordinator)
    client = client_for(engine)
    who = {e.split("@")[0]: sign_in(client, e) for e in ("coord@oslo.no", "a@oslo.no", "b@oslo.no")}
    who["bergen"] = sign_in(client, "coord@bergen.no")
    return {"client": client, **who}


Q1_QUERY = "?from=2027-01-01&to=2027-03-31"
CAL = {"Content-Type": "text/calendar"}


def unavailable(engine: Engine) -> list[tuple[str, str | None]]:
    with Session(engine) as session:
        rows = session.exec(select(t.Availability).order_by(t.Availability.start_utc)).all()
        return [(r.start_utc.strftime("%m-%dT%H:%M"), r.source) for r in rows]


def test_upload_replaces_its_own_busy_times_and_keeps_typed_ones(engine: Engine) -> None:
    who = setup(engine)
    client, a = who["client"], who["a"]
    google = (DATA / "google_export.ics").read_bytes()
    r = client.post(f"/workers/a/busy-times{Q1_QUERY}", content=google, headers={**a, **CAL})
    assert r.status_code == 200, r.text
    assert r.json() | {"skipped": None} == {
        "source": "ics-upload",
        "from": "2027-01-01",
        "to": "2027-03-31",
        "busy_periods": 13,
        "events": 13,
        "skipped": None,
    }
    assert len(unavailable(engine)) == 14 and ("02-01T07:00", None) in unavailable(engine)

    # the profile shows what people typed; re-saving it keeps the import
    profile = client.get("/workers/a", headers=a).json()
    assert len(profile["availability"]) == 1
    assert client.put("/workers/a", json=profile, headers=a).status_code == 200
    assert len(unavailable(engine)) == 14

    # a new upload replaces the old one's busy times, as a form upload too
    outlook = (DATA / "outlook_export.ics").read_bytes()
    r = client.post(f"/workers/a/busy-times{Q1_QUERY}", files={"file": ("cal.ics", outlook)}, headers=a)
    assert r.status_code == 200 and r.json()["busy_periods"] == 2
    assert [s for s, _ in unavailable(engine)] == ["02-01T07:00", "02-15T13:00", "02-28T23:00"]
    listed = client.get("/workers/a/busy-times", headers=a).json()
    assert [p["source"] for p in listed["periods"]] == ["ics-upload", "ics-upload"] and listed["url_source"] is None

    # the solver's snapshot sees imported busy times as unavailability
    with Session(engine) as session:
        snapshot = load_problem(session, "oslo")
    kinds = [(av.kind, av.start) for av in snapshot.workers[0].availability]
    assert ("unavailable", z("2027-02-15T13:00:00Z")) in kinds

    assert client.delete("/workers/a/busy-times", headers=a).status_code == 204
    assert unavailable(engine) == [("02-01T07:00", None)]


def test_a_bad_upload_changes_nothing(engine: Engine) -> None:
    who = setup(engine)
    client, a = who["client"], who["a"]
    good = (DATA / "apple_export.ics").read_bytes()
    assert client.post(f"/workers/a/busy-times{Q1_QUERY}", content=good, headers={**a, **CAL}).status_code == 200
    before = unavailable(engine)
    endless = ics("DTSTART:19000101T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY\r\n")
    for body, code, words in (
        (endless, 422, "repeats too often"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", 422, "cut short"),
        (b"", 422, "empty"),
        (b"BEGIN:VCALENDAR\r\n" + b"x" * (MAX_BYTES + 10), 413, "larger than"),
    ):
        r = client.post(f"/workers/a/busy-times{Q1_QUERY}", content=body, headers={**a, **CAL})
        assert r.status_code == code and words in r.text, r.text
    assert (
        client.post(
            "/workers/a/busy-times?from=2027-03-01&to=2027-01-01", content=good, headers={**a, **CAL}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/workers/a/busy-times?from=2027-01-01&to=2029-01-01", content=good, headers={**a, **CAL}
        ).status_code
        == 422
    )
    assert unavailable(engine) == before


def test_only_the_worker_and_the_coordinator_import(engine: Engine) -> None:
    who = setup(engine)
    client = who["client"]
    data = (DATA / "apple_export.ics").read_bytes()
    assert client.post(f"/workers/a/busy-times{Q1_QUERY}", content=data, headers={**who["b"], **CAL}).status_code == 403
    assert client.get("/workers/a/busy-times", headers=who["b"]).status_code == 403
    assert (
        client.post(f"/workers/a/busy-times{Q1_QUERY}", content=data, headers={**who["bergen"], **CAL}).status_code
        == 404
    )
    assert (
        client.post(f"/workers/a/busy-times{Q1_QUERY}", content=data, headers={**who["coord"], **CAL}).status_code
        == 200
    )
    assert client.post("/workers/a/busy-times", content=data, headers=CAL).status_code == 401


PUBLIC = "93.184.215.14"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Calendar URLs answered in-process: ``served[url] = (status, body)``; hosts resolve to a public address
    except *.internal, which resolves to a private one. Every request must go to the resolved address
    (pinned), naming the URL's host in its Host header."""
    pages: dict[str, Any] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.host == PUBLIC, "the connection must go to the checked address"
        url = f"{request.url.scheme}://{request.headers['host']}{request.url.raw_path.decode()}"
        status, body, *headers = pages.get(url, (404, b""))
        return httpx.Response(status, content=body, headers=headers[0] if headers else None)

    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(answer))
    monkeypatch.setattr(fetch, "RESOLVE", lambda host: ["10.0.0.5"] if host.endswith(".internal") else [PUBLIC])
    monkeypatch.delenv("BEMANNA_ALLOW_PRIVATE_CALENDAR_URLS", raising=False)
    monkeypatch.setattr(imports, "default_days", lambda *_: Q1)  # background fetches cover Q1 2027
    return pages


def source_of(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    return client.get("/workers/a/busy-times", headers=headers).json()["url_source"]


def test_registered_url_is_fetched_in_the_background_and_keeps_the_last_good_import(
    engine: Engine, served: dict
) -> None:
    who = setup(engine)
    client, a = who["client"], who["a"]
    url = "https://cal.example.com/private-s3cret/basic.ics"
    served[url] = (200, (DATA / "outlook_export.ics").read_bytes())
    served["https://cal.example.com/old"] = (301, b"", {"Location": "/private-s3cret/basic.ics"})

    r = client.put("/workers/a/busy-times/url", json={"url": "webcal://cal.example.com/old"}, headers=a)
    assert r.status_code == 202 and r.json()["state"] == "pending", r.text
    assert [s for s in unavailable(engine) if s[1] == "ics-url"] == []  # nothing fetched inside the request
    assert refresh_due(engine) == 1
    listed = client.get("/workers/a/busy-times", headers=a).json()
    assert listed["url_source"]["url"] == "https://cal.example.com/..." and "s3cret" not in str(listed)
    assert listed["url_source"]["state"] == "ok" and listed["url_source"]["busy_periods"] == 2

    served[url] = (200, (DATA / "google_export.ics").read_bytes())
    r = client.post("/workers/a/busy-times/url/refresh", headers=a)
    assert r.status_code == 202 and r.json()["state"] == "pending"
    assert refresh_due(engine) == 1 and source_of(client, a)["busy_periods"] == 13
    served[url] = (500, b"oops")
    served["https://cal.example.com/old"] = (500, b"oops")
    client.post("/workers/a/busy-times/url/refresh", headers=a)
    assert refresh_due(engine) == 1
    failed = source_of(client, a)
    assert failed["state"] == "failed" and "HTTP 500" in failed["error"] and "s3cret" not in str(failed)
    assert len([s for s in unavailable(engine) if s[1] == "ics-url"]) == 13  # the last good import stays

    assert client.delete("/workers/a/busy-times/url", headers=a).status_code == 204
    assert unavailable(engine) == [("02-01T07:00", None)]
    assert client.post("/workers/a/busy-times/url/refresh", headers=a).status_code == 404


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://cal.example.com/x.ics", "must start with"),
        ("file:///etc/passwd", "must start with"),
        ("https://calendar.internal/x.ics", "private network"),
        ("https://cal.example.com:99999/x.ics", "port"),
        *[(f"https://[{ip}]/x.ics", "private network") for ip in ("::ffff:127.0.0.1", "64:ff9b::a00:1", "::1")],
        *[(f"https://[{ip}]/x.ics", "private network") for ip in ("2002:7f00:1::", "::127.0.0.1", "fe80::1")],
        ("https://10.0.0.1/x.ics", "private network"),
    ],
)
def test_a_bad_url_is_not_registered(engine: Engine, served: dict, url: str, words: str) -> None:
    who = setup(engine)
    r = who["client"].put("/workers/a/busy-times/url", json={"url": url}, headers=who["a"])
    assert r.status_code == 422 and words in r.text, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "url"]
    assert source_of(who["client"], who["a"]) is None


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://cal.example.com/missing.ics", "HTTP 404"),
        ("https://cal.example.com/to-inside", "private network"),
        ("https://cal.example.com/not-ics", "not an iCalendar file"),
    ],
)
def test_a_url_that_fails_in_the_background_records_why(engine: Engine, served: dict, url: str, words: str) -> None:
    served["https://cal.example.com/to-inside"] = (302, b"", {"Location": "http://metadata.internal/"})
    served["https://cal.example.com/not-ics"] = (200, b"<html>sign in</html>")
    who = setup(engine)
    assert who["client"].put("/workers/a/busy-times/url", json={"url": url}, headers=who["a"]).status_code == 202
    assert refresh_due(engine) == 1
    source = source_of(who["client"], who["a"])
    assert source["state"] == "failed" and words in source["error"], source
    assert [s for s in unavailable(engine) if s[1] == "ics-url"] == []


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::5db8:d70e", True),  # NAT64 of a public address
        ("64:ff9b:1::a00:1", False),  # local-use NAT64
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("::127.0.0.1", False),  # IPv4-compatible
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo
        ("fe80::1%eth0", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
    ],
)
def test_private_address_forms(address: str, public: bool) -> None:
    assert fetch.is_public(address) is public


def test_the_server_refreshes_registered_urls_when_due(engine: Engine, served: dict) -> None:
    who = setup(engine)
    url = "https://cal.example.com/a.ics"
    served[url] = (200, (DATA / "outlook_export.ics").read_bytes())
    assert who["client"].put("/workers/a/busy-times/url", json={"url": url}, headers=who["a"]).status_code == 202
    assert refresh_due(engine) == 1 and refresh_due(engine) == 0  # just fetched
    later = dt.datetime.now(dt.UTC) + REFRESH_EVERY + dt.timedelta(minutes=1)
    served[url] = (200, ics("DTSTART:20270105T080000Z\r\nDTEND:20270105T100000Z\r\n"))
    assert refresh_due(engine, later) == 1 and refresh_due(engine, later) == 0  # claimed once per period
    assert [s for s, src in unavailable(engine) if src == "ics-url"] == ["01-05T08:00"]
    served[url] = (503, b"")
    even_later = later + REFRESH_EVERY + dt.timedelta(minutes=1)
    assert refresh_due(engine, even_later) == 1
    with Session(engine) as session:
        source = session.exec(select(t.CalendarSource)).one()
        assert "HTTP 503" in source.error and source.busy_periods == 1
    assert [s for s, src in unavailable(engine) if src == "ics-url"] == ["01-05T08:00"]  # kept


def test_a_deployment_may_allow_only_some_calendar_hosts(
    engine: Engine, served: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEMANNA_CALENDAR_HOSTS", "calendar.google.com, outlook.office365.com")
    who = setup(engine)
    put = lambda url: who["client"].put("/workers/a/busy-times/url", json={"url": url}, headers=who["a"])  # noqa: E731
    r = put("https://cal.example.com/x.ics")
    assert r.status_code == 422 and "hosts this pool allows" in r.text
    assert put("https://calendar.google.com/calendar/ical/x/basic.ics").status_code == 202
    assert put("webcal://p01-caldav.outlook.office365.com/owa/x.ics").status_code == 202  # a subdomain
    assert put("https://evilcalendar.google.com.attacker.net/x.ics").status_code == 422
