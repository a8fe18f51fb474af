"""Offers that are not answered in time: a reminder halfway, then the offer expires and the place goes
to the next ranked candidate, until it is filled or nobody is left (the offer cascade).

An offer stands for ``offer_hours`` (24), or half the time left before the work starts when that is
sooner (``booking.open_offer``). Each expiry is decided under the assignment's row lock, so when several
servers run this pass only one of them expires an offer and offers the place on.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.core.refusals import Refused
from api.notifications import events
from api.services import booking, fill
from models import tables as t
from models.enums import AssignmentStatus
from models.revisions import revise
from models.rows import organisation_zone, span
from models.work_items import job_item_id


def target_of(session: Session, a: t.Assignment | t.TakeRequest) -> fill.Target | None:
    """The shift, or the job's day, that ``a`` is on: what gap filling fills."""
    if a.shift_id is not None:
        shift = session.get(t.Shift, a.shift_id)
        return fill.Target(shift, shift.ref, None) if shift is not None else None
    job = session.get(t.Job, a.job_id)
    if job is None or a.day is None:
        return None
    return fill.Target(job, job_item_id(job.ref, a.day), a.day)


def remind(session: Session, now: dt.datetime) -> int:
    """A reminder for each offer past half its time and not answered (once per offer). Commits."""
    rows = session.exec(
        select(t.Assignment).where(
            t.Assignment.status == AssignmentStatus.offered,
            col(t.Assignment.offer_expires_at).is_not(None),
            col(t.Assignment.offered_at).is_not(None),
            col(t.Assignment.offer_expires_at) > now,
        )
    ).all()
    staged = 0
    for a in rows:
        assert a.offered_at is not None and a.offer_expires_at is not None
        if now >= a.offered_at + (a.offer_expires_at - a.offered_at) / 2:
            staged += events.reminded(session, a, now)
    session.commit()
    return staged


def expire(session: Session, assignment_id: int, now: dt.datetime) -> list[str]:
    """Expire one offer whose time is up and offer its place to the next ranked candidates; the workers
    offered now (none if another server got there first, or nobody fits). Commits."""
    found = session.get(t.Assignment, assignment_id)
    if found is None:
        return []
    a = booking.lock_assignments(session, [found])[assignment_id]
    if a.status != AssignmentStatus.offered or a.offer_expires_at is None or a.offer_expires_at > now:
        session.rollback()
        return []  # answered meanwhile, or another server expired it
    a.status, a.expired_at = AssignmentStatus.declined, now
    revise(session, a, now)
    events.expired(session, a, now)
    session.commit()
    return move_on(session, a, "did not answer the offer in time", now)


def move_on(session: Session, a: t.Assignment, why: str, now: dt.datetime) -> list[str]:
    """``a``'s offer is declined or ran out: its place goes to the next ranked candidates at once, and the
    managers or farmers of the place hear to whom (``why``: what the worker did). The workers offered
    now; none once the work has begun. Commits."""
    target = target_of(session, a)
    start = span(session, a, organisation_zone(session, a.organisation_id)).start
    if target is None or start <= now:
        return []
    try:
        offered = fill.rank_and_offer(session, a.organisation_id, target, offer=True).offered
    except Refused:  # the work breaks a rule now (a stored row left out): nobody to offer it to
        session.rollback()
        offered = []
    events.passed_on(session, a, why, offered, now)
    session.commit()
    return offered


def run_due(engine: Engine, now: dt.datetime | None = None) -> list[str]:
    """One pass: reminders, then every offer whose time is up, each in its own transaction."""
    now = now or dt.datetime.now(dt.UTC)
    with Session(engine) as session:
        remind(session, now)
        due = session.exec(
            select(t.Assignment.id)
            .where(
                t.Assignment.status == AssignmentStatus.offered,
                col(t.Assignment.offer_expires_at).is_not(None),
                col(t.Assignment.offer_expires_at) <= now,
            )
            .order_by(col(t.Assignment.offer_expires_at))
        ).all()
    offered: list[str] = []
    for assignment_id in due:
        with Session(engine) as session:
            offered += expire(session, assignment_id, now)  # type: ignore[arg-type]
    return offered
