"""A worker's own work: open offers, what is coming, and hours and pay this month.

Pay is the job's hourly pay for farm work and the worker's own hourly rate for health shifts (none when
the pool has set no rate); hours are the booked span of each item, in the organisation's local month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from api.services.assignments import AssignmentOut, view, visible
from models import tables as t
from models.enums import AssignmentStatus
from models.work_items import hours_between

UPCOMING = 50  # items shown ahead; a phone does not need a year of them


@dataclass(frozen=True)
class Item:
    """One piece of the worker's work, with what a person needs to get there."""

    assignment: AssignmentOut
    address: str
    lat: float
    lon: float
    hours: float
    pay: float | None


@dataclass(frozen=True)
class Month:
    first_day: dt.date
    hours_done: float
    hours_booked: float
    pay_done: float
    pay_booked: float
    unpriced: int  # accepted items with no rate to price them


def _item(session: Session, a: t.Assignment, worker: t.Worker) -> Item:
    out = view(session, a)
    if a.shift_id is not None:
        shift = session.get(t.Shift, a.shift_id)
        assert shift is not None
        place: t.Site | t.Farm | None = session.get(t.Site, shift.site_id)
        rate = worker.hourly_rate
    else:
        job = session.get(t.Job, a.job_id)
        assert job is not None
        place = session.get(t.Farm, job.farm_id)
        rate = job.pay_per_hour or None
    assert place is not None
    hours = hours_between(out.start, out.end)
    return Item(out, place.address, place.lat, place.lon, hours, None if rate is None else rate * hours)


def _mine(session: Session, user: t.User, *states: AssignmentStatus) -> list[t.Assignment]:
    query = select(t.Assignment).where(visible(user), col(t.Assignment.status).in_(states))
    return list(session.exec(query.order_by(col(t.Assignment.id))))


def _worker(session: Session, user: t.User) -> t.Worker | None:
    return session.get(t.Worker, user.worker_id) if user.worker_id else None


def offers(session: Session, user: t.User, now: dt.datetime) -> list[Item]:
    """Offers still to answer, soonest first (offers for work that has begun are past answering)."""
    worker = _worker(session, user)
    if worker is None:
        return []
    items = [_item(session, a, worker) for a in _mine(session, user, AssignmentStatus.offered)]
    return sorted((i for i in items if i.assignment.start > now), key=lambda i: i.assignment.start)


def upcoming(session: Session, user: t.User, now: dt.datetime) -> list[Item]:
    """Accepted work that has not ended, soonest first."""
    worker = _worker(session, user)
    if worker is None:
        return []
    items = [_item(session, a, worker) for a in _mine(session, user, AssignmentStatus.accepted)]
    return sorted((i for i in items if i.assignment.end > now), key=lambda i: i.assignment.start)[:UPCOMING]


def month(session: Session, user: t.User, now: dt.datetime, tz: ZoneInfo) -> Month:
    """Accepted hours and pay in the local month of ``now``: done (ended) and booked in all."""
    local = now.astimezone(tz)
    first = local.date().replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    worker = _worker(session, user)
    done = booked = pay_done = pay_booked = 0.0
    unpriced = 0
    if worker is not None:
        for a in _mine(session, user, AssignmentStatus.accepted):
            item = _item(session, a, worker)
            if not first <= item.assignment.start.astimezone(tz).date() < after:
                continue
            booked += item.hours
            pay_booked += item.pay or 0.0
            unpriced += item.pay is None
            if item.assignment.end <= now:
                done += item.hours
                pay_done += item.pay or 0.0
    return Month(first, done, booked, pay_done, pay_booked, unpriced)
