"""Swaps and drops: a worker offers one of her accepted shifts or job days to colleagues; an eligible
colleague takes it. The hard rules are checked for both (the taker gains the work under every rule;
the giver only loses it), under both workers' locks and the work's, in the one lock order. Where the
place asks for it (``approve_swaps`` on the site or farm), a taken swap waits for its manager or farmer
to approve; otherwise it is done at once. Either way the giver's booking becomes the taker's in one
transaction, so the place is never empty or double-booked in between.
"""

from __future__ import annotations

import datetime as dt

from fastapi import status
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from api.core import crud
from api.core.refusals import Refused
from api.notifications import events
from api.services import assignments, booking, fill
from api.services.board import approved_worker
from api.services.cascade import target_of
from api.services.deciders import confirms, may_decide, of_work
from models import tables as t
from models.enums import AssignmentStatus
from models.revisions import revise
from models.rows import local_days, organisation_zone, span
from solver.fill import Fixed, ruled_out

OPEN, PENDING, DONE, WITHDRAWN, DECLINED = "open", "pending", "done", "withdrawn", "declined"


class SwapOut(BaseModel):
    id: int
    state: str = Field(
        description="open, pending (taken, waiting for the manager's yes), done (taken over), declined or withdrawn"
    )
    giver: str
    giver_name: str
    item: str
    title: str
    place: str
    start: dt.datetime
    end: dt.datetime
    taker: str | None
    taker_name: str | None
    note: str = Field(description="The decider's words (why it is declined)")


def view(session: Session, row: t.Swap) -> SwapOut:
    a = session.get(t.Assignment, row.assignment_id)
    giver, taker = session.get(t.Worker, row.giver_id), session.get(t.Worker, row.taker_id) if row.taker_id else None
    assert a is not None and giver is not None and row.id is not None
    view = assignments.view(session, a)
    return SwapOut(
        id=row.id,
        state=row.state,
        giver=giver.ref,
        giver_name=giver.name,
        item=view.item,
        title=view.title,
        place=view.place_name,
        start=view.start,
        end=view.end,
        taker=taker.ref if taker else None,
        taker_name=taker.name if taker else None,
        note=row.note,
    )


def offer(session: Session, user: t.User, assignment_id: int) -> t.Swap:
    """Offer one of your accepted shifts or job days to colleagues (409 if it is not yours to give, has
    begun, or is offered already). Commits."""
    me = approved_worker(session, user)
    a = session.get(t.Assignment, assignment_id)
    if a is None or a.worker_id != me.id or a.organisation_id != user.organisation_id:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no assignment {assignment_id}")
    tz = organisation_zone(session, a.organisation_id)
    if a.status != AssignmentStatus.accepted or span(session, a, tz).start <= dt.datetime.now(dt.UTC):
        raise Refused(status.HTTP_409_CONFLICT, "only accepted work that has not begun can be offered to others")
    offered = select(t.Swap).where(t.Swap.assignment_id == a.id, col(t.Swap.state).in_([OPEN, PENDING]))
    if session.exec(offered).first():
        raise Refused(status.HTTP_409_CONFLICT, "this work is offered to colleagues already")
    row = t.Swap(organisation_id=a.organisation_id, assignment_id=a.id, giver_id=me.id)  # type: ignore[arg-type]
    session.add(row)
    session.commit()
    return row


def withdraw(session: Session, user: t.User, swap_id: int) -> t.Swap:
    """The giver keeps her work after all: while the swap is open or waits for approval. Commits."""
    row = get(session, user, swap_id)
    if row.giver_id != user.worker_id:
        raise Refused(status.HTTP_403_FORBIDDEN, "only the worker who offered it withdraws it")
    booking.lock_in_order(session, workers=[row.giver_id])
    session.refresh(row)
    if row.state not in (OPEN, PENDING):
        raise Refused(status.HTTP_409_CONFLICT, f"this swap is {row.state} already")
    waiting = row.state == PENDING
    row.state = WITHDRAWN
    session.add(row)
    given = session.get(t.Assignment, row.assignment_id)
    if waiting and given is not None:
        events.swap_called_off(session, row, given, "the colleague keeps the work after all", dt.datetime.now(dt.UTC))
    session.commit()
    return row


def get(session: Session, user: t.User, swap_id: int) -> t.Swap:
    row = session.get(t.Swap, swap_id)
    if row is None or row.organisation_id != user.organisation_id:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no swap {swap_id}")
    return row


def _fits(session: Session, me: t.Worker, a: t.Assignment) -> str | None:
    """Why ``me`` may not take over ``a``'s work by the hard rules (in words), or None."""
    tz = organisation_zone(session, a.organisation_id)
    day = span(session, a, tz).start.astimezone(tz).date()
    problem = fill.near(session, a.organisation_id, day, day, workers=[me.id]).problem  # type: ignore[list-item]
    fixed = Fixed.of(problem)
    target = target_of(session, a)
    item = fixed.items.get(target.item_id) if target is not None else None
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
            span(session, a, organisation_zone(session, a.organisation_id)).start > now
            and _fits(session, me, a) is None
        ):
            out.append(row)
    return out


def mine(session: Session, user: t.User) -> list[t.Swap]:
    return list(
        session.exec(
            select(t.Swap)
            .where(t.Swap.giver_id == user.worker_id, col(t.Swap.state).in_([OPEN, PENDING]))
            .order_by(col(t.Swap.id))
        )
    )


def _lock(session: Session, row: t.Swap, given: t.Assignment, taker_id: int) -> None:
    """Both workers', the work's and the booking's locks, in the one order; then the swap as it stands."""
    booking.lock_in_order(
        session,
        workers=sorted({row.giver_id, taker_id}),
        shifts=[given.shift_id] if given.shift_id is not None else [],
        jobs=[given.job_id] if given.job_id is not None else [],
        assignments=[given.id] if given.id is not None else [],
    )
    session.refresh(row)
    session.refresh(given)


def take(session: Session, user: t.User, swap_id: int) -> t.Swap:
    """Take over a colleague's offered work: 409 saying why when a rule rules you out, or when someone
    else took it first. The giver's booking becomes yours in one transaction, or, where the place
    approves swaps, the swap waits for its manager. Commits."""
    me = approved_worker(session, user)
    row = get(session, user, swap_id)
    if row.giver_id == me.id:
        raise Refused(status.HTTP_409_CONFLICT, "this is your own work")
    given = session.get(t.Assignment, row.assignment_id)
    assert given is not None and me.id is not None
    _lock(session, row, given, me.id)
    if row.state != OPEN or given.status != AssignmentStatus.accepted:
        raise Refused(status.HTTP_409_CONFLICT, "this work is no longer offered: someone took it, or it was withdrawn")
    why = _fits(session, me, given)
    if why is not None:
        raise Refused(status.HTTP_409_CONFLICT, f"you cannot take this work: {why}")
    now = dt.datetime.now(dt.UTC)
    row.taker_id, row.taken_at = me.id, now
    if confirms(session, given):
        row.state = PENDING
        session.add(row)
        events.swap_asked(session, row, given, of_work(session, row.organisation_id, [given]), now)
        session.commit()
        return row
    taken = _move(session, row, given, me.id, now, "you cannot take this work", you=True)
    events.swapped(session, given, taken, now)
    session.commit()
    return row


def _move(
    session: Session, row: t.Swap, given: t.Assignment, taker_id: int, now: dt.datetime, refused: str, you: bool
) -> t.Assignment:
    """The giver's booking becomes the taker's, the taker keeping every hard rule with it (409 ``refused:
    <the rules it breaks>`` else; the giver only loses work). The caller holds the locks and commits."""
    tz = organisation_zone(session, given.organisation_id)
    days = local_days(span(session, given, tz), tz)
    return booking.lawful(
        session,
        given.organisation_id,
        [taker_id],
        days,
        lambda: _moved(session, row, given, taker_id, now),
        refused,
        you,
    )


def _moved(session: Session, row: t.Swap, given: t.Assignment, taker_id: int, now: dt.datetime) -> t.Assignment:
    same = (
        (t.Assignment.shift_id == given.shift_id)
        if given.shift_id is not None
        else ((t.Assignment.job_id == given.job_id) & (t.Assignment.day == given.day))
    )
    taken = session.exec(select(t.Assignment).where(same, t.Assignment.worker_id == taker_id)).first()
    if taken is None:
        taken = t.Assignment(
            organisation_id=given.organisation_id,
            worker_id=taker_id,
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
    row.state, row.taker_id = DONE, taker_id
    session.add(row)
    return taken


def to_decide(session: Session, user: t.User) -> list[t.Swap]:
    """Swaps waiting for this person's approval (the coordinator, or a manager or farmer of the place)."""
    rows = session.exec(
        select(t.Swap)
        .where(t.Swap.organisation_id == user.organisation_id, t.Swap.state == PENDING)
        .order_by(col(t.Swap.taken_at), col(t.Swap.id))
    )
    out = []
    for row in rows:
        given = session.get(t.Assignment, row.assignment_id)
        if given is not None and may_decide(session, user, row.organisation_id, [given]):
            out.append(row)
    return out


def decide(session: Session, user: t.User, swap_id: int, approve: bool, note: str) -> t.Swap:
    """Approve (the booking moves, the taker's rules checked again now) or decline (``note`` says why;
    the giver keeps her work). 403 for who may not decide, 409 once decided or when the taker can no
    longer work it. Commits."""
    row = get(session, user, swap_id)
    given = session.get(t.Assignment, row.assignment_id)
    assert given is not None
    if row.state != PENDING or row.taker_id is None:
        raise Refused(status.HTTP_409_CONFLICT, f"this swap is {row.state}, not waiting for a decision")
    if not may_decide(session, user, row.organisation_id, [given]):
        raise Refused(status.HTTP_403_FORBIDDEN, "only the coordinator or the manager of that work decides")
    if not approve and not note.strip():
        raise crud.invalid("note", "say why the swap is declined")
    _lock(session, row, given, row.taker_id)
    if row.state != PENDING or row.taker_id is None:
        raise Refused(status.HTTP_409_CONFLICT, f"this swap is {row.state}, not waiting for a decision")
    now = dt.datetime.now(dt.UTC)
    row.decided_by, row.decided_at, row.note = user.id, now, note.strip()[:500]
    if not approve:
        row.state = DECLINED
        session.add(row)
        events.swap_called_off(session, row, given, f"declined by {user.name or 'the manager'}: {row.note}", now)
        session.commit()
        return row
    taker = session.get(t.Worker, row.taker_id)
    assert taker is not None
    if given.status != AssignmentStatus.accepted:
        raise Refused(status.HTTP_409_CONFLICT, "the giver's booking is gone: nothing is left to swap")
    why = _fits(session, taker, given)
    if why is not None:
        raise Refused(status.HTTP_409_CONFLICT, f"{taker.name} cannot take this work now: {why}")
    taken = _move(session, row, given, row.taker_id, now, "the swap cannot be approved", you=False)
    events.swapped(session, given, taken, now)
    events.swap_approved(session, taken, now)
    session.commit()
    return row
