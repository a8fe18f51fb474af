"""Solve jobs: the coordinator asks for a roster over a range of days (and regions); the answer is 202
with the job, whose state and progress can be polled; the roster becomes proposed assignments."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func
from sqlmodel import select

from api import crud
from api.deps import Coordinator, SessionDep
from api.jobs import MAX_QUEUED
from api.schemas import Page
from models import tables as t
from models.enums import JobState
from models.problem import Day, Ref

router = APIRouter(prefix="/solve-jobs", tags=["solve jobs"])

MAX_DAYS = 92  # one quarter per solve


class SolveJobIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    first_day: Day = Field(alias="from", description="First local day to plan")
    last_day: Day = Field(alias="to", description="Last local day to plan (inclusive)")
    regions: list[Ref] = Field(default_factory=list, max_length=100, description="Region ids; empty = every region")
    time_limit: float = Field(30.0, ge=1, le=600, description="Seconds of search")

    @model_validator(mode="after")
    def _days(self) -> SolveJobIn:
        if self.last_day < self.first_day:
            raise ValueError("'to' must not be before 'from'")
        if (self.last_day - self.first_day).days >= MAX_DAYS:
            raise ValueError(f"plan at most {MAX_DAYS} days per job")
        return self


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
    objective: int | None = Field(description="Best roster's score so far (lower is better)")
    bound: float | None = Field(description="No roster can score below this")
    progress_seconds: float | None
    assignments: int | None
    unfilled_places: int | None
    message: str


JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _out(row: t.SolveJob) -> SolveJobOut:
    return SolveJobOut.model_validate(row, from_attributes=True)


def _get(session: SessionDep, organisation_id: int, job_id: int) -> t.SolveJob:
    row = session.get(t.SolveJob, job_id)
    if row is None or row.organisation_id != organisation_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no solve job {job_id}")
    return row


@router.post("", response_model=SolveJobOut, status_code=status.HTTP_202_ACCEPTED)
def create_job(body: SolveJobIn, user: Coordinator, session: SessionDep, response: Response) -> SolveJobOut:
    known = {r.ref for r in session.exec(select(t.Region).where(t.Region.organisation_id == user.organisation_id))}
    for k, ref in enumerate(body.regions):
        if ref not in known:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                [{"type": "value_error", "loc": ["body", "regions", k], "msg": f"no region {ref!r}"}],
            )
    waiting = session.exec(
        select(func.count()).where(
            t.SolveJob.organisation_id == user.organisation_id, t.SolveJob.state == JobState.queued
        )
    ).one()
    if waiting >= MAX_QUEUED:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"{waiting} solve jobs of this organisation are waiting already (at most {MAX_QUEUED});"
            " wait for one to finish or cancel one",
        )
    row = t.SolveJob(
        organisation_id=user.organisation_id,
        created_by=user.id,
        first_day=body.first_day,
        last_day=body.last_day,
        regions=sorted(set(body.regions)),
        time_limit=body.time_limit,
    )
    session.add(row)
    session.flush()  # the id, while the job is not yet visible to a runner
    out = _out(row)  # as created: after the commit a runner may claim it before this response is read
    session.commit()
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
    return crud.page(session, query.order_by(t.SolveJob.id.desc()), limit, offset, _out)  # type: ignore[union-attr]


@router.get("/{job_id}", response_model=SolveJobOut)
def get_job(job_id: JobId, user: Coordinator, session: SessionDep) -> SolveJobOut:
    return _out(_get(session, user.organisation_id, job_id))


@router.post("/{job_id}/cancel", response_model=SolveJobOut)
def cancel_job(job_id: JobId, user: Coordinator, session: SessionDep, request: Request) -> SolveJobOut:
    """Cancel a queued or running job; a running search stops within a second and its roster is discarded."""
    row = _get(session, user.organisation_id, job_id)
    if row.state not in (JobState.queued, JobState.running):
        raise HTTPException(status.HTTP_409_CONFLICT, f"solve job {job_id} is {row.state} already")
    row.state, row.finished_at, row.message = JobState.cancelled, dt.datetime.now(dt.UTC), "cancelled on request"
    session.add(row)
    session.commit()
    runner = getattr(request.app.state, "runner", None)
    if runner is not None:
        runner.cancel(job_id)
    return _out(row)
