"""A person's notification preferences over HTTP and on the page: the events their role hears of, each
one that can be left out (and then is not sent), and quiet hours with both ends."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import tables as t
from tests.api_helpers import client_for, sign_in
from tests.test_notifications import _offer, _proposal
from tests.test_web_pages import csrf, page_sign_in
from tests.web_fixture import ACCOUNTS, pages_client, seed_web_pool


def test_a_muted_event_is_not_sent_and_quiet_hours_need_both_ends(engine: Engine) -> None:
    seed_web_pool(engine)
    client = client_for(engine)
    me = sign_in(client, ACCOUNTS["worker"])
    r = client.get("/me/notifications", headers=me)
    assert r.json() == {
        "events": {"offer": True, "offer_expiry": True, "work_changed": True, "decision": True},
        "quiet_from": None,
        "quiet_until": None,
    }
    r = client.put(
        "/me/notifications", json={"muted": ["offer"], "quiet_from": "22:00", "quiet_until": "07:00"}, headers=me
    )
    assert r.status_code == 200 and r.json()["events"]["offer"] is False and r.json()["quiet_from"] == "22:00:00"
    for bad, field in (({"muted": ["gossip"]}, "muted"), ({"quiet_from": "22:00"}, "quiet_until")):
        r = client.put("/me/notifications", json=bad, headers=me)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", field], r.text
    _offer(engine, _proposal(engine))
    with Session(engine) as session:
        assert session.exec(select(t.Notification)).all() == []  # she left offers out
    manager = client.get("/me/notifications", headers=sign_in(client, ACCOUNTS["manager"])).json()
    assert list(manager["events"]) == ["sick_call", "request", "work_changed"]


def test_preferences_are_set_on_the_page(sqlite_engine: Engine) -> None:
    seed_web_pool(sqlite_engine)
    page = pages_client(sqlite_engine)
    page_sign_in(page, ACCOUNTS["manager"])
    token = csrf(page, "/account/notifications")
    r = page.post(
        "/account/notifications", data={"csrf": token, "heard": ["sick_call"], "quiet_from": "21:00", "quiet_until": ""}
    )
    assert r.status_code == 422 and "Quiet until: give both ends" in r.text
    r = page.post(
        "/account/notifications",
        data={"csrf": token, "heard": ["sick_call"], "quiet_from": "21:00", "quiet_until": "06:30"},
    )
    assert r.status_code == 200 and "Saved." in r.text and 'value="06:30"' in r.text
    assert 'value="request">' in r.text and 'value="sick_call" checked' in r.text
