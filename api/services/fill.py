"""Gap filling for a shift or a day of a farm job: rank every worker for the open places, keeping all
accepted and pinned work (``solver.fill``), and offer the places to the best ones in one step.

The ranking runs on the organisation's snapshot narrowed to the days around the gap, since work
further away cannot change rest, weekly hours or runs of days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from fastapi import status
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from api.core import crud
from api.core.refusals import Refused
from api.notifications import events
from api.services import booking
from api.services.postings import JOBS, SHIFTS, may_post
from models import tables as t
from models.enums import AssignmentStatus
from models.rows import organisation_zone
from models.store import Snapshot, kept_elsewhere, load_snapshot
from models.work_items import job_item_id
from solver.fill import fill

CONTEXT_DAYS = 8  # fixed work this many days around the gap counts for rest, weekly hours and runs of days


class CandidateOut(BaseModel):
    worker_id: str
    name: str
    rank: int | None = Field(description="1 = best; none when ruled out")
    chosen: bool
    km: float
    reason: str = Field(description="Why, in words: distance, rest, hours that week, wishes, cost; or the rule")


class FillOut(BaseModel):
    item: str = Field(description="The shift's id, or <job id>@<day> for a day of a farm job")
    open_places: int
    offered: list[str]
    candidates: list[CandidateOut]
    skipped: list[str] = Field(description="Stored rows that break a rule, left out of the ranking (and why)")


@dataclass(frozen=True)
class Target:
    """What is filled: a shift, or one day of a job, with the row that bookings hang on."""

    row: t.Shift | t.Job
    item_id: str
    day: dt.date | None  # the job's day


def shift_target(session: Session, user: t.User, ref: str) -> Target:
    shift = crud.get(session, t.Shift, user.organisation_id, ref, "shift")
    may_post(session, user, SHIFTS, shift.site_id)
    return Target(shift, ref, None)


def job_target(session: Session, user: t.User, ref: str, day: dt.date) -> Target:
    job = crud.get(session, t.Job, user.organisation_id, ref, "job")
    may_post(session, user, JOBS, job.farm_id)
    if not job.first_day <= day <= job.last_day:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [
                {
                    "type": "value_error",
                    "loc": ["query", "day"],
                    "msg": f"job {ref!r} runs {job.first_day} to {job.last_day}",
                }
            ],
        )
    return Target(job, job_item_id(ref, day), day)


def near(
    session: Session, organisation_id: int, first: dt.date, last: dt.date, workers: Collection[int] | None = None
) -> Snapshot:
    """The organisation's snapshot of the local days ``first`` to ``last`` and ``CONTEXT_DAYS`` on each
    side (work further away cannot change rest, weekly hours or runs of days, so every rule check sees
    all it needs), read from the rows those days need; ``workers`` (row ids) keeps only those."""
    org = session.get(t.Organisation, organisation_id)
    assert org is not None
    margin = dt.timedelta(days=CONTEXT_DAYS)
    return load_snapshot(session, org.ref, workers=workers, days=(first - margin, last + margin))


def elsewhere(
    session: Session, organisation_id: int, first: dt.date, last: dt.date, workers: Collection[int]
) -> dict[str, int]:
    """For a ``near`` snapshot of ``workers`` only: the places others keep on each piece of work."""
    org = session.get(t.Organisation, organisation_id)
    assert org is not None
    margin = dt.timedelta(days=CONTEXT_DAYS)
    return kept_elsewhere(session, org.ref, (first - margin, last + margin), workers)


def rank_and_offer(session: Session, organisation_id: int, target: Target, offer: bool) -> FillOut:
    """Rank the candidates for the target's open places; with ``offer``, the chosen get offers (the
    caller has checked that its user may fill this work)."""
    tz = organisation_zone(session, organisation_id)
    row = target.row
    day = target.day if isinstance(row, t.Job) and target.day else row.start_utc.astimezone(tz).date()  # type: ignore[union-attr]
    loaded = near(session, organisation_id, day, day)
    if _start(loaded.problem, target) is None:
        why = [line for line in loaded.skipped if line.startswith((f"shift {row.ref!r}", f"job {row.ref!r}"))]
        raise Refused(status.HTTP_409_CONFLICT, f"this work breaks a rule and cannot be filled: {'; '.join(why)}")
    result = fill(loaded.problem, target.item_id)
    offered = _offer(session, organisation_id, target, result.chosen) if offer and result.chosen else []
    return FillOut(
        item=target.item_id,
        open_places=result.open_places,
        offered=offered,
        candidates=[CandidateOut.model_validate(c, from_attributes=True) for c in result.candidates],
        skipped=loaded.skipped,
    )


def _start(snapshot, target: Target) -> dt.datetime | None:  # type: ignore[no-untyped-def]
    if isinstance(target.row, t.Shift):
        return next((s.start for s in snapshot.shifts if s.id == target.item_id), None)
    job = next((j for j in snapshot.jobs if j.id == target.row.ref), None)
    if job is None or target.day is None:
        return None
    return dt.datetime.combine(target.day, job.daily_start, tzinfo=snapshot.tz)


def _offer(session: Session, organisation_id: int, target: Target, chosen: list[str]) -> list[str]:
    """Offers for the chosen workers (a proposal becomes an offer; an offer stays one), under the one
    lock order; the workers offered."""
    row = target.row
    assert row.id is not None
    workers = {w.ref: w for w in session.exec(select(t.Worker).where(t.Worker.organisation_id == organisation_id))}
    ids = [w.id for ref in chosen if (w := workers[ref]).id is not None]
    same = _same_work(target)
    existing = session.exec(select(t.Assignment).where(same, col(t.Assignment.worker_id).in_(ids))).all()
    booking.lock_in_order(  # the one order; the rows below are read again after it
        session,
        workers=ids,
        shifts=[row.id] if isinstance(row, t.Shift) else [],
        jobs=[row.id] if isinstance(row, t.Job) else [],
        assignments=[a.id for a in existing if a.id is not None],
    )
    now = dt.datetime.now(dt.UTC)
    offered: list[str] = []
    new: list[t.Assignment] = []
    for ref in chosen:
        worker = workers[ref]
        assert worker.id is not None
        a = session.exec(select(t.Assignment).where(same, t.Assignment.worker_id == worker.id)).first()
        if a is None:
            a = t.Assignment(
                organisation_id=organisation_id,
                worker_id=worker.id,
                shift_id=row.id if isinstance(row, t.Shift) else None,
                job_id=row.id if isinstance(row, t.Job) else None,
                day=target.day,
            )
        if a.status in (AssignmentStatus.proposed, AssignmentStatus.offered):
            if a.status != AssignmentStatus.offered:
                session.add(a)
                session.flush()
                booking.open_offer(session, a, now)
                new.append(a)
            offered.append(ref)
    events.offered(session, new, now)  # an offer made before was told of then
    session.commit()
    return offered


def _same_work(target: Target):  # type: ignore[no-untyped-def]
    if isinstance(target.row, t.Shift):
        return col(t.Assignment.shift_id) == target.row.id
    return (col(t.Assignment.job_id) == target.row.id) & (col(t.Assignment.day) == target.day)
