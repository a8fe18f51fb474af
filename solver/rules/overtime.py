"""Overtime (AML § 10-6 (4), ATL § 8): at most ``overtime_per_7_days`` in a week
(``overtime_week``), ``overtime_per_4_weeks`` in any four weeks in a row
(``overtime_4_weeks``) and ``overtime_per_year`` in a year (``overtime_year``: any 52 weeks in a row,
or the calendar year under ATL). What overtime is, and which weeks count from where, is
``models.overtime``'s: hours beyond the ordinary hours per day or per week, each item on the day it
starts. A stretch of weeks binds when it holds planned work that is taken.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models.law import Law, Limit, limits
from models.overtime import CAPS, WEEK, YEAR, Ordinary, stretches, week_days, weekly_overtime, weeks_between
from models.problem import Worker
from solver.instance import Instance
from solver.rules.family import Family
from solver.variables import Build, Literal, exclusive
from solver.violations import Schedule, Violation


def caps(law: Law, worker: Worker) -> tuple[Ordinary, dict[str, Limit]] | None:
    """A worker's ordinary hours and the overtime caps that bind her, if any do."""
    rules = limits(law, worker.working_time)
    ordinary = Ordinary.of(rules)
    bound = {name: rules[name] for name in CAPS if name in rules}
    return (ordinary, bound) if ordinary is not None and bound else None


@dataclass
class Known:
    """What one worker's overtime stands on before the plan: minutes kept outside the plan on each day,
    and the overtime of the weeks that are not reckoned from items (``models.overtime``)."""

    fixed: dict[dt.date, int] = field(default_factory=lambda: defaultdict(int))
    weeks: dict[dt.date, int] = field(default_factory=dict)


def known(inst: Instance, w: int, ordinary: Ordinary, held: set[dt.date]) -> Known:
    tz, out = inst.problem.tz, Known()
    for s, e in inst.outside[w]:
        out.fixed[(inst.origin + dt.timedelta(minutes=s)).astimezone(tz).date()] += e - s
    earlier = inst.workers[w].earlier_overtime_hours
    out.weeks = {week: round(h * 60) for week, h in earlier.items() if week not in held}
    for week, minutes in weekly_overtime(ordinary, out.fixed.items(), inst.problem.settings.law.week_of).items():
        if week in held or week not in earlier:
            out.weeks[week] = minutes
    return out


def held_weeks(law: Law, days: list[dt.date]) -> set[dt.date]:
    """The weeks that hold the horizon's days: reckoned from items, never from history."""
    return set(weeks_between(law.week_of(days[0]), law.week_of(days[-1]) + WEEK)) if days else set()


@dataclass
class _Week:
    overtime: cp_model.LinearExprT
    lower: int  # with none of its planned work taken
    upper: int
    lits: list[Literal]


def model(b: Build) -> None:
    """Per week with candidates, its overtime as a variable above each part (the days' hours
    beyond the ordinary day, the week's beyond the ordinary week); each stretch the caps name holds
    the sum, or keeps every candidate in it out where work already kept puts it over."""
    inst, m = b.inst, b.v.model
    law = inst.problem.settings.law
    held = held_weeks(law, b.days)
    for w, pairs in enumerate(inst.by_worker):
        bound = caps(law, inst.workers[w])
        if not pairs or bound is None:
            continue
        ordinary, rules = bound
        base = known(inst, w, ordinary, held)
        planned: dict[dt.date, list[int]] = defaultdict(list)
        for p in pairs:
            planned[inst.items[inst.pairs[p].i].local_day].append(p)
        weeks = {
            week: _week(b, ordinary, week, planned, base.fixed, f"ot_{w}_{week}")
            for week in sorted({law.week_of(d) for d in planned})
        }
        _caps(m, law, rules, weeks, base)


def _caps(m: cp_model.CpModel, law: Law, rules: dict[str, Limit], weeks: dict[dt.date, _Week], base: Known) -> None:
    """Each stretch of weeks a cap names, shortest caps first: a stretch that cannot go over, given
    the weeks' most and the shorter caps already posted, needs nothing."""
    per_4_weeks: int | None = None

    def most(inside: list[dt.date]) -> int:
        """The most overtime these weeks with candidates can hold under the caps posted so far."""
        top = sum(weeks[wk].upper for wk in inside)
        if per_4_weeks is None or not inside:
            return top
        blocks = -(-((inside[-1] - inside[0]).days // 7 + 1) // 4)
        return min(top, blocks * per_4_weeks + sum(weeks[wk].lower for wk in inside))

    for name in CAPS:
        if name not in rules:
            continue
        cap = round(rules[name].value * 60)
        if sum(base.weeks.values()) + most(sorted(weeks)) <= cap:  # every week at once, some twice
            continue
        named = {lo: hi for week in weeks for lo, hi in stretches(name, week, law.overtime_calendar_year)}
        for lo, hi in sorted(named.items()):
            inside = [wk for wk in weeks_between(lo, hi) if wk in weeks]
            held_minutes = sum(base.weeks.get(wk, 0) for wk in weeks_between(lo, hi) if wk not in weeks)
            if held_minutes + most(inside) <= cap:
                continue
            if held_minutes + sum(weeks[wk].lower for wk in inside) > cap:  # over already: nothing planned in it
                for wk in inside:
                    for lit in weeks[wk].lits:
                        m.add(lit == 0)
                continue
            m.add(sum(weeks[wk].overtime for wk in inside) <= cap - held_minutes)
        if name == "overtime_per_7_days":
            for k in weeks.values():
                k.upper = max(k.lower, min(k.upper, cap))
        elif name == "overtime_per_4_weeks":
            per_4_weeks = cap


def _week(
    b: Build, ordinary: Ordinary, week: dt.date, planned: dict[dt.date, list[int]], fixed: dict[dt.date, int], name: str
) -> _Week:
    """One week's overtime. A day whose candidates exclude each other (overlap or rest between) adds its
    excess as a sum over them, at most one taken; another day gets a variable above its excess. The
    week's part (hours beyond the ordinary week) needs a variable above both, where it can arise."""
    inst, m, x = b.inst, b.v.model, b.v.x
    days = week_days(week)
    mine = [p for d in days for p in planned.get(d, [])]
    lits = [x[p] for p in mine]
    lower = ordinary.overtime(fixed.get(d, 0) for d in days)
    top = [fixed.get(d, 0) + sum(inst.minutes[inst.pairs[p].i] for p in planned.get(d, [])) for d in days]
    upper = ordinary.overtime(top)
    if upper == lower:
        return _Week(lower, lower, upper, lits)
    daily: list[tuple[Literal | cp_model.IntVar, int]] = []
    daily_fixed = 0
    if ordinary.day is not None:
        for d, most in zip(days, top, strict=True):
            here, held = planned.get(d, []), fixed.get(d, 0)
            already = max(0, held - ordinary.day)
            daily_fixed += already
            if most <= ordinary.day or not here:
                continue
            if exclusive(inst, here, b.rest_minutes):  # one at most: its own excess, beyond what is held
                for p in here:
                    more = max(0, inst.minutes[inst.pairs[p].i] + held - ordinary.day) - already
                    if more:
                        daily.append((x[p], more))
                continue
            excess = m.new_int_var(already, most - ordinary.day, f"{name}_{d}")
            worked = cp_model.LinearExpr.weighted_sum(
                [x[p] for p in here], [inst.minutes[inst.pairs[p].i] for p in here]
            )
            m.add(excess >= worked + held - ordinary.day)
            daily.append((excess, 1))
            daily_fixed -= already
    days_part = cp_model.LinearExpr.weighted_sum([v for v, _ in daily], [c for _, c in daily]) + daily_fixed
    if ordinary.week is None or sum(top) <= ordinary.week:
        return _Week(days_part, lower, upper, lits)
    over = m.new_int_var(lower, upper, name)
    worked = cp_model.LinearExpr.weighted_sum(lits, [inst.minutes[inst.pairs[p].i] for p in mine])
    m.add(over >= worked + sum(fixed.get(d, 0) for d in days) - ordinary.week)
    if daily:
        m.add(over >= days_part)
    return _Week(over, lower, upper, lits)


def check(s: Schedule) -> list[Violation]:
    worker, law, tz = s.worker, s.problem.settings.law, s.problem.tz
    rules = limits(law, worker.working_time)
    ordinary = Ordinary.of(rules)
    if ordinary is None or not s.items or not s.days:
        return []
    first, last = law.week_of(s.days[0]), s.days[-1]
    planned = [(it.local_day, it.minutes) for it in s.items]
    kept = [(o.start.astimezone(tz).date(), (o.end - o.start) // dt.timedelta(minutes=1)) for o in s.outside]
    reckoned = weekly_overtime(ordinary, planned + kept, law.week_of)
    kept_only = weekly_overtime(ordinary, kept, law.week_of)

    def overtime(week: dt.date) -> int:
        in_horizon = first <= week <= last
        if not in_horizon and week in worker.earlier_overtime_hours:
            return round(worker.earlier_overtime_hours[week] * 60)
        return reckoned.get(week, 0) if in_horizon else kept_only.get(week, 0)

    taken = sorted({law.week_of(d) for d, _ in planned})
    most = sum(reckoned.values()) + sum(kept_only.values()) + sum(worker.earlier_overtime_hours.values()) * 60

    def first_over(name: str) -> str | None:
        """The words for the earliest stretch of weeks the cap ``name`` names that holds planned work and
        more overtime than the cap, if there is one."""
        limit = rules.get(name)
        if limit is None or most <= round(limit.value * 60):
            return None
        named = {lo: hi for week in taken for lo, hi in stretches(name, week, law.overtime_calendar_year)}
        for lo, hi in sorted(named.items()):
            minutes = sum(overtime(wk) for wk in weeks_between(lo, hi))
            if minutes > round(limit.value * 60):
                return _words(worker, ordinary, minutes, lo, hi, limit, law)
        return None

    out = []
    if said := first_over("overtime_per_7_days"):
        out.append(Violation("overtime_week", said, worker.id))
    if said := first_over("overtime_per_4_weeks"):
        out.append(Violation("overtime_4_weeks", said, worker.id))
    if said := first_over(YEAR):
        out.append(Violation("overtime_year", said, worker.id))
    return out


def _words(worker: Worker, ordinary: Ordinary, minutes: int, lo: dt.date, hi: dt.date, limit: Limit, law: Law) -> str:
    weeks = (hi - lo).days // 7
    when = (
        f"in the week from {lo:%A} {lo}"
        if weeks == 1
        else f"in {(lo + dt.timedelta(days=3)).year}"
        if weeks > 4 and law.overtime_calendar_year
        else f"in the {weeks} weeks from {lo:%A} {lo}"
    )
    ordinary_words = " and ".join(
        words
        for words in (
            None if ordinary.day is None else f"{ordinary.day / 60:g} h a day",
            None if ordinary.week is None else f"{ordinary.week / 60:g} h a week",
        )
        if words
    )
    return (
        f"{worker.id}: {minutes / 60:g} h of overtime (beyond {ordinary_words}) {when};"
        f" limit {limit.value:g} h ({limit.source})"
    )


FAMILY = Family(model=model, check_schedule=check)
