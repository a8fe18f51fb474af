"""One reckoning of a work item's hours and pay, across the clocks' changes (issue 34, defect 5): a
22:00-07:00 night over the October change is 10 hours worked, over the March change 8, wherever it is
shown (the worker's offers and hours, gap filling, reports)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.services import my_work
from models import tables as t
from models.enums import AssignmentStatus, Role
from models.work_items import hours_between, work_items
from tests.api_helpers import add_user, store_pool
from tests.factory import problem, worker

OSLO = ZoneInfo("Europe/Oslo")
NIGHTS = [("2027-10-30T22:00:00", "2027-10-31T07:00:00", 10.0), ("2027-03-27T22:00:00", "2027-03-28T07:00:00", 8.0)]


@pytest.mark.parametrize(("start", "end", "hours"), NIGHTS)
def test_hours_are_counted_as_they_pass(start: str, end: str, hours: float) -> None:
    local = [dt.datetime.fromisoformat(v).replace(tzinfo=OSLO) for v in (start, end)]
    assert hours_between(*local) == hours
    assert hours_between(*(v.astimezone(dt.UTC) for v in local)) == hours


@pytest.mark.parametrize(("start", "end", "hours"), NIGHTS)
def test_the_workers_offer_says_the_hours_and_pay_the_plan_counts(
    sqlite_engine: Engine, start: str, end: str, hours: float
) -> None:
    night = {"id": "n", "site_id": "site1", "start": start, "end": end, "required_skills": ["nurse"]}
    prob = problem([worker("a", hourly_rate=395)], [night])
    [item] = work_items(prob)
    assert item.minutes == hours * 60  # what the solver, gap filling and the reports count
    oslo, ids = store_pool(sqlite_engine, prob, [("a", "n", AssignmentStatus.offered)])
    add_user(sqlite_engine, oslo, "a@oslo.no", Role.worker, worker_id=ids["a"])
    with Session(sqlite_engine) as session:
        user = session.exec(select(t.User).where(t.User.email == "a@oslo.no")).one()
        [offer] = my_work.offers(session, user, dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    assert offer.hours == hours and offer.pay == 395 * hours
