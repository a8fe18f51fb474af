"""Rest the working-time law asks for (``models.law``): continuous rest of ``daily_rest_hours`` in the
24 h from the start of each item (``daily_rest``: AML § 10-8 (1), ATL § 13) and of ``weekly_rest_hours``
in each week, from 00:00 local on the law's ``week_starts`` (``weekly_rest``: AML § 10-8 (2), ATL § 14). A week
binds a worker who works in it. Kept work outside the plan (``Problem.outside_work``) takes up time;
beyond it, time outside the horizon counts as free.
"""

from __future__ import annotations

import datetime as dt

from models.law import limits
from solver.rules.family import Family
from solver.variables import DAY_MINUTES, Build, Literal, week_minutes
from solver.violations import Schedule, Violation, local


def model(b: Build) -> None:
    """A stretch of rest inside a period starts at the period's start or at the end of an item, so one
    literal per such start, each forbidding the items that would cut into it, and at least one of them
    true. A daily rest the organisation's rest between items already gives is not modelled again."""
    inst = b.inst
    tick = dt.timedelta(microseconds=1)
    weeks = week_minutes(inst, (t for it in inst.items for t in (it.start, it.end - tick)))  # those any item touches
    for w, pairs in enumerate(inst.by_worker):
        if not pairs:
            continue
        rules = limits(inst.problem.settings.law, inst.workers[w].working_time)
        spans = sorted((*inst.spans[inst.pairs[p].i], p) for p in pairs)
        if daily := rules.get("daily_rest_hours"):
            need = round(daily.value * 60)
            for s, e, p in spans:
                if b.rest_minutes < need or e - s > DAY_MINUTES - need:
                    _require_rest(b, spans, inst.outside[w], s, s + DAY_MINUTES, need, b.v.x[p])
        if weekly := rules.get("weekly_rest_hours"):
            need = round(weekly.value * 60)
            for lo, hi in weeks:
                _require_rest(b, spans, inst.outside[w], lo, hi, need, None)


def _require_rest(
    b: Build,
    spans: list[tuple[int, int, int]],
    fixed: list[tuple[int, int]],
    lo: int,
    hi: int,
    need: int,
    enforce: Literal | None,
) -> None:
    """``need`` free minutes in a row inside ``[lo, hi)`` (when ``enforce`` holds, if given); ``fixed``:
    kept work outside the plan, which no stretch of rest may cut."""
    inside = [(s, e, p) for s, e, p in spans if s < hi and e > lo]
    if not inside:
        return
    held = [(s, e) for s, e in fixed if s < hi and e > lo]
    options: list[frozenset[int]] = []
    for a in sorted({lo} | {e for _, e, _ in inside} | {e for _, e in held if e > lo}):
        if a + need > hi or any(s < a + need and e > a for s, e in held):
            continue
        cut = frozenset(p for s, e, p in inside if s < a + need and e > a)
        if not cut:
            return  # this stretch is free whatever is chosen
        options.append(cut)
    minimal = [o for o in set(options) if not any(q < o for q in options)]
    m, x = b.v.model, b.v.x
    if not minimal:  # no stretch fits the period: no work in it
        for _, _, p in inside:
            m.add_implication(enforce, x[p].Not()) if enforce is not None else m.add(x[p] == 0)
        return
    chosen: list[Literal] = []
    for cut in sorted(minimal, key=sorted):
        rest = m.new_bool_var(f"rest_{lo}_{len(chosen)}")
        m.add_bool_and([x[p].Not() for p in sorted(cut)]).only_enforce_if(rest)
        chosen.append(rest)
    m.add_bool_or([*chosen, enforce.Not()] if enforce is not None else chosen)


def _longest_free(s: Schedule, lo: dt.datetime, hi: dt.datetime) -> dt.timedelta:
    """The longest time in ``[lo, hi)`` the worker has no work, planned or kept outside the plan."""
    best, free_from = dt.timedelta(), lo
    for start, end in sorted([(it.start, it.end) for it in s.items] + [(o.start, o.end) for o in s.outside]):
        if end <= lo or start >= hi:
            continue
        best = max(best, start - free_from)
        free_from = max(free_from, end)
    return max(best, hi - free_from)


def check(s: Schedule) -> list[Violation]:
    worker, tz = s.worker, s.problem.tz
    rules = limits(s.problem.settings.law, worker.working_time)
    out: list[Violation] = []
    if daily := rules.get("daily_rest_hours"):
        for it in s.items:
            free = _longest_free(s, it.start, it.start + dt.timedelta(hours=24))
            if free < dt.timedelta(hours=daily.value):
                text = (
                    f"{worker.id}: at most {free.total_seconds() / 3600:g} h of continuous rest in the 24 h from"
                    f" the start of {it.id} ({local(it.start, tz)}); {daily.value:g} h required ({daily.source})"
                )
                out.append(Violation("daily_rest", text, worker.id, it.id))
    if (weekly := rules.get("weekly_rest_hours")) and s.items:
        touched = {t.astimezone(tz).date() for it in s.items for t in (it.start, it.end - dt.timedelta.resolution)}
        for first in sorted({s.problem.settings.law.week_of(d) for d in touched}):
            lo = dt.datetime.combine(first, dt.time(), tzinfo=tz).astimezone(dt.UTC)
            hi = dt.datetime.combine(first + dt.timedelta(days=7), dt.time(), tzinfo=tz).astimezone(dt.UTC)
            free = _longest_free(s, lo, hi)
            if free < dt.timedelta(hours=weekly.value):
                text = (
                    f"{worker.id}: at most {free.total_seconds() / 3600:g} h of continuous rest in the week from"
                    f" {first:%A} {first}; {weekly.value:g} h required ({weekly.source})"
                )
                out.append(Violation("weekly_rest", text, worker.id))
    return out


FAMILY = Family(model=model, check_schedule=check)
