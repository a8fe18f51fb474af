"""Large neighbourhood search around CP-SAT: free a few workers' whole schedules, or every worker over a
few consecutive days, keep the rest of the roster fixed, and let CP-SAT re-optimise that part.

CP-SAT's built-in neighbourhoods are generic (random variables and constraints). Rosters improve
faster when a neighbourhood follows their structure: swapping shifts between a handful of people, or
reshuffling one week across the pool. Sizes adapt: a neighbourhood solved to optimality grows the next
one, a timed-out one shrinks it. Every accepted roster satisfies the full model, so the hard rules hold.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.instance import Instance
from solver.rules import Vars, all_values, hint_all


@dataclass
class LnsResult:
    values: list[int]  # every model variable, by proto index
    objective: int
    improved_at: float | None  # seconds since the solve started, for the last improvement
    rounds: int


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
) -> LnsResult:
    """Improve a complete assignment of ``v.model`` (``values`` by proto index) until ``deadline``."""
    proto = v.model.proto
    rng = random.Random(seed)
    x_index = [x.index for x in v.x]
    by_worker = [[x_index[p] for p in pairs] for pairs in inst.by_worker]
    days = sorted({it.local_day for it in inst.items})
    by_day: dict[object, list[int]] = {d: [] for d in days}
    for p, pair in enumerate(inst.pairs):
        by_day[inst.items[pair.i].local_day].append(x_index[p])
    busy = [w for w, pairs in enumerate(by_worker) if pairs]
    size = {"workers": max(3, len(busy) // 4), "days": min(len(days), 7)}
    result = LnsResult(values, objective, None, 0)
    if not busy or not days:
        return result
    kinds = ["workers", "days"]
    while deadline - time.perf_counter() > 0.2:
        kind = kinds[result.rounds % 2]
        if kind == "workers":
            chosen = rng.sample(busy, min(len(busy), size["workers"]))
            free = {i for w in chosen for i in by_worker[w]}
        else:
            first = rng.randrange(max(1, len(days) - size["days"] + 1))
            free = {i for d in days[first : first + size["days"]] for i in by_day[d]}
        result.rounds += 1
        for i in x_index:
            if i not in free:
                domain = proto.variables[i].domain  # a boolean's domain is [lo, hi]
                domain[0] = domain[1] = result.values[i]
        hint_all(v.model, result.values)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, min(2.0, deadline - time.perf_counter()))
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = rng.randrange(1 << 30)
        status = solver.solve(v.model)
        for i in x_index:
            domain = proto.variables[i].domain
            domain[0], domain[1] = 0, 1
        limit = len(busy) if kind == "workers" else len(days)
        size[kind] = min(limit, size[kind] + 1) if status == cp_model.OPTIMAL else max(3, size[kind] - 1)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and round(solver.objective_value) < result.objective:
            result.values = all_values(v.model, solver)
            result.objective = round(solver.objective_value)
            result.improved_at = time.perf_counter() - t0
            if on_improvement:
                on_improvement(result.objective, result.improved_at)
    v.model.clear_hints()
    return result
