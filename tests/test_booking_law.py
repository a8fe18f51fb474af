"""Every path that books or moves booked work keeps the working-time law (issue 34, defect 1): accepting
offers, a take from the open board followed by an offer, time off granted at once, an edit of posted
work, and a worker's own profile. Each refusal is 409 naming the rule and where its number comes from,
and writes nothing; what stays booked passes the independent validator. Over HTTP, on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import tables as t
from models.store import load_snapshot
from solver.validator import validate
from tests.api_helpers import PASSWORD
from tests.factory import at, shift
from tests.test_api_offers import offer_ids, setup_pool

OSLO = ZoneInfo("Europe/Oslo")


def _kept_roster_is_lawful(engine: Engine) -> None:
    """What stays accepted breaks no hard rule, by the independent validator."""
    with Session(engine) as session:
        prob = load_snapshot(session, "oslo").problem
    kept = [(a.worker_id, a.item_id) for a in prob.assignments if a.kept]
    assert validate(prob, kept) == []


def _offer_all(who: dict) -> dict[tuple[str, str], int]:
    client, coord = who["client"], who["coord@oslo.no"]
    ids = offer_ids(client, coord)
    r = client.post("/assignments/offer", json={"ids": list(ids.values())}, headers=coord)
    assert r.status_code == 200, r.text
    return ids


def test_two_offers_eight_hours_apart_cannot_both_be_accepted(engine: Engine) -> None:
    shifts = [shift("day", 0, 7, 8), shift("night", 0, 23, 8)]
    who = setup_pool(engine, ["a"], shifts, [("a", "day"), ("a", "night")])
    client, a = who["client"], who["a"]
    ids = _offer_all(who)
    assert client.post(f"/assignments/{ids['a', 'day']}/accept", headers=a).status_code == 200
    r = client.post(f"/assignments/{ids['a', 'night']}/accept", headers=a)
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert detail.startswith("you cannot accept this work: ")
    assert "rest" in detail and "AML § 10-8 (1)" in detail  # the rule and its section
    assert client.get(f"/assignments/{ids['a', 'night']}", headers=a).json()["status"] == "offered"  # nothing written
    _kept_roster_is_lawful(engine)


def test_seven_nine_hour_days_in_a_row_stop_at_the_law(engine: Engine) -> None:
    """Seven 9-hour offers on seven days: 63 h in 7 days is over the law's 48 (AML § 10-6 (8)), and
    overtime and weekly rest bind too; some are refused, and what is accepted is lawful."""
    shifts = [shift(f"d{k}", k, 7, 9) for k in range(7)]
    who = setup_pool(engine, ["a"], shifts, [("a", f"d{k}") for k in range(7)])
    client, a = who["client"], who["a"]
    ids = _offer_all(who)
    answers = [client.post(f"/assignments/{ids['a', f'd{k}']}/accept", headers=a) for k in range(7)]
    assert answers[0].status_code == 200
    refused = [r for r in answers if r.status_code == 409]
    assert refused, "all seven were accepted"
    assert all(r.status_code in (200, 409) for r in answers)
    assert any("§" in r.json()["detail"] for r in refused)
    _kept_roster_is_lawful(engine)


def test_an_offer_after_a_take_from_the_board_keeps_the_rest(engine: Engine) -> None:
    """She takes open work from the board, then accepts an offer that starts 8 h after it ends."""
    shifts = [shift("open", 0, 7, 8), shift("offer", 0, 23, 8)]
    who = setup_pool(engine, ["a"], shifts, [("a", "offer")])
    client, a = who["client"], who["a"]
    ids = _offer_all(who)
    with Session(engine) as session:  # the board only shows work that has not begun: move it ahead
        _shift_days_ahead(session)
    r = client.post("/open-places/open/take", headers=a)
    assert r.status_code in (200, 201), r.text
    r = client.post(f"/assignments/{ids['a', 'offer']}/accept", headers=a)
    assert r.status_code == 409 and "rest" in r.json()["detail"], r.text
    _kept_roster_is_lawful(engine)


def _shift_days_ahead(session: Session) -> None:
    """Move every shift to start from tomorrow (the board lists only work to come), keeping their gaps."""
    rows = list(session.exec(select(t.Shift)))
    first = min(r.start_utc for r in rows)
    tomorrow = dt.datetime.combine(dt.datetime.now(OSLO).date() + dt.timedelta(days=1), dt.time(), tzinfo=OSLO)
    delta = tomorrow.astimezone(dt.UTC).replace(tzinfo=None) - first.replace(tzinfo=None)
    delta = dt.timedelta(days=delta.days + 1)
    for r in rows:
        r.start_utc, r.end_utc = r.start_utc + delta, r.end_utc + delta
        session.add(r)
    session.commit()


def test_an_offer_over_time_off_granted_at_once_is_refused(engine: Engine) -> None:
    shifts = [shift("s", 2, 7, 8)]
    who = setup_pool(engine, ["a"], shifts, [("a", "s")])
    client, a = who["client"], who["a"]
    ids = _offer_all(who)
    r = client.post("/time-off", json={"start": at(2, 0), "end": at(3, 0), "reason": "dentist"}, headers=a)
    assert r.status_code == 201 and r.json()["state"] == "approved", r.text
    r = client.post(f"/assignments/{ids['a', 's']}/accept", headers=a)
    assert r.status_code == 409 and "not available" in r.json()["detail"], r.text


def test_an_edit_cannot_move_accepted_work_next_to_her_other_work(engine: Engine) -> None:
    """The coordinator moves accepted work to 3 h after the same worker's other accepted work: 409 naming
    her and the rule, and the shift stays as it was."""
    shifts = [shift("early", 0, 7, 8), shift("later", 1, 7, 8)]
    who = setup_pool(engine, ["a"], shifts, [("a", "early"), ("a", "later")])
    client, a, coord = who["client"], who["a"], who["coord@oslo.no"]
    ids = _offer_all(who)
    for item in ("early", "later"):
        assert client.post(f"/assignments/{ids['a', item]}/accept", headers=a).status_code == 200
    before = client.get("/shifts/later", headers=coord).json()
    r = client.put("/shifts/later", json=shift("later", 0, 18, 4), headers=coord)
    assert r.status_code == 409, r.text
    assert "Worker a" in r.json()["detail"] and "rest" in r.json()["detail"]
    assert client.get("/shifts/later", headers=coord).json() == before
    r = client.put("/shifts/later", json=shift("later", 1, 9, 6), headers=coord)  # a lawful move is fine
    assert r.status_code == 200, r.text
    _kept_roster_is_lawful(engine)


def test_a_profile_cannot_mark_her_unavailable_over_accepted_work(engine: Engine) -> None:
    shifts = [shift("s", 1, 7, 8)]
    who = setup_pool(engine, ["a"], shifts, [("a", "s")])
    client, a = who["client"], who["a"]
    ids = _offer_all(who)
    assert client.post(f"/assignments/{ids['a', 's']}/accept", headers=a).status_code == 200
    profile = client.get("/workers/a", headers=a).json()
    away = {"start": at(1, 0), "end": at(2, 0), "kind": "unavailable"}
    r = client.put("/workers/a", json={**profile, "availability": [away]}, headers=a)
    assert r.status_code == 409, r.text
    assert "not available" in r.json()["detail"]
    assert client.get("/workers/a", headers=a).json()["availability"] == profile["availability"]
    elsewhere = {"start": at(3, 0), "end": at(4, 0), "kind": "unavailable"}
    r = client.put("/workers/a", json={**profile, "availability": [elsewhere]}, headers=a)
    assert r.status_code == 200, r.text
    _kept_roster_is_lawful(engine)


def test_a_deleted_worker_can_no_longer_sign_in_or_read_the_pool(engine: Engine) -> None:
    """Issue 34 defect 1b: a deleted worker's account still signed in and read the organisation's sites,
    farms and law settings. Her accounts and sessions go with her."""
    who = setup_pool(engine, ["a"], [shift("s", 1, 7, 8)], [("a", "s")])
    client, a, coord = who["client"], who["a"], who["coord@oslo.no"]
    assert client.get("/sites", headers=a).status_code == 200
    assert client.delete("/workers/a", headers=coord).status_code == 204
    assert client.get("/sites", headers=a).status_code == 401  # the session she had is gone
    r = client.post("/auth/token", data={"username": "a@oslo.no", "password": PASSWORD})
    assert r.status_code == 401, r.text
