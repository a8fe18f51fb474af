"""Swaps: a worker offers one of her accepted shifts or job days to colleagues; an eligible colleague
takes it over (the hard rules checked for the taker, race-safe: the second taker gets 409); where the
place approves swaps, its manager decides."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from api.deps import CurrentUser, SessionDep
from api.schemas import DecisionIn
from api.services import assignments
from api.services import swaps as service
from models import tables as t
from models.enums import Role

router = APIRouter(prefix="/swaps", tags=["swaps"])
SwapId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class SwapIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assignment_id: int = Field(ge=1, le=2**31 - 1, description="One of your accepted assignments")


class SwapOut(BaseModel):
    id: int
    state: str = Field(
        description="open, pending (taken, waiting for the manager's yes), done (taken over), declined or withdrawn"
    )
    giver: str
    giver_name: str
    item: str
    title: str
    place: str
    start: dt.datetime
    end: dt.datetime
    taker: str | None
    taker_name: str | None
    note: str = Field(description="The decider's words (why it is declined)")


class SwapsOut(BaseModel):
    mine: list[SwapOut] = Field(description="Your work offered to colleagues, not taken over yet")
    to_take: list[SwapOut] = Field(description="Colleagues' offered work you could take over by every rule")
    to_decide: list[SwapOut] = Field(description="Swaps at your places that wait for your approval")


def out(session: Session, row: t.Swap) -> SwapOut:
    a = session.get(t.Assignment, row.assignment_id)
    giver, taker = session.get(t.Worker, row.giver_id), session.get(t.Worker, row.taker_id) if row.taker_id else None
    assert a is not None and giver is not None and row.id is not None
    view = assignments.view(session, a)
    return SwapOut(
        id=row.id,
        state=row.state,
        giver=giver.ref,
        giver_name=giver.name,
        item=view.item,
        title=view.title,
        place=view.place_name,
        start=view.start,
        end=view.end,
        taker=taker.ref if taker else None,
        taker_name=taker.name if taker else None,
        note=row.note,
    )


@router.get("", response_model=SwapsOut)
def list_swaps(user: CurrentUser, session: SessionDep) -> SwapsOut:
    return SwapsOut(
        mine=[out(session, r) for r in service.mine(session, user)],
        to_take=[out(session, r) for r in service.takeable(session, user)] if user.role == Role.worker else [],
        to_decide=[out(session, r) for r in service.to_decide(session, user)] if user.role != Role.worker else [],
    )


@router.post("", response_model=SwapOut, status_code=status.HTTP_201_CREATED)
def offer(body: SwapIn, user: CurrentUser, session: SessionDep) -> SwapOut:
    return out(session, service.offer(session, user, body.assignment_id))


@router.post("/{swap_id}/take", response_model=SwapOut)
def take(swap_id: SwapId, user: CurrentUser, session: SessionDep) -> SwapOut:
    return out(session, service.take(session, user, swap_id))


@router.post("/{swap_id}/decision", response_model=SwapOut)
def decide(swap_id: SwapId, body: DecisionIn, user: CurrentUser, session: SessionDep) -> SwapOut:
    """Approve a swap waiting at your place (the booking moves; the taker's rules checked again now) or
    decline it, saying why (the giver keeps her work)."""
    return out(session, service.decide(session, user, swap_id, body.approve, body.note))


@router.post("/{swap_id}/withdraw", response_model=SwapOut)
def withdraw(swap_id: SwapId, user: CurrentUser, session: SessionDep) -> SwapOut:
    return out(session, service.withdraw(session, user, swap_id))
