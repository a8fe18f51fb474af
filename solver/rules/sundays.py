"""Sunday and public-holiday rest (``sunday_rest``: AML § 10-8 (4)): of every ``sunday_off_every``
Sundays and public holidays in a row, at least one free; 2, the act's number, frees the next one after
each one worked. What counts as Sunday and holiday time is AML § 10-10 (1)'s (``models.sundays``):
from 18:00 the day before (15:00 on the eves of Christmas, Easter and Whitsun) to 22:00. Kept work
outside the plan counts as worked; Sundays beyond what is known count as free.
"""

from __future__ import annotations

import bisect
import datetime as dt

from models.law import limits
from models.sundays import sunday_times
from solver.rules.family import Family
from solver.variables import Build, Literal, sunday_minutes
from solver.violations import Schedule, Violation


def model(b: Build) -> None:
    """One literal per Sunday a worker might work (an item's own choice where only one item can touch it,
    else implied by each of theirs), for the Sundays of the blocks of ``n`` in a row that could all be
    worked; in each such block, one of them false. Sundays worked
    outside the plan are true already; where all ``n`` are, no planned work may join them."""
    inst, m, x = b.inst, b.v.model, b.v.x
    for w, pairs in enumerate(inst.by_worker):
        rule = limits(inst.problem.settings.law, inst.workers[w].working_time).get("sunday_off_every")
        if not pairs or rule is None:
            continue
        every = int(rule.value)
        spans = [(*inst.spans[inst.pairs[p].i], p) for p in pairs]
        times = sunday_minutes(inst, min(s for s, _, _ in spans), max(e for _, e, _ in spans), 7 * every)
        held = [any(s < hi and e > lo for s, e in inst.outside[w]) for lo, hi in times]  # kept work outside
        spans.sort()
        starts, longest = [s for s, _, _ in spans], max(e - s for s, e, _ in spans)
        touching = [
            [
                p
                for s, e, p in spans[bisect.bisect_left(starts, lo - longest) : bisect.bisect_left(starts, hi)]
                if e > lo
            ]
            for lo, hi in times
        ]
        binding = [  # blocks of ``every`` Sundays in a row that could all be worked
            range(k, k + every)
            for k in range(len(times) - every + 1)
            if all(held[j] or touching[j] for j in range(k, k + every))
        ]
        worked: dict[int, Literal] = {}  # a Sunday's literal, where planned work may fall on it
        for k in sorted({j for block in binding for j in block if not held[j]}):
            near = touching[k]
            if len(near) == 1:
                worked[k] = x[near[0]]
            else:
                worked[k] = m.new_bool_var(f"sunday_{w}_{k}")
                for p in near:
                    m.add_implication(x[p], worked[k])
        for block in binding:
            free = [worked[j].Not() for j in block if j in worked]
            if free:
                m.add_bool_or(free)
            else:  # every one worked outside the plan: no planned work on any of them
                for p in {p for j in block for p in touching[j]}:
                    m.add(x[p] == 0)


def check(s: Schedule) -> list[Violation]:
    worker, tz = s.worker, s.problem.tz
    law = s.problem.settings.law
    rule = limits(law, worker.working_time).get("sunday_off_every")
    if rule is None or not s.items:
        return []
    every = int(rule.value)
    spans = [(it.start, it.end, True) for it in s.items] + [(o.start, o.end, False) for o in s.outside]
    margin = dt.timedelta(days=7 * every)
    first = min(it.start for it in s.items).astimezone(tz).date() - margin
    last = max(it.end for it in s.items).astimezone(tz).date() + margin
    times = sunday_times(law.holiday_country, tz, first, last)
    worked = [[planned for start, end, planned in spans if start < t.end and end > t.start] for t in times]
    out: list[Violation] = []
    k = 0
    while k < len(times):  # each run of Sundays worked in a row, as long as it goes
        j = k
        while j < len(times) and worked[j]:
            j += 1
        if j - k >= every and any(any(w) for w in worked[k:j]):
            names = ", ".join(t.label for t in times[k:j])
            text = (
                f"{worker.id}: works {j - k} Sundays or public holidays in a row ({names}); at least one in"
                f" every {every} must be free ({rule.source})"
            )
            out.append(Violation("sunday_rest", text, worker.id))
        k = max(j, k + 1)
    return out


FAMILY = Family(model=model, check_schedule=check)
