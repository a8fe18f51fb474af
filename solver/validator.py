"""Independent check of every hard rule on any roster, without the CP-SAT model.

It works from the raw problem (windows, licences, coordinates, limits) with its own straightforward
code, so a slip in the model's formulation shows up as a named violation rather than a silent bad
roster. ``bemanna validate`` exits 0 only when this returns nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from models.enums import AssignmentStatus, AvailabilityKind
from models.problem import Problem, Worker
from models.solution import Solution
from models.work_items import WorkItem, work_items
from solver.travel import Travel, travel_for

RULES = {
    "unknown_reference": "the worker or work item does not exist in the problem",
    "duplicate_assignment": "a worker is listed twice on the same item",
    "headcount": "an item has more workers than its headcount",
    "qualification": "each worker holds every required skill, approved and unexpired",
    "availability": "inside the worker's available windows, outside unavailable ones",
    "travel_radius": "the site or farm is within the worker's travel radius",
    "declined_offer": "a worker is not put back on an item they declined or were cancelled from",
    "overlap": "a worker's items do not overlap",
    "rest": "minimum rest between the end of one item and the start of the next",
    "weekly_hours": "max hours in any rolling 7 days",
    "consecutive_days": "max consecutive working days",
    "kept_assignment": "pinned and accepted assignments are kept",
}


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    worker_id: str | None = None
    item_id: str | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def _fmt(t: dt.datetime, tz: ZoneInfo) -> str:
    return t.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _licence_ok(worker: Worker, skill: str, item: WorkItem, tz: ZoneInfo) -> bool:
    for q in worker.qualifications:
        if q.skill != skill or not q.approved:
            continue
        if q.valid_until is None:
            return True
        expires = dt.datetime.combine(q.valid_until + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        if item.end <= expires:
            return True
    return False


def _available(worker: Worker, item: WorkItem) -> bool:
    for a in worker.availability:
        if a.kind == AvailabilityKind.unavailable and a.start < item.end and item.start < a.end:
            return False
    if worker.always_available:
        return True
    windows = [a for a in worker.availability if a.kind != AvailabilityKind.unavailable]
    covered_until = item.start
    progressed = True
    while covered_until < item.end and progressed:
        progressed = False
        for a in windows:
            if a.start <= covered_until < a.end:
                covered_until, progressed = a.end, True
    return covered_until >= item.end


def schedule_violations(problem: Problem, worker: Worker, items: list[WorkItem]) -> list[Violation]:
    """Working-time rules over one worker's items: overlap, rest, rolling 7-day hours, consecutive days."""
    tz = problem.tz
    out: list[Violation] = []
    rest = dt.timedelta(hours=problem.settings.min_rest_hours)
    ordered = sorted(items, key=lambda it: (it.start, it.id))
    for k, a in enumerate(ordered):
        for b in ordered[k + 1 :]:
            if b.start < a.end:
                out.append(Violation("overlap", f"{worker.id}: {a.id} and {b.id} overlap", worker.id, b.id))
            elif b.start - a.end < rest:
                gap = (b.start - a.end).total_seconds() / 3600
                out.append(
                    Violation(
                        "rest",
                        f"{worker.id}: only {gap:g} h between {a.id} (ends {_fmt(a.end, tz)}) and {b.id}"
                        f" (starts {_fmt(b.start, tz)}); {problem.settings.min_rest_hours:g} h required",
                        worker.id,
                        b.id,
                    )
                )

    week = dt.timedelta(days=7)
    limit = dt.timedelta(hours=worker.max_hours_per_7_days)
    starts = [it.start for it in ordered] + [it.end - week for it in ordered]
    for lo in sorted(set(starts)):
        hi = lo + week
        worked = sum(
            (min(it.end, hi) - max(it.start, lo) for it in ordered if it.start < hi and lo < it.end),
            dt.timedelta(),
        )
        if worked > limit:
            out.append(
                Violation(
                    "weekly_hours",
                    f"{worker.id}: {worked.total_seconds() / 3600:g} h in the 7 days from {_fmt(lo, tz)};"
                    f" limit {worker.max_hours_per_7_days:g} h",
                    worker.id,
                )
            )
            break

    days = sorted({it.start.astimezone(tz).date() for it in ordered})
    run = 1
    for prev, day in itertools.pairwise(days):
        run = run + 1 if day - prev == dt.timedelta(days=1) else 1
        if run > worker.max_consecutive_days:
            out.append(
                Violation(
                    "consecutive_days",
                    f"{worker.id}: {run} working days in a row up to {day}; limit {worker.max_consecutive_days}",
                    worker.id,
                )
            )
            break
    return out


def item_violations(problem: Problem, worker: Worker, item: WorkItem, travel: Travel | None = None) -> list[Violation]:
    """Rules about one assignment on its own: qualification, availability, travel radius."""
    tz = problem.tz
    out: list[Violation] = []
    missing = sorted(s for s in item.required_skills if not _licence_ok(worker, s, item, tz))
    if missing:
        out.append(
            Violation(
                "qualification",
                f"{worker.id} lacks an approved, valid {', '.join(missing)} for {item.id}",
                worker.id,
                item.id,
            )
        )
    if not _available(worker, item):
        out.append(
            Violation(
                "availability",
                f"{worker.id} is not available {_fmt(item.start, tz)}–{_fmt(item.end, tz)} for {item.id}",
                worker.id,
                item.id,
            )
        )
    km = (travel or travel_for(problem)).km(worker, item)
    if km > worker.max_travel_km:
        out.append(
            Violation(
                "travel_radius",
                f"{worker.id} lives {km:.1f} km from {item.place_id}; radius {worker.max_travel_km:g} km",
                worker.id,
                item.id,
            )
        )
    return out


def validate(problem: Problem, roster: Iterable[tuple[str, str]], *, require_kept: bool = True) -> list[Violation]:
    """All hard-rule violations of a roster of (worker id, item id) pairs."""
    items = {it.id: it for it in work_items(problem)}
    workers = {w.id: w for w in problem.workers}
    out: list[Violation] = []
    pairs = list(roster)
    for w, i in pairs:
        if w not in workers or i not in items:
            out.append(Violation("unknown_reference", f"unknown worker {w!r} or item {i!r}", w, i))
    known = [(w, i) for w, i in pairs if w in workers and i in items]
    for (w, i), n in Counter(known).items():
        if n > 1:
            out.append(Violation("duplicate_assignment", f"{w} is on {i} {n} times", w, i))
    unique = list(dict.fromkeys(known))

    per_item = Counter(i for _, i in unique)
    for i, n in per_item.items():
        if n > items[i].headcount:
            out.append(Violation("headcount", f"{i} has {n} workers; headcount {items[i].headcount}", None, i))

    kept = {(a.worker_id, a.item_id) for a in problem.assignments if a.kept}
    refused = {
        (a.worker_id, a.item_id)
        for a in problem.assignments
        if a.status in (AssignmentStatus.declined, AssignmentStatus.cancelled)
    }
    per_worker: dict[str, list[WorkItem]] = defaultdict(list)
    travel = travel_for(problem)
    for w, i in unique:
        out += item_violations(problem, workers[w], items[i], travel)
        if (w, i) in refused and (w, i) not in kept:
            out.append(Violation("declined_offer", f"{w} declined or was cancelled from {i}", w, i))
        per_worker[w].append(items[i])
    for w, its in per_worker.items():
        out += schedule_violations(problem, workers[w], its)

    if require_kept:
        present = set(unique)
        for w, i in sorted(kept - present):
            out.append(Violation("kept_assignment", f"kept assignment {w} on {i} is missing", w, i))
    return out


def validate_solution(problem: Problem, solution: Solution) -> list[Violation]:
    return validate(problem, ((a.worker_id, a.item_id) for a in solution.assignments))
