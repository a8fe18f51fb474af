"""Most and fewest hours in the planning period (``max_hours``, ``min_hours``), from the contract."""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.rules.family import Family
from solver.variables import Build
from solver.violations import Schedule, Violation


def model(b: Build) -> None:
    inst, v = b.inst, b.v
    for w, pairs in enumerate(inst.by_worker):
        worker = inst.workers[w]
        minutes = [(inst.minutes[inst.pairs[p].i], p) for p in pairs]
        load = cp_model.LinearExpr.weighted_sum([v.x[p] for _, p in minutes], [m for m, _ in minutes])
        if worker.max_hours is not None and sum(m for m, _ in minutes) > round(worker.max_hours * 60):
            v.model.add(load <= round(worker.max_hours * 60))
        if worker.min_hours > 0:
            v.model.add(load >= round(worker.min_hours * 60))


def check(s: Schedule) -> list[Violation]:
    worker = s.worker
    total = sum(it.minutes for it in s.items)
    said = f"{worker.id}: {total / 60:g} h over the horizon"
    out = []
    if total < round(worker.min_hours * 60):
        out.append(Violation("min_hours", f"{said}; min {worker.min_hours:g} h", worker.id))
    if worker.max_hours is not None and total > round(worker.max_hours * 60):
        out.append(Violation("max_hours", f"{said}; max {worker.max_hours:g} h", worker.id))
    return out


FAMILY = Family(model=model, check_schedule=check)
