"""Offers over HTTP: offering proposals, accepting and declining, sick calls, who sees what, and the
double-booking race decided by the database (run on SQLite and on PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import tables as t
from models.enums import AssignmentStatus, Role
from tests.api_helpers import add_org, add_user, client_for, race, sign_in, store_pool
from tests.factory import problem, shift, worker


def setup_pool(engine: Engine, workers: list[str], shifts: list[dict], proposals: list[tuple[str, str]]) -> dict:
    """Oslo with these workers (each signed up as worker <id>@oslo.no), shifts and proposed assignments."""
    proposed = [(w, s, AssignmentStatus.proposed) for w, s in proposals]
    oslo, ids = store_pool(engine, problem([worker(w) for w in workers], shifts), proposed)
    add_user(engine, oslo, "coord@oslo.no", Role.coordinator)
    add_user(engine, oslo, "manager@oslo.no", Role.manager)
    for w in workers:
        add_user(engine, oslo, f"{w}@oslo.no", Role.worker, worker_id=ids[w])
    add_user(engine, add_org(engine, "bergen"), "coord@bergen.no", Role.coordinator)
    client = client_for(engine)
    emails = ["coord@oslo.no", "manager@oslo.no", "coord@bergen.no", *(f"{w}@oslo.no" for w in workers)]
    return {
        "client": client,
        **{e.split("@")[0] if "oslo" in e and "coord" not in e else e: sign_in(client, e) for e in emails},
    }


def offer_ids(client: TestClient, headers: dict) -> dict[tuple[str, str], int]:
    items = client.get("/assignments?limit=500", headers=headers).json()["items"]
    return {(a["worker"], a["item"]): a["id"] for a in items}


def test_offer_accept_decline_and_sick_call(engine: Engine) -> None:
    shifts = [shift("s0", 0, 7, 8), shift("s1", 0, 8, 8), shift("s2", 1, 7, 8)]
    who = setup_pool(engine, ["a", "b", "c"], shifts, [("a", "s0"), ("b", "s0"), ("a", "s1"), ("c", "s2")])
    client, coord = who["client"], who["coord@oslo.no"]
    ids = offer_ids(client, coord)
    r = client.post("/assignments/offer", json={"from": "2027-06-14", "to": "2027-06-14"}, headers=coord)
    assert r.status_code == 200 and {a["item"] for a in r.json()} == {"s0", "s1"}  # s2 is on the 15th
    assert (
        client.post("/assignments/offer", json={"ids": [ids["c", "s2"]]}, headers=coord).json()[0]["status"]
        == "offered"
    )

    a, b, c = who["a"], who["b"], who["c"]
    assert {x["item"] for x in client.get("/assignments", headers=a).json()["items"]} == {"s0", "s1"}  # own only
    assert client.get(f"/assignments/{ids['c', 's2']}", headers=a).status_code == 404
    assert client.post(f"/assignments/{ids['c', 's2']}/accept", headers=a).status_code == 404
    assert client.post(f"/assignments/{ids['a', 's0']}/accept", headers=who["manager"]).status_code == 404  # not theirs

    r = client.post(f"/assignments/{ids['a', 's0']}/accept", headers=a)
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    r = client.post(f"/assignments/{ids['b', 's0']}/accept", headers=b)
    assert r.status_code == 409 and "taken" in r.json()["detail"]  # headcount 1
    r = client.post(f"/assignments/{ids['a', 's1']}/accept", headers=a)
    assert r.status_code == 409 and "same time" in r.json()["detail"]  # overlaps s0
    assert client.post(f"/assignments/{ids['a', 's1']}/decline", headers=a).json()["status"] == "declined"
    assert client.post(f"/assignments/{ids['a', 's1']}/accept", headers=a).status_code == 409

    # a sick call frees the place; b's offer can now be accepted
    assert client.post(f"/assignments/{ids['a', 's0']}/cancel", headers=a).json()["status"] == "cancelled"
    assert client.post(f"/assignments/{ids['b', 's0']}/accept", headers=b).status_code == 200
    assert client.post(f"/assignments/{ids['c', 's2']}/accept", headers=c).status_code == 200
    r = client.post(f"/assignments/{ids['c', 's2']}/cancel", headers=who["manager"])
    assert r.status_code == 404  # the manager runs no site here: the work is not theirs to see
    statuses = {x["item"]: x["status"] for x in client.get("/assignments?worker=b", headers=coord).json()["items"]}
    assert statuses == {"s0": "accepted", "s1": "offered"}  # a's decline of s1 went on to b at once
    assert client.get("/assignments?status=accepted", headers=coord).json()["total"] == 2


def test_assignments_never_cross_organisations(engine: Engine) -> None:
    who = setup_pool(engine, ["a"], [shift("s0", 0, 7, 8)], [("a", "s0")])
    client, bergen = who["client"], who["coord@bergen.no"]
    aid = offer_ids(client, who["coord@oslo.no"])["a", "s0"]
    assert client.get("/assignments", headers=bergen).json()["total"] == 0
    assert client.get(f"/assignments/{aid}", headers=bergen).status_code == 404
    assert client.post("/assignments/offer", json={"ids": [aid]}, headers=bergen).json() == []
    assert client.post(f"/assignments/{aid}/cancel", headers=bergen).status_code == 404
    assert client.get(f"/assignments/{aid}", headers=who["coord@oslo.no"]).json()["status"] == "proposed"


def _race(engine: Engine, who: dict, attempts: list[tuple[str, int]]) -> Counter:
    """Fire the accepts at once from separate clients; the database decides."""
    clients = [TestClient(who["client"].app, raise_server_exceptions=False) for _ in attempts]

    def accept(client: TestClient, name: str, aid: int) -> Callable[[], int]:
        return lambda: client.post(f"/assignments/{aid}/accept", headers=who[name]).status_code

    return race([accept(c, *attempt) for c, attempt in zip(clients, attempts, strict=True)])


def test_concurrent_accepts_never_overfill_a_shift(engine: Engine) -> None:
    names = [f"w{k}" for k in range(6)]
    who = setup_pool(engine, names, [shift("s0", 0, 7, 8, headcount=2)], [(n, "s0") for n in names])
    client, coord = who["client"], who["coord@oslo.no"]
    client.post("/assignments/offer", json={}, headers=coord)
    ids = offer_ids(client, coord)
    codes = _race(engine, who, [(n, ids[n, "s0"]) for n in names])
    assert codes == Counter({200: 2, 409: 4})
    assert client.get("/assignments?status=accepted", headers=coord).json()["total"] == 2


def test_concurrent_accepts_never_double_book_a_worker(engine: Engine) -> None:
    shifts = [shift(f"s{k}", 0, 7 + k, 8) for k in range(4)]  # all overlap each other
    who = setup_pool(engine, ["a"], shifts, [("a", s["id"]) for s in shifts])
    client, coord = who["client"], who["coord@oslo.no"]
    client.post("/assignments/offer", json={}, headers=coord)
    ids = offer_ids(client, coord)
    codes = _race(engine, who, [("a", ids["a", s["id"]]) for s in shifts])
    assert codes == Counter({200: 1, 409: 3})
    assert client.get("/assignments?status=accepted", headers=coord).json()["total"] == 1


@pytest.mark.parametrize("status", [AssignmentStatus.proposed, AssignmentStatus.declined])
def test_only_offers_can_be_accepted(engine: Engine, status: AssignmentStatus) -> None:
    who = setup_pool(engine, ["a"], [shift("s0", 0, 7, 8)], [("a", "s0")])
    client, coord = who["client"], who["coord@oslo.no"]
    aid = offer_ids(client, coord)["a", "s0"]
    with Session(engine) as session:
        row = session.get(t.Assignment, aid)
        assert row is not None
        row.status = status
        session.add(row)
        session.commit()
    r = client.post(f"/assignments/{aid}/accept", headers=who["a"])
    assert r.status_code == 409 and str(status) in r.json()["detail"]
