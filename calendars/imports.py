"""Storing imported busy times: each import replaces its own source's rows, all or nothing.

Sources: ``ics-upload`` (the last uploaded file) and ``ics-url`` (the registered URL). Rows people typed
in have no source and are never touched here.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from calendars import fetch
from calendars.busy import CalendarFileError, busy_times
from models import tables as t
from models.enums import AvailabilityKind

log = logging.getLogger("bemanna.calendars")

UPLOAD, URL = "ics-upload", "ics-url"
DEFAULT_DAYS = 182  # the planning horizon an import covers unless told: about six months ahead
REFRESH_EVERY = dt.timedelta(hours=6)


@dataclass
class Imported:
    source: str
    first_day: dt.date
    last_day: dt.date
    busy_periods: int
    events: int
    skipped: dict[str, int] = field(default_factory=dict)


def zone(session: Session, worker: t.Worker) -> ZoneInfo:
    org = session.get(t.Organisation, worker.organisation_id)
    assert org is not None
    return ZoneInfo(org.timezone)


def default_days(session: Session, worker: t.Worker) -> tuple[dt.date, dt.date]:
    today = dt.datetime.now(zone(session, worker)).date()
    return today, today + dt.timedelta(days=DEFAULT_DAYS)


def store(session: Session, worker: t.Worker, source: str, data: bytes, first: dt.date, last: dt.date) -> Imported:
    """Replace ``source``'s busy times by the file's (the caller commits); nothing is staged if it fails."""
    result = busy_times(data, first, last, zone(session, worker))
    assert worker.id is not None
    session.execute(
        delete(t.Availability).where(col(t.Availability.worker_id) == worker.id, col(t.Availability.source) == source)
    )
    session.add_all(
        t.Availability(worker_id=worker.id, kind=AvailabilityKind.unavailable, start_utc=s, end_utc=e, source=source)
        for s, e in result.periods
    )
    return Imported(source, first, last, len(result.periods), result.events, result.skipped)


def refresh(
    session: Session, source: t.CalendarSource, first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> Imported:
    """Fetch and import a registered URL, and commit. A failure is recorded on the source and raised
    again; the busy times of the last good fetch stay."""
    worker = session.get(t.Worker, source.worker_id)
    assert worker is not None
    now = now or dt.datetime.now(dt.UTC)
    try:
        out = store(session, worker, URL, fetch.fetch(source.url), first, last)
    except CalendarFileError as error:
        source.checked_at, source.error = now, str(error)
        session.add(source)
        session.commit()
        raise
    source.checked_at, source.fetched_at, source.busy_periods, source.error = now, now, out.busy_periods, ""
    session.add(source)
    session.commit()
    return out


def refresh_due(engine: Engine, now: dt.datetime | None = None) -> int:
    """Refresh every registered URL not tried for ``REFRESH_EVERY``; returns how many were tried. Each
    source is claimed with a conditional UPDATE first, so two servers never refresh the same one."""
    now = now or dt.datetime.now(dt.UTC)
    due = or_(col(t.CalendarSource.checked_at).is_(None), col(t.CalendarSource.checked_at) < now - REFRESH_EVERY)
    with Session(engine) as session:
        ids = list(session.exec(select(t.CalendarSource.id).where(due).order_by(col(t.CalendarSource.id))))
    tried = 0
    for source_id in ids:
        with Session(engine) as session:
            claimed = session.execute(
                update(t.CalendarSource).where(col(t.CalendarSource.id) == source_id, due).values(checked_at=now)
            )
            session.commit()
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue
            source = session.get(t.CalendarSource, source_id)
            worker = session.get(t.Worker, source.worker_id) if source else None
            if source is None or worker is None:
                continue
            tried += 1
            try:
                refresh(session, source, *default_days(session, worker), now)
            except CalendarFileError:
                log.info("calendar source %s: refresh failed (recorded on the source)", source_id)
            except Exception as error:  # one bad source must never stop the others
                session.rollback()
                log.error("calendar source %s: refresh failed: %s", source_id, type(error).__name__)
    return tried
