"""The part of a pool a solve plans: a range of local days and, optionally, some regions.

Every worker stays in the window (people travel between regions); shifts and job days outside it go,
with the assignments and requests that name them.
"""

from __future__ import annotations

import datetime as dt

from models.problem import Problem
from models.work_items import item_ids


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
        }
    )
