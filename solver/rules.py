"""Hard rules of the CP-SAT model, one function per rule family (after OR-Tools' shift_scheduling_sat).

Qualification, availability, travel radius and declined offers are enforced before modelling: a pair
that breaks them never gets a variable (``solver.instance.build_instance``). Every rule here has a
twin in ``solver.validator`` written without the model, so a modelling slip cannot hide.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.instance import Instance

WEEK_MINUTES = 7 * 24 * 60


@dataclass
class Vars:
    model: cp_model.CpModel
    x: list[cp_model.IntVar]  # one boolean per candidate pair
    unfilled: list[cp_model.IntVar]  # open places per item
    works_on: dict[tuple[int, dt.date], cp_model.IntVar] = field(default_factory=dict)


def new_vars(inst: Instance) -> Vars:
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x_w{p.w}_i{p.i}") for p in inst.pairs]
    unfilled = [m.new_int_var(0, it.headcount, f"open_i{i}") for i, it in enumerate(inst.items)]
    return Vars(m, x, unfilled)


def rule_headcount(inst: Instance, v: Vars) -> None:
    """Headcount: each item gets at most its headcount; the shortfall is the item's unfilled places."""
    for i, item in enumerate(inst.items):
        v.model.add(sum(v.x[p] for p in inst.by_item[i]) + v.unfilled[i] == item.headcount)


def rule_kept_assignments(inst: Instance, v: Vars) -> None:
    """Pinned and accepted assignments are kept as they are."""
    for p in inst.kept:
        v.model.add(v.x[p] == 1)


def rule_rest_and_no_overlap(inst: Instance, v: Vars, rest_minutes: int) -> None:
    """No overlap, and at least ``rest_minutes`` between the end of one item and the start of the next.

    Two items conflict when ``[start, end + rest)`` of one meets the other's: an interval graph, so the
    maximal cliques found by a sweep over start times give strong at-most-one constraints.
    """
    for pairs in inst.by_worker:
        if len(pairs) < 2:
            continue
        spans = sorted(
            (
                (
                    inst.minute(inst.items[inst.pairs[p].i].start),
                    inst.minute(inst.items[inst.pairs[p].i].end),
                    p,
                )
                for p in pairs
            ),
        )
        cliques: list[list[int]] = []
        for k, (start, _, _) in enumerate(spans):
            clique = [p for s, e, p in spans[: k + 1] if s <= start < e + rest_minutes]
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
    """
    for w, pairs in enumerate(inst.by_worker):
        limit = round(inst.workers[w].max_hours_per_7_days * 60)
        spans = [
            (inst.minute(inst.items[inst.pairs[p].i].start), inst.minute(inst.items[inst.pairs[p].i].end), p)
            for p in pairs
        ]
        if sum(e - s for s, e, _ in spans) <= limit:
            continue
        seen: set[tuple[tuple[int, int], ...]] = set()
        for anchor in sorted({s for s, _, _ in spans} | {e - WEEK_MINUTES for _, e, _ in spans}):
            lo, hi = anchor, anchor + WEEK_MINUTES
            terms = tuple(sorted((p, min(e, hi) - max(s, lo)) for s, e, p in spans if s < hi and lo < e))
            if sum(c for _, c in terms) <= limit or terms in seen:
                continue
            seen.add(terms)
            v.model.add(sum(c * v.x[p] for p, c in terms) <= limit)


def rule_max_consecutive_days(inst: Instance, v: Vars) -> None:
    """Max consecutive working days (``Worker.max_consecutive_days``); an item counts for its local start date."""
    for w, pairs in enumerate(inst.by_worker):
        by_day: dict[dt.date, list[int]] = defaultdict(list)
        for p in pairs:
            by_day[inst.items[inst.pairs[p].i].local_day].append(p)
        limit = inst.workers[w].max_consecutive_days
        if len(by_day) <= limit:
            continue
        for day, day_pairs in by_day.items():
            works = v.model.new_bool_var(f"works_w{w}_{day}")
            v.works_on[(w, day)] = works
            for p in day_pairs:
                v.model.add_implication(v.x[p], works)
        for first in sorted(by_day):
            window = [first + dt.timedelta(days=k) for k in range(limit + 1)]
            if all(d in by_day for d in window):
                v.model.add(sum(v.works_on[(w, d)] for d in window) <= limit)


def add_hard_rules(inst: Instance, v: Vars) -> None:
    settings = inst.problem.settings
    rule_headcount(inst, v)
    rule_kept_assignments(inst, v)
    rule_rest_and_no_overlap(inst, v, round(settings.min_rest_hours * 60))
    rule_max_hours_per_7_days(inst, v)
    rule_max_consecutive_days(inst, v)
