"""Work items: the unit of demand the solver assigns.

A shift is one item. A farm job becomes one item per day (``<job id>@<YYYY-MM-DD>``), so the same
working-time rules apply to both; continuity across a job's days is a soft goal in the solver.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.enums import ItemKind, Priority

if TYPE_CHECKING:
    from models.problem import Problem


@dataclass(frozen=True, slots=True)
class WorkItem:
    id: str
    kind: ItemKind
    source_id: str  # shift id or job id
    place_id: str
    place_name: str
    region_id: str
    lat: float
    lon: float
    start: dt.datetime  # aware, UTC
    end: dt.datetime
    local_day: dt.date  # the working day the item counts for: its local start date
    required_skills: frozenset[str]
    headcount: int
    priority: Priority
    pay_per_hour: float
    title: str
    capacity: int  # workers allowed (>= headcount); above headcount each costs over_weight
    under_weight: int | None = None  # penalty per open place instead of the priority's weight
    over_weight: int = 0
    shift_type: str | None = None

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)  # UTC times: minutes as they pass


def hours_between(start: dt.datetime, end: dt.datetime) -> float:
    """The hours worked from ``start`` to ``end`` as they pass, the one reckoning every page, message,
    report and feed uses: across the clocks' change a 22:00-07:00 night is 10 h in October and 8 h in
    March. (Two times of one zone subtract as wall clocks in Python, which would say 9 h both times.)"""
    return (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds() / 3600


def job_item_id(job_id: str, day: dt.date) -> str:
    return f"{job_id}@{day.isoformat()}"


def split_item_id(item_id: str) -> tuple[str, dt.date | None]:
    """``"j1@2026-12-03"`` -> ``("j1", date)``; a shift id -> ``(id, None)``."""
    base, sep, day = item_id.partition("@")
    return (base, dt.date.fromisoformat(day)) if sep else (item_id, None)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def item_ids(problem: Problem) -> set[str]:
    ids = {s.id for s in problem.shifts}
    for job in problem.jobs:
        ids.update(job_item_id(job.id, d) for d in _days(job.first_day, job.last_day))
    return ids


def horizon(items: list[WorkItem]) -> list[dt.date]:
    """The planning horizon: every local day from the first item's to the last item's.

    Day-based rules (runs of working days and days off, weekends, totals) look only at these days; a run
    touching the first or last day may continue outside, so minimum run lengths do not apply to it.
    """
    if not items:
        return []
    days = [it.local_day for it in items]
    return _days(min(days), max(days))


def work_items(problem: Problem) -> list[WorkItem]:
    """Every item of the problem, sorted by start time (then id) so the order is deterministic."""
    tz = problem.tz
    places = {p.id: p for p in [*problem.sites, *problem.farms]}
    items: list[WorkItem] = []
    for s in problem.shifts:
        site = places[s.site_id]
        items.append(
            WorkItem(
                id=s.id,
                kind=ItemKind.shift,
                source_id=s.id,
                place_id=site.id,
                place_name=site.name,
                region_id=site.region_id,
                lat=site.lat,
                lon=site.lon,
                start=s.start,
                end=s.end,
                local_day=s.start.astimezone(tz).date(),
                required_skills=frozenset(s.required_skills),
                headcount=s.headcount,
                priority=s.priority,
                pay_per_hour=0.0,
                title=s.title or "Shift",
                capacity=s.capacity,
                under_weight=s.under_weight,
                over_weight=s.over_weight,
                shift_type=s.shift_type,
            )
        )
    for job in problem.jobs:
        farm = places[job.farm_id]
        for day in _days(job.first_day, job.last_day):
            start = dt.datetime.combine(day, job.daily_start, tzinfo=tz).astimezone(dt.UTC)
            items.append(
                WorkItem(
                    id=job_item_id(job.id, day),
                    kind=ItemKind.job,
                    source_id=job.id,
                    place_id=farm.id,
                    place_name=farm.name,
                    region_id=farm.region_id,
                    lat=farm.lat,
                    lon=farm.lon,
                    start=start,
                    end=start + dt.timedelta(hours=job.daily_hours),
                    local_day=day,
                    required_skills=frozenset(job.required_skills),
                    headcount=job.headcount,
                    priority=job.priority,
                    pay_per_hour=job.pay_per_hour,
                    title=job.title,
                    capacity=job.headcount,
                )
            )
    items.sort(key=lambda it: (it.start, it.id))
    return items
