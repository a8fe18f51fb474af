"""A solve job's result as people read it: which places are filled and by whom, which stay open and
why, what each goal of the score amounts to in its own unit (km, NOK, open places) and its share of
the whole, and how close the roster is to the best possible. Never score points.

``summarise`` runs once, when the job succeeds (it needs the snapshot the job solved); the stored
summary is what ``GET /solve-jobs/{id}/result`` and the result page show, in the organisation's time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from models.people import distinct_names
from models.problem import Problem
from models.solution import Solution, SolveStatus, Spread
from models.work_items import work_items
from solver import catalogue

SHOWN = 500  # filled and open items kept per job; the counts cover all


class Goal(BaseModel):
    goal: str = Field(description="The goal's id, as in solution.json's terms")
    name: str
    amount: int = Field(description="How much of it the roster has, in ``unit``")
    unit: str
    share_percent: float = Field(description="Its part of everything the solver weighs, in per cent")


class FilledItem(BaseModel):
    item: str
    title: str
    place: str
    start: dt.datetime
    end: dt.datetime
    places: int
    workers: list[str] = Field(description="Names of the people proposed or booked")


class OpenItem(BaseModel):
    item: str
    title: str
    place: str
    start: dt.datetime
    end: dt.datetime
    priority: str
    missing: int
    reason: str


class Decision(BaseModel):
    """Kept work that now breaks a rule: left as it is for a person to decide (release the worker from it,
    or let it stand); the worker got no new work in this plan."""

    worker: str
    worker_name: str
    item: str | None
    title: str
    place: str
    start: dt.datetime | None
    end: dt.datetime | None
    rule: str
    why: str


class Phase(BaseModel):
    name: str
    seconds: float
    outcome: str


class SolveResult(BaseModel):
    job: int
    status: str = "nothing planned"
    quality: str = Field("Nothing was planned: no shifts or job days in the window.", description="In words")
    places: int = 0
    filled_places: int = 0
    filled: list[FilledItem] = Field(default_factory=list)
    open: list[OpenItem] = Field(default_factory=list)
    more_filled: int = Field(0, description="Filled items beyond those listed")
    more_open: int = Field(0, description="Open items beyond those listed")
    goals: list[Goal] = Field(default_factory=list)
    fairness: list[Spread] = Field(
        default_factory=list,
        description="How evenly hours, nights and weekends are shared, per worker kind and place, among those"
        " working; beside the fairness goal, which evens out hours",
    )
    phases: list[Phase] = Field(default_factory=list)
    decisions: list[Decision] = Field(
        default_factory=list, description="Kept work that breaks a rule: kept as it is, for a person to decide"
    )
    timezone: str


class CoursePoint(BaseModel):
    """One moment of a running search, in a coordinator's terms: the places the roster found then fills,
    the km its people travel and what it pays. The score is also given as an index, 100 being the
    phase's first roster (lower is better), never in score points."""

    seconds: float
    phase: str
    filled: int | None = Field(None, description="Places the roster found at this moment fills")
    km: int | None = Field(None, description="Km its people travel from home, one way, in all")
    nok: int | None = Field(None, description="What it pays at hourly rates, NOK")
    objective_index: float | None
    bound_index: float | None


def course(trace: list[dict[str, Any]]) -> list[CoursePoint]:
    first: dict[str, float] = {}
    points = []
    for p in trace:
        objective, bound = p.get("objective"), p.get("bound")
        if objective is not None and objective > 0:
            first.setdefault(p["phase"], objective)
        base = first.get(p["phase"])
        points.append(
            CoursePoint(
                seconds=p["seconds"],
                phase=p["phase"],
                filled=p.get("filled"),
                km=p.get("km"),
                nok=p.get("nok"),
                objective_index=None if base is None or objective is None else round(100 * objective / base, 2),
                bound_index=None if base is None or bound is None else round(100 * max(0.0, bound) / base, 2),
            )
        )
    return points


def gap_percent(objective: float | None, bound: float | None) -> float | None:
    """How far a roster scoring ``objective`` may be from the best possible, in percent of its score, as
    the bound proves it; None without a useful (positive, finite) bound."""
    if objective is None or bound is None or not math.isfinite(bound) or bound <= 0 or objective <= 0:
        return None
    return round(100 * max(0.0, objective - bound) / objective, 1)


def quality(solution: Solution) -> str:
    if solution.status == SolveStatus.optimal:
        return "The best possible roster (proven)."
    gap = gap_percent(solution.objective, solution.best_bound)
    if gap is None:
        return "How far this roster is from the best possible cannot be told: no useful bound was proven."
    if gap > 50:
        return "How far this roster is from the best possible cannot be told: the proven bound is too weak."
    return f"At most {gap:.1f} % from the best possible roster (proven)."


def summarise(problem: Problem, solution: Solution) -> dict[str, Any]:
    """The stored form of the result (UTC times), from the snapshot the job solved and its roster."""
    items = {it.id: it for it in work_items(problem)}
    names = distinct_names((w.id, w.name) for w in problem.workers)
    on: dict[str, list[str]] = defaultdict(list)
    for a in solution.assignments:
        on[a.item_id].append(names.get(a.worker_id, a.worker_id))
    filled = [
        FilledItem(
            item=i,
            title=items[i].title,
            place=items[i].place_name,
            start=items[i].start,
            end=items[i].end,
            places=items[i].headcount,
            workers=sorted(on[i]),
        )
        for i in sorted(on, key=lambda i: (items[i].start, i))
        if i in items
    ]
    open_items = [
        OpenItem(
            item=u.item_id,
            title=items[u.item_id].title if u.item_id in items else "",
            place=items[u.item_id].place_name if u.item_id in items else u.place_id,
            start=u.start,
            end=u.end,
            priority=u.priority.value,
            missing=u.missing,
            reason=u.reason,
        )
        for u in sorted(solution.unfilled, key=lambda u: (u.start, u.item_id))
    ]
    weighted = sum(max(0, t.weighted) for t in solution.terms.values()) or 1
    goals = [
        Goal(
            goal=k,
            name=goal.name if goal else k,
            amount=t.raw,
            unit=goal.counted_in if goal else t.unit,
            share_percent=round(100 * max(0, t.weighted) / weighted, 1),
        )
        for k, t in solution.terms.items()
        if t.raw
        for goal in [catalogue.GOAL_BY_ID.get(k)]
    ]
    decisions = [
        Decision(
            worker=c.worker_id,
            worker_name=names.get(c.worker_id, c.worker_id),
            item=c.item_id,
            title=items[c.item_id].title if c.item_id in items else "",
            place=items[c.item_id].place_name if c.item_id in items else "",
            start=items[c.item_id].start if c.item_id in items else None,
            end=items[c.item_id].end if c.item_id in items else None,
            rule=c.rule,
            why=c.message,
        )
        for c in solution.kept_conflicts
    ]
    places = sum(it.headcount for it in items.values())
    return {
        "status": solution.status.value,
        "quality": quality(solution),
        "places": places,
        "filled_places": places - sum(u.missing for u in solution.unfilled),
        "filled": [f.model_dump(mode="json") for f in filled[:SHOWN]],
        "open": [o.model_dump(mode="json") for o in open_items[:SHOWN]],
        "more_filled": max(0, len(filled) - SHOWN),
        "more_open": max(0, len(open_items) - SHOWN),
        "goals": [g.model_dump() for g in sorted(goals, key=lambda g: -g.share_percent)],
        "fairness": [f.model_dump() for f in solution.fairness],
        "phases": [p.model_dump() for p in solution.stats.phases],
        "decisions": [d.model_dump(mode="json") for d in decisions[:SHOWN]],
    }


def result_of(job_id: int, stored: dict[str, Any], tz: ZoneInfo) -> SolveResult:
    """The stored summary with every time in the organisation's zone (ISO with its offset)."""
    result = SolveResult.model_validate({**stored, "job": job_id, "timezone": tz.key})
    rows: list[FilledItem | OpenItem] = [*result.filled, *result.open]
    for row in rows:
        row.start, row.end = row.start.astimezone(tz), row.end.astimezone(tz)
    for d in result.decisions:
        d.start, d.end = d.start and d.start.astimezone(tz), d.end and d.end.astimezone(tz)
    return result
