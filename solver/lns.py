"""Large neighbourhood search around CP-SAT: free a few workers' schedules, or every worker over a few
days, keep the rest of the roster fixed, and let CP-SAT re-optimise that part.

CP-SAT's built-in neighbourhoods are generic (random variables and constraints). Rosters improve
faster when a neighbourhood follows their structure: moving shifts between a handful of people,
reshuffling a few days across the pool, a block of people over a week, or the same days of the week
in every week. Neighbourhoods are small and solved to optimality in a fraction of a second; sizes
adapt (a sub-solve proven optimal within half a second grows the next one of its kind, a timed-out one
that found nothing better shrinks it).
After twenty rounds in a row without improvement a thread gives its solves half as long again (up to
six seconds; back to 1.5 s at the next improvement), since the roster is then optimal for every
neighbourhood it can prove quickly. Each sub-solve starts from the whole current roster as its hint,
and a different roster of equal score is accepted too, so the search can walk across plateaus. Three
choices in five aim at a fault of the roster, an open place or an unmet request: its day, the worker
it names, others who could work its item (first those a fix needs: for a request to work a shift, those
on it; for an open place, those free that day), and people who could take over what those work around
that day, so a place can be filled along a chain of swaps. A fourth kind frees everyone over two
windows of days, one around a fault and, for a request, one around a day its worker works, since limits
over the whole horizon (shifts of a type, total minutes) make a request cost a shift elsewhere.
A fifth frees everyone on the same days of the week in every week (say every Saturday and Sunday), so
work can move between weeks: where weekends or total minutes are the scarce resource, an open place is
filled only by taking work out of another week.
Each round solves a small model of its own (``solver.submodel``): the freed choices, what they reach and
the constraints on them, with the rest of the roster folded in as fixed values.
With two or more CP-SAT workers, that many searches run in threads (CP-SAT releases the GIL), each on
its own copy of the model, sharing the best roster. Every accepted roster satisfies the full model.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models.enums import RequestKind
from solver.instance import Instance
from solver.submodel import Extractor
from solver.variables import Vars

SUB_SECONDS = 1.5  # time limit of one neighbourhood's solve
FAST_SECONDS = 0.5  # an optimal neighbourhood solved faster than this grows the next one of its kind
GROWTH = 1.15  # size factor after a fast optimal (grow) or timed-out (shrink) neighbourhood
STALL_ROUNDS = 20  # rounds without improvement after which one thread's time limit per solve grows
STALL_GROWTH = 1.5  # factor on a stalled thread's time limit per solve
MAX_SUB_SECONDS = 6.0  # ceiling of that growth
GUIDED = 0.6  # share of neighbourhoods chosen around a fault of the roster (an open place, an unmet request)
# On models above LARGE_MODEL_PAIRS pairs a neighbourhood frees at most MAX_FREE choices: "every worker over a
# day" is then thousands of people, which no sub-solve of 1.5 s improves (measured at 2,000 workers:
# one day of everyone, 4,800 choices, ended unproven at the limit; two workers' schedules proved in 0.02 s).
# Below it (the demo, every Curtois instance) neighbourhoods are as before.
LARGE_MODEL_PAIRS = 20_000
MAX_FREE = 3_000


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
    error: BaseException | None = None  # the first failure of any thread: it ends them all and is re-raised


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
        self.weekday = [(d - self.days[0]).days % 7 for d in self.days]  # day of the week, counted from the first
        self.day_pairs: list[list[int]] = [[] for _ in self.days]
        for p, d in enumerate(self.pair_day):
            self.day_pairs[d].append(p)
        self.busy = [w for w, pairs in enumerate(self.by_worker) if pairs]
        self.open_index = [u.index for u in v.unfilled]
        self.request_pairs = self._request_pairs()
        self.pair_of = {x: p for p, x in enumerate(self.x_index)}
        self.max_free = MAX_FREE if len(inst.pairs) > LARGE_MODEL_PAIRS else None

    def limit(self, rng: random.Random, free: set[int], values: list[int]) -> set[int]:
        """At most ``max_free`` of ``free``: the people linked, through items they could share, to one
        item (with an open place where the neighbourhood has one), their choices taken whole."""
        if self.max_free is None or len(free) <= self.max_free:
            return free
        by_worker: dict[int, list[int]] = defaultdict(list)
        by_item: dict[int, list[int]] = defaultdict(list)
        for x in sorted(free):
            q = self.inst.pairs[self.pair_of[x]]
            by_worker[q.w].append(x)
            by_item[q.i].append(q.w)
        gaps = [i for i in by_item if values[self.open_index[i]] > 0]
        start = rng.choice(gaps or sorted(by_item))
        queue = deque(rng.sample(by_item[start], len(by_item[start])))
        chosen: set[int] = set()
        seen = {start}
        out: set[int] = set()
        while queue and len(out) < self.max_free:
            w = queue.popleft()
            if w in chosen:
                continue
            chosen.add(w)
            out.update(by_worker[w])
            for x in by_worker[w]:
                i = self.inst.pairs[self.pair_of[x]].i
                if i not in seen:
                    seen.add(i)
                    others = [u for u in by_item[i] if u not in chosen]
                    queue.extend(rng.sample(others, len(others)))
        return out

    def _request_pairs(self) -> list[tuple[int, int]]:
        """(pair, wanted value) per request the model can see: 1 for "on", 0 for "off"."""
        w_index = {w.id: k for k, w in enumerate(self.inst.workers)}
        i_index = {it.id: k for k, it in enumerate(self.inst.items)}
        pair = {(q.w, q.i): p for p, q in enumerate(self.inst.pairs)}
        found = (
            (pair.get((w_index[r.worker_id], i_index[r.item_id])), int(r.kind == RequestKind.on))
            for r in self.inst.problem.requests
        )
        return [(p, want) for p, want in found if p is not None]

    def fault(self, rng: random.Random, values: list[int]) -> tuple[int, int | None] | None:
        """A random fault of the roster, as (item, worker or None): an open place or an unmet request."""
        open_items = [i for i, k in enumerate(self.open_index) if values[k] > 0]
        unmet = [p for p, want in self.request_pairs if values[self.x_index[p]] != want]
        if not open_items and not unmet:
            return None
        pick = rng.randrange(len(open_items) + len(unmet))
        if pick < len(open_items):
            return open_items[pick], None
        q = self.inst.pairs[unmet[pick - len(open_items)]]
        return q.i, q.w

    def aim(self, rng: random.Random, values: list[int]) -> tuple[int, int | None] | None:
        """The fault a neighbourhood is chosen around (``GUIDED`` of the time), or None for a random one."""
        return self.fault(rng, values) if rng.random() < GUIDED else None

    def _people(self, rng: random.Random, size: int, values: list[int]) -> tuple[set[int], int | None]:
        """``size`` workers and the day index they centre on: three times in five around a fault, else at
        random. Around a fault: the worker it names and others who could work its item (half the size),
        then people who could take over what those work the day before, of and after it, so an open
        place can be filled along a chain of swaps (one takes it, another takes the shift they leave)."""
        chosen: set[int] = set()
        centre: int | None = None
        fault = self.aim(rng, values)
        if fault is not None:
            item, worker = fault
            centre = self.item_day[item]
            if worker is not None:
                chosen.add(worker)
            able = [w for w in (self.inst.pairs[p].w for p in self.inst.by_item[item]) if w not in chosen]
            half = (size + 1) // 2
            partners = self._partners(item, worker, centre, able, values)
            chosen.update(rng.sample(partners, min(len(partners), max(0, half - len(chosen)))))
            able = [w for w in able if w not in chosen]
            chosen.update(rng.sample(able, min(len(able), max(0, half - len(chosen)))))
            # a chain: the items they work around that day, and people who could take those over
            near = {
                self.inst.pairs[p].i
                for w in chosen
                for p in self.inst.by_worker[w]
                if abs(self.pair_day[p] - centre) <= 1 and values[self.x_index[p]]
            }
            takers = sorted({self.inst.pairs[p].w for i in near for p in self.inst.by_item[i]} - chosen)
            chosen.update(rng.sample(takers, min(len(takers), max(0, size - len(chosen)))))
        rest = [w for w in self.busy if w not in chosen]
        chosen.update(rng.sample(rest, min(len(rest), max(0, size - len(chosen)))))
        return chosen, centre

    def _partners(self, item: int, worker: int | None, day: int, able: list[int], values: list[int]) -> list[int]:
        """Of ``able``, those a fault's fix most likely needs: for an unmet "on" request, those working the
        item (one could give it up to the worker who asked); for an open place or an unmet "off" request,
        those free that day (one could take it)."""
        on_item = {self.inst.pairs[p].w for p in self.inst.by_item[item] if values[self.x_index[p]]}
        if worker is not None and worker not in on_item:
            return [w for w in able if w in on_item]
        working = {self.inst.pairs[p].w for p in self.day_pairs[day] if values[self.x_index[p]]}
        return [w for w in able if w not in working]

    def two_windows(self, rng: random.Random, size: int, values: list[int]) -> set[int]:
        """Every worker over two windows of ``size / 2`` days; guided: one around a fault, the other
        around a day the worker it names works (anywhere when it names none). Limits over the whole horizon
        (shifts of a type, total minutes) tie a request to some other day: its worker can take the requested
        shift only by giving up one elsewhere, which someone else then takes over."""
        fault = self.aim(rng, values)
        span = max(1, (size + 1) // 2)
        first = self._window(rng, span, None if fault is None else self.item_day[fault[0]])
        other = None
        if fault is not None and fault[1] is not None:
            worked = [self.pair_day[p] for p in self.inst.by_worker[fault[1]] if values[self.x_index[p]]]
            other = rng.choice(worked) if worked else None
        second = self._window(rng, span, other)
        return self._on_days(first, span) | self._on_days(second, span)

    def _on_days(self, first: int, span: int) -> set[int]:
        """Every worker's ``x`` on ``span`` days from day index ``first`` (those within the horizon)."""
        return {self.x_index[p] for pairs in self.day_pairs[first : first + span] for p in pairs}

    def workers(self, rng: random.Random, size: int, values: list[int]) -> set[int]:
        """``size`` workers' whole schedules."""
        chosen, _ = self._people(rng, size, values)
        return {i for w in chosen for i in self.by_worker[w]}

    def _window(self, rng: random.Random, span: int, centre: int | None) -> int:
        """First day index of ``span`` consecutive days, covering ``centre`` when one is given."""
        if centre is None:
            return rng.randrange(max(1, len(self.days) - span + 1))
        return max(0, min(len(self.days) - span, centre - rng.randrange(span)))

    def days_window(self, rng: random.Random, size: int, values: list[int]) -> set[int]:
        """Every worker over ``size`` consecutive days; guided: around a fault."""
        fault = self.aim(rng, values)
        first = self._window(rng, size, None if fault is None else self.item_day[fault[0]])
        return self._on_days(first, size)

    def block(self, rng: random.Random, size: int, values: list[int]) -> set[int]:
        """``2 * size`` workers over a week: wider than ``workers``, shorter than the horizon."""
        span = min(len(self.days), 7)
        people, centre = self._people(rng, 2 * size, values)
        first = self._window(rng, span, centre)
        return {
            self.x_index[p] for w in people for p in self.inst.by_worker[w] if first <= self.pair_day[p] < first + span
        }

    def weekly(self, rng: random.Random, size: int, values: list[int]) -> set[int]:
        """Every worker over the same ``size`` days of the week (at most 7) in every week; guided: days that
        include a fault's. Limits over the horizon (total minutes, weekends worked, shifts of a type) tie the
        weeks together, so moving work from one week to another (a worker's weekend, a shift that frees
        minutes for an open place elsewhere) needs every week open at once, while each week's own pattern
        around those days stays fixed. Measured (benchmarks/README.md): from a stuck roster of Curtois 9, no
        window of up to 14 consecutive days improved in 30 s; from one of 12, the search ends lower with it."""
        fault = self.aim(rng, values)
        span = min(size, 7)
        first = rng.randrange(7) if fault is None else self.weekday[self.item_day[fault[0]]] - rng.randrange(span)
        chosen = {(first + k) % 7 for k in range(span)}
        return {self.x_index[p] for d, pairs in enumerate(self.day_pairs) if self.weekday[d] in chosen for p in pairs}


def _search(
    extractor: Extractor,
    hoods: _Neighbourhoods,
    shared: _Shared,
    deadline: float,
    rng: random.Random,
    t0: float,
    on_improvement: Callable[[int, float, list[int]], None] | None,
    stop: Callable[[], bool] | None,
) -> None:
    """One thread of the search: its own sizes and random stream, each round its own small model."""
    pick = {
        "workers": hoods.workers,
        "days": hoods.days_window,
        "block": hoods.block,
        "windows": hoods.two_windows,
        "weekly": hoods.weekly,
    }
    n_days, n_busy = len(hoods.days), len(hoods.busy)
    limits = {"workers": n_busy, "days": n_days, "block": max(1, n_busy // 2), "windows": n_days, "weekly": 7}
    size = dict.fromkeys(pick, 2.0)
    kinds = list(pick)
    seconds, idle = SUB_SECONDS, 0
    while deadline - time.perf_counter() > 0.1 and shared.error is None and not (stop is not None and stop()):
        with shared.lock:
            base, base_objective = shared.result.values, shared.result.objective
            shared.result.rounds += 1
        kind = rng.choice(kinds)
        free = hoods.limit(rng, pick[kind](rng, max(1, int(size[kind])), base), base)
        sub, order = extractor.cut(free, base, base_objective)  # starts from the current roster as its hint
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, min(seconds, deadline - time.perf_counter()))
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = rng.randrange(1 << 30)
        solver.parameters.linearization_level = 2  # measured: small rostering neighbourhoods prove 2-4x faster
        # The small model still carries the fixed values its constraints share with the rest of the
        # roster, so one presolve pass is enough (a full one took a third of a small sub-solve's time).
        solver.parameters.max_presolve_iterations = 1
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
        status = solver.solve(sub)
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        objective = round(solver.objective_value) if found else None  # integer model: round the float's noise
        improved = objective is not None and objective < base_objective
        if status != cp_model.OPTIMAL and not improved:
            size[kind] = max(1, size[kind] / GROWTH)
        elif status == cp_model.OPTIMAL and solver.wall_time < FAST_SECONDS:
            size[kind] = min(limits[kind], size[kind] * GROWTH)
        idle = 0 if improved else idle + 1
        if idle >= STALL_ROUNDS:  # stuck at this depth: give the next neighbourhoods longer
            seconds, idle = min(MAX_SUB_SECONDS, seconds * STALL_GROWTH), 0
        elif improved:
            seconds = SUB_SECONDS
        if objective is None or objective > base_objective:
            continue
        values = list(base)
        for k, value in zip(order, solver.response_proto.solution, strict=True):
            values[k] = value
        with shared.lock:
            if objective < shared.result.objective:
                shared.result.values, shared.result.objective = values, objective
                shared.result.improved_at = time.perf_counter() - t0
                if on_improvement:
                    on_improvement(objective, shared.result.improved_at, values)
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
    on_improvement: Callable[[int, float, list[int]], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> LnsResult:
    """Improve a complete assignment of ``v.model`` (``values`` by proto index) until ``deadline``.

    ``workers`` searches run side by side; with one, the sequence of neighbourhoods is fixed by ``seed``.
    A failure in any of them ends them all and is raised here.
    """
    hoods = _Neighbourhoods(inst, v)
    shared = _Shared(LnsResult(values, objective, None, 0))
    if not hoods.busy or not hoods.days:
        return shared.result
    extractor = Extractor(v.model, hoods.x_index)  # read-only, shared by the threads

    def guarded(k: int) -> None:
        # A thread's own exception is only printed and the solve would quietly return the unimproved
        # roster: keep the first failure (it also ends the other threads) and raise it here.
        try:
            _search(extractor, hoods, shared, deadline, random.Random(seed * 1009 + k), t0, on_improvement, stop)
        except BaseException as exc:
            with shared.lock:
                shared.error = shared.error or exc

    threads = [threading.Thread(target=guarded, args=(k,), daemon=True) for k in range(max(1, workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if shared.error is not None:
        raise shared.error
    return shared.result
