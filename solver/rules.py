"""Hard rules of the CP-SAT model, one function per rule family (after OR-Tools' shift_scheduling_sat).

Qualification, availability, travel radius and declined offers are enforced before modelling: a pair
that breaks them never gets a variable (``solver.instance.build_instance``). Every rule here has a
twin in ``solver.validator`` written without the model, so a modelling slip cannot hide.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Set
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from models.work_items import horizon
from solver.instance import Instance
from solver.runs import add_run_networks

WEEK_MINUTES = 7 * 24 * 60
WINDOW_BLOCK = 64  # rolling 7-day windows computed together


Literal = cp_model.IntVar  # a boolean variable (negations via ``.Not()``)


@dataclass
class Vars:
    model: cp_model.CpModel
    x: list[cp_model.IntVar]  # one boolean per candidate pair
    unfilled: list[cp_model.IntVar]  # open places per item
    over: list[cp_model.IntVar | None]  # workers above headcount per item, where over-cover is possible
    works: list[dict[dt.date, Literal]] = field(default_factory=list)  # per worker: "works on local day"


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


def rule_headcount(inst: Instance, v: Vars) -> None:
    """Headcount: each item gets at most its capacity (``max_headcount``, else its headcount); the shortfall
    below headcount is its open places, the workers above it its over-cover."""
    for i, item in enumerate(inst.items):
        filled = cp_model.LinearExpr.sum([v.x[p] for p in inst.by_item[i]])
        over = v.over[i]
        if over is None:
            v.model.add(filled + v.unfilled[i] == item.headcount)
        else:
            v.model.add(filled + v.unfilled[i] - over == item.headcount)


def rule_kept_assignments(inst: Instance, v: Vars) -> None:
    """Pinned and accepted assignments are kept as they are."""
    for p in inst.kept:
        v.model.add(v.x[p] == 1)


def rule_rest_and_no_overlap(inst: Instance, v: Vars, rest_minutes: int) -> None:
    """No overlap, and at least ``rest_minutes`` between the end of one item and the start of the next.

    Two items conflict when ``[start, end + rest)`` of one meets the other's: an interval graph, so the
    maximal cliques found by a sweep over start times give strong at-most-one constraints. The sweep
    keeps only the items still open, so a year of candidates costs no more per item than a week.
    """
    for pairs in inst.by_worker:
        if len(pairs) < 2:
            continue
        spans = sorted((*inst.spans[inst.pairs[p].i], p) for p in pairs)
        cliques: list[list[int]] = []
        active: list[tuple[int, int]] = []  # (end + rest, pair) of the items still open at the sweep's start
        for start, end, p in spans:
            active = [(reach, q) for reach, q in active if start < reach]
            active.append((end + rest_minutes, p))
            clique = [q for _, q in active]
            if cliques and set(cliques[-1]) <= set(clique):
                cliques[-1] = clique
            else:
                cliques.append(clique)
        for clique in cliques:
            if len(clique) > 1:
                v.model.add_at_most_one(v.x[p] for p in clique)


def rule_max_hours_per_7_days(inst: Instance, v: Vars) -> None:
    """Max hours in any rolling 7 days (``Worker.max_hours_per_7_days``), counting the minutes inside the window.

    The worked minutes inside a sliding window peak when the window starts at an item's start or ends
    at an item's end, so only those windows are needed; windows that cannot exceed the limit are skipped.
    Windows are taken in blocks, each one array operation over the candidates it can meet (window x
    candidate overlaps): linear in the candidates, for a week as for a year.
    """
    for w, pairs in enumerate(inst.by_worker):
        limit = round(inst.workers[w].max_hours_per_7_days * 60)
        spans = sorted((*inst.spans[inst.pairs[p].i], p) for p in pairs)
        if sum(e - s for s, e, _ in spans) <= limit:
            continue
        starts, ends, ids = (np.array(col, dtype=np.int64) for col in zip(*spans, strict=True))
        anchors = np.unique(np.concatenate([starts, ends - WEEK_MINUTES]))
        longest = int((ends - starts).max())
        xs = [v.x[p] for p in ids.tolist()]
        seen: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
        for first in range(0, len(anchors), WINDOW_BLOCK):  # a block of windows and the items they can meet
            lo = anchors[first : first + WINDOW_BLOCK]
            a = int(np.searchsorted(starts, lo[0] - longest, side="right"))
            b = int(np.searchsorted(starts, lo[-1] + WEEK_MINUTES, side="left"))
            inside = np.minimum(ends[a:b][None, :], lo[:, None] + WEEK_MINUTES) - np.maximum(
                starts[a:b][None, :], lo[:, None]
            )
            np.clip(inside, 0, None, out=inside)
            for row in inside[inside.sum(axis=1) > limit]:
                cols = np.flatnonzero(row)
                key = (tuple((cols + a).tolist()), tuple(row[cols].tolist()))
                if key in seen:
                    continue
                seen.add(key)
                v.model.add(cp_model.LinearExpr.weighted_sum([xs[k] for k in key[0]], list(key[1])) <= limit)


def _exclusive(inst: Instance, pairs: list[int], rest_minutes: int) -> bool:
    """True when no two of the pairs' items fit in one roster (pairwise overlap, rest included).

    Intervals ``[start, end + rest)`` meet pairwise exactly when the latest start is before the earliest end.
    """
    spans = [inst.spans[inst.pairs[p].i] for p in pairs]
    return max(s for s, _ in spans) < min(e for _, e in spans) + rest_minutes


def _needs_days(inst: Instance, w: int) -> bool:
    worker = inst.workers[w]
    return (
        worker.min_consecutive_days > 1
        or worker.min_consecutive_days_off > 1
        or worker.max_weekends is not None
        or len({inst.items[inst.pairs[p].i].local_day for p in inst.by_worker[w]}) > worker.max_consecutive_days
    )


def link_working_days(inst: Instance, v: Vars, rest_minutes: int) -> None:
    """One literal per worker and local day: true exactly when the worker works that day.

    A day with one candidate item reuses its variable; with mutually exclusive items the literal is their
    sum (an equality, which keeps the LP relaxation tight); otherwise it is their logical or.
    """
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
            if _exclusive(inst, day_pairs, rest_minutes):
                v.model.add(sum(v.x[p] for p in day_pairs) == works)
            else:
                for p in day_pairs:
                    v.model.add_implication(v.x[p], works)
                v.model.add_bool_or([works.Not(), *(v.x[p] for p in day_pairs)])
            v.works[w][day] = works


def _day(day: dt.date, k: int) -> dt.date:
    return day + dt.timedelta(days=k)


def _clause(v: Vars, positive: list[Literal | None], negative: list[Literal | None]) -> None:
    """Add ``or(positive) or or(not negative)``; ``None`` stands for a day known to be off (false)."""
    negated = [lit.Not() for lit in negative if lit is not None]
    if len(negated) < len(negative):
        return  # a known-off day makes "not works" true: the clause holds
    v.model.add_bool_or([*(lit for lit in positive if lit is not None), *negated])


def rule_max_consecutive_days(inst: Instance, v: Vars, skip: Set[int] = frozenset()) -> None:
    """Max consecutive working days (``Worker.max_consecutive_days``); an item counts for its local start date."""
    for w, days in enumerate(v.works):
        if w in skip:
            continue
        limit = inst.workers[w].max_consecutive_days
        if len(days) <= limit:
            continue
        for first in sorted(days):
            window = [_day(first, k) for k in range(limit + 1)]
            if all(d in days for d in window):
                v.model.add(sum(days[d] for d in window) <= limit)


def rule_min_consecutive_days(inst: Instance, period: list[dt.date], v: Vars, skip: Set[int] = frozenset()) -> None:
    """Min consecutive working days (``Worker.min_consecutive_days``): every run of working days inside the
    horizon is at least this long; a run touching the horizon's first or last day is exempt, as it may
    continue outside (the convention behind the Curtois & Qu benchmark's known optima).

    Clause per run start ``d`` and ``j < min``: off on ``d-1`` and on on ``d`` forces on ``d+j``; short
    clauses that propagate as soon as a run starts.
    """
    if not period:
        return
    first, last = period[0], period[-1]
    for w, days in enumerate(v.works):
        need = inst.workers[w].min_consecutive_days
        if need <= 1 or not days or w in skip:
            continue
        for d in sorted(days):
            if d == first:
                continue
            before = days.get(_day(d, -1))
            for j in range(1, need):
                if _day(d, j) > last:
                    break
                _clause(v, [before, days.get(_day(d, j))], [days[d]])


def rule_min_days_off(inst: Instance, period: list[dt.date], v: Vars, skip: Set[int] = frozenset()) -> None:
    """Min consecutive days off (``Worker.min_consecutive_days_off``) between two working days; a run of days
    off touching the horizon's first or last day is exempt, as it may continue outside."""
    last = period[-1] if period else None
    for w, days in enumerate(v.works):
        need = inst.workers[w].min_consecutive_days_off
        if need <= 1 or not days or last is None or w in skip:
            continue
        for prev in sorted(days):  # worked on ``prev``, off on ``prev + 1``: no work for ``need - 1`` more days
            off = days.get(_day(prev, 1))
            for j in range(2, need + 1):
                d = _day(prev, j)
                if d > last:
                    break
                if d in days:
                    _clause(v, [off], [days[prev], days[d]])


def rule_max_weekends(inst: Instance, period: list[dt.date], v: Vars) -> None:
    """Max working weekends (``Worker.max_weekends``): a weekend is worked when its Saturday or Sunday is."""
    weekends: dict[dt.date, list[dt.date]] = defaultdict(list)  # keyed by the weekend's Saturday
    for d in period:
        if d.weekday() >= 5:
            weekends[_day(d, 5 - d.weekday())].append(d)
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


def rule_shift_type_limits(inst: Instance, v: Vars) -> None:
    """Max shifts of each type per worker over the horizon (``Worker.max_shifts_per_type``; 0 is pruned)."""
    for w, pairs in enumerate(inst.by_worker):
        limits = inst.workers[w].max_shifts_per_type
        if not limits:
            continue
        by_type: dict[str, list[int]] = defaultdict(list)
        for p in pairs:
            typ = inst.items[inst.pairs[p].i].shift_type
            if typ in limits:
                by_type[typ].append(p)
        for typ, typed in by_type.items():
            if len(typed) > limits[typ]:
                v.model.add(sum(v.x[p] for p in typed) <= limits[typ])


def rule_total_hours(inst: Instance, v: Vars) -> None:
    """Min and max hours worked over the horizon (``Worker.min_hours``, ``Worker.max_hours``)."""
    for w, pairs in enumerate(inst.by_worker):
        worker = inst.workers[w]
        minutes = [(inst.minutes[inst.pairs[p].i], p) for p in pairs]
        load = cp_model.LinearExpr.weighted_sum([v.x[p] for _, p in minutes], [m for m, _ in minutes])
        if worker.max_hours is not None and sum(m for m, _ in minutes) > round(worker.max_hours * 60):
            v.model.add(load <= round(worker.max_hours * 60))
        if worker.min_hours > 0:
            v.model.add(load >= round(worker.min_hours * 60))


def rule_forbidden_successions(inst: Instance, v: Vars, rest_minutes: int) -> None:
    """Forbidden successions (``ShiftType.forbidden_next``): no shift of a forbidden type on the local day
    after a shift of the given type. Mutually exclusive groups give one at-most-one constraint each."""
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
            nxt = [p for b in sorted(forbidden.get(typ, ())) for p in by_day_type.get((_day(day, 1), b), [])]
            if not nxt:
                continue
            if _exclusive(inst, first, rest_minutes) and _exclusive(inst, nxt, rest_minutes):
                v.model.add_at_most_one(v.x[p] for p in [*first, *nxt])
            else:
                for a in first:
                    for b in nxt:
                        v.model.add_at_most_one([v.x[a], v.x[b]])


def add_hard_rules(inst: Instance, v: Vars, *, run_networks: bool = False) -> None:
    """Every hard rule; ``run_networks`` models runs of days as networks (``solver.runs``) instead of clauses."""
    rest = round(inst.problem.settings.min_rest_hours * 60)
    days = horizon(inst.items)
    rule_headcount(inst, v)
    rule_kept_assignments(inst, v)
    rule_rest_and_no_overlap(inst, v, rest)
    rule_forbidden_successions(inst, v, rest)
    rule_max_hours_per_7_days(inst, v)
    rule_total_hours(inst, v)
    rule_shift_type_limits(inst, v)
    link_working_days(inst, v, rest)
    networked = add_run_networks(inst, days, v) if run_networks else set()
    rule_max_consecutive_days(inst, v, networked)
    rule_min_consecutive_days(inst, days, v, networked)
    rule_min_days_off(inst, days, v, networked)
    rule_max_weekends(inst, days, v)
