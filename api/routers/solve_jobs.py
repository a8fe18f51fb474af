"""Solve jobs: the coordinator asks for a roster over a range of days (and regions); the answer is 202
with the job, whose state and progress can be polled; the roster becomes proposed assignments."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from pydantic import BaseModel, Field
from sqlmodel import select

from api.core import crud
from api.http.deps import Coordinator, SessionDep
from api.http.schemas import Page
from api.services import solve_jobs as service
from api.services.solve_jobs import SolveJobIn
from api.services.solve_results import CoursePoint, SolveResult, course, gap_percent, result_of
from models import tables as t
from models.enums import JobState
from models.rows import organisation_zone

router = APIRouter(prefix="/solve-jobs", tags=["solve jobs"])


class SolveJobOut(BaseModel):
    id: int
    state: JobState
    first_day: dt.date
    last_day: dt.date
    regions: list[str]
    time_limit: float
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    roster_found: bool = Field(description="Whether the search has a roster yet (the best so far, while it runs)")
    gap_percent: float | None = Field(
        description="The best roster so far is at most this far from the best possible, in percent (proven by the"
        " search's bound); none while no useful bound is known. The roster's goals in their own units are in"
        " GET .../result"
    )
    progress_seconds: float | None
    assignments: int | None
    unfilled_places: int | None
    message: str
    phase: str = Field(description="The search's phase now: construction, coverage or quality (empty when not running)")
    course: list[CoursePoint] = Field(
        default_factory=list, description="The search so far: the score as an index (100 = the phase's first roster)"
    )


JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _out(row: t.SolveJob, zone: ZoneInfo) -> SolveJobOut:
    """The job as people read it: whether there is a roster and how close to the best it is proven, never
    the score's raw points (the stored objective and bound); times in the organisation's zone."""
    fields = {name: getattr(row, name) for name in SolveJobOut.model_fields if hasattr(row, name)}
    for name in ("created_at", "started_at", "finished_at"):
        if fields[name] is not None:
            fields[name] = fields[name].astimezone(zone)
    return SolveJobOut.model_validate(
        {
            **fields,
            "roster_found": row.objective is not None,
            "gap_percent": gap_percent(row.objective, row.bound),
            "course": course(row.trace),
        }
    )


@router.post("", response_model=SolveJobOut, status_code=status.HTTP_202_ACCEPTED)
def create_job(body: SolveJobIn, user: Coordinator, session: SessionDep, response: Response) -> SolveJobOut:
    row = service.create(session, user, body.first_day, body.last_day, body.regions, body.time_limit)
    out = _out(row, organisation_zone(session, user.organisation_id))
    response.headers["Location"] = f"/solve-jobs/{out.id}"
    return out


@router.get("", response_model=Page[SolveJobOut])
def list_jobs(
    user: Coordinator,
    session: SessionDep,
    state: Annotated[JobState | None, Query()] = None,
    limit: crud.Limit = 50,
    offset: crud.Offset = 0,
) -> Page[SolveJobOut]:
    query = select(t.SolveJob).where(t.SolveJob.organisation_id == user.organisation_id)
    if state is not None:
        query = query.where(t.SolveJob.state == state)
    zone = organisation_zone(session, user.organisation_id)
    return crud.page(
        session,
        query.order_by(t.SolveJob.id.desc()),  # type: ignore[union-attr]
        limit,
        offset,
        lambda row: _out(row, zone),
    )


@router.get("/{job_id}", response_model=SolveJobOut)
def get_job(job_id: JobId, user: Coordinator, session: SessionDep) -> SolveJobOut:
    return _out(service.get(session, user, job_id), organisation_zone(session, user.organisation_id))


@router.post("/{job_id}/cancel", response_model=SolveJobOut)
def cancel_job(job_id: JobId, user: Coordinator, session: SessionDep, request: Request) -> SolveJobOut:
    """Cancel a queued or running job; a running search stops within a second and its roster is discarded."""
    row = service.cancel(session, user, job_id, getattr(request.app.state, "runner", None))
    return _out(row, organisation_zone(session, user.organisation_id))


@router.get("/{job_id}/result", response_model=SolveResult, responses={409: {"description": "Not succeeded (yet)"}})
def get_result(job_id: JobId, user: Coordinator, session: SessionDep) -> SolveResult:
    """What the roster is, in words: filled places and who takes them, open places with the reason, each
    goal in its own unit and its share of the whole, and how close to the best possible; times in the
    organisation's zone."""
    row = service.get(session, user, job_id)
    if row.state != JobState.succeeded:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"solve job {job_id} is {row.state}; a result comes when it succeeds"
        )
    return result_of(job_id, row.result, organisation_zone(session, user.organisation_id))
