"""The coordinator's roster over HTTP: people by day and each place's timeline, on the chosen basis."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.test_web_pages import page_sign_in
from tests.web_fixture import ACCOUNTS, local, pages_client, seed_web_pool


@pytest.fixture
def coordinator(sqlite_engine: Engine) -> TestClient:
    engine = sqlite_engine
    seed_web_pool(engine)
    client = pages_client(engine)
    page_sign_in(client, ACCOUNTS["coordinator"])
    return client


def timeline(text: str) -> dict:
    return json.loads(re.search(r'id="timeline-data">(.*?)</script>', text, re.S).group(1))  # type: ignore[union-attr]


def test_the_grid_lists_who_works_when_and_the_timeline_marks_open_places(coordinator: TestClient) -> None:
    first, last = local(0, 0)[:10], local(6, 0)[:10]
    text = coordinator.get("/pool/roster", params={"from": first, "to": last}).text
    row = re.search(r'<th scope="row">Ada Lund</th>(.*?)</tr>', text, re.S).group(1)  # type: ignore[union-attr]
    assert row.count("08:00 Lia sykehjem") == 2  # the offer and the booking, in the plan
    data = timeline(text)
    assert data["places"] == ["Lia sykehjem"]
    assert [b["label"] for b in data["bars"]["open"]] == ["Day shift: 1 of 2"]
    assert [b["label"] for b in data["bars"]["filled"]] == ["Day shift: 1 of 1"]
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
    assert "Ada Lund" not in text and timeline(text)["places"] == []
    page_sign_in(other, ACCOUNTS["manager"])
    assert other.get("/pool/roster").status_code == 403
