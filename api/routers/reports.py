"""Reports for the coordinator, built with pandas (``reports.tables``) from the stored pool: coverage by
region and role, the pool's supply of approved workers against demand by region and skill, and how
evenly hours, nights and weekends are shared.
JSON by default, CSV with ``format=csv``."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response

from api.http.deps import Coordinator, SessionDep
from api.services.reports import Basis, snapshot
from models.problem import Day, Problem
from models.solution import Solution
from reports import tables

router = APIRouter(prefix="/reports", tags=["reports"])


class Format(StrEnum):
    json = "json"
    csv = "csv"


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


def _counted(
    user: Coordinator,
    session: SessionDep,
    first: First,
    last: Last,
    region: Regions = [],  # noqa: B006  (FastAPI reads the default, never mutates it)
    basis: BasisQ = Basis.accepted,
) -> tuple[Problem, Solution, int]:
    """The window every report counts in: the pool's snapshot, the work that counts as filled, and how
    many stored rows were left out."""
    return snapshot(session, user.organisation_id, first, last, region, basis)


Counted = Annotated[tuple[Problem, Solution, int], Depends(_counted)]


@router.get("/coverage", response_model=list[dict[str, Any]])
def coverage(counted: Counted, fmt: FormatQ = Format.json) -> Any:
    """Places, filled, open and coverage % per region and role, with a total row."""
    problem, solution, skipped = counted
    return _answer(tables.coverage(problem, solution), fmt, "coverage", skipped)


@router.get("/supply-demand", response_model=list[dict[str, Any]])
def supply_demand(counted: Counted, fmt: FormatQ = Format.json) -> Any:
    """Per region and skill: approved workers living there against places needing the skill, and those open."""
    problem, solution, skipped = counted
    return _answer(tables.supply_demand(problem, solution), fmt, "supply-demand", skipped)


@router.get("/fairness", response_model=list[dict[str, Any]])
def fairness(counted: Counted, fmt: FormatQ = Format.json) -> Any:
    """Per worker kind and per place: among the people working, the fewest, most and mean hours, nights
    and weekends, and each one's Gini coefficient (0: shared evenly)."""
    problem, solution, skipped = counted
    return _answer(tables.fairness(problem, solution), fmt, "fairness", skipped)
