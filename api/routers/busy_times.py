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
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, delete, select

from api.http.deps import CurrentUser, SessionDep
from api.services import busy
from calendars import imports
from calendars.busy import MAX_BYTES
from calendars.imports import UPLOAD, URL
from models import tables as t
from models.problem import Day
from models.rows import organisation_zone

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


def _out(result: imports.Imported) -> ImportOut:
    return ImportOut.model_validate(result, from_attributes=True)


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
    worker = busy.worker_of(session, user, ref)
    rows = busy.imported(session, worker)
    source = busy.source_of(session, worker)
    zone = organisation_zone(session, user.organisation_id)
    return BusyOut(
        url_source=None if source is None else _source_out(source, zone),
        periods=[
            Period(start=a.start_utc.astimezone(zone), end=a.end_utc.astimezone(zone), source=a.source or "")
            for a in rows
        ],
    )


def _source_out(source: t.CalendarSource, zone: ZoneInfo) -> SourceOut:
    """The registered source, its times in the organisation's zone."""
    state = "pending" if source.checked_at is None else "failed" if source.error else "ok"
    return SourceOut(
        url=busy.masked(source.url),
        state=state,
        created_at=source.created_at.astimezone(zone),
        checked_at=source.checked_at and source.checked_at.astimezone(zone),
        fetched_at=source.fetched_at and source.fetched_at.astimezone(zone),
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
    return _out(busy.upload(session, busy.worker_of(session, user, ref), data, first, last))


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
def delete_uploaded(ref: str, user: CurrentUser, session: SessionDep) -> None:
    """Forget the busy times of your uploads (a registered URL's stay: DELETE .../url)."""
    worker = busy.worker_of(session, user, ref)
    session.execute(
        delete(t.Availability).where(col(t.Availability.worker_id) == worker.id, col(t.Availability.source) == UPLOAD)
    )
    session.commit()


@router.put("/url", response_model=SourceOut, status_code=status.HTTP_202_ACCEPTED)
def register_url(ref: str, body: UrlIn, user: CurrentUser, session: SessionDep, request: Request) -> SourceOut:
    """Register (or replace) your calendar's .ics URL. It is checked now (http(s) or webcal, a public
    host) and fetched in the background within a minute; ``GET .../busy-times`` shows how that went."""
    source = busy.register_url(session, busy.worker_of(session, user, ref), body.url)
    _wake_refresher(request)
    return _source_out(source, organisation_zone(session, user.organisation_id))


@router.post("/url/refresh", response_model=SourceOut, status_code=status.HTTP_202_ACCEPTED)
def refresh_url(ref: str, user: CurrentUser, session: SessionDep, request: Request) -> SourceOut:
    """Fetch the registered URL again soon (in the background); the last good import stays until then."""
    worker = busy.worker_of(session, user, ref)
    source = session.exec(select(t.CalendarSource).where(t.CalendarSource.worker_id == worker.id)).first()
    if source is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no calendar URL is registered: PUT .../busy-times/url")
    source.checked_at = None
    session.add(source)
    session.commit()
    _wake_refresher(request)
    return _source_out(source, organisation_zone(session, user.organisation_id))


@router.delete("/url", status_code=status.HTTP_204_NO_CONTENT)
def forget_url(ref: str, user: CurrentUser, session: SessionDep) -> None:
    """Unregister the calendar URL and forget its busy times."""
    worker = busy.worker_of(session, user, ref)
    source = session.exec(select(t.CalendarSource).where(t.CalendarSource.worker_id == worker.id)).first()
    if source is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no calendar URL is registered")
    session.delete(source)
    session.execute(
        delete(t.Availability).where(col(t.Availability.worker_id) == worker.id, col(t.Availability.source) == URL)
    )
    session.commit()
