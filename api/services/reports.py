"""The coordinator's reports, on the stored pool over a window of days: the snapshot with the work
that counts as filled (accepted only, or the whole plan), for ``reports.tables`` to count.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from fastapi import HTTPException, status
from sqlmodel import Session

from models import tables as t
from models.enums import AssignmentStatus
from models.problem import Problem
from models.solution import PlannedAssignment, Solution, SolveStatus
from models.store import load_snapshot
from models.window import window
from models.work_items import work_items

MAX_DAYS = 366


class Basis(StrEnum):
    accepted = "accepted"  # only work people said yes to
    planned = "planned"  # proposed, offered and accepted: the plan as it stands


BASIS = {
    Basis.accepted: {AssignmentStatus.accepted},
    Basis.planned: {AssignmentStatus.proposed, AssignmentStatus.offered, AssignmentStatus.accepted},
}


def snapshot(
    session: Session, organisation_id: int, first: dt.date, last: dt.date, regions: list[str], basis: Basis
) -> tuple[Problem, Solution, int]:
    if last < first or (last - first).days >= MAX_DAYS:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [
                {
                    "type": "value_error",
                    "loc": ["query", "to"],
                    "msg": f"must be on or after 'from', within {MAX_DAYS} days",
                }
            ],
        )
    org = session.get(t.Organisation, organisation_id)
    assert org is not None
    loaded = load_snapshot(session, org.ref)
    problem = window(loaded.problem, first, last, set(regions) or None)
    items = {it.id: it for it in work_items(problem)}
    counted = [
        PlannedAssignment(
            worker_id=a.worker_id, item_id=a.item_id, start=items[a.item_id].start, end=items[a.item_id].end
        )
        for a in problem.assignments
        if a.status in BASIS[basis]
    ]
    return problem, Solution(status=SolveStatus.feasible, assignments=counted), len(loaded.skipped)
