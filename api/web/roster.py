"""The coordinator's roster: a grid of people by days, and a timeline of each place's work with its
open places, over a window and (optionally) one region. Both read the same snapshot as the reports
(``api.services.reports``), so what counts as filled is the chosen basis: the plan, or accepted work."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.services.reports import Basis, snapshot
from api.web.account import chrome
from api.web.render import page
from api.web.session import guard_forms, page_for
from models import tables as t
from models.enums import Role
from models.problem import Day
from models.revisions import organisation_zone
from models.work_items import work_items

router = APIRouter(prefix="/pool/roster", include_in_schema=False, dependencies=[Depends(guard_forms)])

CoordinatorUser = Annotated[t.User, Depends(page_for(Role.coordinator))]
DAYS = 14
MAX_DAYS = 31  # a grid wider than a month is not readable
ROWS = 200  # people per page of the grid


@router.get("")
def roster(
    request: Request,
    user: CoordinatorUser,
    session: SessionDep,
    first: Annotated[Day | None, Query(alias="from")] = None,
    last: Annotated[Day | None, Query(alias="to")] = None,
    region: Annotated[str | None, Query(max_length=64)] = None,
    basis: Basis = Basis.planned,
    start: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    first = first or dt.datetime.now(tz).date()
    last = last or first + dt.timedelta(days=DAYS - 1)
    if last < first:
        first, last = last, first
    last = min(last, first + dt.timedelta(days=MAX_DAYS - 1))
    regions = [region] if region else []
    problem, solution, _ = snapshot(session, user.organisation_id, first, last, regions, basis)
    items = {it.id: it for it in work_items(problem)}
    names = {w.id: w.name for w in problem.workers}
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    cells: dict[str, dict[dt.date, list[str]]] = defaultdict(lambda: defaultdict(list))
    filled: dict[str, int] = defaultdict(int)
    for a in solution.assignments:
        item = items.get(a.item_id)
        if item is None:
            continue
        local = item.start.astimezone(tz)
        cells[a.worker_id][item.local_day].append(f"{local:%H:%M} {item.place_name}")
        filled[item.id] += 1
    people = sorted(cells, key=lambda w: names.get(w, w))
    timeline = _timeline(list(items.values()), filled, first, tz)
    return page(
        request,
        "coordinator/roster.html",
        first=first,
        last=last,
        days=days,
        region=region or "",
        regions=problem.regions,
        basis=basis.value,
        people=[(names.get(w, w), cells[w]) for w in people[start : start + ROWS]],
        total_people=len(people),
        start=start,
        rows=ROWS,
        timeline=json.dumps(timeline),
        places=len(timeline["places"]),
        zone=tz.key,
        **chrome(user, "/pool/roster"),
    )


def _timeline(items: list[Any], filled: dict[str, int], first: dt.date, tz: Any) -> dict[str, Any]:
    """Each place's work as bars of hours from the window's first midnight: filled ones, and those with
    open places (for ``static/charts.js``)."""
    origin = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    places = sorted({it.place_name for it in items})
    bars: dict[str, list[dict[str, Any]]] = {"filled": [], "open": []}
    for it in items:
        span = [
            round((it.start - origin).total_seconds() / 3600, 2),
            round((it.end - origin).total_seconds() / 3600, 2),
        ]
        state = "filled" if filled.get(it.id, 0) >= it.headcount else "open"
        bars[state].append(
            {
                "place": it.place_name,
                "span": span,
                "label": f"{it.title or it.id}: {filled.get(it.id, 0)} of {it.headcount}",
            }
        )
    return {"places": places, "bars": bars, "origin": origin.isoformat()}
