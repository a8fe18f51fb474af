"""The open places board for workers: what they could take now, and taking it (race-safe: the loser of
the last place gets 409); at places that confirm takes, the asks to take work and their answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, Field

from api.http.deps import CurrentUser, SessionDep
from api.http.schemas import DecisionIn
from api.services import assignments, board, takes
from api.services.assignments import AssignmentOut
from api.services.takes import TakeOut
from models import tables as t
from models.enums import ItemKind

router = APIRouter(prefix="/open-places", tags=["open places (workers)"])
asks = APIRouter(prefix="/take-requests", tags=["open places (workers)"])
AskId = Annotated[int, Path(ge=1, le=2**31 - 1)]


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
    needs_confirmation: bool = Field(description="The place's manager confirms a take before you are booked")
    asked: bool = Field(description="You asked to take it, and wait for that confirmation")


@router.get("", response_model=list[OpenPlaceOut])
def list_open(user: CurrentUser, session: SessionDep) -> list[OpenPlaceOut]:
    """The open shifts and job days of the coming 14 days that you may take by every rule (skills,
    availability, travel, rest, hours, runs of days), soonest first; times local with the offset."""
    return [OpenPlaceOut.model_validate(p, from_attributes=True) for p in board.board(session, user)]


@router.post(
    "/{item}/take",
    response_model=AssignmentOut | TakeOut,
    responses={202: {"model": TakeOut, "description": "The place confirms takes: your ask waits for its manager"}},
)
def take(
    item: Annotated[str, Path(max_length=100)], user: CurrentUser, session: SessionDep, response: Response
) -> AssignmentOut | TakeOut:
    """Take an open place: you are booked at once (200), or, where the place confirms takes, your ask
    waits for its manager (202, an ask under /take-requests). 409 saying why when a rule rules you out
    or the place was taken meanwhile."""
    done = takes.take(session, user, item)
    if isinstance(done, t.TakeRequest):
        response.status_code = status.HTTP_202_ACCEPTED
        return takes.view(session, done)
    return assignments.view(session, done)


@asks.get("", response_model=list[TakeOut])
def list_asks(user: CurrentUser, session: SessionDep) -> list[TakeOut]:
    """A worker's own asks; the coordinator's organisation's; a manager's or farmer's pending ones."""
    return [takes.view(session, r) for r in takes.visible(session, user)]


@asks.post("/{ask_id}/decision", response_model=TakeOut)
def decide(ask_id: AskId, body: DecisionIn, user: CurrentUser, session: SessionDep) -> TakeOut:
    """Confirm (the worker is booked; the rules checked again now, 409 saying why if she no longer may)
    or decline, saying why."""
    return takes.view(session, takes.decide(session, user, ask_id, body.approve, body.note))


@asks.post("/{ask_id}/withdraw", response_model=TakeOut)
def withdraw(ask_id: AskId, user: CurrentUser, session: SessionDep) -> TakeOut:
    return takes.view(session, takes.withdraw(session, user, ask_id))
