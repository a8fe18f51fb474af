"""Offers and bookings: proposed assignments go out to workers, who accept or decline; accepted work can
be cancelled; an edit of posted work may not break what people accepted.

Accepting is the write people race on. It is made safe in the database, not in Python: the transaction
locks the worker's row and then the shift's (or job's) row (``SELECT ... FOR UPDATE`` on PostgreSQL; on
SQLite a no-op UPDATE, which takes the database's single write lock at once, since SQLite reads take no
locks until a transaction writes), and only then counts accepted places and looks for overlapping
accepted work. **Every** write that touches bookings takes its locks in one order: workers, then shifts,
then jobs, then assignments, each by id (``lock_in_order``). Accepts, declines, cancels, offers, gap
filling and edits of shifts and jobs all do, so no two of them deadlock; a second accept for the last
place, or for a worker already booked at that time, waits for the first and then sees its result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import HTTPException, status
from sqlalchemy import update
from sqlmodel import Session, col, select

from models import tables as t
from models.enums import AssignmentStatus
from models.revisions import assignment_span, organisation_zone, revise, work_of
from models.settings import settings


@dataclass(frozen=True)
class Span:
    start: dt.datetime
    end: dt.datetime

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def work_or_none(session: Session, a: t.Assignment) -> t.Shift | t.Job | None:
    """The shift or job ``a`` is on, or None once it was deleted."""
    if a.shift_id is not None:
        return session.get(t.Shift, a.shift_id)
    return session.get(t.Job, a.job_id) if a.job_id is not None else None


def span(session: Session, a: t.Assignment, tz: ZoneInfo) -> Span:
    """When the assignment's work happens (UTC)."""
    return Span(*assignment_span(a, work_of(session, a), tz))


def other_accepted(session: Session, a: t.Assignment) -> list[t.Assignment]:
    """The worker's accepted work besides ``a``."""
    query = select(t.Assignment).where(
        t.Assignment.worker_id == a.worker_id,
        t.Assignment.status == AssignmentStatus.accepted,
        col(t.Assignment.id) != a.id,
    )
    return list(session.exec(query))


def lock_rows(session: Session, model: Any, ids: Iterable[int]) -> dict[int, Any]:
    """Lock rows for the rest of the transaction, in id order; the rows as they stand after the lock."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(model).where(col(model.id).in_(wanted)).values(id=model.id))
        query = select(model).where(col(model.id).in_(wanted))
    else:
        query = select(model).where(col(model.id).in_(wanted)).order_by(col(model.id)).with_for_update()
    return {row.id: row for row in session.exec(query.execution_options(populate_existing=True))}


def lock_in_order(
    session: Session,
    workers: Iterable[int] = (),
    shifts: Iterable[int] = (),
    jobs: Iterable[int] = (),
    assignments: Iterable[int] = (),
) -> dict[int, t.Assignment]:
    """Take the booking locks in the one order every writer uses: workers, shifts, jobs, assignments,
    each by id. Returns the locked assignments as they stand now."""
    lock_rows(session, t.Worker, workers)
    lock_rows(session, t.Shift, shifts)
    lock_rows(session, t.Job, jobs)
    return lock_rows(session, t.Assignment, assignments)


def lock_assignments(session: Session, rows: Iterable[t.Assignment]) -> dict[int, t.Assignment]:
    """``lock_in_order`` for these assignments with their workers and work."""
    rows = list(rows)
    return lock_in_order(
        session,
        workers=[a.worker_id for a in rows],
        shifts=[a.shift_id for a in rows if a.shift_id is not None],
        jobs=[a.job_id for a in rows if a.job_id is not None],
        assignments=[a.id for a in rows if a.id is not None],
    )


def conflict(message: str) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, message)


def local_days(when: Span, tz: ZoneInfo) -> tuple[dt.date, dt.date]:
    """The local days a span of work touches, first and last."""
    return when.start.astimezone(tz).date(), (when.end - dt.timedelta.resolution).astimezone(tz).date()


def kept_overlapping(
    session: Session, worker_id: int, organisation_id: int, start: dt.datetime, end: dt.datetime
) -> list[tuple[t.Assignment, Span]]:
    """The worker's kept work (accepted, or pinned) that overlaps ``[start, end)``, with its span: what
    neither a change of availability nor time off may take her away from without a person's decision."""
    tz = organisation_zone(session, organisation_id)
    rows = session.exec(
        select(t.Assignment).where(
            t.Assignment.worker_id == worker_id,
            col(t.Assignment.status).in_([AssignmentStatus.accepted, AssignmentStatus.proposed]),
        )
    )
    out = []
    for a in rows:
        if a.status == AssignmentStatus.proposed and not a.pinned:
            continue
        when = span(session, a, tz)
        if when.start < end and start < when.end:
            out.append((a, when))
    return out


def open_offer(session: Session, a: t.Assignment, now: dt.datetime) -> None:
    """Make ``a`` an offer that stands for ``offer_hours``, or half the time left before the work when
    that is sooner (a reminder goes out halfway; unanswered, it expires and the place goes on)."""
    start = span(session, a, organisation_zone(session, a.organisation_id)).start
    lifetime = min(dt.timedelta(hours=settings().offer_hours), max(dt.timedelta(0), (start - now) / 2))
    a.status, a.offered_at, a.offer_expires_at, a.expired_at = AssignmentStatus.offered, now, now + lifetime, None
    revise(session, a, now)


def move(
    session: Session,
    a: t.Assignment,
    frm: tuple[AssignmentStatus, ...],
    to: AssignmentStatus,
    then: Callable[[t.Assignment, AssignmentStatus], object] | None = None,
) -> t.Assignment:
    """A status change without capacity questions (offer, decline, cancel). ``then(row, status before)``
    stages what goes with it (its messages) in the same transaction. Commits."""
    assert a.id is not None
    locked = lock_assignments(session, [a]).get(a.id)
    if locked is None or work_or_none(session, locked) is None:  # deleted with its work meanwhile
        session.rollback()
        raise conflict("this work was withdrawn: it is no longer posted")
    if locked.status not in frm:
        raise conflict(f"this assignment is {locked.status}; only {' or '.join(frm)} ones can become {to}")
    was, locked.status = locked.status, to
    revise(session, locked)
    if then is not None:
        then(locked, was)
    session.commit()
    return locked


def _on(session: Session, work: t.Shift | t.Job) -> list[t.Assignment]:
    """Every assignment on the work, whatever its state, as the database has it now."""
    column = t.Assignment.shift_id if isinstance(work, t.Shift) else t.Assignment.job_id
    query = select(t.Assignment).where(column == work.id)
    return list(session.exec(query.order_by(col(t.Assignment.id)).execution_options(populate_existing=True)))


def lock_work(session: Session, work: t.Shift | t.Job, tries: int = 5) -> list[t.Assignment]:
    """Lock a shift or job for an edit or a delete in the one order: the workers of every assignment on
    it (an edit or a delete writes each one's calendar events, whose rows name her, so an accept of
    hers must queue behind it, not deadlock with it), the work, then those assignments; the accepted
    ones as they stand once locked. If someone was offered it between the read and the locks, her
    worker is not locked yet: start again."""
    assert work.id is not None
    for _ in range(tries):
        rows = _on(session, work)
        workers = {a.worker_id for a in rows}
        work_ids = [work.id]
        locked = lock_in_order(
            session,
            workers=workers,
            shifts=work_ids if isinstance(work, t.Shift) else (),
            jobs=work_ids if isinstance(work, t.Job) else (),
            assignments=[a.id for a in rows if a.id is not None],
        )
        now_on = _on(session, work)
        if {a.worker_id for a in now_on} <= workers:
            return [a for a in now_on if a.status == AssignmentStatus.accepted and a.id in locked]
        session.rollback()
    raise conflict("this work is being booked right now; try again")


def ensure_bookings_fit(
    session: Session, work_id: int, fresh: t.Shift | t.Job, booked: list[t.Assignment], tz: ZoneInfo
) -> None:
    """Before an edit of posted work: 409 naming each accepted booking the new version would break (a
    place taken away, or the worker's other accepted work overlapping the new times). Bookings on days a
    job no longer has are cancelled by the edit itself, so they are not counted here."""
    names = {
        w.id: w.name for w in session.exec(select(t.Worker).where(col(t.Worker.id).in_([a.worker_id for a in booked])))
    }
    broken: list[str] = []
    if isinstance(fresh, t.Shift):
        kept = booked
        capacity = fresh.max_headcount or fresh.headcount
        if len(kept) > capacity:
            who = ", ".join(sorted(names[a.worker_id] for a in kept))
            broken.append(f"{len(kept)} workers have accepted it ({who}), so it needs at least {len(kept)} places")
    else:
        kept = [a for a in booked if a.day is not None and fresh.first_day <= a.day <= fresh.last_day]
        per_day: dict[dt.date, list[t.Assignment]] = {}
        for a in kept:
            per_day.setdefault(a.day, []).append(a)  # type: ignore[arg-type]
        for day, rows in sorted(per_day.items()):
            if len(rows) > fresh.headcount:
                who = ", ".join(sorted(names[a.worker_id] for a in rows))
                broken.append(
                    f"{len(rows)} workers have accepted {day} ({who}), so it needs at least {len(rows)} places"
                )
    for a in kept:
        mine = Span(*assignment_span(a, fresh, tz))
        for other in other_accepted(session, a):
            if isinstance(fresh, t.Job) and other.job_id == work_id:
                continue  # a job's other days move with it and never overlap each other
            theirs = span(session, other, tz)
            if theirs.overlaps(mine):
                local = theirs.start.astimezone(tz)
                broken.append(
                    f"{names[a.worker_id]} has accepted other work at {local:%Y-%m-%d %H:%M} that the new times overlap"
                )
    if broken:
        raise conflict(
            "this change would break accepted bookings: "
            + "; ".join(broken)
            + ". Cancel those bookings first (POST /assignments/{id}/cancel), then change it."
        )
