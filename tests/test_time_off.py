"""Time off over HTTP: granted at once where it touches no accepted work; over accepted work a request
the coordinator or the place's manager decides (approved: the work is released and the gap offered on;
declined: with a reason); each step reaches the people concerned by e-mail."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.background.sender import Sender
from api.notifications import channels
from models import tables as t
from models.enums import AvailabilityKind
from models.settings import settings
from tests.api_helpers import client_for, sign_in
from tests.smtp_fixture import Inbox
from tests.web_fixture import ACCOUNTS, local, seed_web_pool


def _send(engine: Engine) -> None:
    Sender(engine, channels.configured(settings()), check_seconds=3600).run_once()


def test_time_off_touching_no_accepted_work_is_granted_at_once(engine: Engine) -> None:
    seed_web_pool(engine)
    client = client_for(engine)
    me = sign_in(client, ACCOUNTS["worker"])
    r = client.post("/time-off", json={"start": local(5, 0), "end": local(7, 0), "reason": "Family visit"}, headers=me)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (
        body["state"] == "approved"
        and body["start"].startswith(local(5, 0)[:16])
        and body["start"][-6:] in ("+01:00", "+02:00")
    )
    with Session(engine) as session:
        window = session.exec(select(t.Availability).where(t.Availability.source == f"timeoff:{body['id']}")).one()
        assert window.kind == AvailabilityKind.unavailable
    r = client.get("/open-places", headers=me)
    assert all(not p["start"].startswith(local(5, 0)[:10]) for p in r.json())  # away: nothing offered then
    for bad, field in (
        ({"start": local(5, 0), "end": local(4, 0)}, "end"),
        ({"start": local(-3, 0), "end": local(-2, 0)}, "end"),
        ({"start": local(1, 0), "end": local(200, 0)}, "end"),
    ):
        r = client.post("/time-off", json=bad, headers=me)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", field], r.text
    assert (
        client.post(
            "/time-off", json={"start": local(5, 0), "end": local(6, 0)}, headers=sign_in(client, ACCOUNTS["manager"])
        ).status_code
        == 403
    )


def test_time_off_over_accepted_work_is_approved_and_the_gap_offered_on(engine: Engine, smtp: Inbox) -> None:
    seed_web_pool(engine)  # ada accepted day2 at Lia, which the manager runs
    client = client_for(engine)
    me, manager = sign_in(client, ACCOUNTS["worker"]), sign_in(client, ACCOUNTS["manager"])
    r = client.post("/time-off", json={"start": local(2, 0), "end": local(3, 0), "reason": "Ill child"}, headers=me)
    assert r.status_code == 201 and r.json()["state"] == "pending"
    request = r.json()["id"]
    _send(engine)
    [asked] = smtp.to("manager@oslo.no")
    assert asked["Subject"].startswith("Time off asked: Ada Lund") and "Ill child" in asked.get_content()
    assert len(smtp.to("coord@oslo.no")) == 1 and smtp.to("farmer@oslo.no") == []  # not the farmer's work
    assert [x["id"] for x in client.get("/time-off", headers=manager).json()] == [request]
    assert client.get("/time-off", headers=sign_in(client, ACCOUNTS["farmer"])).json() == []
    farmer = sign_in(client, ACCOUNTS["farmer"])
    assert client.post(f"/time-off/{request}/decision", json={"approve": True}, headers=farmer).status_code == 403
    r = client.post(f"/time-off/{request}/decision", json={"approve": True}, headers=manager)
    assert r.status_code == 200 and r.json()["state"] == "approved"
    coord = sign_in(client, ACCOUNTS["coordinator"])
    day2 = {
        a["worker"]: a["status"]
        for a in client.get("/assignments", headers=coord).json()["items"]
        if a["item"] == "day2"
    }
    assert day2 == {"ada": "cancelled", "bo": "offered"}  # released, and the gap offered on
    assert (
        client.post(f"/time-off/{request}/decision", json={"approve": False, "note": "x"}, headers=manager).status_code
        == 409
    )
    _send(engine)
    decided = smtp.to("ada@oslo.no")[-1]
    assert decided["Subject"].startswith("Time off approved") and "You are released from" in decided.get_content()
    assert client.post("/time-off/999/decision", json={"approve": True}, headers=manager).status_code == 404
    bergen = sign_in(client, "coord@bergen.no")
    assert client.post(f"/time-off/{request}/decision", json={"approve": True}, headers=bergen).status_code == 404


def test_declining_says_why_and_the_work_stays(engine: Engine, smtp: Inbox) -> None:
    seed_web_pool(engine)
    client = client_for(engine)
    me, coord = sign_in(client, ACCOUNTS["worker"]), sign_in(client, ACCOUNTS["coordinator"])
    request = client.post("/time-off", json={"start": local(2, 9), "end": local(2, 10)}, headers=me).json()["id"]
    r = client.post(f"/time-off/{request}/decision", json={"approve": False}, headers=coord)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "note"]
    r = client.post(
        f"/time-off/{request}/decision", json={"approve": False, "note": "No cover that day"}, headers=coord
    )
    assert r.status_code == 200 and r.json()["state"] == "declined" and r.json()["note"] == "No cover that day"
    mine = client.get("/assignments?status=accepted", headers=me).json()["items"]
    assert [a["item"] for a in mine] == ["day2"]
    _send(engine)
    declined = smtp.to("ada@oslo.no")[-1]
    assert declined["Subject"].startswith("Time off declined") and "No cover that day" in declined.get_content()


def test_time_off_is_asked_and_decided_on_the_pages(sqlite_engine: Engine) -> None:
    from tests.test_web_pages import csrf, page_sign_in
    from tests.web_fixture import pages_client

    seed_web_pool(sqlite_engine)
    worker = pages_client(sqlite_engine)
    page_sign_in(worker, ACCOUNTS["worker"])
    token = csrf(worker, "/my/time-off")
    form = {"csrf": token, "start": local(2, 0)[:16], "end": local(3, 0)[:16], "reason": "Ill child"}
    r = worker.post("/my/time-off", data={**form, "end": local(1, 0)[:16]})
    assert r.status_code == 422 and "Until: must be after the start" in r.text
    r = worker.post("/my/time-off", data={**form, "start": "soon"})
    assert r.status_code == 422
    r = worker.post("/my/time-off", data=form)
    assert r.status_code == 200 and "sent to the coordinator and the manager to decide" in r.text
    assert "Waiting for a decision" in r.text
    manager = pages_client(sqlite_engine)
    page_sign_in(manager, ACCOUNTS["manager"])
    r = manager.get("/decide/time-off")
    assert r.status_code == 200 and "Ada Lund" in r.text and "Reason given: Ill child" in r.text
    request = r.text.split('action="/decide/time-off/')[1].split('"')[0]
    token = csrf(manager, "/decide/time-off")
    r = manager.post(f"/decide/time-off/{request}", data={"csrf": token, "answer": "decline", "note": ""})
    assert r.status_code == 422 and "Why: say why" in r.text
    r = manager.post(f"/decide/time-off/{request}", data={"csrf": token, "answer": "approve", "note": ""})
    assert r.status_code == 200 and "approved: the work is released and offered on" in r.text
    assert "Granted" in worker.get("/my/time-off").text
    assert worker.get("/decide/time-off").status_code == 403
