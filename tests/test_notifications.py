"""Notifications through a real SMTP server on loopback: an offer's e-mail with one-click links that
work once and expire; messages written with their change (a rolled-back change sends nothing) and sent
exactly once, by any server, after a restart; retries with back-off; preferences; sick calls and
cancellations reaching the right people."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.background.sender import LEASE, Sender, backoff
from api.notifications import channels, outbox
from models import tables as t
from models.enums import AssignmentStatus
from models.settings import settings
from tests import sms_double
from tests.api_helpers import client_for, sign_in
from tests.smtp_fixture import Inbox
from tests.test_web_pages import csrf
from tests.web_fixture import ACCOUNTS, OSLO, local, pages_client, seed_web_pool

LINK = re.compile(r"(Accept|Decline): https://testserver(/a/[A-Za-z0-9_-]+)")


def _proposal(engine: Engine, days: int = 4) -> int:
    """A day shift ``days`` from now at Lia with ada proposed on it; its assignment's id."""
    with Session(engine) as session:
        site = session.exec(select(t.Site).where(t.Site.ref == "lia")).one()
        ada = session.exec(select(t.Worker).where(t.Worker.ref == "ada")).one()
        start = dt.datetime.fromisoformat(local(days, 8)).replace(tzinfo=OSLO)
        shift = t.Shift(
            organisation_id=site.organisation_id,
            ref=f"late{days}",
            site_id=site.id,  # type: ignore[arg-type]
            title="Late shift",
            start_utc=start,
            end_utc=start + dt.timedelta(hours=7),
        )
        session.add(shift)
        session.flush()
        a = t.Assignment(organisation_id=site.organisation_id, worker_id=ada.id, shift_id=shift.id)  # type: ignore[arg-type]
        session.add(a)
        session.commit()
        assert a.id is not None
        return a.id


def _offer(engine: Engine, assignment_id: int) -> None:
    client = client_for(engine)
    r = client.post(
        "/assignments/offer", json={"ids": [assignment_id]}, headers=sign_in(client, ACCOUNTS["coordinator"])
    )
    assert r.status_code == 200, r.text


def _sender(engine: Engine) -> Sender:
    return Sender(engine, channels.configured(settings()), check_seconds=3600)


def _status(engine: Engine, assignment_id: int) -> AssignmentStatus:
    with Session(engine) as session:
        a = session.get(t.Assignment, assignment_id)
        assert a is not None
        return a.status


def test_an_offer_email_arrives_and_its_accept_link_works_once(engine: Engine, smtp: Inbox) -> None:
    seed_web_pool(engine)
    a = _proposal(engine)
    _offer(engine, a)
    assert smtp.messages == []  # written with the offer; sent by the sender
    assert _sender(engine).run_once() == 1
    [mail] = smtp.to("ada@oslo.no")
    assert mail["Subject"].startswith("Offer: Late shift at Lia sykehjem, ") and re.search(
        r"15:00 CES?T", mail["Subject"]
    )
    body = mail.get_content()
    assert "Liavegen 1, Oslo" in body and "Each link works once" in body
    found = dict(LINK.findall(body))
    browser = pages_client(engine)
    r = browser.get(found["Accept"])
    assert r.status_code == 200 and "Accept this offer?" in r.text and _status(engine, a) == AssignmentStatus.offered
    token = csrf(browser, found["Accept"])
    r = browser.post(found["Accept"], data={"csrf": token})
    assert r.status_code == 200 and "You accepted this work" in r.text
    assert _status(engine, a) == AssignmentStatus.accepted
    r = browser.post(found["Accept"], data={"csrf": token})
    assert r.status_code == 410 and "used already" in r.text  # works once
    r = browser.post(found["Decline"], data={"csrf": token})
    assert r.status_code == 409 and _status(engine, a) == AssignmentStatus.accepted  # the answer is given
    assert browser.get("/a/" + "x" * 43).status_code == 404
    with Session(engine) as session:  # only digests are stored, and a sent message's links are not kept
        stored = session.exec(select(t.Notification)).one()
        assert stored.body == "" and stored.sent_at is not None
        assert found["Accept"].split("/")[-1] not in {x.digest for x in session.exec(select(t.ActionLink))}
    assert _sender(engine).run_once() == 0 and len(smtp.messages) == 1  # never twice


def test_an_expired_link_is_refused_and_answers_nothing(engine: Engine, smtp: Inbox) -> None:
    seed_web_pool(engine)
    a = _proposal(engine)
    _offer(engine, a)
    _sender(engine).run_once()
    found = dict(LINK.findall(smtp.messages[0].get_content()))
    with Session(engine) as session:
        for link in session.exec(select(t.ActionLink)):
            link.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
            session.add(link)
        session.commit()
    browser = pages_client(engine)
    r = browser.get(found["Accept"])
    assert r.status_code == 410 and "expired" in r.text
    assert _status(engine, a) == AssignmentStatus.offered


def test_a_change_that_is_rolled_back_sends_nothing(engine: Engine, smtp: Inbox, monkeypatch) -> None:
    from api.services import assignments

    seed_web_pool(engine)
    a = _proposal(engine)
    real = assignments.events.offered

    def stage_then_fail(session, rows, now=None):
        real(session, rows, now)
        raise RuntimeError("the change fails after its messages were staged")

    monkeypatch.setattr(assignments.events, "offered", stage_then_fail)
    client = client_for(engine)
    r = client.post("/assignments/offer", json={"ids": [a]}, headers=sign_in(client, ACCOUNTS["coordinator"]))
    assert r.status_code == 500
    assert _status(engine, a) == AssignmentStatus.proposed
    with Session(engine) as session:
        assert session.exec(select(t.Notification)).all() == [] and session.exec(select(t.ActionLink)).all() == []
    assert _sender(engine).run_once() == 0 and smtp.messages == []


def test_a_server_killed_before_sending_sends_exactly_once_after_restart(engine: Engine, smtp: Inbox) -> None:
    seed_web_pool(engine)
    _offer(engine, _proposal(engine))  # committed; the server dies before its sender ran
    with Session(engine) as session:  # and one that died mid-send, holding the row's lease
        row = session.exec(select(t.Notification)).one()
        row.claimed_until = dt.datetime.now(dt.UTC) + LEASE
        session.add(row)
        session.commit()
    restarted = [_sender(engine), _sender(engine)]  # two servers come up on the same database
    assert sum(s.run_once() for s in restarted) == 0  # the lease still holds
    later = dt.datetime.now(dt.UTC) + LEASE + dt.timedelta(seconds=1)
    threads = [threading.Thread(target=s.run_once, args=(later,)) for s in restarted]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(smtp.to("ada@oslo.no")) == 1
    assert _sender(engine).run_once(later) == 0 and len(smtp.messages) == 1


def test_a_failed_send_is_tried_again_with_back_off_and_given_up_in_the_end(engine: Engine, monkeypatch) -> None:
    seed_web_pool(engine)
    _offer(engine, _proposal(engine))
    flaky = channels.Recorded(fail=2)
    sender = Sender(engine, {"email": flaky}, check_seconds=3600)
    now = dt.datetime.now(dt.UTC)
    assert sender.run_once(now) == 0
    with Session(engine) as session:
        row = session.exec(select(t.Notification)).one()
        assert row.attempts == 1 and row.error.startswith("ConnectionError") and row.sent_at is None
        assert row.due_at.astimezone(dt.UTC) == now + backoff(1)
    assert sender.run_once(now + dt.timedelta(seconds=10)) == 0 and flaky.fail == 1  # not due yet: not tried
    assert sender.run_once(now + backoff(1)) == 0  # the second failure
    assert sender.run_once(now + backoff(1) + backoff(2)) == 1 and len(flaky.sent) == 1
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 20)] == [30, 60, 120, 6 * 3600]
    monkeypatch.setenv("BEMANNA_NOTIFY_MAX_ATTEMPTS", "1")
    _offer(engine, _proposal(engine, days=5))
    broken = Sender(engine, {"email": channels.Recorded(fail=5)}, check_seconds=3600)
    broken.run_once()
    with Session(engine) as session:
        last = session.exec(select(t.Notification).order_by(col(t.Notification.id).desc())).first()
        assert last is not None and last.failed_at is not None and last.sent_at is None


def test_muted_events_are_not_queued_and_quiet_hours_hold_messages_back(engine: Engine) -> None:
    seed_web_pool(engine)
    with Session(engine) as session:
        ada = session.exec(select(t.User).where(t.User.email == ACCOUNTS["worker"])).one()
        session.add(
            t.NotificationPreference(
                user_id=ada.id, muted=["work_changed"], quiet_from=dt.time(22), quiet_until=dt.time(7)
            )
        )  # type: ignore[arg-type]
        session.commit()
        late = dt.datetime(2027, 3, 1, 23, 30, tzinfo=OSLO)
        assert outbox.enqueue(session, ada, "work_changed", "k1", "s", "b", late) is None
        held = outbox.enqueue(session, ada, "offer", "k2", "s", "b", late)
        assert held is not None and held.due_at == dt.datetime(2027, 3, 2, 7, tzinfo=OSLO).astimezone(dt.UTC)
        early = outbox.enqueue(session, ada, "offer", "k3", "s", "b", dt.datetime(2027, 3, 2, 6, tzinfo=OSLO))
        assert early is not None and early.due_at == dt.datetime(2027, 3, 2, 7, tzinfo=OSLO).astimezone(dt.UTC)
        noon = dt.datetime(2027, 3, 2, 12, tzinfo=OSLO)
        day = outbox.enqueue(session, ada, "offer", "k4", "s", "b", noon)
        assert day is not None and day.due_at == noon
        session.commit()
        assert outbox.enqueue(session, ada, "offer", "k4", "s", "b", noon) is None  # the same event, once


def test_a_sick_call_reaches_the_manager_and_a_cancellation_the_worker(engine: Engine, smtp: Inbox) -> None:
    seed_web_pool(engine)
    client = client_for(engine)
    me = sign_in(client, ACCOUNTS["worker"])
    accepted = client.get("/assignments?status=accepted", headers=me).json()["items"][0]["id"]
    assert client.post(f"/assignments/{accepted}/cancel", headers=me).status_code == 200  # a sick call
    a = _proposal(engine)
    _offer(engine, a)
    coordinator = sign_in(client, ACCOUNTS["coordinator"])
    _sender(engine).run_once()
    assert client.post(f"/assignments/{a}/cancel", headers=coordinator).status_code == 200  # withdrawn
    _sender(engine).run_once()
    [sick] = smtp.to("manager@oslo.no")
    assert sick["Subject"].startswith("Sick call: Ada Lund, Day shift at Lia sykehjem")
    assert "https://testserver/manage/shifts/day2/fill" in sick.get_content()
    subjects = [m["Subject"] for m in smtp.to("ada@oslo.no")]
    assert len(subjects) == 2 and subjects[0].startswith("Offer: ") and subjects[1].startswith("Withdrawn: Late shift")
    assert smtp.to("farmer@oslo.no") == [] and smtp.to("coord@oslo.no") == []  # nobody else hears of it


def test_an_edit_of_booked_work_tells_the_worker_what_changed_and_a_removal_that_it_is_off(
    engine: Engine, smtp: Inbox
) -> None:
    seed_web_pool(engine)  # ada: offered day1, accepted day2
    client = client_for(engine)
    manager = sign_in(client, ACCOUNTS["manager"])
    day2 = client.get("/shifts/day2", headers=manager).json()
    later = {**day2, "start": local(2, 9), "end": local(2, 16.5)}
    assert client.put("/shifts/day2", json=later, headers=manager).status_code == 200
    assert client.put("/shifts/day2", json={**later, "priority": "critical"}, headers=manager).status_code == 200
    _sender(engine).run_once()
    [changed] = smtp.to("ada@oslo.no")  # the second edit does not show in her words: no message
    body = changed.get_content().replace("\r\n", "\n")
    assert changed["Subject"].startswith("Changed: Day shift at Lia sykehjem")
    assert re.search(r"Now: Day shift at Lia sykehjem\n\s+\w{3} \d\d \w{3} \d{4}, 09:00–16:30", body)
    assert re.search(r"Was: Day shift at Lia sykehjem\n\s+\w{3} \d\d \w{3} \d{4}, 08:00–15:30", body)
    assert client.delete("/shifts/day1", headers=manager).status_code == 204
    _sender(engine).run_once()
    assert smtp.to("ada@oslo.no")[-1]["Subject"].startswith("Withdrawn: Day shift at Lia sykehjem")
    assert len(smtp.to("ada@oslo.no")) == 2 and smtp.to("bo@oslo.no") == []


def test_a_worker_who_prefers_sms_gets_it_through_the_deployment_s_provider(
    engine: Engine, smtp: Inbox, monkeypatch
) -> None:
    seed_web_pool(engine)
    with Session(engine) as session:
        ada = session.exec(select(t.Worker).where(t.Worker.ref == "ada")).one()
        ada.phone, ada.channel = "+4791234567", "sms"
        session.add(ada)
        session.commit()
    _offer(engine, _proposal(engine, days=4))  # no provider yet: she is not left unreached
    monkeypatch.setenv("BEMANNA_SMS_PROVIDER", "tests.sms_double:provider")
    sms_double.SENT.sent.clear()
    _offer(engine, _proposal(engine, days=5))
    assert [n.channel for n in session_rows(engine)] == ["email", "sms"]
    assert _sender(engine).run_once() == 2
    [mail] = smtp.to("ada@oslo.no")
    [text] = sms_double.SENT.sent
    assert text.to == "+4791234567" and text.subject.startswith("Offer: Late shift at Lia sykehjem")
    assert mail["Subject"] != text.subject  # the two offers, one each way
    monkeypatch.setenv("BEMANNA_SMS_PROVIDER", "tests.nowhere:provider")
    with pytest.raises(RuntimeError, match="cannot be loaded"):  # a clear error at start-up
        channels.configured(settings())


def session_rows(engine: Engine) -> list[t.Notification]:
    with Session(engine) as session:
        return list(session.exec(select(t.Notification).order_by(col(t.Notification.id))))
