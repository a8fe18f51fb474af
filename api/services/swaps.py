"""Swaps and drops: a worker offers one of her accepted shifts or job days to colleagues; an eligible
colleague takes it. The hard rules are checked for both (the taker gains the work under every rule;
the giver only loses it), under both workers' locks and the work's, in the one lock order. Where the
place asks for it (``approve_swaps`` on the site or farm), a taken swap waits for its manager or farmer
to approve; otherwise it is done at once. Either way the giver's booking becomes the taker's in one
transaction, so the place is never empty or double-booked in between.
"""

from __future__ import annotations

import datetime as dt

from fastapi import HTTPException, status
from sqlmodel import Session, col, select

from api import offers
from api.notifications import events
from api.services import fill
from api.services.board import approved_worker
from models import tables as t
from models.enums import AssignmentStatus
from models.revisions import organisation_zone, revise
from models.work_items import job_item_id
from solver.fill import Fixed, ruled_out

OPEN, PENDING, DONE, WITHDRAWN, DECLINED = "open", "pending", "done", "withdrawn", "declined"


def _item_id(session: Session, a: t.Assignment) -> str:
    if a.shift_id is not None:
        shift = session.get(t.Shift, a.shift_id)
        assert shift is not None
        return shift.ref
    job = session.get(t.Job, a.job_id)
    assert job is not None and a.day is not None
    return job_item_id(job.ref, a.day)


def offer(session: Session, user: t.User, assignment_id: int) -> t.Swap:
    """Offer one of your accepted shifts or job days to colleagues (409 if it is not yours to give, has
    begun, or is offered already). Commits."""
    me = approved_worker(session, user)
    a = session.get(t.Assignment, assignment_id)
    if a is None or a.worker_id != me.id or a.organisation_id != user.organisation_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no assignment {assignment_id}")
    tz = organisation_zone(session, a.organisation_id)
    if a.status != AssignmentStatus.accepted or offers.span(session, a, tz).start <= dt.datetime.now(dt.UTC):
        raise HTTPException(status.HTTP_409_CONFLICT, "only accepted work that has not begun can be offered to others")
    if session.exec(select(t.Swap).where(t.Swap.assignment_id == a.id, t.Swap.state == OPEN)).first():
        raise HTTPException(status.HTTP_409_CONFLICT, "this work is offered to colleagues already")
    row = t.Swap(organisation_id=a.organisation_id, assignment_id=a.id, giver_id=me.id)  # type: ignore[arg-type]
    session.add(row)
    session.commit()
    return row


def withdraw(session: Session, user: t.User, swap_id: int) -> t.Swap:
    row = get(session, user, swap_id)
    if row.giver_id != user.worker_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the worker who offered it withdraws it")
    if row.state != OPEN:
        raise HTTPException(status.HTTP_409_CONFLICT, f"this swap is {row.state} already")
    row.state = WITHDRAWN
    session.add(row)
    session.commit()
    return row


def get(session: Session, user: t.User, swap_id: int) -> t.Swap:
    row = session.get(t.Swap, swap_id)
    if row is None or row.organisation_id != user.organisation_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no swap {swap_id}")
    return row


def _fits(session: Session, me: t.Worker, a: t.Assignment) -> str | None:
    """Why ``me`` may not take over ``a``'s work by the hard rules (in words), or None."""
    tz = organisation_zone(session, a.organisation_id)
    day = offers.span(session, a, tz).start.astimezone(tz).date()
    problem = fill.around(fill.pool(session, a.organisation_id), day, day)
    fixed = Fixed.of(problem)
    item = fixed.items.get(_item_id(session, a))
    worker = next((w for w in problem.workers if w.id == me.ref), None)
    if item is None or worker is None:
        return "this work is not planned any more"
    return ruled_out(problem, fixed, worker, item)


def takeable(session: Session, user: t.User) -> list[t.Swap]:
    """Colleagues' open swaps that you could take over by every hard rule."""
    me = approved_worker(session, user)
    now = dt.datetime.now(dt.UTC)
    out = []
    rows = session.exec(
        select(t.Swap).where(
            t.Swap.organisation_id == user.organisation_id, t.Swap.state == OPEN, t.Swap.giver_id != me.id
        )
    )
    for row in rows:
        a = session.get(t.Assignment, row.assignment_id)
        if a is None or a.status != AssignmentStatus.accepted:
            continue
        if (
            offers.span(session, a, organisation_zone(session, a.organisation_id)).start > now
            and _fits(session, me, a) is None
        ):
            out.append(row)
    return out


def mine(session: Session, user: t.User) -> list[t.Swap]:
    return list(
        session.exec(
            select(t.Swap).where(t.Swap.giver_id == user.worker_id, t.Swap.state == OPEN).order_by(col(t.Swap.id))
        )
    )


def take(session: Session, user: t.User, swap_id: int) -> t.Swap:
    """Take over a colleague's offered work: 409 saying why when a rule rules you out, or when someone
    else took it first. The giver's booking becomes yours in one transaction. Commits."""
    me = approved_worker(session, user)
    row = get(session, user, swap_id)
    if row.giver_id == me.id:
        raise HTTPException(status.HTTP_409_CONFLICT, "this is your own work")
    given = session.get(t.Assignment, row.assignment_id)
    assert given is not None and me.id is not None
    offers.lock_in_order(
        session,
        workers=sorted({row.giver_id, me.id}),
        shifts=[given.shift_id] if given.shift_id is not None else [],
        jobs=[given.job_id] if given.job_id is not None else [],
        assignments=[given.id] if given.id is not None else [],
    )
    session.refresh(row)
    session.refresh(given)
    if row.state != OPEN or given.status != AssignmentStatus.accepted:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "this work is no longer offered: someone took it, or it was withdrawn"
        )
    why = _fits(session, me, given)
    if why is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"you cannot take this work: {why}")
    now = dt.datetime.now(dt.UTC)
    same = (
        (t.Assignment.shift_id == given.shift_id)
        if given.shift_id is not None
        else ((t.Assignment.job_id == given.job_id) & (t.Assignment.day == given.day))
    )
    taken = session.exec(select(t.Assignment).where(same, t.Assignment.worker_id == me.id)).first()
    if taken is None:
        taken = t.Assignment(
            organisation_id=given.organisation_id,
            worker_id=me.id,
            shift_id=given.shift_id,
            job_id=given.job_id,
            day=given.day,
        )
    given.status = AssignmentStatus.cancelled
    revise(session, given, now)
    taken.status = AssignmentStatus.accepted
    session.add(taken)
    session.flush()
    revise(session, taken, now)
    row.state, row.taker_id, row.taken_at = DONE, me.id, now
    session.add(row)
    events.swapped(session, given, taken, now)
    session.commit()
    return row
