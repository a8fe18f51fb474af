"""The open places board for workers: what they could take now, and taking it (race-safe: the loser of
the last place gets 409)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel

from api.deps import CurrentUser, SessionDep
from api.services import assignments, board
from api.services.assignments import AssignmentOut
from models.enums import ItemKind

router = APIRouter(prefix="/open-places", tags=["open places (workers)"])


class OpenPlaceOut(BaseModel):
    item: str
    kind: ItemKind
    title: str
    place: str
    region: str
    start: dt.datetime
    end: dt.datetime
    open_places: int
    pay_per_hour: float


@router.get("", response_model=list[OpenPlaceOut])
def list_open(user: CurrentUser, session: SessionDep) -> list[OpenPlaceOut]:
    """The open shifts and job days of the coming 14 days that you may take by every rule (skills,
    availability, travel, rest, hours, runs of days), soonest first; times local with the offset."""
    return [OpenPlaceOut.model_validate(p, from_attributes=True) for p in board.board(session, user)]


@router.post("/{item}/take", response_model=AssignmentOut)
def take(item: Annotated[str, Path(max_length=100)], user: CurrentUser, session: SessionDep) -> AssignmentOut:
    """Take an open place: you are booked at once (409 saying why when a rule rules you out or the
    place was taken meanwhile)."""
    return assignments.view(session, board.take(session, user, item))
