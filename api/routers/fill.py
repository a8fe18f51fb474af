"""Gap filling over HTTP (the flow: ``api.services.fill``): ``POST /shifts/{id}/fill`` and
``POST /jobs/{id}/fill?day=`` rank every worker for the open places and offer them to the best ones."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.http.deps import CurrentUser, SessionDep
from api.services import fill as service
from api.services.fill import FillOut
from models.problem import Day

router = APIRouter(tags=["gap filling"])

Offer = Annotated[bool, Query(description="Offer the open places to the chosen workers (false: only rank)")]


@router.post("/shifts/{ref}/fill", response_model=FillOut)
def fill_shift(ref: str, user: CurrentUser, session: SessionDep, offer: Offer = True) -> FillOut:
    """Rank candidates for a shift's open places (a sick call, an urgent shift) and offer them the places."""
    return service.rank_and_offer(session, user.organisation_id, service.shift_target(session, user, ref), offer)


@router.post("/jobs/{ref}/fill", response_model=FillOut)
def fill_job_day(
    ref: str,
    user: CurrentUser,
    session: SessionDep,
    day: Annotated[Day, Query(description="The job's day to fill (local)")],
    offer: Offer = True,
) -> FillOut:
    """Rank candidates for one day of a farm job (a picker who fell ill) and offer them the places."""
    return service.rank_and_offer(session, user.organisation_id, service.job_target(session, user, ref, day), offer)
