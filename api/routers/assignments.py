"""Assignments and offers: the coordinator offers proposed work; a worker accepts or declines their own
offers and may cancel accepted work (a sick call); coordinators, managers (at their sites) and farmers
(at their farms) may cancel too. Each role sees only what its work needs: workers their own
assignments, managers and farmers those at the places they run (who is coming, and when)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from api import crud, offers
from api.deps import Coordinator, CurrentUser, SessionDep
from api.schemas import Page
from models import tables as t
from models.enums import AssignmentStatus, ItemKind, Role
from models.problem import Day
from models.revisions import revise
from models.work_items import job_item_id

router = APIRouter(prefix="/assignments", tags=["assignments and offers"])

AssignmentId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class AssignmentOut(BaseModel):
    id: int
    worker: str
    worker_name: str
    item: str = Field(description="Shift id, or <job id>@<day> for a day of a farm job")
    kind: ItemKind
    place: str
    place_name: str
    title: str
    start: dt.datetime
    end: dt.datetime
    status: AssignmentStatus
    pinned: bool
    updated_at: dt.datetime


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(
        None, description="Proposed assignments to offer; none = every proposal in the date range"
    )
    first_day: Day | None = Field(None, alias="from")
    last_day: Day | None = Field(None, alias="to")


def _out(session: Session, a: t.Assignment) -> AssignmentOut:
    org = session.get(t.Organisation, a.organisation_id)
    worker = session.get(t.Worker, a.worker_id)
    assert org is not None and worker is not None
    when = offers.span(session, a, ZoneInfo(org.timezone))
    place: Any
    if a.shift_id is not None:
        shift = session.get(t.Shift, a.shift_id)
        assert shift is not None
        place, item, title, kind = session.get(t.Site, shift.site_id), shift.ref, shift.title or "Shift", ItemKind.shift
    else:
        job = session.get(t.Job, a.job_id)
        assert job is not None and a.day is not None
        place, item, title, kind = (
            session.get(t.Farm, job.farm_id),
            job_item_id(job.ref, a.day),
            job.title,
            ItemKind.job,
        )
    assert a.id is not None and place is not None
    return AssignmentOut(
        id=a.id,
        worker=worker.ref,
        worker_name=worker.name,
        item=item,
        kind=kind,
        place=place.ref,
        place_name=place.name,
        title=title,
        start=when.start,
        end=when.end,
        status=a.status,
        pinned=a.pinned,
        updated_at=a.updated_at,
    )


def _visible(user: t.User) -> Any:
    """The assignments ``user`` may see, as a condition: the organisation's, narrowed by role."""
    mine = col(t.Assignment.organisation_id) == user.organisation_id
    if user.role == Role.worker:
        return and_(mine, col(t.Assignment.worker_id) == user.worker_id)
    if user.role in (Role.manager, Role.farmer):
        access = col(t.PlaceAccess.user_id) == user.id
        run_sites = select(col(t.PlaceAccess.site_id)).where(access)
        run_farms = select(col(t.PlaceAccess.farm_id)).where(access)
        sites = select(col(t.Shift.id)).where(col(t.Shift.site_id).in_(run_sites))
        farms = select(col(t.Job.id)).where(col(t.Job.farm_id).in_(run_farms))
        return and_(mine, or_(col(t.Assignment.shift_id).in_(sites), col(t.Assignment.job_id).in_(farms)))
    return mine


def _get(session: Session, user: t.User, assignment_id: int) -> t.Assignment:
    """The assignment if ``user`` may see it; 404 otherwise (others' work stays unseen)."""
    a = session.exec(select(t.Assignment).where(t.Assignment.id == assignment_id, _visible(user))).first()
    if a is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no assignment {assignment_id}")
    return a


def _day_range(query: Any, first: dt.date | None, last: dt.date | None) -> Any:
    if first is None and last is None:
        return query
    lo = dt.datetime.combine(first or dt.date.min, dt.time(), tzinfo=dt.UTC)
    hi = dt.datetime.combine(
        (last or dt.date.max - dt.timedelta(days=1)) + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
    )
    on_shift = and_(col(t.Shift.start_utc) >= lo, col(t.Shift.start_utc) < hi)
    on_job = and_(col(t.Assignment.day) >= (first or dt.date.min), col(t.Assignment.day) <= (last or dt.date.max))
    return query.outerjoin(t.Shift, col(t.Assignment.shift_id) == t.Shift.id).where(or_(on_shift, on_job))


@router.get("", response_model=Page[AssignmentOut])
def list_assignments(
    user: CurrentUser,
    session: SessionDep,
    state: Annotated[AssignmentStatus | None, Query(alias="status")] = None,
    worker: Annotated[str | None, Query(description="Only this worker's (their id)")] = None,
    first: Annotated[Day | None, Query(alias="from", description="From this day (UTC)")] = None,
    last: Annotated[Day | None, Query(alias="to", description="Up to and including this day (UTC)")] = None,
    limit: crud.Limit = 50,
    offset: crud.Offset = 0,
) -> Page[AssignmentOut]:
    query = select(t.Assignment).where(_visible(user))
    if state is not None:
        query = query.where(t.Assignment.status == state)
    if worker is not None:
        query = query.join(t.Worker, col(t.Assignment.worker_id) == t.Worker.id).where(t.Worker.ref == worker)
    query = _day_range(query, first, last).order_by(col(t.Assignment.id))
    return crud.page(session, query, limit, offset, lambda a: _out(session, a))


@router.post("/offer", response_model=list[AssignmentOut])
def offer(body: OfferIn, user: Coordinator, session: SessionDep) -> list[AssignmentOut]:
    """Send proposed assignments to their workers as offers."""
    query = select(t.Assignment).where(
        t.Assignment.organisation_id == user.organisation_id, t.Assignment.status == AssignmentStatus.proposed
    )
    if body.ids is not None:
        query = query.where(col(t.Assignment.id).in_(body.ids))
    query = _day_range(query, body.first_day, body.last_day)
    locked = offers.lock_assignments(session, session.exec(query).all())
    rows = [a for _, a in sorted(locked.items()) if a.status == AssignmentStatus.proposed]  # as they are now
    now = dt.datetime.now(dt.UTC)
    for a in rows:
        a.status = AssignmentStatus.offered
        revise(session, a, now)
    session.commit()
    return [_out(session, a) for a in rows]


@router.get("/{assignment_id}", response_model=AssignmentOut)
def get_assignment(assignment_id: AssignmentId, user: CurrentUser, session: SessionDep) -> AssignmentOut:
    return _out(session, _get(session, user, assignment_id))


def _own_offer(session: Session, user: t.User, assignment_id: int) -> t.Assignment:
    a = _get(session, user, assignment_id)
    if user.role != Role.worker:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the offered worker answers an offer")
    return a


@router.post("/{assignment_id}/accept", response_model=AssignmentOut)
def accept(assignment_id: AssignmentId, user: CurrentUser, session: SessionDep) -> AssignmentOut:
    """Accept an offer; 409 if its places are taken or you have accepted other work at that time."""
    _own_offer(session, user, assignment_id)
    return _out(session, offers.accept(session, assignment_id))


@router.post("/{assignment_id}/decline", response_model=AssignmentOut)
def decline(assignment_id: AssignmentId, user: CurrentUser, session: SessionDep) -> AssignmentOut:
    a = _own_offer(session, user, assignment_id)
    return _out(session, offers.move(session, a, (AssignmentStatus.offered,), AssignmentStatus.declined))


@router.post("/{assignment_id}/cancel", response_model=AssignmentOut)
def cancel(assignment_id: AssignmentId, user: CurrentUser, session: SessionDep) -> AssignmentOut:
    """Withdraw an offer or cancel accepted work (e.g. a sick call); the place opens for gap filling."""
    a = _get(session, user, assignment_id)
    if user.role in (Role.manager, Role.farmer):
        column = t.PlaceAccess.site_id if a.shift_id is not None else t.PlaceAccess.farm_id
        place = session.get(t.Shift, a.shift_id).site_id if a.shift_id else session.get(t.Job, a.job_id).farm_id  # type: ignore[union-attr]
        if session.exec(select(t.PlaceAccess).where(t.PlaceAccess.user_id == user.id, column == place)).first() is None:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "you may cancel work only at the places you run")
    frm = (AssignmentStatus.offered, AssignmentStatus.accepted)
    return _out(session, offers.move(session, a, frm, AssignmentStatus.cancelled))
