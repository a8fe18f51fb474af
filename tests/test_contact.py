"""A worker's contact: her phone number (checked and kept in E.164) and preferred channel, seen by her,
the coordinator and the managers of places where she has work coming, and by nobody else."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from tests.api_helpers import client_for, sign_in
from tests.test_web_pages import csrf, page_sign_in
from tests.web_fixture import ACCOUNTS, local, pages_client, seed_web_pool


def test_the_contact_is_checked_and_seen_only_by_those_who_need_it(engine: Engine) -> None:
    seed_web_pool(engine)  # ada has work at Lia (run by the manager), none at the farm
    client = client_for(engine)
    me = sign_in(client, ACCOUNTS["worker"])
    r = client.put("/workers/ada/contact", json={"phone": "912 34 567", "channel": "sms"}, headers=me)
    assert r.status_code == 200 and r.json()["phone"] == "+4791234567" and r.json()["channel"] == "sms"
    for bad, field in (
        ({"phone": "12"}, "phone"),
        ({"phone": "", "channel": "sms"}, "phone"),
        ({"channel": "pigeon"}, "channel"),
    ):
        r = client.put("/workers/ada/contact", json=bad, headers=me)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", field], r.text
    seen = client.get("/workers/ada/contact", headers=sign_in(client, ACCOUNTS["manager"])).json()
    assert seen["phone"] == "+4791234567" and seen["email"] == "ada@oslo.no"
    assert client.get("/workers/ada/contact", headers=sign_in(client, ACCOUNTS["coordinator"])).status_code == 200
    assert client.get("/workers/ada/contact", headers=sign_in(client, ACCOUNTS["farmer"])).status_code == 403
    assert client.get("/workers/bo/contact", headers=me).status_code == 403
    assert (
        client.put("/workers/ada/contact", json={"phone": ""}, headers=sign_in(client, ACCOUNTS["manager"])).status_code
        == 403
    )
    assert client.get("/workers/ada/contact", headers=sign_in(client, "coord@bergen.no")).status_code == 404


def test_the_worker_sets_her_number_on_the_profile_and_the_manager_sees_it_beside_her_booking(
    sqlite_engine: Engine,
) -> None:
    seed_web_pool(sqlite_engine)
    worker = pages_client(sqlite_engine)
    page_sign_in(worker, ACCOUNTS["worker"])
    token = csrf(worker, "/my/profile")
    r = worker.post("/my/profile/contact", data={"csrf": token, "phone": "not a number", "channel": "email"})
    assert r.status_code == 422 and "Phone number: is not a valid phone number" in r.text
    r = worker.post("/my/profile/contact", data={"csrf": token, "phone": "+47 912 34 567", "channel": "email"})
    assert (
        r.status_code == 200
        and "Saved: this is how the pool reaches you." in r.text
        and 'value="+4791234567"' in r.text
    )
    manager = pages_client(sqlite_engine)
    page_sign_in(manager, ACCOUNTS["manager"])
    d = dt.date.fromisoformat(local(2, 0)[:10])
    week = manager.get("/manage", params={"week": (d - dt.timedelta(days=d.weekday())).isoformat()}).text
    assert '<a href="tel:+4791234567">+4791234567</a>' in week
