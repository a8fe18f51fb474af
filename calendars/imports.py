"""Storing imported busy times: each import replaces its own source's rows, all or nothing.

Sources: ``ics-upload`` (the last uploaded file) and ``ics-url`` (the registered URL). Rows people typed
in have no source and are never touched here.

Reading a file takes seconds at worst and a download up to its deadline, so neither happens while a
database connection is held: callers look up what they need, release the connection, expand the file
(``calendars.sandbox``), then write the result in a short transaction. Registered URLs are fetched only
in the background (``refresh_due``), never inside a request.
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from calendars import fetch, sandbox
from calendars.busy import BusyTimes, CalendarFileError
from models import tables as t
from models.enums import AvailabilityKind

log = logging.getLogger("bemanna.calendars")

UPLOAD, URL = "ics-upload", "ics-url"
DEFAULT_DAYS = 182  # the planning horizon an import covers unless told: about six months ahead
REFRESH_EVERY = dt.timedelta(hours=6)
PARALLEL_FETCHES = 4  # one slow calendar server must not hold up everyone else's refresh


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


def replace(
    session: Session, worker_id: int, source: str, result: BusyTimes, first: dt.date, last: dt.date
) -> Imported:
    """Stage ``source``'s busy times as the expanded file's (the caller commits)."""
    session.execute(
        delete(t.Availability).where(col(t.Availability.worker_id) == worker_id, col(t.Availability.source) == source)
    )
    session.add_all(
        t.Availability(worker_id=worker_id, kind=AvailabilityKind.unavailable, start_utc=s, end_utc=e, source=source)
        for s, e in result.periods
    )
    return Imported(source, first, last, len(result.periods), result.events, result.skipped)


def refresh(engine: Engine, source_id: int, now: dt.datetime | None = None) -> Imported | None:
    """Fetch and import one registered URL over the default horizon, each step in its own short session.
    A failure is recorded on the source (the busy times of the last good fetch stay); None if the source
    went away or changed meanwhile."""
    now = now or dt.datetime.now(dt.UTC)
    with Session(engine) as session:
        source = session.get(t.CalendarSource, source_id)
        worker = session.get(t.Worker, source.worker_id) if source else None
        if source is None or worker is None:
            return None
        url, worker_id, tz = source.url, source.worker_id, zone(session, worker)
        first, last = default_days(session, worker)
    try:
        result: BusyTimes | str = sandbox.expand(fetch.fetch(url), first, last, tz)
    except CalendarFileError as error:
        result = str(error)
    except sandbox.CalendarBusy:
        result = "busy"
    with Session(engine) as session:
        source = session.get(t.CalendarSource, source_id)
        if source is None or source.url != url:
            return None
        out = None
        if isinstance(result, BusyTimes):
            out = replace(session, worker_id, URL, result, first, last)
            source.checked_at, source.fetched_at, source.busy_periods, source.error = now, now, out.busy_periods, ""
        elif result == "busy":
            source.checked_at = None  # not the calendar's fault: due again at the next pass
        else:
            source.checked_at, source.error = now, result
        session.add(source)
        session.commit()
        return out


def refresh_due(engine: Engine, now: dt.datetime | None = None) -> int:
    """Refresh every registered URL never tried or not tried for ``REFRESH_EVERY``; returns how many were
    tried. Each source is claimed with a conditional UPDATE first, so two servers never refresh the same
    one; a few are fetched at a time."""
    now = now or dt.datetime.now(dt.UTC)
    due = or_(col(t.CalendarSource.checked_at).is_(None), col(t.CalendarSource.checked_at) < now - REFRESH_EVERY)
    with Session(engine) as session:
        ids = list(session.exec(select(t.CalendarSource.id).where(due).order_by(col(t.CalendarSource.id))))
    claimed: list[int] = []
    for source_id in ids:
        with Session(engine) as session:
            done = session.execute(
                update(t.CalendarSource).where(col(t.CalendarSource.id) == source_id, due).values(checked_at=now)
            )
            session.commit()
            if done.rowcount == 1 and source_id is not None:  # type: ignore[attr-defined]
                claimed.append(source_id)
    with ThreadPoolExecutor(max_workers=PARALLEL_FETCHES, thread_name_prefix="bemanna-calendar-fetch") as pool:
        for source_id, outcome in zip(
            claimed, pool.map(lambda i: _refresh_quietly(engine, i, now), claimed), strict=True
        ):
            if not outcome:
                log.info("calendar source %s: refresh failed (recorded on the source)", source_id)
    return len(claimed)


def _refresh_quietly(engine: Engine, source_id: int, now: dt.datetime) -> bool:
    try:
        return refresh(engine, source_id, now) is not None
    except Exception as error:  # one bad source must never stop the others
        log.error("calendar source %s: refresh failed: %s", source_id, type(error).__name__)
        return False
