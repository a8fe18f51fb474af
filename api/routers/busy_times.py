"""Busy times imported from a worker's own calendar: an uploaded .ics, or a registered .ics URL.

Each import replaces the busy times of its own source (the upload's or the URL's) and leaves the
availability people typed in alone. A file that cannot be read changes nothing and answers 422 saying
why. Only the worker and the coordinator see or change these: a calendar is personal.

An upload is expanded in a bounded child process with the request's database connection released
meanwhile; a registered URL is only checked here (scheme, public host) and fetched in the background,
so no request ever waits on someone else's calendar server.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, delete, select

from api import crud
from api.deps import CurrentUser, SessionDep
from calendars import fetch, imports, sandbox
from calendars.busy import MAX_BYTES, MAX_HORIZON_DAYS, CalendarFileError
from calendars.imports import UPLOAD, URL
from models import tables as t
from models.enums import Role
from models.problem import Day

router = APIRouter(prefix="/workers/{ref}/busy-times", tags=["busy times (calendar import)"])


class Period(BaseModel):
    start: dt.datetime
    end: dt.datetime
    source: str = Field(description="ics-upload or ics-url")


class SourceOut(BaseModel):
    url: str = Field(description="The registered URL with its path hidden (it usually holds a private token)")
    state: str = Field(description="pending (a fetch is queued), ok (the last fetch worked) or failed (see error)")
    created_at: dt.datetime
    checked_at: dt.datetime | None
    fetched_at: dt.datetime | None
    busy_periods: int
    error: str = Field(description="Why the last refresh failed; empty when it worked")


class BusyOut(BaseModel):
    url_source: SourceOut | None
    periods: list[Period]


class ImportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    source: str
    first_day: dt.date = Field(serialization_alias="from")
    last_day: dt.date = Field(serialization_alias="to")
    busy_periods: int = Field(description="Busy periods stored (overlapping events merged)")
    events: int = Field(description="Busy event occurrences in the horizon, recurrences expanded")
    skipped: dict[str, int] = Field(description="Occurrences that do not make you busy, by reason")


class UrlIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=1, max_length=2000, examples=["webcal://calendar.example.com/private/abc.ics"])


def _worker(session: Session, user: t.User, ref: str) -> t.Worker:
    worker = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    if user.role != Role.coordinator and user.worker_id != worker.id:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "busy times are seen and changed by the worker (or a coordinator)"
        )
    return worker


def _days(session: Session, worker: t.Worker, first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date]:
    first = first or imports.default_days(session, worker)[0]
    last = last or first + dt.timedelta(days=imports.DEFAULT_DAYS)
    if last < first:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [_loc("to", "must not be before from")])
    if (last - first).days + 1 > MAX_HORIZON_DAYS:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, [_loc("to", f"the horizon may be at most {MAX_HORIZON_DAYS} days")]
        )
    return first, last


def _loc(field: str, message: str) -> dict[str, object]:
    return {"type": "value_error", "loc": ["query", field], "msg": message}


def _unreadable(error: CalendarFileError) -> HTTPException:
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT, [{"type": "value_error", "loc": ["body"], "msg": str(error)}]
    )


def _out(result: imports.Imported) -> ImportOut:
    return ImportOut.model_validate(result, from_attributes=True)


def _masked(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/..." if parts.hostname else "..."


async def ics_body(request: Request) -> bytes:
    """The uploaded file: the raw body (text/calendar) or a form's ``file`` field, at most MAX_BYTES."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=5, max_part_size=MAX_BYTES + 1)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [_body("send the .ics file in a field 'file'")])
        data = await upload.read()
    else:
        chunks = bytearray()
        async for chunk in request.stream():
            chunks += chunk
            if len(chunks) > MAX_BYTES:
                break
        data = bytes(chunks)
    if len(data) > MAX_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"the file is larger than {MAX_BYTES // 1_000_000} MB")
    if not data.strip():
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [_body("the body is empty: send an .ics file")])
    return data


def _body(message: str) -> dict[str, object]:
    return {"type": "value_error", "loc": ["body"], "msg": message}


First = Annotated[Day | None, Query(alias="from", description="First day of the horizon (default today)")]
Last = Annotated[Day | None, Query(alias="to", description=f"Last day (default {imports.DEFAULT_DAYS} days on)")]


@router.get("", response_model=BusyOut)
def list_busy(ref: str, user: CurrentUser, session: SessionDep) -> BusyOut:
    worker = _worker(session, user, ref)
    rows = session.exec(
        select(t.Availability)
        .where(t.Availability.worker_id == worker.id, col(t.Availability.source).is_not(None))
        .order_by(col(t.Availability.start_utc))
    )
    source = session.exec(select(t.CalendarSource).where(t.CalendarSource.worker_id == worker.id)).first()
    return BusyOut(
        url_source=None if source is None else _source_out(source),
        periods=[Period(start=a.start_utc, end=a.end_utc, source=a.source or "") for a in rows],
    )


def _source_out(source: t.CalendarSource) -> SourceOut:
    state = "pending" if source.checked_at is None else "failed" if source.error else "ok"
    return SourceOut(
        url=_masked(source.url),
        state=state,
        created_at=source.created_at,
        checked_at=source.checked_at,
        fetched_at=source.fetched_at,
        busy_periods=source.busy_periods,
        error=source.error,
    )


def _wake_refresher(request: Request) -> None:
    refresher = getattr(request.app.state, "calendars", None)
    if refresher is not None:
        refresher.wake()


@router.post(
    "",
    response_model=ImportOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/calendar": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                },
            },
        }
    },
)
def upload_busy(
    ref: str,
    user: CurrentUser,
    session: SessionDep,
    data: Annotated[bytes, Depends(ics_body)],
    first: First = None,
    last: Last = None,
) -> ImportOut:
    """Upload an .ics of your busy times (exported from your phone calendar). It replaces the busy
    times of your previous upload; 422 with the reason if the file cannot be read (nothing changes)."""
    worker = _worker(session, user, ref)
    first, last = _days(session, worker, first, last)
    tz, worker_id = imports.zone(session, worker), worker.id
    assert worker_id is not None
    session.rollback()  # give the connection back while the file is expanded (seconds, at worst)
    try:
        result = sandbox.expand(data, first, last, tz)
    except CalendarFileError as error:
        raise _unreadable(error) from None
    except sandbox.CalendarBusy as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error), headers={"Retry-After": "30"}) from None
    out = imports.replace(session, worker_id, UPLOAD, result, first, last)
    session.commit()
    return _out(out)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
def delete_uploaded(ref: str, user: CurrentUser, session: SessionDep) -> None:
    """Forget the busy times of your uploads (a registered URL's stay: DELETE .../url)."""
    worker = _worker(session, user, ref)
    session.execute(
        delete(t.Availability).where(col(t.Availability.worker_id) == worker.id, col(t.Availability.source) == UPLOAD)
    )
    session.commit()


@router.put("/url", response_model=SourceOut, status_code=status.HTTP_202_ACCEPTED)
def register_url(ref: str, body: UrlIn, user: CurrentUser, session: SessionDep, request: Request) -> SourceOut:
    """Register (or replace) your calendar's .ics URL. It is checked now (http(s) or webcal, a public
    host) and fetched in the background within a minute; ``GET .../busy-times`` shows how that went."""
    worker = _worker(session, user, ref)
    worker_id = worker.id
    assert worker_id is not None
    session.rollback()  # the host's name is looked up without holding a connection
    try:
        url = fetch.check(body.url)
    except CalendarFileError as error:
        raise crud.invalid("url", str(error)) from None
    source = session.exec(select(t.CalendarSource).where(t.CalendarSource.worker_id == worker_id)).first()
    if source is None:
        source = t.CalendarSource(worker_id=worker_id, url=url)
    source.url, source.checked_at, source.error = url, None, ""
    session.add(source)
    session.commit()
    _wake_refresher(request)
    return _source_out(source)


@router.post("/url/refresh", response_model=SourceOut, status_code=status.HTTP_202_ACCEPTED)
def refresh_url(ref: str, user: CurrentUser, session: SessionDep, request: Request) -> SourceOut:
    """Fetch the registered URL again soon (in the background); the last good import stays until then."""
    worker = _worker(session, user, ref)
    source = session.exec(select(t.CalendarSource).where(t.CalendarSource.worker_id == worker.id)).first()
    if source is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no calendar URL is registered: PUT .../busy-times/url")
    source.checked_at = None
    session.add(source)
    session.commit()
    _wake_refresher(request)
    return _source_out(source)


@router.delete("/url", status_code=status.HTTP_204_NO_CONTENT)
def forget_url(ref: str, user: CurrentUser, session: SessionDep) -> None:
    """Unregister the calendar URL and forget its busy times."""
    worker = _worker(session, user, ref)
    source = session.exec(select(t.CalendarSource).where(t.CalendarSource.worker_id == worker.id)).first()
    if source is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no calendar URL is registered")
    session.delete(source)
    session.execute(
        delete(t.Availability).where(col(t.Availability.worker_id) == worker.id, col(t.Availability.source) == URL)
    )
    session.commit()
