"""The solver's indexed view of a problem: items, workers and the candidate pairs that survive pruning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.enums import AssignmentStatus, ItemKind
from models.problem import Problem, Worker
from models.work_items import WorkItem, work_items
from solver.eligibility import Calendar, is_qualified
from solver.travel import travel_for


@dataclass(frozen=True, slots=True)
class Pair:
    """A (worker, item) the model may choose, with its per-assignment soft-goal coefficients."""

    w: int
    i: int
    km: float
    travel: int  # rounded km
    cost: int  # NOK
    preference: int


@dataclass
class Instance:
    problem: Problem
    items: list[WorkItem]
    workers: list[Worker]
    pairs: list[Pair]
    by_worker: list[list[int]] = field(default_factory=list)
    by_item: list[list[int]] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # pair indices that must be 1

    @property
    def origin(self) -> dt.datetime:
        return self.items[0].start if self.items else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def minute(self, t: dt.datetime) -> int:
        return int((t - self.origin).total_seconds() // 60)


def pay_nok(worker: Worker, item: WorkItem) -> int:
    """What the work pays: a farm job's posted rate, else the worker's own hourly rate (unpaid: 0)."""
    rate = item.pay_per_hour if item.kind == ItemKind.job else (worker.hourly_rate or 0.0)
    return round(rate * item.minutes / 60)


def build_instance(problem: Problem) -> Instance:
    """Index the problem and keep only pairs passing skill, distance, availability, allowed shift type
    and no earlier decline."""
    items = work_items(problem)
    workers = list(problem.workers)
    travel = travel_for(problem)
    tz = problem.tz
    w_index = {w.id: k for k, w in enumerate(workers)}
    i_index = {it.id: k for k, it in enumerate(items)}
    refused = {
        (a.worker_id, a.item_id)
        for a in problem.assignments
        if a.status in (AssignmentStatus.declined, AssignmentStatus.cancelled)
    }
    kept = {(w_index[a.worker_id], i_index[a.item_id]) for a in problem.assignments if a.kept}

    pairs: list[Pair] = []
    for w, worker in enumerate(workers):
        cal = Calendar(worker)
        for i, item in enumerate(items):
            if (w, i) not in kept:
                if (worker.id, item.id) in refused or not is_qualified(worker, item, tz):
                    continue
                if travel.km(worker, item) > worker.max_travel_km:
                    continue
                if not cal.is_available(item.start, item.end):
                    continue
                if item.shift_type is not None and worker.max_shifts_per_type.get(item.shift_type) == 0:
                    continue
            km = travel.km(worker, item)
            pairs.append(Pair(w, i, km, round(km), pay_nok(worker, item), cal.preference(item.start, item.end)))

    inst = Instance(problem, items, workers, pairs)
    inst.by_worker = [[] for _ in workers]
    inst.by_item = [[] for _ in items]
    for p, pair in enumerate(pairs):
        inst.by_worker[pair.w].append(p)
        inst.by_item[pair.i].append(p)
        if (pair.w, pair.i) in kept:
            inst.kept.append(p)
    return inst
