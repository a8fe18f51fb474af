"""Soft goals of the CP-SAT model, one function per term; each returns its weighted expression.

Term names match ``solver.score``, which recomputes every term from a finished roster without the model;
the two must agree on an optimal solution (tested).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from models.enums import ItemKind, Priority, RequestKind
from solver.instance import Instance
from solver.variables import WEEK_MINUTES, Vars

LinearExpr = Any  # cp_model's stubs reject int + LinearExpr sums that work at run time


def _weighted(v: Vars, terms: list[tuple[int, int]]) -> LinearExpr:
    """Sum of coefficient x choice, built in one call (a Python sum of 100,000 terms costs seconds)."""
    if not terms:
        return 0
    return cp_model.LinearExpr.weighted_sum([v.x[p] for p, _ in terms], [c for _, c in terms])


def term_unfilled(inst: Instance, v: Vars, priority: Priority) -> LinearExpr:
    """Unfilled demand: every open place costs its priority's weight (critical far above normal above low)."""
    weight = inst.problem.settings.weights.unfilled(priority)
    return weight * sum(
        v.unfilled[i] for i, it in enumerate(inst.items) if it.priority == priority and it.under_weight is None
    )


def term_under_cover(inst: Instance, v: Vars) -> LinearExpr:
    """Cover on items' own weights (part one): open places on items with an ``under_weight``."""
    return sum(it.under_weight * v.unfilled[i] for i, it in enumerate(inst.items) if it.under_weight)


def term_over_cover(inst: Instance, v: Vars) -> LinearExpr:
    """Cover on items' own weights (part two): every worker above headcount costs the item's ``over_weight``.

    A quality goal, not coverage: with ``coverage_first`` it never costs a needed place.
    """
    return sum(it.over_weight * o for it, o in zip(inst.items, v.over, strict=True) if o is not None and it.over_weight)


def term_requests(inst: Instance, v: Vars) -> LinearExpr:
    """Shift requests: an unmet "on" request or a violated "off" request costs its weight."""
    weight = inst.problem.settings.weights.requests
    if not weight or not inst.problem.requests:
        return 0
    w_index = {w.id: k for k, w in enumerate(inst.workers)}
    i_index = {it.id: k for k, it in enumerate(inst.items)}
    pair = {(q.w, q.i): p for p, q in enumerate(inst.pairs)}
    cost: list[LinearExpr] = []
    for r in inst.problem.requests:
        p = pair.get((w_index[r.worker_id], i_index[r.item_id]))
        if r.kind == RequestKind.on:
            cost.append(r.weight if p is None else r.weight * (1 - v.x[p]))
        elif p is not None:
            cost.append(r.weight * v.x[p])
    return weight * sum(cost)


def term_preference(inst: Instance, v: Vars) -> LinearExpr:
    """Preferences: work in an undesired window costs, work in a preferred window earns."""
    weight = inst.problem.settings.weights.preference
    return weight * _weighted(v, [(p, pair.preference) for p, pair in enumerate(inst.pairs) if pair.preference])


def term_fairness(inst: Instance, v: Vars) -> LinearExpr:
    """Fairness: each further ``fairness_step_hours`` of a worker's load costs one more per minute.

    A convex piecewise-linear cost of each worker's total minutes spreads hours over the pool, among
    workers of the same kind as among all, without quadratic terms.
    """
    weight = inst.problem.settings.weights.fairness
    step = round(inst.problem.settings.fairness_step_hours * 60)
    excess: list[cp_model.IntVar] = []
    for w, pairs in enumerate(inst.by_worker):
        minutes = [(inst.minutes[inst.pairs[p].i], p) for p in pairs]
        most = min(sum(m for m, _ in minutes), _most_minutes(inst, w))
        if most <= step or weight == 0:
            continue
        load: LinearExpr = cp_model.LinearExpr.weighted_sum([v.x[p] for _, p in minutes], [m for m, _ in minutes])
        if most // step > 1:  # one variable for the load, so each step's constraint has two terms, not all
            total = v.model.new_int_var(0, sum(m for m, _ in minutes), f"load_w{w}")
            v.model.add(total == load)
            load = total
        for k in range(1, most // step + 1):
            e = v.model.new_int_var(0, most - k * step, f"over_w{w}_{k}")
            v.model.add(e >= load - k * step)
            excess.append(e)
    return weight * sum(excess)


def _most_minutes(inst: Instance, w: int) -> int:
    """The most minutes worker ``w`` can work: the horizon limit, and the 7-day limit once per started week
    of the candidates' span. Steps of the fairness cost above it are always zero and left out."""
    worker, pairs = inst.workers[w], inst.by_worker[w]
    if not pairs:
        return 0
    most = round(worker.max_hours * 60) if worker.max_hours is not None else None
    first = min(inst.spans[inst.pairs[p].i][0] for p in pairs)
    last = max(inst.spans[inst.pairs[p].i][1] for p in pairs)
    weeks = -(-(last - first) // WEEK_MINUTES)
    weekly = round(worker.max_hours_per_7_days * 60) * weeks
    return weekly if most is None else min(most, weekly)


def term_travel(inst: Instance, v: Vars) -> LinearExpr:
    """Travel: kilometres from home to the site or farm, one way, per assignment."""
    weight = inst.problem.settings.weights.travel
    return weight * _weighted(v, [(p, pair.travel) for p, pair in enumerate(inst.pairs) if pair.travel])


def term_cost(inst: Instance, v: Vars) -> LinearExpr:
    """Cost of paid work: hours times the worker's hourly rate."""
    weight = inst.problem.settings.weights.cost
    return weight * _weighted(v, [(p, pair.cost) for p, pair in enumerate(inst.pairs) if pair.cost])


def term_continuity(inst: Instance, v: Vars) -> LinearExpr:
    """Continuity: a multi-day job should keep the same people; each worker beyond its headcount costs."""
    weight = inst.problem.settings.weights.continuity
    by_job: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    headcount: dict[str, int] = {}
    for p, pair in enumerate(inst.pairs):
        item = inst.items[pair.i]
        if item.kind == ItemKind.job:
            by_job[item.source_id][pair.w].append(p)
            headcount[item.source_id] = item.headcount
    extra: list[cp_model.IntVar] = []
    for job, workers in by_job.items():
        if len(workers) <= headcount[job]:
            continue
        used = []
        for w, pairs in workers.items():
            u = v.model.new_bool_var(f"on_job_{job}_w{w}")
            for p in pairs:
                v.model.add_implication(v.x[p], u)
            used.append(u)
        e = v.model.new_int_var(0, len(workers), f"extra_{job}")
        v.model.add(e >= sum(used) - headcount[job])
        extra.append(e)
    return weight * sum(extra)


def coverage_objective(inst: Instance, v: Vars) -> LinearExpr:
    return sum(term_unfilled(inst, v, pr) for pr in Priority) + term_under_cover(inst, v)


def quality_objective(inst: Instance, v: Vars) -> LinearExpr:
    return (
        term_preference(inst, v)
        + term_fairness(inst, v)
        + term_travel(inst, v)
        + term_cost(inst, v)
        + term_continuity(inst, v)
        + term_requests(inst, v)
        + term_over_cover(inst, v)
    )
