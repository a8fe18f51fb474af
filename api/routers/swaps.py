"""Swaps: a worker offers one of her accepted shifts or job days to colleagues; an eligible colleague
takes it over (the hard rules checked for the taker, race-safe: the second taker gets 409); where the
place approves swaps, its manager decides."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field

from api.http.deps import CurrentUser, SessionDep
from api.http.schemas import DecisionIn
from api.services import swaps as service
from api.services.swaps import SwapOut
from models.enums import Role

router = APIRouter(prefix="/swaps", tags=["swaps"])
SwapId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class SwapIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assignment_id: int = Field(ge=1, le=2**31 - 1, description="One of your accepted assignments")


class SwapsOut(BaseModel):
    mine: list[SwapOut] = Field(description="Your work offered to colleagues, not taken over yet")
    to_take: list[SwapOut] = Field(description="Colleagues' offered work you could take over by every rule")
    to_decide: list[SwapOut] = Field(description="Swaps at your places that wait for your approval")


@router.get("", response_model=SwapsOut)
def list_swaps(user: CurrentUser, session: SessionDep) -> SwapsOut:
    return SwapsOut(
        mine=[service.view(session, r) for r in service.mine(session, user)],
        to_take=[service.view(session, r) for r in service.takeable(session, user)] if user.role == Role.worker else [],
        to_decide=[service.view(session, r) for r in service.to_decide(session, user)]
        if user.role != Role.worker
        else [],
    )


@router.post("", response_model=SwapOut, status_code=status.HTTP_201_CREATED)
def offer(body: SwapIn, user: CurrentUser, session: SessionDep) -> SwapOut:
    return service.view(session, service.offer(session, user, body.assignment_id))


@router.post("/{swap_id}/take", response_model=SwapOut)
def take(swap_id: SwapId, user: CurrentUser, session: SessionDep) -> SwapOut:
    return service.view(session, service.take(session, user, swap_id))


@router.post("/{swap_id}/decision", response_model=SwapOut)
def decide(swap_id: SwapId, body: DecisionIn, user: CurrentUser, session: SessionDep) -> SwapOut:
    """Approve a swap waiting at your place (the booking moves; the taker's rules checked again now) or
    decline it, saying why (the giver keeps her work)."""
    return service.view(session, service.decide(session, user, swap_id, body.approve, body.note))


@router.post("/{swap_id}/withdraw", response_model=SwapOut)
def withdraw(swap_id: SwapId, user: CurrentUser, session: SessionDep) -> SwapOut:
    return service.view(session, service.withdraw(session, user, swap_id))
