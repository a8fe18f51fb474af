"""Workers of the pool with their qualifications and availability.

Profiles are personal data, so only the coordinator lists and keeps them; a worker reads and edits
only their own. Managers and farmers see the people coming to their places through the assignments of
those places (``GET /assignments``: name and work), never home coordinates, pay or availability.

What the organisation decides stays the organisation's: a worker's own edit never approves a skill
(skills they held keep their approval, new ones wait for ``POST .../qualifications/{skill}/approval``)
and never changes ``ORGANISATION_FIELDS`` (pay rate, kind, hour limits, always available). A person who
registered themself is **pending** until the coordinator approves them (``POST .../approval``); no
solve or gap filling sees them before.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from api.core import crud
from api.http.deps import Coordinator, CurrentUser, SessionDep
from api.http.schemas import Page
from api.services import members, profiles, week
from api.services.profiles import Profile, add_worker
from models import tables as t
from models.enums import Role, WorkerKind
from models.problem import Day

router = APIRouter(prefix="/workers", tags=["workers"])


class MemberApproval(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approved: bool = Field(description="true: a member from now on; false: the registration is removed")


BlockKey = Literal["day", "evening", "night"]
State = Literal["", "free", "prefer", "rather-not", "busy"]


class CellOut(BaseModel):
    day: dt.date
    block: BlockKey
    start: dt.datetime = Field(description="Where the block's own part starts: its state is read from there to end")
    end: dt.datetime
    reaches: dt.datetime = Field(
        description="Where the pool's work starting in the block ends: a free block covers it up to here"
    )
    state: State | Literal["mixed"] = Field(description='"mixed": windows with their own times, listed in detail')
    detail: str = ""


class WeekOut(BaseModel):
    monday: dt.date
    timezone: str
    always_available: bool = Field(description="true: free unless a block is busy; false: free only where stated")
    cells: list[CellOut]


class CellIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: dt.date
    block: BlockKey
    state: State


class WeekIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cells: list[CellIn] = Field(max_length=21, description="The blocks to set; the others stay as they are")


def _week_out(grid: week.Week) -> WeekOut:
    return WeekOut(
        monday=grid.monday,
        timezone=grid.zone.key,
        always_available=grid.always_available,
        cells=[
            CellOut(
                day=c.day,
                block=c.block.key,  # type: ignore[arg-type]
                start=c.start.astimezone(grid.zone),
                end=c.end.astimezone(grid.zone),
                reaches=max(c.end, c.reach).astimezone(grid.zone),
                state=c.state,  # type: ignore[arg-type]
                detail=c.detail,
            )
            for c in grid.cells
        ],
    )


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approved: bool
    valid_until: Day | None = None


@router.get("", response_model=Page[Profile])
def list_workers(
    user: Coordinator,
    session: SessionDep,
    region: Annotated[str | None, Query(description="Only workers of this region (its id)")] = None,
    skill: Annotated[str | None, Query(description="Only workers with this skill approved")] = None,
    kind: WorkerKind | None = None,
    pending: Annotated[bool | None, Query(description="true: only registrations waiting for approval")] = None,
    limit: crud.Limit = 50,
    offset: crud.Offset = 0,
) -> Page[Profile]:
    """The pool's people (coordinator only: profiles are personal data)."""
    query = select(t.Worker).where(t.Worker.organisation_id == user.organisation_id)
    if region is not None:
        query = query.join(t.Region).where(t.Region.ref == region)
    if skill is not None:
        approved = (
            select(t.Qualification.worker_id)
            .join(t.Skill)
            .where(t.Skill.organisation_id == user.organisation_id, t.Skill.ref == skill, t.Qualification.approved)
        )
        query = query.where(col(t.Worker.id).in_(approved))
    if kind is not None:
        query = query.where(t.Worker.kind == kind)
    if pending is not None:
        query = query.where(col(t.Worker.pending).is_(pending))
    page = crud.page(session, query.order_by(t.Worker.ref), limit, offset, lambda row: row)
    return Page(
        items=profiles.views(session, page.items, user.organisation_id),
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("", response_model=Profile, status_code=status.HTTP_201_CREATED)
def create_worker(body: Profile, user: Coordinator, session: SessionDep) -> Profile:
    row = add_worker(session, user.organisation_id, body)
    session.commit()
    return profiles.views(session, [row], user.organisation_id)[0]


@router.get("/{ref}", response_model=Profile)
def get_worker(ref: str, user: CurrentUser, session: SessionDep) -> Profile:
    row = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    profiles.own_or(user, row, Role.coordinator)
    return profiles.views(session, [row], user.organisation_id)[0]


@router.put("/{ref}", response_model=Profile)
def replace_worker(ref: str, body: Profile, user: CurrentUser, session: SessionDep) -> Profile:
    """Replace the profile, qualifications and availability. A worker's own edit keeps approvals as they were.

    ``availability`` here is what people entered; busy times imported from a calendar stay as they are."""
    return profiles.replace(session, user, ref, body)


@router.get("/{ref}/weeks/{day}", response_model=WeekOut)
def get_week(ref: str, day: dt.date, user: CurrentUser, session: SessionDep) -> WeekOut:
    """The worker's availability in the week holding ``day``, as day, evening and night blocks in local time
    that follow the pool's own shift and job times."""
    row = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    profiles.own_or(user, row, Role.coordinator)
    return _week_out(week.week(session, row, day))


@router.patch("/{ref}/weeks/{day}", response_model=WeekOut)
def set_week(ref: str, day: dt.date, body: WeekIn, user: CurrentUser, session: SessionDep) -> WeekOut:
    """Set blocks of the week holding ``day``; windows in blocks not named stay as they are. A change that
    would leave accepted work outside the worker's availability is refused (422) naming the work."""
    row = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    profiles.own_or(user, row, Role.coordinator)
    changes: dict[tuple[dt.date, str], str] = {(c.day, c.block): c.state for c in body.cells}
    return _week_out(week.save(session, row, day, changes))


@router.delete("/{ref}", status_code=status.HTTP_204_NO_CONTENT)
def delete_worker(ref: str, user: Coordinator, session: SessionDep) -> None:
    profiles.remove(session, user, ref)


@router.post("/{ref}/approval", response_model=Profile | None)
def approve_member(ref: str, body: MemberApproval, user: Coordinator, session: SessionDep) -> Profile | None:
    """Accept a person who registered themself into the pool, or turn the registration down (the profile
    and its sign-in are removed). Their skills are approved one by one (``.../qualifications/...``)."""
    row = members.decide_registration(session, user, ref, body.approved)
    return profiles.views(session, [row], user.organisation_id)[0] if row is not None else None


@router.post("/{ref}/qualifications/{skill}/approval", response_model=Profile)
def approve(ref: str, skill: str, body: Approval, user: Coordinator, session: SessionDep) -> Profile:
    """Approve (or revoke) a skill the worker registered, optionally until a licence's last valid day."""
    row = members.decide_skill(session, user, ref, skill, body.approved, body.valid_until)
    return profiles.views(session, [row], user.organisation_id)[0]
