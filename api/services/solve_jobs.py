"""Solve jobs as the coordinator runs them: ask for a roster over a window of days and regions (it
queues, at most ``MAX_QUEUED`` waiting per organisation), watch it, cancel it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import status
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func
from sqlmodel import Session, select

from api.core.refusals import Refused
from models import tables as t
from models.enums import JobState
from models.problem import Day, Ref

MAX_DAYS = 92  # one quarter per solve
MAX_QUEUED = 5  # jobs one organisation may have waiting


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


def get(session: Session, user: t.User, job_id: int) -> t.SolveJob:
    row = session.get(t.SolveJob, job_id)
    if row is None or row.organisation_id != user.organisation_id:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no solve job {job_id}")
    return row


def create(
    session: Session, user: t.User, first: dt.date, last: dt.date, regions: list[str], time_limit: float
) -> t.SolveJob:
    """Queue a job (422 naming an unknown region, 429 when the organisation has too many waiting)."""
    known = {r.ref for r in session.exec(select(t.Region).where(t.Region.organisation_id == user.organisation_id))}
    for k, ref in enumerate(regions):
        if ref not in known:
            raise Refused(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                [{"type": "value_error", "loc": ["body", "regions", k], "msg": f"no region {ref!r}"}],
            )
    waiting = session.exec(
        select(func.count()).where(
            t.SolveJob.organisation_id == user.organisation_id, t.SolveJob.state == JobState.queued
        )
    ).one()
    if waiting >= MAX_QUEUED:
        raise Refused(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"{waiting} solve jobs of this organisation are waiting already (at most {MAX_QUEUED});"
            " wait for one to finish or cancel one",
        )
    row = t.SolveJob(
        organisation_id=user.organisation_id,
        created_by=user.id,
        first_day=first,
        last_day=last,
        regions=sorted(set(regions)),
        time_limit=time_limit,
    )
    session.add(row)
    session.flush()  # the id, while the job is not yet visible to a runner
    session.expunge(row)  # as created: after the commit a runner may claim it before the caller reads it
    session.commit()
    return row


def cancel(session: Session, user: t.User, job_id: int, runner: Any) -> t.SolveJob:
    """Cancel a queued or running job (409 if it has ended); a running search stops within a second."""
    row = get(session, user, job_id)
    if row.state not in (JobState.queued, JobState.running):
        raise Refused(status.HTTP_409_CONFLICT, f"solve job {job_id} is {row.state} already")
    row.state, row.finished_at, row.message = JobState.cancelled, dt.datetime.now(dt.UTC), "cancelled on request"
    session.add(row)
    session.commit()
    if runner is not None:
        runner.cancel(job_id)
    return row
