"""The CP-SAT model's decision variables and what every rule's model form shares.

``Vars`` holds the choices (a boolean per candidate pair, open places and over-cover per item) and the
"works on local day" literals the day rules read; ``Build`` is what a rule's model form gets. Rules
themselves live in ``solver.rules``, one module per family.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models.sundays import sunday_times
from solver.instance import Instance

DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES

Literal = cp_model.IntVar  # a boolean variable (negations via ``.Not()``)


@dataclass
class Vars:
    model: cp_model.CpModel
    x: list[cp_model.IntVar]  # one boolean per candidate pair
    unfilled: list[cp_model.IntVar]  # open places per item
    over: list[cp_model.IntVar | None]  # workers above headcount per item, where over-cover is possible
    works: list[dict[dt.date, Literal]] = field(default_factory=list)  # per worker: "works on local day"


@dataclass
class Build:
    """What a rule's model form reads: the instance, the variables, the organisation's rest in minutes,
    the horizon's local days, and whether runs of days are modelled as networks."""

    inst: Instance
    v: Vars
    rest_minutes: int
    days: list[dt.date]
    run_networks: bool = False


def new_vars(inst: Instance) -> Vars:
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x_w{p.w}_i{p.i}") for p in inst.pairs]
    unfilled = [m.new_int_var(0, it.headcount, f"open_i{i}") for i, it in enumerate(inst.items)]
    over: list[cp_model.IntVar | None] = []
    for i, it in enumerate(inst.items):
        extra = min(it.capacity, len(inst.by_item[i])) - it.headcount
        over.append(m.new_int_var(0, extra, f"over_i{i}") if extra > 0 else None)
    return Vars(m, x, unfilled, over)


def all_values(model: cp_model.CpModel, solver: cp_model.CpSolver) -> list[int]:
    """The solver's value of every model variable, auxiliaries included, by proto index."""
    values = list(solver.response_proto.solution)  # read whole: one Python call per variable cost a round's time
    if len(values) != len(model.proto.variables):
        raise ValueError("the solver has no complete solution of this model")
    return values


def hint_all(model: cp_model.CpModel, values: list[int]) -> None:
    """Hint a complete assignment (``all_values``), so the next search starts from that roster."""
    model.clear_hints()
    model.proto.solution_hint.vars.extend(range(len(values)))
    model.proto.solution_hint.values.extend(values)


def week_minutes(inst: Instance, moments: Iterable[dt.datetime]) -> list[tuple[int, int]]:
    """The weeks (``Law.week_of``, 00:00 local) holding these moments, in minutes from the origin."""
    return [(lo, hi) for _, lo, hi in week_stretches(inst, moments, 1)]


def week_stretches(inst: Instance, moments: Iterable[dt.datetime], weeks: int) -> list[tuple[dt.date, int, int]]:
    """The stretches of ``weeks`` weeks in a row (``Law.week_of``, 00:00 local) that hold a week of these
    moments: each one's first day, and its start and end in minutes from the origin."""
    tz, week_of = inst.problem.tz, inst.problem.settings.law.week_of
    starts = {week_of(t.astimezone(tz).date()) for t in moments}
    firsts = sorted({start - dt.timedelta(weeks=j) for start in starts for j in range(weeks)})
    out = []
    for d in firsts:
        lo, hi = (dt.datetime.combine(e, dt.time(), tzinfo=tz) for e in (d, d + dt.timedelta(weeks=weeks)))
        out.append((d, inst.minute(lo), inst.minute(hi)))
    return out


def sunday_minutes(inst: Instance, lo: int, hi: int, margin_days: int) -> list[tuple[int, int]]:
    """The stretches of Sunday and holiday time (``models.sundays``) of the local days from ``lo`` to
    ``hi`` (minutes from the origin) and ``margin_days`` either side, in minutes from the origin."""
    tz = inst.problem.tz
    first, last = ((inst.origin + dt.timedelta(minutes=t)).astimezone(tz).date() for t in (lo, hi))
    margin = dt.timedelta(days=margin_days)
    times = sunday_times(inst.problem.settings.law.holiday_country, tz, first - margin, last + margin)
    return [(inst.minute(t.start), inst.minute(t.end)) for t in times]


def exclusive(inst: Instance, pairs: list[int], rest_minutes: int) -> bool:
    """True when no two of the pairs' items fit in one roster (pairwise overlap, rest included).

    Intervals ``[start, end + rest)`` meet pairwise exactly when the latest start is before the earliest end.
    """
    spans = [inst.spans[inst.pairs[p].i] for p in pairs]
    return max(s for s, _ in spans) < min(e for _, e in spans) + rest_minutes


def day_after(day: dt.date, k: int) -> dt.date:
    return day + dt.timedelta(days=k)


def clause(v: Vars, positive: list[Literal | None], negative: list[Literal | None]) -> None:
    """Add ``or(positive) or or(not negative)``; ``None`` stands for a day known to be off (false)."""
    negated = [lit.Not() for lit in negative if lit is not None]
    if len(negated) < len(negative):
        return  # a known-off day makes "not works" true: the clause holds
    v.model.add_bool_or([*(lit for lit in positive if lit is not None), *negated])


def _needs_days(inst: Instance, w: int) -> bool:
    worker = inst.workers[w]
    return (
        worker.min_consecutive_days > 1
        or worker.min_consecutive_days_off > 1
        or worker.max_weekends is not None
        or len({inst.items[inst.pairs[p].i].local_day for p in inst.by_worker[w]} | inst.outside_days[w])
        > worker.max_consecutive_days
    )


def link_working_days(b: Build) -> None:
    """One literal per worker and local day: true exactly when the worker works that day.

    A day with one candidate item reuses its variable; with mutually exclusive items the literal is their
    sum (an equality, which keeps the LP relaxation tight); otherwise it is their logical or.
    """
    inst, v = b.inst, b.v
    v.works = [{} for _ in inst.workers]
    for w, pairs in enumerate(inst.by_worker):
        if not pairs or not _needs_days(inst, w):
            continue
        by_day: dict[dt.date, list[int]] = defaultdict(list)
        for p in pairs:
            by_day[inst.items[inst.pairs[p].i].local_day].append(p)
        for day, day_pairs in sorted(by_day.items()):
            if len(day_pairs) == 1:
                v.works[w][day] = v.x[day_pairs[0]]
                continue
            works = v.model.new_bool_var(f"works_w{w}_{day}")
            if exclusive(inst, day_pairs, b.rest_minutes):
                v.model.add(sum(v.x[p] for p in day_pairs) == works)
            else:
                for p in day_pairs:
                    v.model.add_implication(v.x[p], works)
                v.model.add_bool_or([works.Not(), *(v.x[p] for p in day_pairs)])
            v.works[w][day] = works
