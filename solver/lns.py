"""Large neighbourhood search around CP-SAT: free a few workers' schedules, or every worker over a few
days, keep the rest of the roster fixed, and let CP-SAT re-optimise that part.

CP-SAT's built-in neighbourhoods are generic (random variables and constraints). Rosters improve
faster when a neighbourhood follows their structure: moving shifts between a handful of people,
reshuffling a few days across the pool, or a block of people over a week. Neighbourhoods are small
and solved to optimality in a fraction of a second; sizes adapt (a sub-solve proven optimal within
half a second grows the next one of its kind, a timed-out one shrinks it). Each sub-solve starts from
the whole current roster as its hint, and a different roster of equal score is accepted too, so the
search can walk across plateaus. Half of the choices are guided by the roster's faults:
the workers who could fill an open place, or miss a request, and the days around an open place.
With two or more CP-SAT workers, that many searches run in threads (CP-SAT releases the GIL), each on
its own copy of the model, sharing the best roster. Every accepted roster satisfies the full model.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.instance import Instance
from solver.rules import Vars, all_values

SUB_SECONDS = 1.5  # time limit of one neighbourhood's solve
FAST_SECONDS = 0.5  # an optimal neighbourhood solved faster than this grows the next one of its kind
GROWTH = 1.15  # size factor after a fast optimal (grow) or timed-out (shrink) neighbourhood


@dataclass
class LnsResult:
    values: list[int]  # every model variable, by proto index
    objective: int
    improved_at: float | None  # seconds since the solve started, for the last improvement
    rounds: int


@dataclass
class _Shared:
    result: LnsResult
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Neighbourhoods:
    """Sets of model ``x`` variables (by proto index) to free, chosen around the current roster."""

    def __init__(self, inst: Instance, v: Vars) -> None:
        self.inst, self.v = inst, v
        self.x_index = [x.index for x in v.x]
        self.by_worker = [[self.x_index[p] for p in pairs] for pairs in inst.by_worker]
        self.days = sorted({it.local_day for it in inst.items})
        day_pos = {d: k for k, d in enumerate(self.days)}
        self.item_day = [day_pos[it.local_day] for it in inst.items]
        self.pair_day = [self.item_day[pair.i] for pair in inst.pairs]
        self.busy = [w for w, pairs in enumerate(self.by_worker) if pairs]
        self.open_index = [u.index for u in v.unfilled]
        self.request_pairs = self._request_pairs()

    def _request_pairs(self) -> list[int]:
        """Pairs named by a request (on or off), so a guided choice can pick the workers who miss one."""
        w_index = {w.id: k for k, w in enumerate(self.inst.workers)}
        i_index = {it.id: k for k, it in enumerate(self.inst.items)}
        pair = {(q.w, q.i): p for p, q in enumerate(self.inst.pairs)}
        found = (pair.get((w_index[r.worker_id], i_index[r.item_id])) for r in self.inst.problem.requests)
        return [p for p in found if p is not None]

    def open_items(self, values: list[int]) -> list[int]:
        return [i for i, k in enumerate(self.open_index) if values[k] > 0]

    def workers(self, rng: random.Random, size: int, values: list[int]) -> set[int]:
        """``size`` workers' whole schedules; guided: start from people who could fill an open place."""
        chosen: set[int] = set()
        open_items = self.open_items(values)
        if open_items and rng.random() < 0.5:
            item = rng.choice(open_items)
            able = [self.inst.pairs[p].w for p in self.inst.by_item[item]]
            chosen.update(rng.sample(able, min(len(able), max(1, size // 2))))
        elif self.request_pairs and rng.random() < 0.3:
            chosen.add(self.inst.pairs[rng.choice(self.request_pairs)].w)
        rest = [w for w in self.busy if w not in chosen]
        chosen.update(rng.sample(rest, min(len(rest), size - len(chosen))))
        return {i for w in chosen for i in self.by_worker[w]}

    def days_window(self, rng: random.Random, size: int, values: list[int]) -> set[int]:
        """Every worker over ``size`` consecutive days; guided: around an open place."""
        open_items = self.open_items(values)
        if open_items and rng.random() < 0.5:
            centre = self.item_day[rng.choice(open_items)]
            first = max(0, min(len(self.days) - size, centre - rng.randrange(size)))
        else:
            first = rng.randrange(max(1, len(self.days) - size + 1))
        return {self.x_index[p] for p, d in enumerate(self.pair_day) if first <= d < first + size}

    def block(self, rng: random.Random, size: int, values: list[int]) -> set[int]:
        """``2 * size`` workers over a week: wider than ``workers``, shorter than the horizon."""
        span = min(len(self.days), 7)
        first = rng.randrange(max(1, len(self.days) - span + 1))
        people = self.workers(rng, 2 * size, values)
        return {
            self.x_index[p]
            for w in self.busy
            for p in self.inst.by_worker[w]
            if self.x_index[p] in people and first <= self.pair_day[p] < first + span
        }


def _search(
    model: cp_model.CpModel,
    hoods: _Neighbourhoods,
    shared: _Shared,
    deadline: float,
    rng: random.Random,
    t0: float,
    on_improvement: Callable[[int, float], None] | None,
    stop: Callable[[], bool] | None,
) -> None:
    """One thread of the search: its own model copy, sizes and random stream."""
    proto = model.proto
    domains = {i: tuple(proto.variables[i].domain) for i in hoods.x_index}  # booleans: (lo, hi)
    limits = {"workers": len(hoods.busy), "days": len(hoods.days), "block": max(1, len(hoods.busy) // 2)}
    size = {"workers": 2.0, "days": 2.0, "block": 2.0}
    pick = {"workers": hoods.workers, "days": hoods.days_window, "block": hoods.block}
    kinds = list(pick)
    while deadline - time.perf_counter() > 0.1 and not (stop is not None and stop()):
        with shared.lock:
            base, base_objective = shared.result.values, shared.result.objective
            shared.result.rounds += 1
        kind = rng.choice(kinds)
        free = pick[kind](rng, max(1, int(size[kind])), base)
        fixed = [i for i in hoods.x_index if i not in free]
        for i in fixed:  # fixed through the domain, so the hint can name every variable
            dom = proto.variables[i].domain
            dom[0] = dom[1] = base[i]
        model.clear_hints()
        proto.solution_hint.vars.extend(range(len(base)))
        proto.solution_hint.values.extend(base)  # the whole current roster: a feasible start in every neighbourhood
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, min(SUB_SECONDS, deadline - time.perf_counter()))
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = rng.randrange(1 << 30)
        solver.parameters.linearization_level = 2  # measured: small rostering neighbourhoods prove 2-4x faster
        status = solver.solve(model)
        for i in fixed:
            dom = proto.variables[i].domain
            dom[0], dom[1] = domains[i]
        if status != cp_model.OPTIMAL:
            size[kind] = max(1, size[kind] / GROWTH)
        elif solver.wall_time < FAST_SECONDS:
            size[kind] = min(limits[kind], size[kind] * GROWTH)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or round(solver.objective_value) > base_objective:
            continue
        values, objective = all_values(model, solver), round(solver.objective_value)
        with shared.lock:
            if objective < shared.result.objective:
                shared.result.values, shared.result.objective = values, objective
                shared.result.improved_at = time.perf_counter() - t0
                if on_improvement:
                    on_improvement(objective, shared.result.improved_at)
            elif objective == shared.result.objective == base_objective:
                shared.result.values = values  # a sideways move: same score, another roster to start from


def improve(
    inst: Instance,
    v: Vars,
    values: list[int],
    objective: int,
    deadline: float,
    *,
    workers: int,
    seed: int,
    t0: float,
    on_improvement: Callable[[int, float], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> LnsResult:
    """Improve a complete assignment of ``v.model`` (``values`` by proto index) until ``deadline``.

    ``workers`` searches run side by side; with one, the sequence of neighbourhoods is fixed by ``seed``.
    """
    hoods = _Neighbourhoods(inst, v)
    shared = _Shared(LnsResult(values, objective, None, 0))
    if not hoods.busy or not hoods.days:
        return shared.result
    base = v.model.clone()
    base.clear_hints()
    threads = [
        threading.Thread(
            target=_search,
            args=(base.clone(), hoods, shared, deadline, random.Random(seed * 1009 + k), t0, on_improvement, stop),
            daemon=True,
        )
        for k in range(max(1, workers))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return shared.result
