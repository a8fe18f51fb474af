"""Reports for the coordinator, built with pandas (``reports.tables``) from the stored pool: coverage by
region and role, and the pool's supply of approved workers against demand by region and skill.
JSON by default, CSV with ``format=csv``."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session

from api.deps import Coordinator, SessionDep
from models import tables as t
from models.enums import AssignmentStatus
from models.problem import Day, Problem
from models.solution import PlannedAssignment, Solution, SolveStatus
from models.store import load_snapshot
from models.window import window
from models.work_items import work_items
from reports import tables

router = APIRouter(prefix="/reports", tags=["reports"])

MAX_DAYS = 366


class Basis(StrEnum):
    accepted = "accepted"  # only work people said yes to
    planned = "planned"  # proposed, offered and accepted: the plan as it stands


class Format(StrEnum):
    json = "json"
    csv = "csv"


BASIS = {
    Basis.accepted: {AssignmentStatus.accepted},
    Basis.planned: {AssignmentStatus.proposed, AssignmentStatus.offered, AssignmentStatus.accepted},
}


def _snapshot(
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


def _answer(df: pd.DataFrame, fmt: Format, name: str, skipped: int) -> Any:
    """The table as JSON or CSV; ``Skipped-Rows`` counts stored rows left out because they break a rule
    (the solve jobs and gap filling name them)."""
    headers = {"Skipped-Rows": str(skipped)}
    if fmt == Format.csv:
        headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return Response(df.to_csv(index=False), media_type="text/csv; charset=utf-8", headers=headers)
    body = json.loads(df.to_json(orient="records", date_format="iso"))  # numpy types and NaN become JSON
    return JSONResponse(body, headers=headers)


First = Annotated[Day, Query(alias="from", description="First local day")]
Last = Annotated[Day, Query(alias="to", description="Last local day (inclusive)")]
Regions = Annotated[list[str], Query(alias="region", description="Only these regions (repeatable)")]
BasisQ = Annotated[
    Basis, Query(description="accepted: only accepted work counts as filled; planned: also offers and proposals")
]
FormatQ = Annotated[Format, Query(alias="format")]


@router.get("/coverage", response_model=list[dict[str, Any]])
def coverage(
    user: Coordinator,
    session: SessionDep,
    first: First,
    last: Last,
    region: Regions = [],  # noqa: B006  (FastAPI reads the default, never mutates it)
    basis: BasisQ = Basis.accepted,
    fmt: FormatQ = Format.json,
) -> Any:
    """Places, filled, open and coverage % per region and role, with a total row."""
    problem, solution, skipped = _snapshot(session, user.organisation_id, first, last, region, basis)
    return _answer(tables.coverage(problem, solution), fmt, "coverage", skipped)


@router.get("/supply-demand", response_model=list[dict[str, Any]])
def supply_demand(
    user: Coordinator,
    session: SessionDep,
    first: First,
    last: Last,
    region: Regions = [],  # noqa: B006
    basis: BasisQ = Basis.accepted,
    fmt: FormatQ = Format.json,
) -> Any:
    """Per region and skill: approved workers living there against places needing the skill, and those open."""
    problem, solution, skipped = _snapshot(session, user.organisation_id, first, last, region, basis)
    return _answer(tables.supply_demand(problem, solution), fmt, "supply-demand", skipped)
