"""Offers: proposed assignments go out to workers, who accept or decline; accepted work can be cancelled.

Accepting is the one write two people race on. It is made safe in the database, not in Python: the
transaction locks the worker's row and then the shift's (or job's) row (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite a no-op UPDATE, which takes the database's single write lock at once, since
SQLite reads take no locks until a transaction writes), and only then counts accepted places and
looks for overlapping accepted work. Every accept takes the locks in the same order (worker, then work), so two
accepts never deadlock; a second accept for the last place, or for a worker already booked at that
time, waits for the first and then sees its result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import HTTPException, status
from sqlalchemy import update
from sqlmodel import Session, col, select

from models import tables as t
from models.enums import AssignmentStatus
from models.revisions import revise

BEFORE_WRITE: Callable[[], None] | None = None  # a test seam: widens the race window in the race tests


@dataclass(frozen=True)
class Span:
    start: dt.datetime
    end: dt.datetime

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def span(session: Session, a: t.Assignment, tz: ZoneInfo) -> Span:
    """When the assignment's work happens (UTC)."""
    if a.shift_id is not None:
        shift = session.get(t.Shift, a.shift_id)
        assert shift is not None
        return Span(_utc(shift.start_utc), _utc(shift.end_utc))
    job = session.get(t.Job, a.job_id)
    assert job is not None and a.day is not None
    start = dt.datetime.combine(a.day, job.daily_start, tzinfo=tz).astimezone(dt.UTC)
    return Span(start, start + dt.timedelta(hours=job.daily_hours))


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _lock(session: Session, model: Any, row_id: int) -> Any:
    """Lock one row for the rest of the transaction, and return it as it stands after the lock."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(model).where(model.id == row_id).values(id=model.id))
        return session.exec(select(model).where(model.id == row_id).execution_options(populate_existing=True)).one()
    return session.exec(
        select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    ).one()


def _conflict(message: str) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, message)


def accept(session: Session, assignment_id: int) -> t.Assignment:
    """Offered -> accepted, if a place is free and the worker has no overlapping accepted work. Commits."""
    a = session.get(t.Assignment, assignment_id)
    assert a is not None
    # Locks, always in this order: the worker, then the shift or job.
    _lock(session, t.Worker, a.worker_id)
    if a.shift_id is not None:
        shift = _lock(session, t.Shift, a.shift_id)
        capacity = shift.max_headcount or shift.headcount
        same_work = col(t.Assignment.shift_id) == a.shift_id
    else:
        assert a.job_id is not None
        job = _lock(session, t.Job, a.job_id)
        capacity = job.headcount
        same_work = (col(t.Assignment.job_id) == a.job_id) & (col(t.Assignment.day) == a.day)
    session.refresh(a)  # the state after the locks: another request may have changed it meanwhile
    if a.status != AssignmentStatus.offered:
        raise _conflict(f"this assignment is {a.status}, not offered")
    accepted = session.exec(
        select(t.Assignment).where(same_work, t.Assignment.status == AssignmentStatus.accepted)
    ).all()
    if len(accepted) >= capacity:
        raise _conflict("every place on this work is taken already")
    org = session.get(t.Organisation, a.organisation_id)
    assert org is not None
    tz = ZoneInfo(org.timezone)
    mine = span(session, a, tz)
    booked = session.exec(
        select(t.Assignment).where(
            t.Assignment.worker_id == a.worker_id,
            t.Assignment.status == AssignmentStatus.accepted,
            col(t.Assignment.id) != a.id,
        )
    ).all()
    for other in booked:
        if span(session, other, tz).overlaps(mine):
            raise _conflict("you have accepted other work at the same time")
    if BEFORE_WRITE is not None:
        BEFORE_WRITE()
    a.status = AssignmentStatus.accepted
    revise(session, a)
    session.commit()
    return a


def move(session: Session, a: t.Assignment, frm: tuple[AssignmentStatus, ...], to: AssignmentStatus) -> t.Assignment:
    """A status change without capacity questions (offer, decline, cancel). Commits."""
    assert a.id is not None
    locked = _lock(session, t.Assignment, a.id)
    if locked.status not in frm:
        raise _conflict(f"this assignment is {locked.status}; only {' or '.join(frm)} ones can become {to}")
    locked.status = to
    revise(session, locked)
    session.commit()
    return locked
