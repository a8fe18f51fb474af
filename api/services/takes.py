"""Taking open work, and the asks to take it at places that confirm takes.

Where the place books takes at once, taking is the board's race-safe booking. Where it confirms them
(``confirm_takes`` on the site or farm), taking is an ask: the rules are checked then (so nobody asks
for what she could not work), and again when a manager, farmer or the coordinator confirms it, under
the same locks as any booking; the last place confirmed declines the other asks for it, saying so.
Several workers may ask for one place: the manager chooses.
"""

from __future__ import annotations

import datetime as dt

from fastapi import status
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from api.core import crud
from api.core.refusals import Refused
from api.notifications import events
from api.services import assignments, board, booking
from api.services.cascade import target_of
from api.services.deciders import confirms, may_decide, of_work
from models import tables as t
from models.enums import Role
from models.rows import organisation_zone

PENDING, CONFIRMED, DECLINED, WITHDRAWN = "pending", "confirmed", "declined", "withdrawn"


class TakeOut(BaseModel):
    id: int
    state: str = Field(description="pending (waits for the manager), confirmed (booked), declined or withdrawn")
    worker: str
    worker_name: str
    item: str
    title: str
    place: str
    start: dt.datetime = Field(description="Local time, with the offset")
    end: dt.datetime
    created_at: dt.datetime
    note: str = Field(description="The decider's words (why it is declined)")


def view(session: Session, row: t.TakeRequest) -> TakeOut:
    worker = session.get(t.Worker, row.worker_id)
    tz = organisation_zone(session, row.organisation_id)
    shown = assignments.work(session, events.asked_of(row))
    assert worker is not None and row.id is not None
    return TakeOut(
        id=row.id,
        state=row.state,
        worker=worker.ref,
        worker_name=worker.name,
        item=shown.item,
        title=shown.title,
        place=shown.place_name,
        start=shown.start,
        end=shown.end,
        created_at=row.created_at.astimezone(tz),
        note=row.note,
    )


def take(session: Session, user: t.User, item_id: str, now: dt.datetime | None = None) -> t.Assignment | t.TakeRequest:
    """Take an open place: booked at once, or an ask that waits for the place's manager. 404 for
    unknown work, 409 saying why when a rule rules her out or the place was taken meanwhile. Commits."""
    worker = board.approved_worker(session, user)
    now = now or dt.datetime.now(dt.UTC)
    work, day = board.work_of_item(session, user.organisation_id, item_id)
    board.check(session, worker, work, item_id, now)
    if not confirms(session, work):
        return board.book(session, worker, work, day)
    asked = select(t.TakeRequest).where(
        booking.asks_on(
            work.id if isinstance(work, t.Shift) else None, work.id if isinstance(work, t.Job) else None, day
        ),
        t.TakeRequest.worker_id == worker.id,
        t.TakeRequest.state == PENDING,
    )
    if session.exec(asked).first() is not None:
        raise Refused(status.HTTP_409_CONFLICT, "you asked for this work already; it waits for the manager")
    row = t.TakeRequest(
        organisation_id=worker.organisation_id,
        worker_id=worker.id,  # type: ignore[arg-type]
        shift_id=work.id if isinstance(work, t.Shift) else None,
        job_id=work.id if isinstance(work, t.Job) else None,
        day=day,
        created_at=now,
    )
    session.add(row)
    session.flush()
    events.take_asked(session, row, worker, of_work(session, row.organisation_id, [row]), now)
    session.commit()
    return row


def visible(session: Session, user: t.User) -> list[t.TakeRequest]:
    """A worker's own asks; the coordinator's organisation's; a manager's or farmer's pending asks at
    their places."""
    query = select(t.TakeRequest).where(t.TakeRequest.organisation_id == user.organisation_id)
    if user.role == Role.worker:
        query = query.where(t.TakeRequest.worker_id == user.worker_id)
    rows = list(session.exec(query.order_by(col(t.TakeRequest.created_at), col(t.TakeRequest.id))))
    if user.role in (Role.worker, Role.coordinator):
        return rows
    return [r for r in rows if r.state == PENDING and may_decide(session, user, r.organisation_id, [r])]


def get(session: Session, user: t.User, row_id: int) -> t.TakeRequest:
    row = session.get(t.TakeRequest, row_id)
    if row is None or row.organisation_id != user.organisation_id:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no ask to take work {row_id}")
    if user.role == Role.worker and row.worker_id != user.worker_id:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no ask to take work {row_id}")
    return row


def _pending(row: t.TakeRequest) -> None:
    if row.state != PENDING:
        raise Refused(status.HTTP_409_CONFLICT, f"this ask is {row.state} already")


def decide(session: Session, user: t.User, row_id: int, confirm: bool, note: str) -> t.TakeRequest:
    """Confirm (she is booked, the rules checked again now) or decline (``note`` says why). 403 for who
    may not decide, 409 once decided or when she can no longer take it. Commits."""
    row = get(session, user, row_id)
    _pending(row)
    if not may_decide(session, user, row.organisation_id, [row]):
        raise Refused(status.HTTP_403_FORBIDDEN, "only the coordinator or the manager of that work decides")
    if not confirm and not note.strip():
        raise crud.invalid("note", "say why the ask is declined")
    now = dt.datetime.now(dt.UTC)
    worker = session.get(t.Worker, row.worker_id)
    work: t.Shift | t.Job | None = (
        session.get(t.Shift, row.shift_id) if row.shift_id is not None else session.get(t.Job, row.job_id)
    )
    assert worker is not None and work is not None
    target = target_of(session, row)
    assert target is not None
    if confirm:  # the locks first (the same as a booking's), then the ask as it stands under them
        board.check(session, worker, work, target.item_id, now, who=worker.name)
    else:
        booking.lock_in_order(session, workers=[row.worker_id])
    session.refresh(row)
    _pending(row)
    row.state = CONFIRMED if confirm else DECLINED
    row.decided_by, row.decided_at, row.note = user.id, now, note.strip()[:500]
    session.add(row)
    events.take_decided(session, row, now)
    if not confirm:
        session.commit()
        return row
    board.book(session, worker, work, row.day, who=worker.name)  # commits the answer with the booking
    return row


def withdraw(session: Session, user: t.User, row_id: int) -> t.TakeRequest:
    """She no longer asks for the work (409 once decided). Commits."""
    row = get(session, user, row_id)
    if row.worker_id != user.worker_id:
        raise Refused(status.HTTP_403_FORBIDDEN, "only the worker who asked withdraws the ask")
    booking.lock_in_order(session, workers=[row.worker_id])
    session.refresh(row)
    _pending(row)
    row.state, row.decided_at = WITHDRAWN, dt.datetime.now(dt.UTC)
    session.add(row)
    session.commit()
    return row
