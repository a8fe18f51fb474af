"""A place that confirms takes: taking open work there is an ask that waits for its manager, and a
swap there waits for the manager's approval. Over HTTP and in the page: the rules are checked when the
worker asks and again when the manager says yes; the last place confirmed answers the other asks for
it; two yeses for the last place race to one booking; a decline says why; everyone hears by e-mail;
and once a day those who decide get a digest of what waits for them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.background.sender import Sender
from api.notifications import channels
from api.services import digest
from models import tables as t
from models.enums import Role
from models.settings import settings
from tests.api_helpers import add_user, client_for, race, sign_in
from tests.smtp_fixture import Inbox
from tests.test_open_places import _shift
from tests.test_swaps import _day2, _pool
from tests.test_web_pages import csrf, page_sign_in
from tests.web_fixture import ACCOUNTS, OSLO, pages_client


def _confirming(engine: Engine) -> None:
    """Lia confirms takes; bo and cy are nurses with sign-ins; open4 (one place) is free for all."""
    _pool(engine)
    _shift(engine, "open4", 4, 8, 7.5)
    with Session(engine) as session:
        lia = session.exec(select(t.Site).where(t.Site.ref == "lia")).one()
        lia.confirm_takes = True
        cy = session.exec(select(t.Worker).where(t.Worker.ref == "cy")).one()
        nurse = session.exec(select(t.Skill).where(t.Skill.ref == "nurse")).one()
        session.add(t.Qualification(worker_id=cy.id, skill_id=nurse.id, approved=True))  # type: ignore[arg-type]
        session.add(lia)
        session.commit()


def _send(engine: Engine) -> None:
    Sender(engine, channels.configured(settings()), check_seconds=3600).run_once()


def _statuses(client, headers, item: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rows = client.get("/assignments", headers=headers).json()["items"]
    return {a["worker"]: a["status"] for a in rows if a["item"] == item}


def test_a_take_at_a_confirming_place_waits_for_the_manager(engine: Engine, smtp: Inbox) -> None:
    _confirming(engine)
    client = client_for(engine)
    ada, bo, cy = sign_in(client, ACCOUNTS["worker"]), sign_in(client, "bo@oslo.no"), sign_in(client, "cy@oslo.no")
    manager, coord = sign_in(client, ACCOUNTS["manager"]), sign_in(client, ACCOUNTS["coordinator"])
    shown = {p["item"]: p for p in client.get("/open-places", headers=bo).json()}
    assert shown["open4"]["needs_confirmation"] is True and shown["open4"]["asked"] is False
    r = client.post("/open-places/open4/take", headers=bo)
    assert r.status_code == 202 and r.json()["state"] == "pending" and r.json()["worker"] == "bo"
    bo_ask = r.json()["id"]
    assert client.get("/open-places", headers=bo).json()[-1]["asked"] is True
    assert client.post("/open-places/open4/take", headers=bo).status_code == 409  # asked already
    cy_ask = client.post("/open-places/open4/take", headers=cy).json()["id"]
    assert _statuses(client, coord, "open4") == {}  # nobody is booked yet
    assert {a["id"] for a in client.get("/take-requests", headers=manager).json()} == {bo_ask, cy_ask}
    assert [a["id"] for a in client.get("/take-requests", headers=bo).json()] == [bo_ask]  # his own only
    assert client.post(f"/take-requests/{bo_ask}/decision", json={"approve": True}, headers=ada).status_code == 404
    assert client.post(f"/take-requests/{bo_ask}/decision", json={"approve": True}, headers=cy).status_code == 404
    r = client.post(f"/take-requests/{cy_ask}/decision", json={"approve": False}, headers=manager)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "note"
    r = client.post(f"/take-requests/{bo_ask}/decision", json={"approve": True}, headers=manager)
    assert r.status_code == 200 and r.json()["state"] == "confirmed"
    assert _statuses(client, coord, "open4") == {"bo": "accepted"}
    cy_row = next(a for a in client.get("/take-requests", headers=cy).json() if a["id"] == cy_ask)
    assert cy_row["state"] == "declined" and cy_row["note"] == "every place on this work is taken now"
    r = client.post(f"/take-requests/{cy_ask}/decision", json={"approve": True}, headers=manager)
    assert r.status_code == 409  # answered already
    _send(engine)
    assert any(
        m["Subject"].startswith("Asks to take: Bo Berg, Open4 at Lia sykehjem") for m in smtp.to("manager@oslo.no")
    )
    assert smtp.to("bo@oslo.no")[-1]["Subject"].startswith("Confirmed: Open4 at Lia sykehjem")
    declined = smtp.to("cy@oslo.no")[-1]
    assert declined["Subject"].startswith("Not confirmed") and "every place on this work is taken now" in str(
        declined.get_content()
    )


def test_a_confirmation_checks_the_rules_again_and_two_yeses_race_to_one_booking(engine: Engine) -> None:
    _confirming(engine)
    client = client_for(engine)
    bo, cy = sign_in(client, "bo@oslo.no"), sign_in(client, "cy@oslo.no")
    bo_ask = client.post("/open-places/open4/take", headers=bo).json()["id"]
    cy_ask = client.post("/open-places/open4/take", headers=cy).json()["id"]
    _shift(engine, "clash4", 4, 9, 4)  # meanwhile bo is booked on other work at that time
    with Session(engine) as session:
        shift = session.exec(select(t.Shift).where(t.Shift.ref == "clash4")).one()
        bo_row = session.exec(select(t.Worker).where(t.Worker.ref == "bo")).one()
        session.add(
            t.Assignment(
                organisation_id=shift.organisation_id,
                worker_id=bo_row.id,  # type: ignore[arg-type]
                shift_id=shift.id,
                status="accepted",
            )
        )
        session.commit()
    one, two = client_for(engine), client_for(engine)
    manager, coordinator = sign_in(one, ACCOUNTS["manager"]), sign_in(two, ACCOUNTS["coordinator"])
    r = one.post(f"/take-requests/{bo_ask}/decision", json={"approve": True}, headers=manager)
    assert r.status_code == 409 and r.json()["detail"].startswith("Bo Berg cannot take this work:")
    codes = race(
        [
            lambda: one.post(f"/take-requests/{cy_ask}/decision", json={"approve": True}, headers=manager).status_code,
            lambda: (
                two.post(f"/take-requests/{cy_ask}/decision", json={"approve": True}, headers=coordinator).status_code
            ),
        ]
    )
    assert codes == {200: 1, 409: 1}
    assert _statuses(client, coordinator, "open4") == {"cy": "accepted"}
    r = client.post(f"/take-requests/{bo_ask}/withdraw", headers=bo)
    assert r.status_code == 409  # the last place went to cy: his ask was answered with it


def test_a_swap_at_a_confirming_place_waits_for_approval(engine: Engine, smtp: Inbox) -> None:
    _confirming(engine)
    client = client_for(engine)
    ada, bo, cy = sign_in(client, ACCOUNTS["worker"]), sign_in(client, "bo@oslo.no"), sign_in(client, "cy@oslo.no")
    manager, coord = sign_in(client, ACCOUNTS["manager"]), sign_in(client, ACCOUNTS["coordinator"])
    swap = client.post("/swaps", json={"assignment_id": _day2(client, ada)}, headers=ada).json()["id"]
    r = client.post(f"/swaps/{swap}/take", headers=bo)
    assert r.status_code == 200 and r.json()["state"] == "pending" and r.json()["taker"] == "bo"
    assert _statuses(client, coord, "day2") == {"ada": "accepted"}  # nothing moves before the yes
    assert client.post(f"/swaps/{swap}/take", headers=cy).status_code == 409
    assert client.get("/swaps", headers=cy).json()["to_take"] == []
    assert [s["id"] for s in client.get("/swaps", headers=manager).json()["to_decide"]] == [swap]
    assert client.post(f"/swaps/{swap}/decision", json={"approve": True}, headers=bo).status_code == 403
    r = client.post(f"/swaps/{swap}/decision", json={"approve": False, "note": "Bo is new here"}, headers=manager)
    assert r.status_code == 200 and r.json()["state"] == "declined" and r.json()["note"] == "Bo is new here"
    assert _statuses(client, coord, "day2") == {"ada": "accepted"}
    _send(engine)
    assert "Bo is new here" in str(smtp.to("bo@oslo.no")[-1].get_content())
    assert smtp.to("ada@oslo.no")[-1]["Subject"].startswith("Swap called off")
    again = client.post("/swaps", json={"assignment_id": _day2(client, ada)}, headers=ada).json()["id"]
    assert client.post(f"/swaps/{again}/take", headers=cy).json()["state"] == "pending"
    r = client.post(f"/swaps/{again}/decision", json={"approve": True}, headers=manager)
    assert r.status_code == 200 and r.json()["state"] == "done"
    assert _statuses(client, coord, "day2") == {"ada": "cancelled", "cy": "accepted"}
    assert client.post(f"/swaps/{again}/decision", json={"approve": True}, headers=manager).status_code == 409
    _send(engine)
    assert smtp.to("cy@oslo.no")[-1]["Subject"].startswith("Swap approved: Day shift at Lia sykehjem")
    assert smtp.to("ada@oslo.no")[-1]["Subject"].startswith("Taken over by Cy Dahl")


def test_a_giver_who_withdraws_a_waiting_swap_keeps_her_work_and_the_taker_hears(engine: Engine, smtp: Inbox) -> None:
    _confirming(engine)
    client = client_for(engine)
    ada, bo = sign_in(client, ACCOUNTS["worker"]), sign_in(client, "bo@oslo.no")
    swap = client.post("/swaps", json={"assignment_id": _day2(client, ada)}, headers=ada).json()["id"]
    client.post(f"/swaps/{swap}/take", headers=bo)
    r = client.post(f"/swaps/{swap}/withdraw", headers=ada)
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
    manager = sign_in(client, ACCOUNTS["manager"])
    r = client.post(f"/swaps/{swap}/decision", json={"approve": True}, headers=manager)
    assert r.status_code == 409
    _send(engine)
    assert "keeps the work after all" in str(smtp.to("bo@oslo.no")[-1].get_content())
    assert not any(m["Subject"].startswith("Swap called off") for m in smtp.to("ada@oslo.no"))


def test_the_manager_confirms_and_declines_on_the_decide_page(sqlite_engine: Engine) -> None:
    _confirming(sqlite_engine)
    worker = pages_client(sqlite_engine)
    page_sign_in(worker, "bo@oslo.no")
    r = worker.get("/my/open")
    assert "Ask for it" in r.text and "the manager confirms takes" in r.text
    r = worker.post("/my/open/take", data={"csrf": csrf(worker, "/my/open"), "item": "open4"})
    assert r.status_code == 200 and "its manager confirms takes" in r.text and "Waiting for a manager" in r.text
    manager = pages_client(sqlite_engine)
    page_sign_in(manager, ACCOUNTS["manager"])
    r = manager.get("/decide")
    assert r.status_code == 200 and "Bo Berg: Open4 at Lia sykehjem" in r.text
    ask = r.text.split('action="/decide/takes/')[1].split('"')[0]
    token = csrf(manager, "/decide")
    r = manager.post(f"/decide/takes/{ask}", data={"csrf": token, "answer": "decline", "note": ""})
    assert r.status_code == 422 and "Why: say why" in r.text
    r = manager.post(f"/decide/takes/{ask}", data={"csrf": token, "answer": "approve", "note": ""})
    assert r.status_code == 200 and "Confirmed: the worker is booked and told." in r.text
    assert "No ask to take work waits for you." in r.text
    assert "Open4" in worker.get("/my").text
    assert manager.post("/decide/bogus/1", data={"csrf": token, "answer": "approve"}).status_code == 404


def test_a_place_is_set_to_confirm_takes_over_the_api(engine: Engine) -> None:
    _pool(engine)
    client = client_for(engine)
    coord = sign_in(client, ACCOUNTS["coordinator"])
    site = client.get("/sites/lia", headers=coord).json()
    assert site["confirm_takes"] is False
    r = client.put("/sites/lia", json={**site, "confirm_takes": True}, headers=coord)
    assert r.status_code == 200 and r.json()["confirm_takes"] is True
    r = client.put("/sites/lia", json={**site, "confirm_takes": "sometimes"}, headers=coord)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "confirm_takes"
    with Session(engine) as session:
        org = session.exec(select(t.Site).where(t.Site.ref == "lia")).one().organisation_id
    add_user(engine, org, "x@oslo.no", Role.worker)  # a sign-in without a worker profile
    assert client.post("/open-places/day1/take", headers=sign_in(client, "x@oslo.no")).status_code == 403


def test_the_daily_digest_lists_what_waits_once_a_day_for_those_who_decide(engine: Engine, smtp: Inbox) -> None:
    _confirming(engine)
    client = client_for(engine)
    bo = sign_in(client, "bo@oslo.no")
    assert client.post("/open-places/open4/take", headers=bo).status_code == 202
    with Session(engine) as session:
        cy = session.exec(select(t.Worker).where(t.Worker.ref == "cy")).one()
        cy.pending = True  # as if cy had just registered himself
        session.add(cy)
        session.commit()
    yesterday = dt.datetime.now(OSLO) - dt.timedelta(days=1)  # its morning has passed at any hour of today
    morning = yesterday.replace(hour=6, minute=30).astimezone(dt.UTC)
    assert digest.run_due(engine, morning) == 0  # before the digest hour
    assert digest.run_due(engine, morning + dt.timedelta(hours=1)) == 2  # the coordinator and lia's manager
    assert digest.run_due(engine, morning + dt.timedelta(hours=5)) == 0  # once a day
    _send(engine)
    [coord] = [m for m in smtp.to("coord@oslo.no") if m["Subject"].startswith("Waiting for your decision")]
    text = coord.get_content()
    assert "1 registration(s) to approve: Cy Dahl" in text and "https://testserver/pool/approvals" in text
    assert "1 ask(s) to take open work" in text and "https://testserver/decide" in text
    [manager] = [m for m in smtp.to("manager@oslo.no") if m["Subject"].startswith("Waiting for your decision")]
    assert manager["Subject"] == "Waiting for your decision: 1 ask(s) to take open work"
    assert "registration" not in manager.get_content()
    assert smtp.to("farmer@oslo.no") == []  # nothing waits at the farm
    assert digest.run_due(engine, morning + dt.timedelta(days=1, hours=1)) == 2  # still waiting the next day


def test_an_ask_is_answered_when_the_place_is_filled_another_way(engine: Engine, smtp: Inbox) -> None:
    _confirming(engine)
    client = client_for(engine)
    bo, cy = sign_in(client, "bo@oslo.no"), sign_in(client, "cy@oslo.no")
    coord = sign_in(client, ACCOUNTS["coordinator"])
    bo_ask = client.post("/open-places/open4/take", headers=bo).json()["id"]
    cy_ask = client.post("/open-places/open4/take", headers=cy).json()["id"]
    with Session(engine) as session:  # the coordinator's plan proposed cy on it
        shift = session.exec(select(t.Shift).where(t.Shift.ref == "open4")).one()
        cy_row = session.exec(select(t.Worker).where(t.Worker.ref == "cy")).one()
        proposal = t.Assignment(organisation_id=shift.organisation_id, worker_id=cy_row.id, shift_id=shift.id)  # type: ignore[arg-type]
        session.add(proposal)
        session.commit()
        proposal_id = proposal.id
    assert client.post("/assignments/offer", json={"ids": [proposal_id]}, headers=coord).status_code == 200
    assert client.post(f"/assignments/{proposal_id}/accept", headers=cy).status_code == 200  # the last place
    states = {a["id"]: (a["state"], a["note"]) for a in client.get("/take-requests", headers=coord).json()}
    assert states == {bo_ask: ("declined", "every place on this work is taken now"), cy_ask: ("confirmed", "")}
    _send(engine)
    assert smtp.to("bo@oslo.no")[-1]["Subject"].startswith("Not confirmed: Open4 at Lia sykehjem")
    assert not any(m["Subject"].startswith("Not confirmed") for m in smtp.to("cy@oslo.no"))


def test_a_digest_does_not_announce_what_was_decided_before_it_was_sent(engine: Engine, smtp: Inbox) -> None:
    """Issue 34 defect 8: the digest was written when queued and sent as written, hours later."""
    _confirming(engine)
    client = client_for(engine)
    ask = client.post("/open-places/open4/take", headers=sign_in(client, "bo@oslo.no")).json()["id"]
    morning = (dt.datetime.now(OSLO) - dt.timedelta(days=1)).replace(hour=7, minute=30).astimezone(dt.UTC)
    assert digest.run_due(engine, morning) == 2  # the coordinator and lia's manager: one ask waits
    manager = sign_in(client, ACCOUNTS["manager"])
    r = client.post(f"/take-requests/{ask}/decision", json={"approve": False, "note": "full"}, headers=manager)
    assert r.status_code == 200, r.text
    _send(engine)
    assert not any(m["Subject"].startswith("Waiting for your decision") for m in smtp.to("manager@oslo.no"))
    assert not any(m["Subject"].startswith("Waiting for your decision") for m in smtp.to("coord@oslo.no"))
