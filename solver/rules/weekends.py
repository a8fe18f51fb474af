"""Weekends (``weekends``): at most ``Worker.max_weekends`` worked, a weekend counting when its Saturday
or Sunday (local days) is worked."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from solver.rules.family import Family
from solver.variables import Build, Literal, day_after
from solver.violations import Schedule, Violation


def model(b: Build) -> None:
    inst, v = b.inst, b.v
    weekends: dict[dt.date, list[dt.date]] = defaultdict(list)  # keyed by the weekend's Saturday
    for d in b.days:
        if d.weekday() >= 5:
            weekends[day_after(d, 5 - d.weekday())].append(d)
    for w, days in enumerate(v.works):
        limit = inst.workers[w].max_weekends
        if limit is None:
            continue
        worked: list[Literal] = []
        for sat, wdays in sorted(weekends.items()):
            lits = [days[d] for d in wdays if d in days]
            if len(lits) == 1:
                worked.append(lits[0])
            elif lits:
                we = v.model.new_bool_var(f"weekend_w{w}_{sat}")
                for lit in lits:
                    v.model.add_implication(lit, we)
                v.model.add_bool_or([we.Not(), *lits])
                worked.append(we)
        if len(worked) > limit:
            v.model.add(sum(worked) <= limit)


def check(s: Schedule) -> list[Violation]:
    worker = s.worker
    if worker.max_weekends is None:
        return []
    worked = {it.local_day for it in s.items}
    weekends = {d - dt.timedelta(days=d.weekday() - 5) for d in worked if d.weekday() >= 5}
    if len(weekends) <= worker.max_weekends:
        return []
    return [
        Violation("weekends", f"{worker.id}: works {len(weekends)} weekends; limit {worker.max_weekends}", worker.id)
    ]


FAMILY = Family(model=model, check_schedule=check, reads_days=True)
