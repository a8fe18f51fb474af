"""Time off: a worker asks (granted at once unless it overlaps her accepted work); the coordinator or
the manager or farmer of that work decides the rest (approving releases the work and offers it on)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field

from api.http.deps import CurrentUser, SessionDep
from api.http.schemas import DecisionIn
from api.services import time_off as service
from api.services.time_off import TimeOffOut
from models.problem import Moment, to_utc
from models.rows import organisation_zone

router = APIRouter(prefix="/time-off", tags=["time off"])


class TimeOffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: Moment = Field(description="Local time unless an offset is given")
    end: Moment
    reason: str = Field("", max_length=500)


@router.get("", response_model=list[TimeOffOut])
def list_time_off(user: CurrentUser, session: SessionDep) -> list[TimeOffOut]:
    """A worker's own; the coordinator's organisation's; a manager's or farmer's pending ones to decide."""
    return [service.view(session, r) for r in service.visible(session, user)]


@router.post("", response_model=TimeOffOut, status_code=status.HTTP_201_CREATED)
def ask(body: TimeOffIn, user: CurrentUser, session: SessionDep) -> TimeOffOut:
    tz = organisation_zone(session, user.organisation_id)
    row = service.ask(session, user, to_utc(body.start, tz), to_utc(body.end, tz), body.reason)
    return service.view(session, row)


@router.post("/{row_id}/decision", response_model=TimeOffOut)
def decide(
    row_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: DecisionIn, user: CurrentUser, session: SessionDep
) -> TimeOffOut:
    return service.view(session, service.decide(session, user, row_id, body.approve, body.note))
