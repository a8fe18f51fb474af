"""Night work. ``night_average`` (AML § 10-11 (6), ATL § 13 a): a night worker works on average at
most ``night_average_hours`` per 24 h over ``night_reference_weeks`` weeks (from 00:00 local on the
law's ``week_starts``), the profile's weekly rest left out of the days averaged over (AML: the 35 h of
§ 10-8 (2); ATL: 24 h per seven days). A worker is a night worker in the weeks that hold an item of hers with the
profile's 3 hours of night time (``models.night``), planned or kept outside the plan. A stretch of
weeks binds when it holds planned work.

``strenuous_night`` (AML § 10-11 (7), ATL § 13 a second paragraph): where night work carries special
risks or heavy strain, at most ``night_max_hours_per_24h`` in any 24 h that overlaps a night item.
Such 24 h peak where they start or end at an item's start or end, so those windows are tried, from
24 h before each night item's start to its end.
"""

from __future__ import annotations

import bisect
import datetime as dt

from ortools.sat.python import cp_model

from models.law import Law, Limit, limits
from solver.rules.family import Family
from solver.variables import DAY_MINUTES as DAY
from solver.variables import Build, Literal, week_stretches
from solver.violations import Schedule, Violation, local


def allowed_minutes(law: Law, rules: dict[str, Limit]) -> tuple[int, int] | None:
    """The stretch's length in weeks and the minutes of work it allows, if the rule binds."""
    average = rules.get("night_average_hours")
    if average is None:
        return None
    weeks = int(rules["night_reference_weeks"].value) if "night_reference_weeks" in rules else 4
    return weeks, round(average.value * 60 * weeks * (168 - law.night.deducted_hours_per_week) / 24)


def model(b: Build) -> None:
    """For each stretch of weeks a candidate touches: its worked minutes within the allowance, enforced
    when a night item is taken in it (or one is kept outside the plan, and planned work is taken). A
    stretch whose weeks with candidates the contract's hours per 7 days already keep within it (each
    week is a 7-day window) needs nothing more."""
    inst, m, x = b.inst, b.v.model, b.v.x
    law, tz = inst.problem.settings.law, inst.problem.tz
    for w, pairs in enumerate(inst.by_worker):
        worker = inst.workers[w]
        bound = allowed_minutes(law, limits(law, worker.working_time))
        if not pairs or bound is None:
            continue
        weeks, allowed = bound
        fixed, per_week = inst.outside[w], round(worker.max_hours_per_7_days * 60)
        spans = sorted((*inst.spans[inst.pairs[p].i], p) for p in pairs)
        starts, longest = [s for s, _, _ in spans], max(e - s for s, e, _ in spans)
        at = [t for p in pairs for t in (inst.items[inst.pairs[p].i].start, inst.items[inst.pairs[p].i].end)]
        touched = {law.week_of(t.astimezone(tz).date()) for t in at}
        for first, lo, hi in week_stretches(inst, at, weeks):
            if not fixed and per_week * sum(first <= d < first + dt.timedelta(weeks=weeks) for d in touched) <= allowed:
                continue  # the contract's hours per 7 days keep each of its weeks, so the stretch, within it
            near = spans[bisect.bisect_left(starts, lo - longest) : bisect.bisect_left(starts, hi)]
            inside = [(p, min(e, hi) - max(s, lo)) for s, e, p in near if min(e, hi) > max(s, lo)]
            held = [(min(e, hi) - max(s, lo), n) for (s, e), n in zip(fixed, inst.outside_night[w], strict=True)]
            held_minutes = sum(minutes for minutes, _ in held if minutes > 0)
            held_night = any(n for minutes, n in held if minutes > 0)
            nights = [p for p, _ in inside if inst.night_items[inst.pairs[p].i]]
            if not inside or not (nights or held_night):
                continue
            if sum(minutes for _, minutes in inside) + held_minutes <= allowed:
                continue
            enforce = [_any(m, [x[p] for p in nights], f"night_{w}_{lo}")] if not held_night else []
            if held_night:  # a night worker already: binds once planned work is taken in the stretch
                enforce.append(_any(m, [x[p] for p, _ in inside], f"night_work_{w}_{lo}"))
            total = cp_model.LinearExpr.weighted_sum([x[p] for p, _ in inside], [minutes for _, minutes in inside])
            m.add(total <= allowed - held_minutes).only_enforce_if(enforce)


def model_strenuous(b: Build) -> None:
    """Each window of 24 h tried for a night item: within the limit when the item is taken (a planned
    one) or when planned work is taken in it (one kept outside the plan)."""
    inst, m, x = b.inst, b.v.model, b.v.x
    law = inst.problem.settings.law
    for w, pairs in enumerate(inst.by_worker):
        rule = limits(law, inst.workers[w].working_time).get("night_max_hours_per_24h")
        if not pairs or rule is None:
            continue
        limit = round(rule.value * 60)
        planned = [(*inst.spans[inst.pairs[p].i], p) for p in pairs]
        fixed = inst.outside[w]
        triggers = [(s, e, x[p]) for s, e, p in planned if inst.night_items[inst.pairs[p].i]] + [
            (s, e, None) for (s, e), night in zip(fixed, inst.outside_night[w], strict=True) if night
        ]
        edges = sorted(
            {t for s, e, _ in planned for t in (s, e, s - DAY, e - DAY)}
            | {t for s, e in fixed for t in (s, e, s - DAY, e - DAY)}
        )
        planned.sort()
        starts, longest = [s for s, _, _ in planned], max(e - s for s, e, _ in planned)
        seen: set[tuple[int, int | None]] = set()
        for ts, te, lit in triggers:
            for a in edges[bisect.bisect_left(edges, ts - DAY) : bisect.bisect_right(edges, te)]:
                key = (a, None if lit is None else lit.index)
                if key in seen:
                    continue
                seen.add(key)
                near = planned[bisect.bisect_left(starts, a - longest) : bisect.bisect_left(starts, a + DAY)]
                inside = [(p, min(e, a + DAY) - max(s, a)) for s, e, p in near if e > a]
                held = sum(max(0, min(e, a + DAY) - max(s, a)) for s, e in fixed)
                if sum(minutes for _, minutes in inside) + held <= limit:
                    continue
                if lit is None and held > limit:  # over already: no planned work in this window
                    for p, _ in inside:
                        m.add(x[p] == 0)
                    continue
                total = cp_model.LinearExpr.weighted_sum([x[p] for p, _ in inside], [mi for _, mi in inside])
                constraint = m.add(total <= limit - held)
                if lit is not None:
                    constraint.only_enforce_if(lit)


def _any(m: cp_model.CpModel, lits: list[Literal], name: str) -> Literal:
    """A literal each of ``lits`` implies (the literal itself when there is one)."""
    if len(lits) == 1:
        return lits[0]
    on = m.new_bool_var(name)
    for lit in lits:
        m.add_implication(lit, on)
    return on


def check(s: Schedule) -> list[Violation]:
    worker, law, tz = s.worker, s.problem.settings.law, s.problem.tz
    rules = limits(law, worker.working_time)
    average = rules.get("night_average_hours")
    if average is None or not s.items:
        return []
    weeks = int(rules["night_reference_weeks"].value) if "night_reference_weeks" in rules else 4
    days_counted = weeks * (7 - law.night.deducted_hours_per_week / 24)
    allowed = dt.timedelta(minutes=round(average.value * 60 * days_counted))
    timed = [(it.start, it.end, True) for it in s.items] + [(o.start, o.end, False) for o in s.outside]
    touched = {it.start.astimezone(tz).date() for it in s.items} | {it.end.astimezone(tz).date() for it in s.items}
    firsts = {law.week_of(d) - dt.timedelta(weeks=j) for d in touched for j in range(weeks)}
    for first in sorted(firsts):
        lo = dt.datetime.combine(first, dt.time(), tzinfo=tz)
        hi = dt.datetime.combine(first + dt.timedelta(weeks=weeks), dt.time(), tzinfo=tz)
        inside = [(start, end, planned) for start, end, planned in timed if start < hi and end > lo]
        if not any(planned for *_, planned in inside):
            continue
        if not any(law.night.is_night_work(start, end, tz) for start, end, _ in inside):
            continue
        worked = sum((min(end, hi) - max(start, lo) for start, end, _ in inside), dt.timedelta())
        if worked > allowed:
            hours = allowed.total_seconds() / 3600
            text = (
                f"{worker.id}: works at night and {worked.total_seconds() / 3600:g} h in the {weeks} weeks from"
                f" {first:%A} {first}; a night worker may work {hours:.4g} h in them, {average.value:g} h per 24 h"
                f" on average ({average.source})"
            )
            return [Violation("night_average", text, worker.id)]  # the first stretch over is enough to say
    return []


def check_strenuous(s: Schedule) -> list[Violation]:
    worker, law, tz = s.worker, s.problem.settings.law, s.problem.tz
    rule = limits(law, worker.working_time).get("night_max_hours_per_24h")
    if rule is None or not s.items:
        return []
    day, limit = dt.timedelta(hours=24), dt.timedelta(hours=rule.value)
    timed = [(it.start, it.end, True) for it in s.items] + [(o.start, o.end, False) for o in s.outside]
    tried = sorted({t for start, end, _ in timed for t in (start, end, start - day, end - day)})
    for night_start, night_end, own in timed:
        if not law.night.is_night_work(night_start, night_end, tz):
            continue
        for lo in (t for t in tried if night_start - day <= t <= night_end):
            hi = lo + day
            inside = [(start, end, planned) for start, end, planned in timed if start < hi and end > lo]
            if not own and not any(planned for *_, planned in inside):
                continue
            worked = sum((min(end, hi) - max(start, lo) for start, end, _ in inside), dt.timedelta())
            if worked > limit:
                text = (
                    f"{worker.id}: {worked.total_seconds() / 3600:g} h in the 24 h from {local(lo, tz)}, with night"
                    f" work in them; limit {rule.value:g} h for strenuous night work ({rule.source})"
                )
                return [Violation("strenuous_night", text, worker.id)]
    return []


def model_all(b: Build) -> None:
    model(b)
    model_strenuous(b)


def check_all(s: Schedule) -> list[Violation]:
    return check(s) + check_strenuous(s)


FAMILY = Family(model=model_all, check_schedule=check_all)
