"""The score of a roster, term by term, computed from the problem alone (no model).

This is what ``Solution.terms`` and ``Solution.objective`` report, so the numbers a manager reads are
the ones anyone can recompute from ``problem.json`` and ``solution.json``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from models.enums import ItemKind, Priority, RequestKind
from models.problem import Problem
from models.solution import Term
from models.work_items import work_items
from solver import catalogue
from solver.eligibility import Calendar
from solver.instance import pay_nok
from solver.travel import travel_for

UNITS = catalogue.UNITS


def score(problem: Problem, assignments: Iterable[tuple[str, str]]) -> dict[str, Term]:
    """Terms of a roster given as (worker id, item id) pairs; unknown ids are ignored (the validator flags them)."""
    items = {it.id: it for it in work_items(problem)}
    workers = {w.id: w for w in problem.workers}
    roster = [(workers[w], items[i]) for w, i in assignments if w in workers and i in items]
    weights = problem.settings.weights
    travel = travel_for(problem)
    raw: dict[str, int] = dict.fromkeys(UNITS, 0)

    filled = Counter(item.id for _, item in roster)
    for item in items.values():
        missing = max(0, item.headcount - filled[item.id])
        if item.under_weight is None:
            raw[f"unfilled_{item.priority.value}"] += missing
        else:
            raw["cover"] += item.under_weight * missing
        raw["cover"] += item.over_weight * max(0, filled[item.id] - item.headcount)
    on_item = {(w.id, it.id) for w, it in roster}
    for r in problem.requests:
        worked = (r.worker_id, r.item_id) in on_item
        if worked != (r.kind == RequestKind.on):
            raw["requests"] += r.weight

    calendars = {w.id: Calendar(w) for w in problem.workers}
    load: Counter[str] = Counter()
    job_workers: dict[str, set[str]] = defaultdict(set)
    job_headcount: dict[str, int] = {}
    for worker, item in roster:
        raw["preference"] += calendars[worker.id].preference(item.start, item.end)
        raw["travel"] += round(travel.km(worker, item))
        raw["cost"] += pay_nok(worker, item)
        load[worker.id] += item.minutes
        if item.kind == ItemKind.job:
            job_workers[item.source_id].add(worker.id)
            job_headcount[item.source_id] = item.headcount

    step = round(problem.settings.fairness_step_hours * 60)
    raw["fairness"] = sum(minutes - k * step for minutes in load.values() for k in range(1, minutes // step + 1))
    raw["continuity"] = sum(max(0, len(ws) - job_headcount[j]) for j, ws in job_workers.items())

    weight = {
        "unfilled_critical": weights.unfilled(Priority.critical),
        "unfilled_normal": weights.unfilled(Priority.normal),
        "unfilled_low": weights.unfilled(Priority.low),
        "preference": weights.preference,
        "fairness": weights.fairness,
        "travel": weights.travel,
        "cost": weights.cost,
        "continuity": weights.continuity,
        "cover": 1,
        "requests": weights.requests,
    }
    return {k: Term(raw=raw[k], weight=weight[k], weighted=raw[k] * weight[k], unit=UNITS[k]) for k in UNITS}


def total(terms: dict[str, Term]) -> int:
    return sum(t.weighted for t in terms.values())
