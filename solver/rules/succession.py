"""Shift order (``forbidden_succession``): no shift of a type in ``ShiftType.forbidden_next`` on the
local day after a shift of the given type."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from solver.rules.family import Family
from solver.variables import Build, day_after, exclusive
from solver.violations import Schedule, Violation


def model(b: Build) -> None:
    """Mutually exclusive groups give one at-most-one constraint each, else one per pair of shifts."""
    inst, v = b.inst, b.v
    forbidden = {t.id: set(t.forbidden_next) for t in inst.problem.shift_types if t.forbidden_next}
    if not forbidden:
        return
    for pairs in inst.by_worker:
        by_day_type: dict[tuple[dt.date, str], list[int]] = defaultdict(list)
        for p in pairs:
            item = inst.items[inst.pairs[p].i]
            if item.shift_type is not None:
                by_day_type[(item.local_day, item.shift_type)].append(p)
        for (day, typ), first in sorted(by_day_type.items()):
            nxt = [p for t in sorted(forbidden.get(typ, ())) for p in by_day_type.get((day_after(day, 1), t), [])]
            if not nxt:
                continue
            if exclusive(inst, first, b.rest_minutes) and exclusive(inst, nxt, b.rest_minutes):
                v.model.add_at_most_one(v.x[p] for p in [*first, *nxt])
            else:
                for a in first:
                    for z in nxt:
                        v.model.add_at_most_one([v.x[a], v.x[z]])


def check(s: Schedule) -> list[Violation]:
    out: list[Violation] = []
    forbidden = {t.id: set(t.forbidden_next) for t in s.problem.shift_types}
    by_day: dict[dt.date, list] = defaultdict(list)
    for it in s.items:
        by_day[it.local_day].append(it)
    for day, today in sorted(by_day.items()):
        for a in today:
            for b in by_day.get(day + dt.timedelta(days=1), []):
                if a.shift_type and b.shift_type in forbidden.get(a.shift_type, set()):
                    text = f"{s.worker.id}: {b.shift_type} shift {b.id} on the day after {a.shift_type} shift {a.id}"
                    out.append(Violation("forbidden_succession", text, s.worker.id, b.id))
    return out


FAMILY = Family(model=model, check_schedule=check)
