"""A Curtois & Qu instance as a Bemanna problem, and a Bemanna solution back as the benchmark's roster.

Everything maps onto the product's own rules, so the benchmark exercises the solver the pool uses:
staff become always-available workers, each (day, shift type) a shift at one ward with the cover line's
requirement and weights, days off unavailability, requests weighted shift requests, contract limits
the workers' working-time rules. Shift types all start at midnight (UTC, no daylight saving), so two
shifts on one day overlap: the product's no-overlap rule gives "one shift per day".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from benchmarks.curtois.instance import Instance
from models.problem import Problem
from models.solution import Solution

FIRST_DAY = dt.date(2024, 1, 1)  # a Monday, as day 0 of every instance

Roster = list[tuple[str, int, str]]  # (employee, day, shift type), one per worked day


@dataclass(frozen=True)
class Mapped:
    problem: Problem
    items: dict[str, tuple[int, str]]  # Bemanna shift id -> (day, shift type)


def item_id(day: int, shift: str) -> str:
    return f"{shift}:{day}"


def to_problem(inst: Instance) -> Mapped:
    def at(day: int, minutes: int = 0) -> str:
        t = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day), dt.time(), tzinfo=dt.UTC)
        return (t + dt.timedelta(minutes=minutes)).isoformat()

    staff = len(inst.staff)
    shifts: list[dict[str, Any]] = []
    items: dict[str, tuple[int, str]] = {}
    for day in range(inst.days):
        for sid, st in inst.shifts.items():
            cover = inst.cover.get((day, sid))
            items[item_id(day, sid)] = (day, sid)
            shifts.append(
                {
                    "id": item_id(day, sid),
                    "site_id": "ward",
                    "shift_type": sid,
                    "start": at(day),
                    "end": at(day, st.minutes),
                    "headcount": cover.requirement if cover else 0,
                    "max_headcount": max(1, staff),
                    "under_weight": cover.weight_under if cover else 0,
                    "over_weight": cover.weight_over if cover else 0,
                    "title": sid,
                }
            )
    workers = [
        {
            "id": e.id,
            "name": e.id,
            "kind": "health",
            "home_lat": 0.0,
            "home_lon": 0.0,
            "region_id": "ward",
            "max_travel_km": 0.0,
            "always_available": True,
            "max_hours_per_7_days": 168,
            "max_consecutive_days": max(1, min(366, e.max_consecutive)),
            "min_consecutive_days": max(1, e.min_consecutive),
            "min_consecutive_days_off": max(1, e.min_days_off),
            "max_weekends": e.max_weekends,
            "min_hours": e.min_minutes / 60,
            "max_hours": e.max_minutes / 60,
            "max_shifts_per_type": dict(e.max_shifts),
            "availability": [
                {"kind": "unavailable", "start": at(d), "end": at(d + 1)} for d in sorted(inst.days_off.get(e.id, ()))
            ],
        }
        for e in inst.staff.values()
    ]
    requests = [
        {"worker_id": r.staff, "item_id": item_id(r.day, r.shift), "kind": kind, "weight": r.weight}
        for kind, rs in (("on", inst.on_requests), ("off", inst.off_requests))
        for r in rs
        if r.weight > 0
    ]
    zero = dict.fromkeys(["unfilled_critical", "unfilled_normal", "unfilled_low", "preference", "fairness"], 0)
    problem = Problem.model_validate(
        {
            "name": f"Curtois & Qu {inst.name}",
            "timezone": "UTC",
            "regions": [{"id": "ward", "name": "Ward"}],
            "sites": [{"id": "ward", "name": "Ward", "lat": 0.0, "lon": 0.0, "region_id": "ward"}],
            "shift_types": [
                {"id": s.id, "name": s.id, "forbidden_next": list(s.forbidden_next)} for s in inst.shifts.values()
            ],
            "workers": workers,
            "shifts": shifts,
            "requests": requests,
            "settings": {
                "min_rest_hours": 0,
                "coverage_first": False,
                "law": {"profile": "custom"},  # the instance states every rule it has
                "weights": {**zero, "travel": 0, "cost": 0, "continuity": 0, "requests": 1},
            },
        }
    )
    return Mapped(problem, items)


def roster_of(mapped: Mapped, solution: Solution) -> Roster:
    """The benchmark's roster: (employee, day, shift) per assignment, sorted."""
    return sorted((a.worker_id, *mapped.items[a.item_id]) for a in solution.assignments)
