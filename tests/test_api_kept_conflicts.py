"""A worker's own change never makes the organisation's solve fail (issue: a worker marked a day
unavailable over work she had accepted, and from then on every solve of the municipality failed with
"kept (pinned or accepted) assignment problem(s)"). The kept work stays, the result names it for a
person to decide, and the rest of the roster is still planned."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.app import create_app
from api.background.jobs import JobRunner
from models import tables as t
from models.enums import AvailabilityKind
from tests.api_helpers import sign_in
from tests.test_api_solve_jobs import wait_for
from tests.test_web_pages import page_sign_in
from tests.web_fixture import ACCOUNTS, local, seed_web_pool


def test_a_worker_busy_over_her_accepted_work_leaves_the_solve_working_and_the_conflict_named(
    engine: Engine,
) -> None:
    seed_web_pool(engine)  # ada accepted day2 and has an offer on day1 (two places); bo is free
    app = create_app(engine, runner=JobRunner(engine, poll_seconds=0.1))
    with TestClient(app, base_url="https://testserver") as client:
        me = sign_in(client, ACCOUNTS["worker"])
        profile = client.get("/workers/ada", headers=me).json()
        busy = {"kind": "unavailable", "start": local(2, 0), "end": local(3, 0)}  # the day she accepted
        r = client.put("/workers/ada", json={**profile, "availability": [busy]}, headers=me)
        assert r.status_code == 409, r.text  # her profile cannot (issue 34); her own calendar can:
        _busy_from_her_calendar(engine, local(2, 0), local(3, 0))
        coord = sign_in(client, ACCOUNTS["coordinator"])
        r = client.post("/solve-jobs", json={"from": local(1, 0)[:10], "to": local(2, 0)[:10]}, headers=coord)
        job = wait_for(client, coord, r.json()["id"], {"succeeded", "failed"})
        assert job["state"] == "succeeded", job["message"]
        assert "left for a person to decide" in job["message"]
        result = client.get(f"/solve-jobs/{job['id']}/result", headers=coord).json()
        page_sign_in(client, ACCOUNTS["coordinator"])
        page = client.get(f"/pool/solve/{job['id']}").text
    assert "Needs your decision" in page and "Ada Lund: Day shift at Lia sykehjem" in page
    assert 'Breaks the rule "availability"' in page
    [decision] = result["decisions"]
    assert (decision["worker_name"], decision["item"], decision["rule"]) == ("Ada Lund", "day2", "availability")
    assert decision["start"].startswith(local(2, 8)) and decision["place"] == "Lia sykehjem"
    by_item = {f["item"]: f["workers"] for f in result["filled"]}
    assert by_item["day2"] == ["Ada Lund"]  # kept as it is
    assert by_item["day1"] == ["Bo Berg"]  # the rest is planned; ada, set aside, gets nothing new


def _busy_from_her_calendar(engine: Engine, start: str, end: str) -> None:
    """A busy time read from ada's own calendar (as the background refresh stores it): nothing refuses
    what her calendar says, so a conflict with kept work can still arise."""
    with Session(engine) as session:
        ada = session.exec(select(t.Worker).where(t.Worker.ref == "ada")).one()
        zone = ZoneInfo("Europe/Oslo")
        lo, hi = (dt.datetime.fromisoformat(v).replace(tzinfo=zone).astimezone(dt.UTC) for v in (start, end))
        session.add(
            t.Availability(
                worker_id=ada.id, kind=AvailabilityKind.unavailable, start_utc=lo, end_utc=hi, source="calendar"
            )
        )
        session.commit()
