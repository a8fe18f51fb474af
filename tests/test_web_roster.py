"""The coordinator's roster over HTTP: people by day and each place's timeline, on the chosen basis."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import tables as t
from models.enums import AssignmentStatus
from models.people import distinct_names
from tests.test_web_pages import page_sign_in
from tests.web_fixture import ACCOUNTS, OSLO, local, pages_client, seed_web_pool


@pytest.fixture
def coordinator(sqlite_engine: Engine) -> TestClient:
    engine = sqlite_engine
    seed_web_pool(engine)
    client = pages_client(engine)
    page_sign_in(client, ACCOUNTS["coordinator"])
    return client


def timeline(text: str, source: str = "by-place") -> dict:
    return json.loads(re.search(rf'id="{source}">(.*?)</script>', text, re.S).group(1))  # type: ignore[union-attr]


def bars(data: dict) -> dict[str, list[str]]:
    return {s["label"]: [b["label"] for b in s["bars"]] for s in data["sets"]}


def test_the_grid_lists_who_works_when_and_the_timeline_marks_open_places(coordinator: TestClient) -> None:
    first, last = local(0, 0)[:10], local(6, 0)[:10]
    text = coordinator.get("/pool/roster", params={"from": first, "to": last}).text
    row = re.search(r'<th scope="row">Ada Lund</th>(.*?)</tr>', text, re.S).group(1)  # type: ignore[union-attr]
    assert row.count("08:00 Lia sykehjem") == 2  # the offer and the booking, in the plan
    data = timeline(text)
    assert data["rows"] == ["Lia sykehjem"] and len(data["days"]) == 7
    assert bars(data) == {"Fully staffed": ["Day shift: 1 of 1"], "Open places": ["Day shift: 1 of 2"]}
    people = timeline(text, "by-person")
    assert people["rows"] == ["Ada Lund"]
    work = bars(people)
    assert work["Farm work"] == [] and len(work["Health shifts"]) == 2
    assert all(re.fullmatch(r"\w{3} 08:00–15:30 Day shift at Lia sykehjem", label) for label in work["Health shifts"])
    midnight = dt.datetime.fromisoformat(local(0, 0)).replace(tzinfo=OSLO)
    expected = [
        [
            (dt.datetime.fromisoformat(local(d, h)).replace(tzinfo=OSLO) - midnight).total_seconds() / 3600
            for h in (8, 15.5)
        ]
        for d in (1, 2)
    ]
    assert sorted(b["span"] for b in people["sets"][0]["bars"]) == expected  # hours from today's local midnight
    accepted = coordinator.get("/pool/roster", params={"from": first, "to": last, "basis": "accepted"}).text
    row = re.search(r'<th scope="row">Ada Lund</th>(.*?)</tr>', accepted, re.S).group(1)  # type: ignore[union-attr]
    assert row.count("08:00 Lia sykehjem") == 1


def test_the_roster_keeps_to_a_month_and_to_its_organisation(coordinator: TestClient, sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    r = coordinator.get("/pool/roster", params={"from": "2027-01-01", "to": "2027-12-31"})
    assert r.status_code == 200 and "Roster, Fri 1 Jan 2027 to Sun 31 Jan 2027" in r.text
    other = pages_client(engine)
    page_sign_in(other, "coord@bergen.no")
    text = other.get("/pool/roster", params={"from": local(0, 0)[:10], "to": local(6, 0)[:10]}).text
    assert "Ada Lund" not in text and timeline(text)["rows"] == [] and timeline(text, "by-person")["rows"] == []
    page_sign_in(other, ACCOUNTS["manager"])
    assert other.get("/pool/roster").status_code == 403


def test_people_who_share_a_name_get_rows_of_their_own(sqlite_engine: Engine) -> None:
    """Issue 34 defect 3: two people of one name were drawn on one row of the timeline by person, and
    read as one in the grid and on fill the gap. Each list now tells them apart by id."""
    engine = sqlite_engine
    seed_web_pool(engine)
    with Session(engine) as session:
        bo = session.exec(select(t.Worker).where(t.Worker.ref == "bo")).one()
        bo.name = "Ada Lund"  # two Ada Lunds
        day1 = session.exec(select(t.Shift).where(t.Shift.ref == "day1")).one()
        session.add(bo)
        session.add(
            t.Assignment(
                organisation_id=bo.organisation_id, worker_id=bo.id, shift_id=day1.id, status=AssignmentStatus.accepted
            )
        )
        session.commit()
    client = pages_client(engine)
    page_sign_in(client, ACCOUNTS["coordinator"])
    text = client.get("/pool/roster", params={"from": local(0, 0)[:10], "to": local(6, 0)[:10]}).text
    people = timeline(text, "by-person")
    assert sorted(people["rows"]) == ["Ada Lund (ada)", "Ada Lund (bo)"]
    rows = {b["row"] for s in people["sets"] for b in s["bars"]}
    assert rows == {"Ada Lund (ada)", "Ada Lund (bo)"}
    assert '<th scope="row">Ada Lund (bo)</th>' in text and '<th scope="row">Ada Lund (ada)</th>' in text
    page_sign_in(client, ACCOUNTS["manager"])
    fill = client.get("/manage/shifts/day1/fill").text
    assert "Ada Lund (ada)" in fill and "Ada Lund (bo)" in fill


def test_distinct_names_keep_unique_names_as_they_are() -> None:
    shown = distinct_names([("w1", "Kari Hansen"), ("w2", "Kari Hansen"), ("w3", "Ola Nordmann")])
    assert shown == {"w1": "Kari Hansen (w1)", "w2": "Kari Hansen (w2)", "w3": "Ola Nordmann"}
