"""The open places board over HTTP and in the page: a worker sees exactly the open work she may take by
every hard rule, takes it through the race-safe accept (the loser of the last place gets 409), and a
rule that rules her out is checked again when she takes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import tables as t
from models.enums import Role
from tests.api_helpers import add_user, client_for, race, sign_in
from tests.test_web_pages import csrf, page_sign_in
from tests.web_fixture import ACCOUNTS, OSLO, local, pages_client, seed_web_pool


def _shift(
    engine: Engine, ref: str, days: int, hour: float, hours: float, skills: tuple[str, ...] = ("nurse",)
) -> None:
    with Session(engine) as session:
        site = session.exec(select(t.Site).where(t.Site.ref == "lia")).one()
        start = dt.datetime.fromisoformat(local(days, hour)).replace(tzinfo=OSLO)
        shift = t.Shift(
            organisation_id=site.organisation_id,
            ref=ref,
            site_id=site.id,  # type: ignore[arg-type]
            title=ref.capitalize(),
            start_utc=start,
            end_utc=start + dt.timedelta(hours=hours),
        )
        session.add(shift)
        session.flush()
        for k, skill in enumerate(skills):
            row = session.exec(select(t.Skill).where(t.Skill.ref == skill)).one()
            session.add(t.ShiftSkill(shift_id=shift.id, skill_id=row.id, position=k))  # type: ignore[arg-type]
        session.commit()


@pytest.fixture
def pool(engine: Engine) -> Engine:
    seed_web_pool(engine)  # ada: nurse, accepted day2 (day 2, 08:00-15:30); bo: nurse
    _shift(engine, "open4", 4, 8, 7.5)  # free for both
    _shift(engine, "clash", 2, 12, 6)  # overlaps ada's accepted day2
    _shift(engine, "tight", 2, 20, 8)  # 4.5 h after day2 ends: under 11 h rest for ada
    _shift(engine, "pickers", 5, 8, 7, skills=("picker",))  # a skill ada lacks
    with Session(engine) as session:
        bo = session.exec(select(t.Worker).where(t.Worker.ref == "bo")).one()
        org, bo_id = bo.organisation_id, bo.id
    add_user(engine, org, "bo@oslo.no", Role.worker, worker_id=bo_id)
    return engine


def test_the_board_shows_only_what_she_may_take_and_taking_books_her(pool: Engine) -> None:
    client = client_for(pool)
    ada = sign_in(client, ACCOUNTS["worker"])
    shown = client.get("/open-places", headers=ada).json()
    assert [p["item"] for p in shown] == ["day1", "open4"]  # not clash, tight or pickers; soonest first
    assert shown[1]["start"][-6:] in ("+01:00", "+02:00") and shown[1]["place"] == "Lia sykehjem"
    bo_sees = [p["item"] for p in client.get("/open-places", headers=sign_in(client, "bo@oslo.no")).json()]
    assert {"clash", "tight", "open4"} <= set(bo_sees) and "pickers" not in bo_sees
    r = client.post("/open-places/open4/take", headers=ada)
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["worker"] == "ada"
    assert "open4" not in [p["item"] for p in client.get("/open-places", headers=ada).json()]
    r = client.post("/open-places/open4/take", headers=ada)
    assert r.status_code == 409 and "every place on this work is taken" in r.json()["detail"]
    r = client.post("/open-places/clash/take", headers=ada)  # checked again on taking, in words
    assert r.status_code == 409 and r.json()["detail"] == "you cannot take this work: busy with overlapping work"
    r = client.post("/open-places/tight/take", headers=ada)
    assert r.status_code == 409 and "rest" in r.json()["detail"]
    assert client.post("/open-places/nowhere/take", headers=ada).status_code == 404
    assert client.post("/open-places/j1@not-a-day/take", headers=ada).status_code == 404
    manager = sign_in(client, ACCOUNTS["manager"])
    assert client.get("/open-places", headers=manager).status_code == 403
    assert client.get("/open-places", headers=sign_in(client, "eve@bergen.no")).json() == []  # her own pool's


def test_two_workers_racing_for_the_last_place_one_wins_and_the_other_gets_409(pool: Engine) -> None:
    one, two = client_for(pool), client_for(pool)  # two browsers (apps made before the race)
    ada, bo = sign_in(one, ACCOUNTS["worker"]), sign_in(two, "bo@oslo.no")
    codes = race(
        [
            lambda: one.post("/open-places/open4/take", headers=ada).status_code,
            lambda: two.post("/open-places/open4/take", headers=bo).status_code,
        ]
    )
    assert codes == {200: 1, 409: 1}
    with Session(pool) as session:
        shift = session.exec(select(t.Shift).where(t.Shift.ref == "open4")).one()
        rows = session.exec(select(t.Assignment).where(t.Assignment.shift_id == shift.id)).all()
        assert [r.status for r in rows] == ["accepted"]  # nothing of the loser's is written


def test_the_worker_takes_open_work_on_the_page(sqlite_engine: Engine) -> None:
    seed_web_pool(sqlite_engine)
    _shift(sqlite_engine, "open4", 4, 8, 7.5)
    page = pages_client(sqlite_engine)
    page_sign_in(page, ACCOUNTS["worker"])
    r = page.get("/my/open")
    assert r.status_code == 200 and "Open4 at Lia sykehjem" in r.text and "Take it" in r.text
    token = csrf(page, "/my/open")
    r = page.post("/my/open/take", data={"csrf": token, "item": "open4"})
    assert r.status_code == 200 and "You are booked on Open4 at Lia sykehjem" in r.text
    r = page.post("/my/open/take", data={"csrf": token, "item": "open4"})
    assert r.status_code == 409 and "Not booked: every place on this work is taken already." in r.text
    assert "Open4 at Lia sykehjem" in page.get("/my").text  # coming up
