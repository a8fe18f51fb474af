"""Assignments and offers over HTTP (the flows: ``api.services.assignments``): the coordinator offers
proposed work; a worker accepts or declines their own offers and may cancel accepted work (a sick
call); coordinators, managers (at their sites) and farmers (at their farms) may cancel too."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from api.core import crud
from api.http.deps import Coordinator, CurrentUser, SessionDep
from api.http.schemas import Page
from api.services import assignments as service
from api.services.assignments import AssignmentOut
from models import tables as t
from models.enums import AssignmentStatus
from models.problem import Day
from models.rows import organisation_zone

router = APIRouter(prefix="/assignments", tags=["assignments and offers"])

AssignmentId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(
        None, description="Proposed assignments to offer; none = every proposal in the date range"
    )
    first_day: Day | None = Field(None, alias="from")
    last_day: Day | None = Field(None, alias="to")


@router.get("", response_model=Page[AssignmentOut])
def list_assignments(
    user: CurrentUser,
    session: SessionDep,
    state: Annotated[AssignmentStatus | None, Query(alias="status")] = None,
    worker: Annotated[str | None, Query(description="Only this worker's (their id)")] = None,
    first: Annotated[Day | None, Query(alias="from", description="Overlapping this local day or later")] = None,
    last: Annotated[Day | None, Query(alias="to", description="Overlapping this local day or earlier")] = None,
    limit: crud.Limit = 50,
    offset: crud.Offset = 0,
) -> Page[AssignmentOut]:
    query = select(t.Assignment).where(service.visible(user))
    if state is not None:
        query = query.where(t.Assignment.status == state)
    if worker is not None:
        query = query.join(t.Worker, col(t.Assignment.worker_id) == t.Worker.id).where(t.Worker.ref == worker)
    zone = organisation_zone(session, user.organisation_id)
    query = service.on_days(query, first, last, zone, overlap=True).order_by(col(t.Assignment.id))
    return crud.page(session, query, limit, offset, lambda a: service.view(session, a))


@router.post("/offer", response_model=list[AssignmentOut])
def offer(body: OfferIn, user: Coordinator, session: SessionDep) -> list[AssignmentOut]:
    """Send proposed assignments to their workers as offers."""
    rows = service.offer(session, user, body.ids, body.first_day, body.last_day)
    return [service.view(session, a) for a in rows]


@router.get("/{assignment_id}", response_model=AssignmentOut)
def get_assignment(assignment_id: AssignmentId, user: CurrentUser, session: SessionDep) -> AssignmentOut:
    return service.view(session, service.get(session, user, assignment_id))


@router.post("/{assignment_id}/accept", response_model=AssignmentOut)
def accept(assignment_id: AssignmentId, user: CurrentUser, session: SessionDep) -> AssignmentOut:
    """Accept an offer; 409 if its places are taken or you have accepted other work at that time."""
    return service.view(session, service.accept(session, user, assignment_id))


@router.post("/{assignment_id}/decline", response_model=AssignmentOut)
def decline(assignment_id: AssignmentId, user: CurrentUser, session: SessionDep) -> AssignmentOut:
    return service.view(session, service.decline(session, user, assignment_id))


@router.post("/{assignment_id}/cancel", response_model=AssignmentOut)
def cancel(assignment_id: AssignmentId, user: CurrentUser, session: SessionDep) -> AssignmentOut:
    """Withdraw an offer or cancel accepted work (e.g. a sick call); the place opens for gap filling."""
    return service.view(session, service.cancel(session, user, assignment_id))
