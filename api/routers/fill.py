"""Gap filling: ``POST /shifts/{id}/fill`` ranks every worker for the shift's open places, keeping all
accepted and pinned work as it is (``solver.fill``), and offers the places to the best ones."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlmodel import col, select

from api import crud, offers
from api.deps import CurrentUser, SessionDep
from api.routers.postings import SHIFTS, may_post
from models import tables as t
from models.enums import AssignmentStatus
from models.revisions import revise
from models.store import load_snapshot
from models.window import window
from solver.fill import fill

router = APIRouter(tags=["gap filling"])

CONTEXT_DAYS = 8  # fixed work this many days around the gap counts for rest, weekly hours and runs of days


class CandidateOut(BaseModel):
    worker_id: str
    name: str
    rank: int | None
    chosen: bool
    km: float
    added_cost: int | None
    reason: str


class FillOut(BaseModel):
    shift: str
    open_places: int
    offered: list[str]
    candidates: list[CandidateOut]
    skipped: list[str] = Field(description="Stored rows that break a rule, left out of the ranking (and why)")


@router.post("/shifts/{ref}/fill", response_model=FillOut)
def fill_shift(
    ref: str,
    user: CurrentUser,
    session: SessionDep,
    offer: Annotated[bool, Query(description="Offer the open places to the chosen workers (false: only rank)")] = True,
) -> FillOut:
    """Rank candidates for a shift's open places (a sick call, an urgent shift) and offer them the places."""
    shift = crud.get(session, t.Shift, user.organisation_id, ref, "shift")
    may_post(session, user, SHIFTS, shift.site_id)
    org = session.get(t.Organisation, user.organisation_id)
    assert org is not None
    loaded = load_snapshot(session, org.ref)
    snapshot = loaded.problem
    start = next((s.start for s in snapshot.shifts if s.id == ref), None)
    if start is None:
        why = [line for line in loaded.skipped if line.startswith(f"shift {ref!r}")]
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"this shift breaks a rule and cannot be filled: {'; '.join(why)}"
        )
    day = start.astimezone(snapshot.tz).date()
    around = dt.timedelta(days=CONTEXT_DAYS)
    result = fill(window(snapshot, day - around, day + around), ref)
    offered: list[str] = []
    if offer and result.chosen:
        workers = {w.ref: w for w in session.exec(select(t.Worker).where(t.Worker.organisation_id == org.id))}
        chosen = [w.id for ref_w in result.chosen if (w := workers[ref_w]).id is not None]
        existing = session.exec(
            select(t.Assignment).where(col(t.Assignment.shift_id) == shift.id, col(t.Assignment.worker_id).in_(chosen))
        ).all()
        assert shift.id is not None
        offers.lock_in_order(  # the one order; the rows below are read again after it
            session, workers=chosen, shifts=[shift.id], assignments=[a.id for a in existing if a.id is not None]
        )
        now = dt.datetime.now(dt.UTC)
        for ref_w in result.chosen:
            worker = workers[ref_w]
            row = session.exec(
                select(t.Assignment).where(t.Assignment.worker_id == worker.id, t.Assignment.shift_id == shift.id)
            ).first()
            if row is None:
                assert worker.id is not None and shift.id is not None
                row = t.Assignment(organisation_id=user.organisation_id, worker_id=worker.id, shift_id=shift.id)
            if row.status in (AssignmentStatus.proposed, AssignmentStatus.offered):
                if row.status != AssignmentStatus.offered:
                    row.status = AssignmentStatus.offered
                    session.add(row)
                    session.flush()
                    revise(session, row, now)
                offered.append(ref_w)
        session.commit()
    return FillOut(
        shift=ref,
        open_places=result.open_places,
        offered=offered,
        candidates=[CandidateOut.model_validate(c, from_attributes=True) for c in result.candidates],
        skipped=loaded.skipped,
    )
