"""Assignments and offers as people see and answer them: who may see which (``visible``), the view of
one, and the moves between states (offer, accept, decline, cancel) with the checks each needs.

Each role sees only what its work needs: workers their own assignments, managers and farmers those at
the places they run (who is coming, and when), the coordinator all of the organisation's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import status
from pydantic import BaseModel, Field
from sqlalchemy import and_, or_
from sqlalchemy.orm.exc import ObjectDeletedError
from sqlmodel import Session, col, select

from api.core.refusals import Refused
from api.notifications import events
from api.services import booking, cascade
from api.services.postings import local_midnight
from models import tables as t
from models.enums import AssignmentStatus, ItemKind, Role
from models.rows import organisation_zone, span, work_or_none
from models.work_items import job_item_id


class Work(BaseModel):
    """The work a row is about, as people read it: local times, the place's id and name."""

    item: str = Field(description="Shift id, or <job id>@<day> for a day of a farm job")
    kind: ItemKind
    place: str
    place_name: str
    title: str
    start: dt.datetime
    end: dt.datetime


class AssignmentOut(Work):
    id: int
    worker: str
    worker_name: str
    status: AssignmentStatus
    pinned: bool
    updated_at: dt.datetime
    answer_by: dt.datetime | None = Field(
        None, description="An offer's deadline: unanswered then, it expires and the place goes to the next candidate"
    )
    expired: bool = Field(False, description="The offer ran out unanswered (its status is declined)")


def work(session: Session, a: t.Assignment) -> Work:
    """What ``a`` (saved or not) is on, and when in the organisation's local time; 409 once its work was
    deleted (a delete may land right after the change that is being shown)."""
    tz = organisation_zone(session, a.organisation_id)
    if work_or_none(session, a) is None:
        raise Refused(status.HTTP_409_CONFLICT, booking.GONE)
    when = span(session, a, tz)
    place: Any
    if a.shift_id is not None:
        shift = session.get(t.Shift, a.shift_id)
        assert shift is not None
        place, item, title, kind = session.get(t.Site, shift.site_id), shift.ref, shift.title or "Shift", ItemKind.shift
    else:
        job = session.get(t.Job, a.job_id)
        assert job is not None and a.day is not None
        place, item, title, kind = (
            session.get(t.Farm, job.farm_id),
            job_item_id(job.ref, a.day),
            job.title,
            ItemKind.job,
        )
    assert place is not None
    return Work(
        item=item,
        kind=kind,
        place=place.ref,
        place_name=place.name,
        title=title,
        start=when.start.astimezone(tz),
        end=when.end.astimezone(tz),
    )


def view(session: Session, a: t.Assignment) -> AssignmentOut:
    """The assignment as the API shows it; 409 when it went with its work after the change was
    committed (never a server error: a delete of the work may come between)."""
    try:
        worker = session.get(t.Worker, a.worker_id)
    except ObjectDeletedError:
        raise Refused(status.HTTP_409_CONFLICT, booking.GONE) from None
    assert worker is not None and a.id is not None
    tz = organisation_zone(session, a.organisation_id)
    return AssignmentOut(
        **work(session, a).model_dump(),
        id=a.id,
        worker=worker.ref,
        worker_name=worker.name,
        status=a.status,
        pinned=a.pinned,
        updated_at=a.updated_at.astimezone(tz),
        answer_by=a.offer_expires_at.astimezone(tz)
        if a.offer_expires_at and a.status == AssignmentStatus.offered
        else None,
        expired=a.expired_at is not None,
    )


def visible(user: t.User) -> Any:
    """The assignments ``user`` may see, as a condition: the organisation's, narrowed by role."""
    mine = col(t.Assignment.organisation_id) == user.organisation_id
    if user.role == Role.worker:
        return and_(mine, col(t.Assignment.worker_id) == user.worker_id)
    if user.role in (Role.manager, Role.farmer):
        access = col(t.PlaceAccess.user_id) == user.id
        run_sites = select(col(t.PlaceAccess.site_id)).where(access)
        run_farms = select(col(t.PlaceAccess.farm_id)).where(access)
        sites = select(col(t.Shift.id)).where(col(t.Shift.site_id).in_(run_sites))
        farms = select(col(t.Job.id)).where(col(t.Job.farm_id).in_(run_farms))
        return and_(mine, or_(col(t.Assignment.shift_id).in_(sites), col(t.Assignment.job_id).in_(farms)))
    return mine


def get(session: Session, user: t.User, assignment_id: int) -> t.Assignment:
    """The assignment if ``user`` may see it; 404 otherwise (others' work stays unseen)."""
    a = session.exec(select(t.Assignment).where(t.Assignment.id == assignment_id, visible(user))).first()
    if a is None:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no assignment {assignment_id}")
    return a


def on_days(query: Any, first: dt.date | None, last: dt.date | None, zone: ZoneInfo, *, overlap: bool = False) -> Any:
    """Only assignments on the local days ``first`` to ``last``: work that starts on one of them (as a
    solve job's window counts it) or, with ``overlap``, any work that overlaps them (as lists show it)."""
    if first is None and last is None:
        return query
    lo = local_midnight(first, zone) if first is not None else None
    hi = local_midnight(last + dt.timedelta(days=1), zone) if last is not None else None
    on_shift = []
    if lo is not None:
        on_shift.append(col(t.Shift.end_utc) > lo if overlap else col(t.Shift.start_utc) >= lo)
    if hi is not None:
        on_shift.append(col(t.Shift.start_utc) < hi)
    on_job = and_(col(t.Assignment.day) >= (first or dt.date.min), col(t.Assignment.day) <= (last or dt.date.max))
    return query.outerjoin(t.Shift, col(t.Assignment.shift_id) == t.Shift.id).where(or_(and_(*on_shift), on_job))


def offer(
    session: Session, user: t.User, ids: list[int] | None, first: dt.date | None, last: dt.date | None
) -> list[t.Assignment]:
    """Send proposed assignments (these ``ids``, or every one on these days) to their workers as offers."""
    query = select(t.Assignment).where(
        t.Assignment.organisation_id == user.organisation_id, t.Assignment.status == AssignmentStatus.proposed
    )
    if ids is not None:
        query = query.where(col(t.Assignment.id).in_(ids))
    query = on_days(query, first, last, organisation_zone(session, user.organisation_id))
    locked = booking.lock_assignments(session, session.exec(query).all())
    rows = [a for _, a in sorted(locked.items()) if a.status == AssignmentStatus.proposed]  # as they are now
    now = dt.datetime.now(dt.UTC)
    for a in rows:
        booking.open_offer(session, a, now)
    events.offered(session, rows, now)  # the messages go out with the offers, or not at all
    session.commit()
    return rows


def _own_offer(session: Session, user: t.User, assignment_id: int) -> t.Assignment:
    a = get(session, user, assignment_id)
    if user.role != Role.worker:
        raise Refused(status.HTTP_403_FORBIDDEN, "only the offered worker answers an offer")
    return a


def accept(session: Session, user: t.User, assignment_id: int) -> t.Assignment:
    """The offered worker takes the work; 409 if its places are taken or they have other work then."""
    _own_offer(session, user, assignment_id)
    return booking.accept(session, assignment_id)


def decline(session: Session, user: t.User, assignment_id: int) -> t.Assignment:
    """The offered worker says no: the place goes on to the next ranked candidates at once, and the
    place's managers or farmers hear to whom (``cascade.move_on``)."""
    a = _own_offer(session, user, assignment_id)
    row = booking.move(session, a, (AssignmentStatus.offered,), AssignmentStatus.declined)
    cascade.move_on(session, row, "declined the offer", dt.datetime.now(dt.UTC))
    session.refresh(row)
    return row


def cancel(session: Session, user: t.User, assignment_id: int) -> t.Assignment:
    """Withdraw an offer or cancel accepted work (a sick call): the worker themself, the coordinator, or
    the manager or farmer of the place. The place opens for gap filling."""
    a = get(session, user, assignment_id)
    if user.role in (Role.manager, Role.farmer):
        column = t.PlaceAccess.site_id if a.shift_id is not None else t.PlaceAccess.farm_id
        place = session.get(t.Shift, a.shift_id).site_id if a.shift_id else session.get(t.Job, a.job_id).farm_id  # type: ignore[union-attr]
        if session.exec(select(t.PlaceAccess).where(t.PlaceAccess.user_id == user.id, column == place)).first() is None:
            raise Refused(status.HTTP_403_FORBIDDEN, "you may cancel work only at the places you run")
    frm = (AssignmentStatus.offered, AssignmentStatus.accepted)
    return booking.move(
        session, a, frm, AssignmentStatus.cancelled, then=lambda row, was: events.cancelled(session, row, user, was)
    )
