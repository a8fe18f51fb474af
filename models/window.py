"""The part of a pool a solve plans: a range of local days and, optionally, some regions.

Every worker stays in the window (people travel between regions); shifts and job days outside it go,
with the assignments and requests that name them. The kept work among them (accepted or pinned) that
lies within ``AROUND`` of the window, or inside it at another region's places, stays as
``outside_work``: the working-time rules count it (rest, hours in 24 h and 7 days, runs of days).
Kept work of the ``HISTORY`` before the window's first week is reckoned as each worker's overtime per
week (``Worker.earlier_overtime_hours``), which the caps per 4 weeks and per year count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from models.law import limits
from models.overtime import Ordinary, weekly_overtime
from models.problem import OutsideWork, Problem, Worker
from models.work_items import WorkItem, item_ids, work_items

AROUND = dt.timedelta(days=14)
"""How far outside the window kept work still counts: two rolling weeks, and a run of days as long."""
HISTORY = dt.timedelta(weeks=53)
"""How far back overtime counts: the 52 weeks of AML § 10-6 (4), or the calendar year of ATL § 8."""


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
    planned = item_ids(part)
    kept = {(a.worker_id, a.item_id) for a in problem.assignments if a.kept and a.item_id not in planned}
    kept_items = {i for _, i in kept}
    left_out = {it.id: it for it in work_items(problem) if it.id in kept_items} if kept else {}
    return part.model_copy(
        update={
            "workers": _with_overtime(problem, kept, left_out, first),
            "assignments": [a for a in problem.assignments if a.item_id in planned],
            "requests": [r for r in problem.requests if r.item_id in planned],
            "outside_work": [*problem.outside_work, *_outside(problem, kept, left_out, first, last)],
        }
    )


def _outside(
    problem: Problem, kept: set[tuple[str, str]], items: dict[str, WorkItem], first: dt.date, last: dt.date
) -> list[OutsideWork]:
    """Kept work on the items the window leaves out (``kept``: worker and item ids), within ``AROUND`` of it."""
    tz = problem.tz
    lo = dt.datetime.combine(first, dt.time(), tzinfo=tz) - AROUND
    hi = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz) + AROUND
    near = {i for i, it in items.items() if it.start < hi and lo < it.end}
    return [
        OutsideWork(worker_id=w, label=i, start=items[i].start, end=items[i].end) for w, i in sorted(kept) if i in near
    ]


def _with_overtime(
    problem: Problem, kept: set[tuple[str, str]], items: dict[str, WorkItem], first: dt.date
) -> list[Worker]:
    """Each worker with the overtime of her kept work in the weeks before the window's first, where her
    working-time rules count overtime (weeks the snapshot already names keep what it says)."""
    if not kept:
        return problem.workers
    start = problem.settings.law.week_of(first)
    by_worker: dict[str, set[str]] = defaultdict(set)
    for w, i in kept:
        by_worker[w].add(i)
    out = []
    for worker in problem.workers:
        ordinary = Ordinary.of(limits(problem.settings.law, worker.working_time))
        mine = [items[i] for i in by_worker.get(worker.id, ()) if i in items]
        before = [(it.local_day, it.minutes) for it in mine if start - HISTORY <= it.local_day < start]
        if ordinary is None or not before:
            out.append(worker)
            continue
        earlier = {
            week: minutes / 60
            for week, minutes in weekly_overtime(ordinary, before, problem.settings.law.week_of).items()
            if minutes
        }
        out.append(worker.model_copy(update={"earlier_overtime_hours": earlier | worker.earlier_overtime_hours}))
    return out
