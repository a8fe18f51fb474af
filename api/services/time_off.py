"""Time off: a worker asks to be away. Where nothing she accepted falls in it, it is granted at once
(she is unavailable then); where it overlaps accepted work, it becomes a request to the coordinator or
the managers and farmers of that work's places, who approve it (the work is released and offered on to
the next candidates, as after a sick call) or decline it, saying why.

So a worker's own change never breaks the roster: accepted work leaves her only through a person's
decision, and the solver never meets work she is kept on but unavailable for.
"""

from __future__ import annotations

import datetime as dt

from fastapi import status
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from api.core import crud
from api.core.refusals import Refused
from api.notifications import events
from api.services import booking, fill
from api.services.cascade import target_of
from api.services.deciders import of_work
from models import tables as t
from models.enums import AssignmentStatus, AvailabilityKind, Role
from models.revisions import revise
from models.rows import kept_overlapping, organisation_zone

MAX_DAYS = 92  # one request covers at most a quarter; longer leave is the coordinator's to enter
PENDING, APPROVED, DECLINED = "pending", "approved", "declined"


class TimeOffOut(BaseModel):
    id: int
    worker: str
    worker_name: str
    start: dt.datetime
    end: dt.datetime
    reason: str
    state: str = Field(description="approved (granted, or decided), pending (waits for a decision) or declined")
    note: str = Field(description="The decider's words")
    decided_at: dt.datetime | None


def view(session: Session, row: t.TimeOff) -> TimeOffOut:
    tz = organisation_zone(session, row.organisation_id)
    worker = session.get(t.Worker, row.worker_id)
    assert row.id is not None and worker is not None
    return TimeOffOut(
        id=row.id,
        worker=worker.ref,
        worker_name=worker.name,
        start=row.start_utc.astimezone(tz),
        end=row.end_utc.astimezone(tz),
        reason=row.reason,
        state=row.state,
        note=row.note,
        decided_at=row.decided_at and row.decided_at.astimezone(tz),
    )


def _kept_work(session: Session, row: t.TimeOff) -> list[t.Assignment]:
    """Her accepted (or pinned) work that overlaps the time off."""
    return [a for a, _ in kept_overlapping(session, row.worker_id, row.organisation_id, row.start_utc, row.end_utc)]


def deciders(session: Session, row: t.TimeOff) -> list[t.User]:
    """Who may decide: the coordinators, and the managers and farmers of the overlapping work's places."""
    return of_work(session, row.organisation_id, _kept_work(session, row))


def _unavailable(session: Session, row: t.TimeOff) -> None:
    session.add(
        t.Availability(
            worker_id=row.worker_id,
            kind=AvailabilityKind.unavailable,
            start_utc=row.start_utc,
            end_utc=row.end_utc,
            source=f"timeoff:{row.id}",
        )
    )


def ask(session: Session, user: t.User, start: dt.datetime, end: dt.datetime, reason: str) -> t.TimeOff:
    """The worker's request (times in UTC): granted at once, or pending for a person to decide. Commits."""
    worker = session.get(t.Worker, user.worker_id) if user.worker_id else None
    if worker is None or user.role != Role.worker:
        raise Refused(status.HTTP_403_FORBIDDEN, "only a worker of the pool asks for time off")
    now = dt.datetime.now(dt.UTC)
    if end <= start:
        raise crud.invalid("end", "must be after the start")
    if end <= now:
        raise crud.invalid("end", "lies in the past")
    if end - start > dt.timedelta(days=MAX_DAYS):
        raise crud.invalid(
            "end", f"time off asked at once may be at most {MAX_DAYS} days; ask the coordinator for more"
        )
    booking.lock_in_order(session, workers=[worker.id])  # type: ignore[list-item]
    row = t.TimeOff(
        organisation_id=user.organisation_id,
        worker_id=worker.id,  # type: ignore[arg-type]
        start_utc=start,
        end_utc=end,
        reason=reason[:500],
    )
    session.add(row)
    session.flush()
    if _kept_work(session, row):
        events.time_off_asked(session, row, worker, deciders(session, row), now)
    else:
        row.state, row.decided_at = APPROVED, now
        _unavailable(session, row)
    session.commit()
    return row


def visible(session: Session, user: t.User) -> list[t.TimeOff]:
    """A worker's own requests; for the coordinator all of the organisation's; for a manager or farmer
    the pending ones they may decide."""
    query = select(t.TimeOff).where(t.TimeOff.organisation_id == user.organisation_id)
    if user.role == Role.worker:
        rows = session.exec(query.where(t.TimeOff.worker_id == user.worker_id).order_by(col(t.TimeOff.start_utc)))
        return list(rows)
    rows = session.exec(query.order_by(col(t.TimeOff.start_utc)))
    if user.role == Role.coordinator:
        return list(rows)
    return [r for r in rows if r.state == PENDING and user.id in {d.id for d in deciders(session, r)}]


def get(session: Session, user: t.User, row_id: int) -> t.TimeOff:
    row = session.get(t.TimeOff, row_id)
    if row is None or row.organisation_id != user.organisation_id:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no time off {row_id}")
    return row


def decide(session: Session, user: t.User, row_id: int, approve: bool, note: str) -> t.TimeOff:
    """Approve (her overlapping work is released and offered on) or decline (``note`` says why). 403 for
    who may not decide, 409 once decided. Commits."""
    row = get(session, user, row_id)
    if row.state != PENDING:
        raise Refused(status.HTTP_409_CONFLICT, f"this request is {row.state} already")
    if user.id not in {d.id for d in deciders(session, row)}:
        raise Refused(status.HTTP_403_FORBIDDEN, "only the coordinator or the manager of that work decides")
    if not approve and not note.strip():
        raise crud.invalid("note", "say why the time off is declined")
    booking.lock_in_order(session, workers=[row.worker_id])
    session.refresh(row)
    if row.state != PENDING:
        raise Refused(status.HTTP_409_CONFLICT, f"this request is {row.state} already")
    now = dt.datetime.now(dt.UTC)
    released = _kept_work(session, row) if approve else []
    for a in released:
        a.status, a.pinned = AssignmentStatus.cancelled, False
        revise(session, a, now)
    if approve:
        _unavailable(session, row)
    row.state = APPROVED if approve else DECLINED
    row.decided_by, row.decided_at, row.note = user.id, now, note.strip()[:500]
    session.add(row)
    events.time_off_decided(session, row, released, now)
    session.commit()
    for a in released:  # the gap is filled as after a sick call: the next ranked get offers
        target = target_of(session, a)
        if target is not None:
            fill.rank_and_offer(session, row.organisation_id, target, offer=True)
    return row
