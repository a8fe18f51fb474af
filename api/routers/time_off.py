"""Time off: a worker asks (granted at once unless it overlaps her accepted work); the coordinator or
the manager or farmer of that work decides the rest (approving releases the work and offers it on)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from api.deps import CurrentUser, SessionDep
from api.schemas import DecisionIn
from api.services import time_off as service
from models import tables as t
from models.problem import Moment, to_utc
from models.revisions import organisation_zone

router = APIRouter(prefix="/time-off", tags=["time off"])


class TimeOffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: Moment = Field(description="Local time unless an offset is given")
    end: Moment
    reason: str = Field("", max_length=500)


class TimeOffOut(BaseModel):
    id: int
    worker: str
    worker_name: str
    start: dt.datetime
    end: dt.datetime
    reason: str
    state: str = Field(description="approved (granted, or decided), pending (waits for a decision) or declined")
    note: str = Field(description="The decider's words")
    decided_at: dt.datetime | None


def out(session: Session, row: t.TimeOff) -> TimeOffOut:
    tz = organisation_zone(session, row.organisation_id)
    worker = session.get(t.Worker, row.worker_id)
    assert row.id is not None and worker is not None
    return TimeOffOut(
        id=row.id,
        worker=worker.ref,
        worker_name=worker.name,
        start=row.start_utc.astimezone(tz),
        end=row.end_utc.astimezone(tz),
        reason=row.reason,
        state=row.state,
        note=row.note,
        decided_at=row.decided_at and row.decided_at.astimezone(tz),
    )


@router.get("", response_model=list[TimeOffOut])
def list_time_off(user: CurrentUser, session: SessionDep) -> list[TimeOffOut]:
    """A worker's own; the coordinator's organisation's; a manager's or farmer's pending ones to decide."""
    return [out(session, r) for r in service.visible(session, user)]


@router.post("", response_model=TimeOffOut, status_code=status.HTTP_201_CREATED)
def ask(body: TimeOffIn, user: CurrentUser, session: SessionDep) -> TimeOffOut:
    tz = organisation_zone(session, user.organisation_id)
    row = service.ask(session, user, to_utc(body.start, tz), to_utc(body.end, tz), body.reason)
    return out(session, row)


@router.post("/{row_id}/decision", response_model=TimeOffOut)
def decide(
    row_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: DecisionIn, user: CurrentUser, session: SessionDep
) -> TimeOffOut:
    return out(session, service.decide(session, user, row_id, body.approve, body.note))
