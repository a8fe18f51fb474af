"""The coordinator's reports, on the stored pool over a window of days: the snapshot with the work
that counts as filled (accepted only, or the whole plan), for ``reports.tables`` to count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from fastapi import status
from sqlmodel import Session

from api.core.refusals import Refused
from models import tables as t
from models.enums import AssignmentStatus
from models.problem import Problem
from models.solution import PlannedAssignment, Solution, SolveStatus
from models.store import load_snapshot
from models.window import window
from models.work_items import WorkItem, work_items
from solver.explain import Explainer

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
        raise Refused(
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


@dataclass(frozen=True)
class OpenPlace:
    item: WorkItem
    missing: int
    reason: str  # why nobody more can take it, in words (solver.explain)


def open_places(problem: Problem, solution: Solution, limit: int = 50) -> tuple[list[OpenPlace], int]:
    """The soonest items with open places on this basis, each with the reason, and how many there are."""
    items = {it.id: it for it in work_items(problem)}
    roster = [(a.worker_id, a.item_id) for a in solution.assignments if a.item_id in items]
    filled: dict[str, int] = {}
    for _, i in roster:
        filled[i] = filled.get(i, 0) + 1
    gaps = [it for it in items.values() if filled.get(it.id, 0) < it.headcount]
    explainer = Explainer(problem, items, roster, idle_words="could take it: plan a roster or fill the gap")
    shown = [OpenPlace(it, it.headcount - filled.get(it.id, 0), "") for it in gaps[:limit]]
    return [OpenPlace(o.item, o.missing, explainer.why(o.item, o.missing)) for o in shown], len(gaps)
