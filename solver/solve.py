"""Problem snapshot -> roster. The only entry point that runs CP-SAT.

By default the search is lexicographic (``Settings.coverage_first``): phase 1 fills as much weighted
demand as possible; phase 2 keeps that coverage and optimises preferences, fairness, travel, cost and
continuity. Managers get the most shifts covered; the quality goals never trade a place away.

The search is *anytime*: a greedy roster (``solver.construct``) comes first, every phase starts from
the best roster so far and hands it on, and a phase's time is cut from what is left when it starts and
from how it progresses, so no fixed split of the limit can end the search without a roster.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from models.enums import AssignmentStatus
from models.problem import Problem
from models.solution import PhaseRun, PlannedAssignment, SolveStats, SolveStatus, Unfilled
from models.solution import Solution as SolutionModel
from solver.construct import greedy
from solver.explain import Explainer
from solver.instance import Instance, build_instance
from solver.kept import kept_violations, restore, set_aside
from solver.lns import improve
from solver.model import build_model
from solver.score import score, total
from solver.spread import spread
from solver.validator import LOWER_BOUND_RULES, Violation, validate
from solver.variables import Vars, all_values, hint_all


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 30.0  # seconds for everything: model, first roster and every phase
    workers: int = 2  # CP-SAT search workers
    seed: int = 0
    # Phase 1 (coverage) ends once a roster is known and it has used this share of the time left when it
    # began, or its best has not improved for ``stall_share`` of that time (at least 2 s), or it is proven.
    coverage_share: float = 0.5
    stall_share: float = 0.2
    # A CP-SAT phase that has found nothing yet while an earlier phase's roster exists hands that roster
    # on after this share of the time left (at least 2 s): on large pools CP-SAT's first roster comes late.
    # Measured at 2,000 workers, 120 s (benchmarks/README.md): phase 1's first roster came after 20 s and
    # then filled places the neighbourhood search did not (28 open against 34 with 0.1, 44 with none);
    # CP-SAT's quality run found nothing there in 10 s, and the neighbourhood search improves quality.
    coverage_patience_share: float = 0.25
    quality_patience_share: float = 0.1
    # On models above ``small_model_pairs``, CP-SAT's quality run hands over to the neighbourhood search
    # (solver.lns) once a roster is known and it has used ``1 - lns_share`` of the time left.
    lns_share: float = 0.8
    # Models with at most this many candidate (worker, item) pairs are solved for proof: runs of days as
    # networks (solver.runs, a strong LP bound) and CP-SAT's own search for the whole time, no neighbourhood
    # search. Larger ones keep the compact clauses, which search faster, and the neighbourhood search.
    # Measured crossover on Curtois & Qu (benchmarks/README.md): better up to 1 040 pairs
    # (Instance 6), worse from 2 158 (Instance 8).
    small_model_pairs: int = 2000
    construct: bool = True  # start from a greedy roster (solver.construct), as hint and first incumbent


@dataclass(frozen=True)
class Course:
    """The roster just found in a coordinator's terms, for the live course of a solve (the objective's
    points mean nothing to her)."""

    filled: int  # places filled
    km: int  # travel from home, one way, summed over the assignments
    nok: int  # pay at hourly rates


@dataclass(frozen=True)
class Progress:
    phase: str  # "construction", "coverage" or "quality"
    objective: float  # of the phase's own objective (coverage alone in phase 1)
    bound: float  # NaN where the phase has none
    seconds: float
    solutions: int
    course: Course | None = None  # the roster found, in words a coordinator reads


@dataclass(frozen=True)
class _Measure:
    """How a roster of the model reads as a ``Course``: from CP-SAT's callback (expressions it values
    itself), or from the values of every variable by proto index (construction, neighbourhood search)."""

    places: int
    open_: Any  # LinearExpr: open places
    km: Any
    nok: Any
    open_at: np.ndarray  # proto indices of the open-place variables
    km_at: np.ndarray  # proto indices of the pairs' choices, and each pair's km (and NOK)
    km_of: np.ndarray
    nok_at: np.ndarray
    nok_of: np.ndarray

    @classmethod
    def of(cls, inst: Instance, v: Vars) -> _Measure:
        km = [(p, pair.travel) for p, pair in enumerate(inst.pairs) if pair.travel]
        nok = [(p, pair.cost) for p, pair in enumerate(inst.pairs) if pair.cost]

        def expr(terms: list[tuple[int, int]]) -> Any:
            return cp_model.LinearExpr.weighted_sum([v.x[p] for p, _ in terms], [c for _, c in terms])

        def at(terms: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
            return np.array([v.x[p].index for p, _ in terms], dtype=np.int64), np.array(
                [c for _, c in terms], dtype=np.int64
            )

        return cls(
            sum(it.headcount for it in inst.items),
            cp_model.LinearExpr.sum(v.unfilled),
            expr(km),
            expr(nok),
            np.array([u.index for u in v.unfilled], dtype=np.int64),
            *at(km),
            *at(nok),
        )

    def called(self, callback: cp_model.CpSolverSolutionCallback) -> Course:
        return Course(
            self.places - int(callback.value(self.open_)), int(callback.value(self.km)), int(callback.value(self.nok))
        )

    def valued(self, values: list[int]) -> Course:
        got = np.asarray(values, dtype=np.int64)
        return Course(
            self.places - int(got[self.open_at].sum()),
            int(got[self.km_at] @ self.km_of),
            int(got[self.nok_at] @ self.nok_of),
        )


ProgressFn = Callable[[Progress], None]
StopFn = Callable[[], bool]  # polled during the search; True ends it early with the best roster so far
EnoughFn = Callable[["_Reporter", float], bool]  # (reporter, seconds in the phase) -> the phase may end

MIN_STALL_SECONDS = 2.0


class KeptAssignmentsInfeasible(ValueError):
    """Pinned or accepted assignments that break a hard rule on their own; nothing can be solved around them."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  - {v}" for v in violations)
        super().__init__(f"{len(violations)} kept (pinned or accepted) assignment problem(s):\n{lines}")

    def __reduce__(self) -> tuple[type, tuple[list[Violation]]]:
        return (type(self), (self.violations,))  # survives the trip back from a solver process


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        phase: str,
        t0: float,
        progress: ProgressFn | None,
        target: float | None,
        measure: _Measure | None = None,
    ) -> None:
        super().__init__()
        self.phase, self.t0, self.progress, self.target, self.measure = phase, t0, progress, target, measure
        self.count = 0
        self.first: float | None = None
        self.last: float | None = None  # when the phase's best last improved, seconds since t0
        self.best = math.inf

    def on_solution_callback(self) -> None:
        self.count += 1
        now = time.perf_counter() - self.t0
        if self.first is None:
            self.first = now
        if self.objective_value < self.best:
            self.best, self.last = self.objective_value, now
        if self.progress:
            course = self.measure.called(self) if self.measure is not None else None
            bound = self.best_objective_bound
            self.progress(Progress(self.phase, self.objective_value, bound, now, self.count, course))
        if self.target is not None and self.objective_value <= self.target:
            self.stop_search()  # reached a bound known without search: nothing better exists


@dataclass
class _Best:
    """The incumbent: the best complete roster so far, carried from phase to phase."""

    values: list[int] | None = None  # every model variable, by proto index
    found_at: float | None = None  # seconds since the solve started
    phase: str = ""


def _params(solver: cp_model.CpSolver, options: SolveOptions, seconds: float) -> None:
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    # Assignment models live on their LP bound; CP-SAT's small-portfolio defaults carry none (measured in
    # benchmarks/README.md: phase 1 of the demo proves optimal in ~1.5 s this way, never by default).
    if options.workers == 1:
        solver.parameters.linearization_level = 2
    elif options.workers == 2:
        solver.parameters.subsolvers.extend(["max_lp", "default_lp"])


def _run(
    v: Vars,
    options: SolveOptions,
    deadline: float,
    phase: str,
    t0: float,
    progress: ProgressFn | None,
    *,
    stop: StopFn | None,
    enough: EnoughFn | None = None,
    target: float | None = None,
    measure: _Measure | None = None,
) -> tuple[cp_model.CpSolver, Any, _Reporter]:
    """CP-SAT on ``v.model`` until ``deadline``, a proof, ``target``, ``stop()`` or ``enough`` ends it."""
    solver = cp_model.CpSolver()
    _params(solver, options, deadline - time.perf_counter())
    reporter = _Reporter(phase, t0, progress, target, measure)
    done = threading.Event()
    began = time.perf_counter()

    def should_end() -> bool:
        return (stop is not None and stop()) or (enough is not None and enough(reporter, time.perf_counter() - began))

    threading.Thread(target=_watch, args=(solver, should_end, done), daemon=True).start()
    try:
        status = solver.solve(v.model, reporter)
    finally:
        done.set()
    return solver, status, reporter


def _watch(solver: cp_model.CpSolver, should_end: Callable[[], bool], done: threading.Event) -> None:
    """Stop ``solver`` as soon as ``should_end()`` says so (CP-SAT's stop_search is safe from another thread)."""
    while not done.wait(0.1):
        if should_end():
            solver.stop_search()
            return


def objective_of(model: cp_model.CpModel, values: list[int]) -> int:
    """The value of ``model``'s objective (as set now) on a complete assignment, by proto index."""
    obj = model.proto.objective
    total = obj.offset
    for ref, coeff in zip(obj.vars, obj.coeffs, strict=True):
        total += coeff * (values[ref] if ref >= 0 else -values[-ref - 1])
    return round(total)


def _complete(v: Vars, x: list[int], seconds: float) -> list[int] | None:
    """Every model variable for the roster ``x`` (0/1 per pair), if the model accepts it: CP-SAT with every
    choice fixed sets the auxiliaries (days worked, open places, fairness steps) at their cheapest.

    The choices are fixed in place and released afterwards: a clone of a large model cost 170 MB."""
    variables = v.model.proto.variables
    saved = [tuple(variables[var.index].domain) for var in v.x]
    try:
        for var, val in zip(v.x, x, strict=True):
            dom = variables[var.index].domain
            dom[0] = dom[1] = val
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.num_workers = 1
        status = solver.solve(v.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return all_values(v.model, solver)
    finally:
        for var, (lo, hi) in zip(v.x, saved, strict=True):
            dom = variables[var.index].domain
            dom[0], dom[1] = lo, hi


def _misses_minimum(inst: Instance, x: list[int]) -> bool:
    """Whether the choices ``x`` break a rule that only more work can mend (the construction's blind spot)."""
    roster = [(inst.workers[q.w].id, inst.items[q.i].id) for q, on in zip(inst.pairs, x, strict=True) if on]
    return any(v.rule in LOWER_BOUND_RULES for v in validate(inst.problem, roster, require_kept=False))


def coverage_floor(inst: Instance) -> int:
    """Weighted places that cannot be filled because too few workers are eligible at all."""
    weights = inst.problem.settings.weights
    return sum(
        weights.unfilled(it.priority) * max(0, it.headcount - len(inst.by_item[i])) for i, it in enumerate(inst.items)
    )


def kept_breaches(problem: Problem) -> list[Violation]:
    """The hard rules the kept assignments break on their own (minimums aside: more work may mend them).
    Raise if one is not a worker's (an item holding more kept people than it may have): that is wrong data,
    not a change a person made, and no roster can be built around it."""
    violations = kept_violations(problem, LOWER_BOUND_RULES)
    items_only = [v for v in violations if v.worker_id is None]
    if items_only:
        raise KeptAssignmentsInfeasible(items_only)
    return violations


def solve(
    problem: Problem,
    options: SolveOptions | None = None,
    progress: ProgressFn | None = None,
    stop: StopFn | None = None,
) -> SolutionModel:
    """Roster for ``problem`` within ``options.time_limit`` seconds, model building included.

    The anytime contract:
    - it returns before the time limit only when the roster is proven optimal (coverage and quality) or
      ``stop()`` asks, and then with the best roster so far;
    - a roster found in any phase (the greedy construction, phase 1, CP-SAT's quality run) is the
      incumbent the next phase starts from, so a phase that finds nothing hands the last one's roster on;
    - no phase ends while no roster is known and time is left: budgets are shares of the time left when
      the phase starts and end early only once a roster exists;
    - status ``unknown`` means no roster existed at the deadline (``infeasible``: proven none exists),
      with a message saying what ran.

    Kept (accepted or pinned) work that breaks a hard rule on its own does not stop the solve: its worker
    is set aside (``solver.kept``), the breaches are named in ``kept_conflicts`` and the message, and the
    rest of the roster is solved.

    Deterministic for ``workers=1`` and a fixed seed whenever the search ends before its time limit.
    """
    t0 = time.perf_counter()
    aside = set_aside(problem, kept_breaches(problem))
    return restore(_solve(aside.problem, options or SolveOptions(), progress, stop, t0), aside)


def _solve(
    problem: Problem, options: SolveOptions, progress: ProgressFn | None, stop: StopFn | None, t0: float
) -> SolutionModel:
    """The search itself, on a problem whose kept work breaks no rule."""
    deadline = t0 + options.time_limit
    inst = build_instance(problem)
    small = len(inst.pairs) <= options.small_model_pairs
    built = build_model(inst, run_networks=small)
    v, coverage, quality = built.v, built.coverage, built.quality
    measure = _Measure.of(inst, v) if progress is not None else None
    build_seconds = time.perf_counter() - t0
    phases: list[PhaseRun] = []
    best = _Best()
    first: float | None = None  # seconds to the first complete roster, from whichever phase found it

    def since() -> float:
        return time.perf_counter() - t0

    def stopped() -> bool:
        return stop is not None and stop()

    def left() -> float:
        return deadline - time.perf_counter()

    # Construction: a greedy roster, completed by the model itself (which also proves it breaks no rule).
    hint_x: list[int] | None = None
    if options.construct and inst.pairs:
        began = since()
        hint_x = greedy(inst)
        v.model.minimize(coverage + quality)
        values = _complete(v, hint_x, max(0.05, min(left(), 0.1 * options.time_limit + 1)))
        note = "a roster meeting every hard rule"
        if values is not None:
            best = _Best(values, since(), "construction")
            first = best.found_at
            if progress:
                course = measure.valued(values) if measure is not None else None
                progress(Progress("construction", objective_of(v.model, values), math.nan, since(), 1, course))
        elif _misses_minimum(inst, hint_x):
            note = "missed a minimum (hours or run of days): used as a hint for CP-SAT"
        else:
            note = "not completed in its time: used as a hint for CP-SAT"
        phases.append(PhaseRun(name="construction", seconds=round(since() - began, 3), outcome=note))

    coverage_first = problem.settings.coverage_first and bool(inst.pairs)
    coverage_proven = False
    cover_status: Any = None
    if coverage_first:
        v.model.minimize(coverage)
        _hint(v, best, hint_x)
        start_objective = None if best.values is None else objective_of(v.model, best.values)
        window = max(0.0, left())
        budget, stall = options.coverage_share * window, max(MIN_STALL_SECONDS, options.stall_share * window)
        patience = max(MIN_STALL_SECONDS, options.coverage_patience_share * window)

        def coverage_enough(rep: _Reporter, seconds: float) -> bool:
            if rep.count == 0:  # nothing yet: wait, unless an earlier phase's roster can go on instead
                return best.values is not None and seconds >= min(budget, patience)
            return seconds >= budget or (rep.last is not None and since() - rep.last >= stall)

        began = since()
        floor = coverage_floor(inst)
        solver, cover_status, rep = _run(
            v,
            options,
            deadline,
            "coverage",
            t0,
            progress,
            stop=stop,
            enough=coverage_enough,
            target=floor,
            measure=measure,
        )
        found = cover_status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        first = first if first is not None else rep.first
        if found and (start_objective is None or round(solver.objective_value) < start_objective):
            # more places filled than the construction's (an equal cover keeps its cheaper roster)
            best = _Best(all_values(v.model, solver), rep.first if best.values is None else rep.last, "coverage")
        if best.values is not None:
            reached = objective_of(v.model, best.values)
            coverage_proven = (found and cover_status == cp_model.OPTIMAL) or reached <= floor
            v.model.add(coverage <= reached)
            if best.phase == "coverage":  # its quality auxiliaries were free: set them at their cheapest
                v.model.minimize(coverage + quality)
                tight = _complete(v, [best.values[x.index] for x in v.x], max(0.05, min(left(), 0.05 * window + 1)))
                if tight is not None:
                    best = _Best(tight, best.found_at, best.phase)
        outcome = (
            "no roster"
            if best.values is None
            else "proved the most places that can be filled"
            if coverage_proven
            else "filled more places, not proven the most"
            if best.phase == "coverage"
            else "filled no more places than the construction in its time"
        )
        phases.append(PhaseRun(name="coverage", seconds=round(since() - began, 3), outcome=outcome))
        if cover_status == cp_model.INFEASIBLE:
            return _no_roster(problem, inst, v, build_seconds, phases, best, None, infeasible=True, t0=t0)

    # Quality: CP-SAT on the whole objective with coverage held, from the incumbent.
    v.model.minimize(coverage + quality)
    _hint(v, best, hint_x)
    start_objective = None if best.values is None else objective_of(v.model, best.values)
    quality_start = start_objective
    window = max(0.0, left())
    handover = (1 - options.lns_share) * window

    patience = max(MIN_STALL_SECONDS, options.quality_patience_share * window)

    def quality_enough(rep: _Reporter, seconds: float) -> bool:
        if small or (rep.count == 0 and best.values is None):
            return False
        return seconds >= (handover if rep.count else min(handover, patience))

    began = since()
    status: Any = cp_model.UNKNOWN
    bound: float | None = None
    if not stopped() and left() > 0.05:
        solver, status, rep = _run(
            v, options, deadline, "quality", t0, progress, stop=stop, enough=quality_enough, measure=measure
        )
        first = first if first is not None else rep.first
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            objective = round(solver.objective_value)
            if start_objective is None or objective <= start_objective:
                best = _Best(all_values(v.model, solver), rep.last, "quality")
        if status != cp_model.INFEASIBLE and math.isfinite(solver.best_objective_bound):
            bound = solver.best_objective_bound  # known even when no roster was found in time
        phases.append(
            PhaseRun(
                name="quality",
                seconds=round(since() - began, 3),
                outcome="proved optimal"
                if status == cp_model.OPTIMAL
                else f"{rep.count} roster(s) found"
                if rep.count
                else "no better roster in its time",
            )
        )
        if status == cp_model.INFEASIBLE and best.values is None:
            return _no_roster(problem, inst, v, build_seconds, phases, best, None, infeasible=True, t0=t0)

    if not coverage_first:
        coverage_proven = status == cp_model.OPTIMAL  # one objective: proven only with the whole of it
    model_objective = None if best.values is None else objective_of(v.model, best.values)
    if not small and best.values is not None and status != cp_model.OPTIMAL and left() > 0.5 and not stopped():
        assert model_objective is not None
        cp_bound = math.nan if bound is None else bound
        began = since()
        count = [0]

        def report(objective: int, seconds: float, values: list[int]) -> None:
            count[0] += 1
            if progress:
                course = measure.valued(values) if measure is not None else None
                progress(Progress("quality", objective, cp_bound, seconds, count[0], course))

        lns = improve(
            inst,
            v,
            best.values,
            model_objective,
            deadline,
            workers=options.workers,
            seed=options.seed,
            t0=t0,
            on_improvement=report,
            stop=stop,
        )
        if lns.objective < model_objective:
            best = _Best(lns.values, lns.improved_at, "neighbourhood search")
            model_objective = lns.objective
        phases.append(
            PhaseRun(
                name="neighbourhood search",
                seconds=round(since() - began, 3),
                outcome=f"{count[0]} improvement(s) in {lns.rounds} rounds",
            )
        )

    if best.values is None:
        return _no_roster(problem, inst, v, build_seconds, phases, best, bound, infeasible=False, t0=t0)
    optimal = status == cp_model.OPTIMAL and (coverage_proven or not coverage_first)
    stats = SolveStats(
        build_seconds=round(build_seconds, 3),
        first_solution_seconds=None if first is None else round(first, 3),
        best_solution_seconds=None if best.found_at is None else round(best.found_at, 3),
        candidate_pairs=len(inst.pairs),
        variables=len(v.model.proto.variables),
        constraints=len(v.model.proto.constraints),
        coverage_proven=coverage_proven,
        model_objective=model_objective,
        phases=phases,
        quality_start=quality_start,
        quality_improved=None if quality_start is None or model_objective is None else model_objective < quality_start,
    )
    values = [best.values[x.index] for x in v.x]
    solution = _solution(inst, values, optimal, bound, stats)
    solution.message = describe_run(solution)
    solution.stats.wall_seconds = round(since(), 3)
    return solution


def _hint(v: Vars, best: _Best, hint_x: list[int] | None) -> None:
    """Start the next CP-SAT run from the incumbent (every variable), else from the greedy choices."""
    if best.values is not None:
        hint_all(v.model, best.values)
    elif hint_x is not None:
        v.model.clear_hints()
        for var, val in zip(v.x, hint_x, strict=True):
            v.model.add_hint(var, val)


def _no_roster(
    problem: Problem,
    inst: Instance,
    v: Vars,
    build_seconds: float,
    phases: list[PhaseRun],
    best: _Best,
    bound: float | None,
    *,
    infeasible: bool,
    t0: float,
) -> SolutionModel:
    stats = SolveStats(
        build_seconds=round(build_seconds, 3),
        candidate_pairs=len(inst.pairs),
        variables=len(v.model.proto.variables),
        constraints=len(v.model.proto.constraints),
        phases=phases,
        wall_seconds=round(time.perf_counter() - t0, 3),
    )
    tried = "; ".join(f"{p.name} {p.seconds:g} s: {p.outcome}" for p in phases) or "nothing: no time was left"
    if infeasible:
        return SolutionModel(
            problem_name=problem.name,
            status=SolveStatus.infeasible,
            message="no roster meets every working-time rule: check workers' minimum hours, minimum runs of"
            f" working days and days off against their availability (tried: {tried})",
            stats=stats,
        )
    return SolutionModel(
        problem_name=problem.name,
        status=SolveStatus.unknown,
        message=f"no roster found within the time limit (model built in {build_seconds:.1f} s; tried: {tried});"
        " raise the time limit",
        best_bound=bound,
        stats=stats,
    )


def describe_run(solution: SolutionModel) -> str:
    """What ran and what the result is worth, in words (no score points: people read it in the API and
    the pages): the phases, the bound's meaning, and a warning when the quality goals (preferences,
    fairness, travel, cost) were never improved."""
    stats = solution.stats
    ran = ", ".join(f"{p.name} ({p.seconds:.1f} s: {p.outcome})" for p in stats.phases)
    parts = [f"{solution.status.value}; ran {ran}" if ran else solution.status.value]
    objective, bound = solution.objective, solution.best_bound
    if solution.status == SolveStatus.optimal:
        parts.append("proven optimal")
    elif bound is None or objective is None:
        parts.append("no lower bound was proven, so the distance to the best roster is unknown")
    else:
        gap = (objective - bound) / max(1, abs(objective))
        if bound <= 0 or gap > 0.5:
            parts.append("the proven bound is too weak to say how far this roster is from the best")
        else:
            parts.append(f"at most {100 * gap:.1f} % above the best possible roster (by the proven bound)")
    if stats.quality_improved is False:
        parts.append(
            "warning: the quality goals (preferences, fairness, travel, cost) were not improved in the time"
            " given; a longer time limit would improve them"
        )
    return "; ".join(parts)


def _solution(
    inst: Instance, values: list[int], optimal: bool, bound: float | None, stats: SolveStats
) -> SolutionModel:
    problem = inst.problem
    existing = {(a.worker_id, a.item_id): a for a in problem.assignments if a.active}
    chosen = [inst.pairs[p] for p, val in enumerate(values) if val]
    assignments = []
    for pair in sorted(chosen, key=lambda q: (inst.items[q.i].start, inst.items[q.i].id, inst.workers[q.w].id)):
        worker, item = inst.workers[pair.w], inst.items[pair.i]
        before = existing.get((worker.id, item.id))
        assignments.append(
            PlannedAssignment(
                worker_id=worker.id,
                item_id=item.id,
                start=item.start,
                end=item.end,
                status=before.status if before else AssignmentStatus.proposed,
                pinned=before.pinned if before else False,
            )
        )
    roster = [(a.worker_id, a.item_id) for a in assignments]
    terms = score(problem, roster)
    items = {it.id: it for it in inst.items}
    explainer = Explainer(problem, items, roster)
    filled = {it.id: 0 for it in inst.items}
    for _, i in roster:
        filled[i] += 1
    unfilled = [
        Unfilled(
            item_id=it.id,
            place_id=it.place_id,
            start=it.start,
            end=it.end,
            priority=it.priority,
            required_skills=sorted(it.required_skills),
            missing=it.headcount - filled[it.id],
            reason=explainer.why(it, it.headcount - filled[it.id]),
        )
        for it in inst.items
        if filled[it.id] < it.headcount
    ]
    return SolutionModel(
        problem_name=problem.name,
        status=SolveStatus.optimal if optimal else SolveStatus.feasible,
        objective=total(terms),
        best_bound=bound,
        terms=terms,
        fairness=spread(problem, roster),
        assignments=assignments,
        unfilled=unfilled,
        stats=stats,
    )
