"""Revisions of work as calendar clients see it.

A subscribed calendar only updates an event whose SEQUENCE went up, and only removes one that the feed
publishes as CANCELLED. So every change a feed shows raises a counter here, and deleted work leaves a
tombstone behind. A worker's event counts the assignment's changes plus its work's (both only grow, so
the sum does too); a place's event counts its work's, which every staffing change raises as well.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, delete, select

from models import tables as t
from models.enums import AssignmentStatus
from models.problem import EARLIEST, LATEST
from models.rows import assignment_span, job_day_span, organisation_zone, utc, work_of
from models.work_items import job_item_id

HISTORY = dt.timedelta(days=366)  # how far back feeds show past work
AHEAD = dt.timedelta(days=2 * 366)  # how far ahead feeds show a job's days

SHOWN = (
    AssignmentStatus.offered,
    AssignmentStatus.accepted,
    AssignmentStatus.declined,
    AssignmentStatus.cancelled,
)  # the statuses a worker's feed shows (proposals are the coordinator's draft)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def revise(session: Session, row: t.Shift | t.Job | t.Assignment, when: dt.datetime | None = None) -> None:
    """One change to a shift, a job or an assignment (an assignment's change is its work's change too)."""
    when = when or now()
    row.sequence += 1
    row.updated_at = when
    session.add(row)
    if isinstance(row, t.Assignment) and row.status != AssignmentStatus.proposed:
        revise(session, work_of(session, row), when)


def job_day_uid(job: t.Job, day: dt.date) -> str:
    return job_item_id(job.uid, day)


def _stone(
    work: t.Shift | t.Job,
    uid: str,
    span: tuple[dt.datetime, dt.datetime],
    sequence: int,
    when: dt.datetime,
    **owner: int | None,
) -> t.CalendarTombstone:
    """A tombstone for one event of ``work``; ``owner`` names whose feed shows it (worker_id, site_id or farm_id)."""
    return t.CalendarTombstone(
        organisation_id=work.organisation_id,
        uid=uid,
        summary=f"Cancelled: {work.title or 'Shift'}",
        start_utc=span[0],
        end_utc=span[1],
        sequence=sequence,
        cancelled_at=when,
        **owner,  # type: ignore[arg-type]
    )


def _bury_assignments(session: Session, work: t.Shift | t.Job, rows: list[t.Assignment], when: dt.datetime) -> None:
    tz = organisation_zone(session, work.organisation_id)
    for a in rows:
        if a.status in SHOWN:
            span = assignment_span(a, work, tz)
            session.add(_stone(work, a.uid, span, a.sequence + work.sequence + 1, when, worker_id=a.worker_id))


def bury_shift(session: Session, shift: t.Shift) -> None:
    """Before a shift is deleted: its events stay in feeds as CANCELLED."""
    when = now()
    rows = list(session.exec(select(t.Assignment).where(t.Assignment.shift_id == shift.id)))
    _bury_assignments(session, shift, rows, when)
    span = (utc(shift.start_utc), utc(shift.end_utc))
    session.add(_stone(shift, shift.uid, span, shift.sequence + 1, when, site_id=shift.site_id))


def bury_job_days(session: Session, job: t.Job, days: list[dt.date]) -> None:
    """Before a job is deleted, or days drop out of its range: those days' events stay in feeds as
    CANCELLED. Assignments on dropped days are cancelled (deleted with the job when it goes). Only days a
    feed shows get a tombstone (``shown_job_days``), so a row with an absurd range stays cheap to delete."""
    when = now()
    dropped = set(days)
    if not dropped:
        return
    tz = organisation_zone(session, job.organisation_id)
    rows = [a for a in session.exec(select(t.Assignment).where(t.Assignment.job_id == job.id)) if a.day in dropped]
    _bury_assignments(session, job, rows, when)
    for day in sorted(dropped.intersection(shown_job_days(job, when))):
        span = job_day_span(job, day, tz)
        session.add(_stone(job, job_day_uid(job, day), span, job.sequence + 1, when, farm_id=job.farm_id))
    for a in rows:
        session.delete(a)


def shown_job_days(job: t.Job, when: dt.datetime) -> list[dt.date]:
    """The job's days a feed shows at ``when``: from a year back to ``AHEAD`` on, inside the stored date
    window. No job the API accepts spans more than a year; this bounds the cost of one stored before."""
    first = max(job.first_day, EARLIEST, (when - HISTORY).date() - dt.timedelta(days=1))
    last = min(job.last_day, LATEST, (when + AHEAD).date())
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def before_worker_deleted(session: Session, worker: t.Worker) -> None:
    """The places whose feeds named this worker change."""
    rows = session.exec(
        select(t.Assignment).where(
            t.Assignment.worker_id == worker.id,
            col(t.Assignment.status).in_([AssignmentStatus.offered, AssignmentStatus.accepted]),
        )
    )
    when = now()
    seen: set[tuple[str, int]] = set()
    for a in rows:
        work = work_of(session, a)
        key = (type(work).__name__, work.id or 0)
        if key not in seen:
            seen.add(key)
            revise(session, work, when)


def prune_tombstones(session: Session, before: dt.datetime) -> int:
    """Forget tombstones of work cancelled before ``before`` (feeds no longer show them). Returns how many."""
    gone = session.execute(delete(t.CalendarTombstone).where(col(t.CalendarTombstone.cancelled_at) < before))
    return int(gone.rowcount)  # type: ignore[attr-defined]
