"""The offer cascade: an offer not answered in time gets a reminder halfway, then expires, and the place
goes to the next ranked candidate, until it is filled or nobody is left; the manager sees where it
stands, and each step is decided once even when two servers run the pass."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.background.sender import Sender
from api.notifications import channels
from api.services import cascade
from models import tables as t
from models.enums import Role
from models.settings import settings
from tests.api_helpers import add_user, client_for, sign_in
from tests.smtp_fixture import Inbox
from tests.test_notifications import _proposal
from tests.test_web_pages import page_sign_in
from tests.web_fixture import ACCOUNTS, pages_client, seed_web_pool

NAMES = {"ada": "Ada Lund", "bo": "Bo Berg"}


def _offers(client, headers) -> dict[str, dict]:
    items = client.get("/assignments?status=offered", headers=headers).json()["items"]
    return {a["worker"]: a for a in items if a["item"] == "late4"}


def test_an_unanswered_offer_is_reminded_then_goes_to_the_next_candidate(engine: Engine, smtp: Inbox) -> None:
    client, _, coordinator, first, second, mail = _filled_once(engine)  # ada's proposal withdrawn: the manager fills
    offer = _offers(client, coordinator)[first]
    answer_by = dt.datetime.fromisoformat(offer["answer_by"])
    assert offer["answer_by"][-6:] in ("+01:00", "+02:00")
    offered_at = answer_by - dt.timedelta(hours=settings().offer_hours)  # four days ahead: the full 24 h
    sender = Sender(engine, channels.configured(settings()), check_seconds=3600)

    assert cascade.run_due(engine, offered_at + dt.timedelta(hours=11)) == []  # not yet halfway: nothing
    cascade.run_due(engine, offered_at + dt.timedelta(hours=13))  # halfway: a reminder, once
    cascade.run_due(engine, offered_at + dt.timedelta(hours=14))
    sender.run_once(offered_at + dt.timedelta(hours=14))
    assert [m["Subject"].split(":")[0] for m in smtp.to(mail[first])] == ["Offer", "Reminder"]
    assert smtp.to(mail[second]) == []

    later = answer_by + dt.timedelta(minutes=1)
    racing = [threading.Thread(target=cascade.run_due, args=(engine, later)) for _ in range(2)]  # two servers
    for th in racing:
        th.start()
    for th in racing:
        th.join()
    now_offered = _offers(client, coordinator)
    assert list(now_offered) == [second]  # the next candidate, once
    expired = client.get(f"/assignments/{offer['id']}", headers=coordinator).json()
    assert expired["status"] == "declined" and expired["expired"] is True and expired["answer_by"] is None
    sender.run_once(later)
    assert smtp.to(mail[first])[-1]["Subject"].startswith("Offer expired: Late shift at Lia sykehjem")
    assert [m["Subject"].split(":")[0] for m in smtp.to(mail[second])] == ["Offer"]  # the next in line

    page = pages_client(engine)
    page_sign_in(page, ACCOUNTS["manager"])
    day = dt.date.fromisoformat(offer["start"][:10])
    week = page.get("/manage", params={"week": (day - dt.timedelta(days=day.weekday())).isoformat()}).text
    assert f"no answer in time from {NAMES[first]}" in week and f"offered to {NAMES[second]} (answers by" in week

    deadline = dt.datetime.fromisoformat(now_offered[second]["answer_by"])
    assert cascade.run_due(engine, deadline + dt.timedelta(minutes=1)) == []  # nobody is left to offer
    with Session(engine) as session:
        rows = session.exec(select(t.Assignment).where(t.Assignment.expired_at != None)).all()  # noqa: E711
        assert len(rows) == 2


def _filled_once(engine: Engine) -> tuple[object, dict, dict, str, str, dict[str, str]]:
    """late4 filled by the manager with bo and ada as candidates: the client, the manager's and the
    coordinator's headers, who got the offer, who is next, and each worker's e-mail."""
    seed_web_pool(engine)
    assignment = _proposal(engine)
    with Session(engine) as session:
        session.delete(session.get(t.Assignment, assignment))
        bo = session.exec(select(t.Worker).where(t.Worker.ref == "bo")).one()
        org, bo_id = bo.organisation_id, bo.id
        session.commit()
    add_user(engine, org, "bo@oslo.no", Role.worker, worker_id=bo_id)
    client = client_for(engine)
    manager, coordinator = sign_in(client, ACCOUNTS["manager"]), sign_in(client, ACCOUNTS["coordinator"])
    r = client.post("/shifts/late4/fill", headers=manager)
    assert r.status_code == 200 and len(r.json()["offered"]) == 1, r.text
    [first] = r.json()["offered"]
    second = next(w for w in NAMES if w != first)
    return client, manager, coordinator, first, second, {"ada": "ada@oslo.no", "bo": "bo@oslo.no"}


def test_a_declined_offer_goes_to_the_next_candidate_at_once_and_the_manager_hears(engine: Engine, smtp: Inbox) -> None:
    """Issue 34 defect 2: a decline moved the place to nobody, and nobody was told."""
    client, _, coordinator, first, second, mail = _filled_once(engine)
    offer = _offers(client, coordinator)[first]
    r = client.post(f"/assignments/{offer['id']}/decline", headers=sign_in(client, mail[first]))
    assert r.status_code == 200 and r.json()["status"] == "declined", r.text
    assert list(_offers(client, coordinator)) == [second]  # at once, with no pass of the cascade
    Sender(engine, channels.configured(settings()), check_seconds=3600).run_once()
    told = smtp.to(ACCOUNTS["manager"])
    assert [m["Subject"] for m in told] == [
        f"{NAMES[first]} declined the offer: Late shift at Lia sykehjem, {told[0]['Subject'].split(', ', 1)[1]}"
    ]
    assert f"It is offered now to {NAMES[second]}." in told[0].get_content()
    assert [m["Subject"].split(":")[0] for m in smtp.to(mail[second])] == ["Offer"]


def test_the_offer_says_when_it_runs_out_and_a_stale_offer_is_not_sent(engine: Engine, smtp: Inbox) -> None:
    """The offer's message names the time it runs out (its links work until then, not 48 h); an offer
    answered before the sender's tick is not mailed; the offer card shows the deadline."""
    client, _, coordinator, first, second, mail = _filled_once(engine)
    offer = _offers(client, coordinator)[first]
    answer_by = dt.datetime.fromisoformat(offer["answer_by"])
    with Session(engine) as session:
        link = session.exec(select(t.ActionLink).where(t.ActionLink.assignment_id == offer["id"])).first()
        assert link is not None
        expires = link.expires_at.replace(tzinfo=dt.UTC) if link.expires_at.tzinfo is None else link.expires_at
        assert expires == answer_by.astimezone(dt.UTC)
    page = pages_client(engine)
    page_sign_in(page, mail[first])
    local_deadline = answer_by.strftime("%H:%M")
    assert "Answer by " in page.get("/my").text and local_deadline in page.get("/my").text
    r = client.post(f"/assignments/{offer['id']}/decline", headers=sign_in(client, mail[first]))
    assert r.status_code == 200
    Sender(engine, channels.configured(settings()), check_seconds=3600).run_once()
    assert smtp.to(mail[first]) == []  # answered before the tick: its offer is not mailed
    [sent] = smtp.to(mail[second])
    text = sent.get_content()
    assert "Please answer by " in text and "after that the offer goes to someone else" in text
    assert "48" not in text
