"""The coordinator's roster: a grid of people by days, a timeline of each place's work with its open
places and one of each person's work, over a window and (optionally) one region. All read the same
snapshot as the reports (``api.services.reports``), so what counts as filled is the chosen basis: the
plan, or accepted work."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.http.deps import SessionDep
from api.services.reports import Basis, snapshot
from api.web.account import chrome
from api.web.render import page
from api.web.session import guard_forms, page_for
from models import tables as t
from models.enums import Role
from models.people import distinct_names
from models.problem import Day
from models.rows import organisation_zone
from models.work_items import work_items

router = APIRouter(prefix="/pool/roster", include_in_schema=False, dependencies=[Depends(guard_forms)])

CoordinatorUser = Annotated[t.User, Depends(page_for(Role.coordinator))]
DAYS = 14
MAX_DAYS = 31  # a grid wider than a month is not readable
ROWS = 50  # people per page of the grid and of the timeline by person


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
    names = distinct_names((w.id, w.name) for w in problem.workers)  # two Kari Hansens, two rows
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    cells: dict[str, dict[dt.date, list[str]]] = defaultdict(lambda: defaultdict(list))
    theirs: dict[str, list[Any]] = defaultdict(list)
    filled: dict[str, int] = defaultdict(int)
    for a in solution.assignments:
        item = items.get(a.item_id)
        if item is None:
            continue
        local = item.start.astimezone(tz)
        cells[a.worker_id][item.local_day].append(f"{local:%H:%M} {item.place_name}")
        theirs[a.worker_id].append(item)
        filled[item.id] += 1
    people = sorted(cells, key=lambda w: names.get(w, w))
    shown = people[start : start + ROWS]
    by_place = _timeline(
        sorted({it.place_name for it in items.values()}),
        {
            state: [
                (it.place_name, it, f"{it.title or it.id}: {filled.get(it.id, 0)} of {it.headcount}")
                for it in items.values()
                if (filled.get(it.id, 0) >= it.headcount) == (state == "Fully staffed")
            ]
            for state in ("Fully staffed", "Open places")
        },
        days,
        tz,
    )
    by_person = _timeline(
        [names.get(w, w) for w in shown],
        {
            kind: [
                (names.get(w, w), it, f"{_hours(it, tz)} {it.title or it.id} at {it.place_name}")
                for w in shown
                for it in theirs[w]
                if it.kind.value == key
            ]
            for key, kind in (("shift", "Health shifts"), ("job", "Farm work"))
        },
        days,
        tz,
    )
    return page(
        request,
        "coordinator/roster.html",
        first=first,
        last=last,
        days=days,
        region=region or "",
        regions=problem.regions,
        basis=basis.value,
        people=[(names.get(w, w), cells[w]) for w in shown],
        total_people=len(people),
        start=start,
        rows=ROWS,
        by_place=by_place,
        by_person=by_person,
        zone=tz.key,
        **chrome(user, "/pool/roster"),
    )


def _hours(item: Any, tz: Any) -> str:
    return f"{item.start.astimezone(tz):%a %H:%M}–{item.end.astimezone(tz):%H:%M}"


def _timeline(
    rows: list[str], sets: dict[str, list[tuple[str, Any, str]]], days: list[dt.date], tz: Any
) -> dict[str, Any]:
    """Bars of work on rows (places or people), in sets drawn in their own colour (``set name -> (row,
    item, label)``), as hours from the window's first local midnight, with each day's name for the axis
    (for ``static/charts.js``)."""
    origin = dt.datetime.combine(days[0], dt.time(), tzinfo=tz)

    def hours(moment: dt.datetime) -> float:
        return round((moment - origin).total_seconds() / 3600, 2)

    return {
        "rows": rows,
        "sets": [
            {
                "label": name,
                "bars": [
                    {"row": row, "span": [hours(it.start), hours(it.end)], "label": label} for row, it, label in bars
                ],
            }
            for name, bars in sets.items()
        ],
        "days": [f"{d:%a %d %b}" for d in days],
    }
