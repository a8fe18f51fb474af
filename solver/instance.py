"""The solver's indexed view of a problem: items, workers and the candidate pairs that survive pruning."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from models.enums import AssignmentStatus, ItemKind
from models.problem import Problem, Worker
from models.work_items import WorkItem, work_items
from solver.eligibility import Calendar, last_local_day, skill_validity
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
    outside: list[list[tuple[int, int]]] = field(default_factory=list)  # per worker: kept work not planned
    outside_days: list[set[dt.date]] = field(default_factory=list)  # per worker: the local days it starts on

    @property
    def origin(self) -> dt.datetime:
        return self.items[0].start if self.items else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def minute(self, t: dt.datetime) -> int:
        return int((t - self.origin).total_seconds() // 60)

    @cached_property
    def minutes(self) -> list[int]:
        """Each item's length in minutes, computed once."""
        return [it.minutes for it in self.items]

    @cached_property
    def night_items(self) -> list[bool]:
        """Whether each item is night work under the problem's law (``models.night``), computed once."""
        law, tz = self.problem.settings.law, self.problem.tz
        return [law.night.is_night_work(it.start, it.end, tz) for it in self.items]

    @cached_property
    def outside_night(self) -> list[list[bool]]:
        """Per worker, whether each span of ``outside`` is night work, computed once."""
        law, tz, origin = self.problem.settings.law, self.problem.tz, self.origin
        return [
            [
                law.night.is_night_work(origin + dt.timedelta(minutes=s), origin + dt.timedelta(minutes=e), tz)
                for s, e in spans
            ]
            for spans in self.outside
        ]

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """Each item's (start, end) in minutes from ``origin``: computed once, read by every rule."""
        return [(self.minute(it.start), self.minute(it.end)) for it in self.items]


def pay_nok(worker: Worker, item: WorkItem) -> int:
    """What the work pays: a farm job's posted rate, else the worker's own hourly rate (unpaid: 0)."""
    rate = item.pay_per_hour if item.kind == ItemKind.job else (worker.hourly_rate or 0.0)
    return round(rate * item.minutes / 60)


def build_instance(problem: Problem) -> Instance:
    """Index the problem and keep only pairs passing skill, distance, availability, allowed shift type
    and no earlier decline.

    Items are grouped by (required skills, place): a worker who lacks a group's skills or lives too far
    from its place skips the whole group, so the work grows with the candidate pairs, not with
    workers x items."""
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
    kept_items: dict[int, set[int]] = defaultdict(set)
    for w, i in kept:
        kept_items[w].add(i)
    last_day = [last_local_day(it, tz) for it in items]
    groups: dict[tuple[frozenset[str], str], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[(frozenset(item.required_skills), item.place_id)].append(i)

    pairs: list[Pair] = []
    for w, worker in enumerate(workers):
        cal = Calendar(worker)
        until = skill_validity(worker)
        chosen = set(kept_items[w])
        km_to: dict[str, float] = {}  # place -> km, computed once per worker
        for (skills, place), members in groups.items():
            if not skills <= until.keys():
                continue
            km_to[place] = travel.km(worker, items[members[0]])
            if km_to[place] > worker.max_travel_km:
                continue
            expiry = min((until[s] for s in skills), default=dt.date.max)
            for i in members:
                item = items[i]
                if last_day[i] > expiry or (worker.id, item.id) in refused:
                    continue
                if item.shift_type is not None and worker.max_shifts_per_type.get(item.shift_type) == 0:
                    continue
                if cal.is_available(item.start, item.end):
                    chosen.add(i)
        for i in sorted(chosen):
            item = items[i]
            km = km_to[item.place_id] if item.place_id in km_to else travel.km(worker, item)
            pairs.append(Pair(w, i, km, round(km), pay_nok(worker, item), cal.preference(item.start, item.end)))

    inst = Instance(problem, items, workers, pairs)
    inst.outside = [[] for _ in workers]
    inst.outside_days = [set() for _ in workers]
    for o in sorted(problem.outside_work, key=lambda o: (o.start, o.end)):
        inst.outside[w_index[o.worker_id]].append((inst.minute(o.start), inst.minute(o.end)))
        inst.outside_days[w_index[o.worker_id]].add(o.start.astimezone(tz).date())
    inst.by_worker = [[] for _ in workers]
    inst.by_item = [[] for _ in items]
    for p, pair in enumerate(pairs):
        inst.by_worker[pair.w].append(p)
        inst.by_item[pair.i].append(p)
        if (pair.w, pair.i) in kept:
            inst.kept.append(p)
    return inst
