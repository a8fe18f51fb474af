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
from models.work_items import WorkItem, horizon, work_items
from solver import catalogue
from solver.travel import Travel, travel_for

RULES = {r.id: r.meaning for r in catalogue.RULES}
"""Every hard rule this module checks (``solver.catalogue``), by id."""

LOWER_BOUND_RULES = catalogue.LOWER_BOUND
"""Rules a partial roster may break and a fuller one mend; judged only on complete rosters."""


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


def schedule_violations(
    problem: Problem, worker: Worker, items: list[WorkItem], days: list[dt.date] | None = None
) -> list[Violation]:
    """Working-time rules over one worker's items (``days``: the planning horizon, see ``horizon``)."""
    if days is None:
        days = horizon(work_items(problem))
    out = _time_violations(problem, worker, items)
    out += _type_violations(problem, worker, items)
    out += _day_violations(worker, {it.local_day for it in items}, days)
    return out


def _time_violations(problem: Problem, worker: Worker, items: list[WorkItem]) -> list[Violation]:
    """Overlap, rest, rolling 7-day hours, consecutive days, total hours."""
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

    total = sum(it.minutes for it in ordered)
    bounds = [("min_hours", worker.min_hours, total < round(worker.min_hours * 60))]
    if worker.max_hours is not None:
        bounds.append(("max_hours", worker.max_hours, total > round(worker.max_hours * 60)))
    for rule, hours, broken in bounds:
        if broken:
            text = f"{worker.id}: {total / 60:g} h over the horizon; {rule[:3]} {hours:g} h"
            out.append(Violation(rule, text, worker.id))
    return out


def _type_violations(problem: Problem, worker: Worker, items: list[WorkItem]) -> list[Violation]:
    """Forbidden successions of shift types and per-type limits."""
    out: list[Violation] = []
    forbidden = {t.id: set(t.forbidden_next) for t in problem.shift_types}
    by_day: dict[dt.date, list[WorkItem]] = defaultdict(list)
    for it in items:
        by_day[it.local_day].append(it)
    for day, today in sorted(by_day.items()):
        for a in today:
            for b in by_day.get(day + dt.timedelta(days=1), []):
                if a.shift_type and b.shift_type in forbidden.get(a.shift_type, set()):
                    out.append(
                        Violation(
                            "forbidden_succession",
                            f"{worker.id}: {b.shift_type} shift {b.id} on the day after {a.shift_type} shift {a.id}",
                            worker.id,
                            b.id,
                        )
                    )
    counts = Counter(it.shift_type for it in items if it.shift_type is not None)
    for typ, n in sorted(counts.items()):
        limit = worker.max_shifts_per_type.get(typ)
        if limit is not None and n > limit:
            out.append(Violation("shift_type_limit", f"{worker.id}: {n} {typ} shifts; limit {limit}", worker.id))
    return out


def _runs(flags: list[bool]) -> list[tuple[bool, int, int]]:
    """Maximal runs of equal flags as (flag, first index, length)."""
    runs: list[tuple[bool, int, int]] = []
    for k, flag in enumerate(flags):
        if runs and runs[-1][0] == flag:
            runs[-1] = (flag, runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((flag, k, 1))
    return runs


def _day_violations(worker: Worker, worked: set[dt.date], days: list[dt.date]) -> list[Violation]:
    """Runs of working days and days off, and weekends. Runs touching the horizon's edges may continue
    outside it, so minimum lengths do not apply to them."""
    out: list[Violation] = []
    flags = [d in worked for d in days]
    for flag, first, length in _runs(flags):
        edge = first == 0 or first + length == len(days)
        if flag and not edge and length < worker.min_consecutive_days:
            out.append(
                Violation(
                    "min_consecutive_days",
                    f"{worker.id}: works {length} day(s) in a row from {days[first]};"
                    f" minimum {worker.min_consecutive_days}",
                    worker.id,
                )
            )
        if not flag and not edge and length < worker.min_consecutive_days_off:
            out.append(
                Violation(
                    "min_days_off",
                    f"{worker.id}: {length} day(s) off from {days[first]} between working days;"
                    f" minimum {worker.min_consecutive_days_off}",
                    worker.id,
                )
            )
    if worker.max_weekends is not None:
        weekends = {d - dt.timedelta(days=d.weekday() - 5) for d in worked if d.weekday() >= 5}
        if len(weekends) > worker.max_weekends:
            out.append(
                Violation(
                    "weekends",
                    f"{worker.id}: works {len(weekends)} weekends; limit {worker.max_weekends}",
                    worker.id,
                )
            )
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
        if n > items[i].capacity:
            out.append(Violation("headcount", f"{i} has {n} workers; capacity {items[i].capacity}", None, i))

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
    days = horizon(list(items.values()))
    for w, worker in workers.items():
        out += schedule_violations(problem, worker, per_worker.get(w, []), days)

    if require_kept:
        present = set(unique)
        for w, i in sorted(kept - present):
            out.append(Violation("kept_assignment", f"kept assignment {w} on {i} is missing", w, i))
    return out


def validate_solution(problem: Problem, solution: Solution) -> list[Violation]:
    return validate(problem, ((a.worker_id, a.item_id) for a in solution.assignments))
