"""The part of a pool a solve plans: a range of local days and, optionally, some regions.

Every worker stays in the window (people travel between regions); shifts and job days outside it go,
with the assignments and requests that name them. The kept work among them (accepted or pinned) that
lies within ``AROUND`` of the window, or inside it at another region's places, stays as
``outside_work``: the working-time rules count it (rest, hours in 24 h and 7 days, runs of days).
"""

from __future__ import annotations

import datetime as dt

from models.problem import OutsideWork, Problem
from models.work_items import item_ids, work_items

AROUND = dt.timedelta(days=14)
"""How far outside the window kept work still counts: two rolling weeks, and a run of days as long."""


def window(problem: Problem, first: dt.date, last: dt.date, regions: set[str] | None = None) -> Problem:
    """Shifts starting on a local day in ``[first, last]`` and job days in it, at places in ``regions``."""
    tz = problem.tz
    sites = {s.id for s in problem.sites if not regions or s.region_id in regions}
    farms = {f.id for f in problem.farms if not regions or f.region_id in regions}
    shifts = [s for s in problem.shifts if s.site_id in sites and first <= s.start.astimezone(tz).date() <= last]
    jobs = [
        j.model_copy(update={"first_day": max(j.first_day, first), "last_day": min(j.last_day, last)})
        for j in problem.jobs
        if j.farm_id in farms and j.first_day <= last and j.last_day >= first
    ]
    part = problem.model_copy(update={"shifts": shifts, "jobs": jobs})
    kept = item_ids(part)
    return part.model_copy(
        update={
            "assignments": [a for a in problem.assignments if a.item_id in kept],
            "requests": [r for r in problem.requests if r.item_id in kept],
            "outside_work": [*problem.outside_work, *_outside(problem, kept, first, last)],
        }
    )


def _outside(problem: Problem, planned: set[str], first: dt.date, last: dt.date) -> list[OutsideWork]:
    """Kept work on the items the window leaves out, within ``AROUND`` of it."""
    tz = problem.tz
    lo = dt.datetime.combine(first, dt.time(), tzinfo=tz) - AROUND
    hi = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz) + AROUND
    kept = {(a.worker_id, a.item_id) for a in problem.assignments if a.kept and a.item_id not in planned}
    if not kept:
        return []
    items = {it.id: it for it in work_items(problem) if it.id not in planned and it.start < hi and lo < it.end}
    return [
        OutsideWork(worker_id=w, label=i, start=items[i].start, end=items[i].end) for w, i in sorted(kept) if i in items
    ]
