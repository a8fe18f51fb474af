"""A worker's busy times from their own calendar: an uploaded .ics (expanded in a bounded child
process, the database connection released meanwhile) or a registered .ics URL (only checked here,
fetched in the background). Each import replaces its own source's busy times and leaves the
availability people typed in alone; a file that cannot be read changes nothing."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from fastapi import status
from sqlmodel import Session, col, select

from api.core import crud
from api.core.refusals import Refused
from calendars import fetch, imports, sandbox
from calendars.busy import MAX_HORIZON_DAYS, CalendarFileError
from calendars.imports import UPLOAD
from models import tables as t
from models.enums import Role


def worker_of(session: Session, user: t.User, ref: str) -> t.Worker:
    worker = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    if user.role != Role.coordinator and user.worker_id != worker.id:
        raise Refused(status.HTTP_403_FORBIDDEN, "busy times are seen and changed by the worker (or a coordinator)")
    return worker


def days(session: Session, worker: t.Worker, first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date]:
    first = first or imports.default_days(session, worker)[0]
    last = last or first + dt.timedelta(days=imports.DEFAULT_DAYS)
    if last < first:
        raise Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, [_loc("to", "must not be before from")])
    if (last - first).days + 1 > MAX_HORIZON_DAYS:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT, [_loc("to", f"the horizon may be at most {MAX_HORIZON_DAYS} days")]
        )
    return first, last


def _loc(field: str, message: str) -> dict[str, object]:
    return {"type": "value_error", "loc": ["query", field], "msg": message}


def _unreadable(error: CalendarFileError) -> Refused:
    return Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, [{"type": "value_error", "loc": ["body"], "msg": str(error)}])


def upload(
    session: Session, worker: t.Worker, data: bytes, first: dt.date | None, last: dt.date | None
) -> imports.Imported:
    """Replace the busy times of the worker's previous upload by this file's (422 saying why if it
    cannot be read, 503 when every expansion slot is busy). Commits."""
    first, last = days(session, worker, first, last)
    tz, worker_id = imports.zone(session, worker), worker.id
    assert worker_id is not None
    session.rollback()  # give the connection back while the file is expanded (seconds, at worst)
    try:
        result = sandbox.expand(data, first, last, tz)
    except CalendarFileError as error:
        raise _unreadable(error) from None
    except sandbox.CalendarBusy as error:
        raise Refused(status.HTTP_503_SERVICE_UNAVAILABLE, str(error), headers={"Retry-After": "30"}) from None
    out = imports.replace(session, worker_id, UPLOAD, result, first, last)
    session.commit()
    return out


def register_url(session: Session, worker: t.Worker, url: str) -> t.CalendarSource:
    """Register (or replace) the worker's calendar URL, checked now (http(s) or webcal, a public host)
    and fetched in the background (the caller wakes the refresher). 422 ``url`` saying why. Commits."""
    worker_id = worker.id
    assert worker_id is not None
    session.rollback()  # the host's name is looked up without holding a connection
    try:
        checked = fetch.check(url)
    except CalendarFileError as error:
        raise crud.invalid("url", str(error)) from None
    source = session.exec(select(t.CalendarSource).where(t.CalendarSource.worker_id == worker_id)).first()
    if source is None:
        source = t.CalendarSource(worker_id=worker_id, url=checked)
    source.url, source.checked_at, source.error = checked, None, ""
    session.add(source)
    session.commit()
    return source


def imported(session: Session, worker: t.Worker, after: dt.datetime | None = None) -> list[t.Availability]:
    """The worker's busy periods from calendar imports (ending after ``after``), in time order."""
    query = select(t.Availability).where(t.Availability.worker_id == worker.id, col(t.Availability.source).is_not(None))
    if after is not None:
        query = query.where(col(t.Availability.end_utc) > after)
    return list(session.exec(query.order_by(col(t.Availability.start_utc))))


def source_of(session: Session, worker: t.Worker) -> t.CalendarSource | None:
    return session.exec(select(t.CalendarSource).where(t.CalendarSource.worker_id == worker.id)).first()


def masked(url: str) -> str:
    """A calendar URL without its path, which usually holds a private token."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/..." if parts.hostname else "..."
