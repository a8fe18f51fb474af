"""Gap filling: ``POST /shifts/{id}/fill`` ranks every worker for the shift's open places, keeping all
accepted and pinned work as it is (``solver.fill``), and offers the places to the best ones."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlmodel import select

from api import crud
from api.deps import CurrentUser, SessionDep
from api.routers.postings import SHIFTS, may_post
from models import tables as t
from models.enums import AssignmentStatus
from models.revisions import revise
from models.store import load_problem
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
    snapshot = load_problem(session, org.ref)
    start = next(s.start for s in snapshot.shifts if s.id == ref)
    day = start.astimezone(snapshot.tz).date()
    around = dt.timedelta(days=CONTEXT_DAYS)
    result = fill(window(snapshot, day - around, day + around), ref)
    offered: list[str] = []
    if offer and result.chosen:
        workers = {w.ref: w for w in session.exec(select(t.Worker).where(t.Worker.organisation_id == org.id))}
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
    )
