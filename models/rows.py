"""Helpers that read a row's neighbours: the work an assignment is on and when it happens, a place of
work, a job's days, the organisation's time zone, and a worker's kept work in a span. Every wing
reads rows the same way through these (services, pages, feeds, notifications, reports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models import tables as t
from models.enums import AssignmentStatus


def utc(value: dt.datetime) -> dt.datetime:
    """Aware UTC (SQLite hands some datetimes back naive)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def organisation_zone(session: Session, organisation_id: int) -> ZoneInfo:
    """The organisation's time zone, in which times without an offset are read."""
    org = session.get(t.Organisation, organisation_id)
    assert org is not None
    return ZoneInfo(org.timezone)


def work_of(session: Session, a: t.Assignment) -> t.Shift | t.Job:
    work = session.get(t.Shift, a.shift_id) if a.shift_id is not None else session.get(t.Job, a.job_id)
    assert work is not None
    return work


def work_or_none(session: Session, a: t.Assignment) -> t.Shift | t.Job | None:
    """The shift or job ``a`` is on, or None once it was deleted."""
    if a.shift_id is not None:
        return session.get(t.Shift, a.shift_id)
    return session.get(t.Job, a.job_id) if a.job_id is not None else None


def place_of(session: Session, row: t.OnWork | t.Shift | t.Job) -> t.Site | t.Farm | None:
    """The site of a shift, or the farm of a job (given, or the one the row is about)."""
    if isinstance(row, t.Shift):
        return session.get(t.Site, row.site_id)
    if isinstance(row, t.Job):
        return session.get(t.Farm, row.farm_id)
    if row.shift_id is not None:
        shift = session.get(t.Shift, row.shift_id)
        return session.get(t.Site, shift.site_id) if shift is not None else None
    job = session.get(t.Job, row.job_id)
    return session.get(t.Farm, job.farm_id) if job is not None else None


def assignment_span(a: t.Assignment, work: t.Shift | t.Job, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    if isinstance(work, t.Shift):
        return utc(work.start_utc), utc(work.end_utc)
    assert a.day is not None
    return job_day_span(work, a.day, tz)


def job_day_span(job: t.Job, day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, job.daily_start, tzinfo=tz).astimezone(dt.UTC)
    return start, start + dt.timedelta(hours=job.daily_hours)


def job_days(job: t.Job | Any) -> list[dt.date]:
    return [job.first_day + dt.timedelta(days=i) for i in range((job.last_day - job.first_day).days + 1)]


@dataclass(frozen=True)
class Span:
    start: dt.datetime
    end: dt.datetime

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def span(session: Session, a: t.Assignment, tz: ZoneInfo) -> Span:
    """When the assignment's work happens (UTC)."""
    return Span(*assignment_span(a, work_of(session, a), tz))


def local_days(when: Span, tz: ZoneInfo) -> tuple[dt.date, dt.date]:
    """The local days a span of work touches, first and last."""
    return when.start.astimezone(tz).date(), (when.end - dt.timedelta.resolution).astimezone(tz).date()


def other_accepted(session: Session, a: t.Assignment) -> list[t.Assignment]:
    """The worker's accepted work besides ``a``."""
    query = select(t.Assignment).where(
        t.Assignment.worker_id == a.worker_id,
        t.Assignment.status == AssignmentStatus.accepted,
        col(t.Assignment.id) != a.id,
    )
    return list(session.exec(query))


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
