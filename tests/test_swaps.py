"""Swaps between two workers over HTTP: ada offers her accepted day shift, bo takes it over (the hard
rules checked for him: a clash or too little rest refuses him, in words), the booking passes in one
transaction, a second taker gets 409, and the giver and the manager hear of it."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.background.sender import Sender
from api.notifications import channels
from models import tables as t
from models.enums import AssignmentStatus, Role
from models.settings import settings
from tests.api_helpers import add_user, client_for, race, sign_in
from tests.smtp_fixture import Inbox
from tests.test_open_places import _shift
from tests.web_fixture import ACCOUNTS, seed_web_pool


def _pool(engine: Engine) -> None:
    seed_web_pool(engine)  # ada accepted day2 (08:00-15:30 two days on)
    with Session(engine) as session:
        bo = session.exec(select(t.Worker).where(t.Worker.ref == "bo")).one()
        org, bo_id = bo.organisation_id, bo.id
        west = t.Worker(
            organisation_id=org,
            ref="cy",
            name="Cy Dahl",
            kind="health",
            home_lat=63.43,
            home_lon=10.39,
            region_id=bo.region_id,
            always_available=True,
        )
        session.add(west)
        session.commit()
        cy_id = west.id
    add_user(engine, org, "bo@oslo.no", Role.worker, worker_id=bo_id)
    add_user(engine, org, "cy@oslo.no", Role.worker, worker_id=cy_id)  # cy holds no nurse skill


def _day2(client, headers) -> int:
    return next(
        a["id"]
        for a in client.get("/assignments?status=accepted", headers=headers).json()["items"]
        if a["item"] == "day2"
    )


def test_a_swap_between_two_workers_checks_the_rules_and_moves_the_booking(engine: Engine, smtp: Inbox) -> None:
    _pool(engine)
    client = client_for(engine)
    ada, bo, cy = sign_in(client, ACCOUNTS["worker"]), sign_in(client, "bo@oslo.no"), sign_in(client, "cy@oslo.no")
    mine = _day2(client, ada)
    r = client.post("/swaps", json={"assignment_id": mine}, headers=ada)
    assert r.status_code == 201 and r.json()["state"] == "open" and r.json()["item"] == "day2"
    swap = r.json()["id"]
    assert client.post("/swaps", json={"assignment_id": mine}, headers=ada).status_code == 409  # offered already
    assert client.post("/swaps", json={"assignment_id": mine}, headers=bo).status_code == 404  # not his
    assert [s["id"] for s in client.get("/swaps", headers=ada).json()["mine"]] == [swap]
    assert [s["id"] for s in client.get("/swaps", headers=bo).json()["to_take"]] == [swap]
    assert client.get("/swaps", headers=cy).json()["to_take"] == []  # he lacks the skill: not shown
    r = client.post(f"/swaps/{swap}/take", headers=cy)
    assert r.status_code == 409 and r.json()["detail"].startswith("you cannot take this work: lacks an approved, valid")
    assert client.post(f"/swaps/{swap}/take", headers=ada).status_code == 409  # her own
    r = client.post(f"/swaps/{swap}/take", headers=bo)
    assert r.status_code == 200 and r.json()["state"] == "done" and r.json()["taker"] == "bo"
    coord = sign_in(client, ACCOUNTS["coordinator"])
    day2 = {
        a["worker"]: a["status"]
        for a in client.get("/assignments", headers=coord).json()["items"]
        if a["item"] == "day2"
    }
    assert day2 == {"ada": "cancelled", "bo": "accepted"}
    assert client.post(f"/swaps/{swap}/take", headers=bo).status_code == 409
    Sender(engine, channels.configured(settings()), check_seconds=3600).run_once()
    assert smtp.to("ada@oslo.no")[-1]["Subject"].startswith("Taken over by Bo Berg: Day shift at Lia sykehjem")
    assert smtp.to("manager@oslo.no")[-1]["Subject"].startswith("Swap: Bo Berg for Ada Lund")


def test_a_taker_with_too_little_rest_is_refused_and_a_swap_is_taken_once(engine: Engine) -> None:
    _pool(engine)
    _shift(engine, "evening", 2, 16, 6)  # 30 minutes after day2 ends
    with Session(engine) as session:
        shift = session.exec(select(t.Shift).where(t.Shift.ref == "evening")).one()
        bo = session.exec(select(t.Worker).where(t.Worker.ref == "bo")).one()
        session.add(
            t.Assignment(
                organisation_id=shift.organisation_id,
                worker_id=bo.id,
                shift_id=shift.id,
                status=AssignmentStatus.accepted,
            )
        )  # type: ignore[arg-type]
        cy = session.exec(select(t.Worker).where(t.Worker.ref == "cy")).one()
        nurse = session.exec(select(t.Skill).where(t.Skill.ref == "nurse")).one()
        session.add(t.Qualification(worker_id=cy.id, skill_id=nurse.id, approved=True))  # type: ignore[arg-type]
        session.commit()
    client = client_for(engine)
    ada, bo = sign_in(client, ACCOUNTS["worker"]), sign_in(client, "bo@oslo.no")
    swap = client.post("/swaps", json={"assignment_id": _day2(client, ada)}, headers=ada).json()["id"]
    assert client.get("/swaps", headers=bo).json()["to_take"] == []
    r = client.post(f"/swaps/{swap}/take", headers=bo)
    assert r.status_code == 409 and "rest" in r.json()["detail"]  # 30 min before his evening shift
    one, two = client_for(engine), client_for(engine)
    cy, cy_phone = sign_in(one, "cy@oslo.no"), sign_in(two, "cy@oslo.no")  # two devices at once
    codes = race(
        [
            lambda: one.post(f"/swaps/{swap}/take", headers=cy).status_code,
            lambda: two.post(f"/swaps/{swap}/take", headers=cy_phone).status_code,
        ]
    )
    assert codes == {200: 1, 409: 1}
    r = client.post(f"/swaps/{swap}/withdraw", headers=ada)
    assert r.status_code == 409  # taken: too late to withdraw
