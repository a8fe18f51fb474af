"""Problem snapshot -> roster. The only entry point that runs CP-SAT.

By default the search is lexicographic (``Settings.coverage_first``): phase 1 fills as much weighted
demand as possible; phase 2 keeps that coverage and optimises preferences, fairness, travel, cost and
continuity. Managers get the most shifts covered; the quality goals never trade a place away.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from models.enums import AssignmentStatus
from models.problem import Problem
from models.solution import PlannedAssignment, SolveStats, SolveStatus, Unfilled
from models.solution import Solution as SolutionModel
from solver.explain import Explainer
from solver.instance import Instance, build_instance
from solver.lns import improve
from solver.model import build_model
from solver.rules import Vars, all_values, hint_all
from solver.score import score, total
from solver.validator import LOWER_BOUND_RULES, Violation, validate


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 30.0  # seconds, both phases together
    workers: int = 2  # CP-SAT search workers
    seed: int = 0
    coverage_share: float = 0.5  # at most this share of the time limit goes to phase 1
    lns_share: float = 0.8  # share of the last phase given to worker/day neighbourhood search (solver.lns)
    # Models with at most this many candidate (worker, item) pairs are solved for proof: runs of days as
    # networks (solver.runs, a strong LP bound) and CP-SAT's own search for the whole time, no neighbourhood
    # search. Larger ones keep the compact clauses, which search faster, and the neighbourhood search.
    # Measured crossover on Curtois & Qu (benchmarks/README.md): better up to 1 040 pairs
    # (Instance 6), worse from 2 158 (Instance 8).
    small_model_pairs: int = 2000


@dataclass(frozen=True)
class Progress:
    phase: str  # "coverage" or "quality"
    objective: float
    bound: float
    seconds: float
    solutions: int


ProgressFn = Callable[[Progress], None]
StopFn = Callable[[], bool]  # polled during the search; True ends it early with the best roster so far


class KeptAssignmentsInfeasible(ValueError):
    """Pinned or accepted assignments that break a hard rule on their own; nothing can be solved around them."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  - {v}" for v in violations)
        super().__init__(f"{len(violations)} kept (pinned or accepted) assignment problem(s):\n{lines}")

    def __reduce__(self) -> tuple[type, tuple[list[Violation]]]:
        return (type(self), (self.violations,))  # survives the trip back from a solver process


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, phase: str, t0: float, progress: ProgressFn | None, target: float | None) -> None:
        super().__init__()
        self.phase, self.t0, self.progress, self.target = phase, t0, progress, target
        self.count = 0
        self.first: float | None = None
        self.last: float | None = None

    def on_solution_callback(self) -> None:
        self.count += 1
        now = time.perf_counter() - self.t0
        if self.first is None:
            self.first = now
        self.last = now
        if self.progress:
            self.progress(Progress(self.phase, self.objective_value, self.best_objective_bound, now, self.count))
        if self.target is not None and self.objective_value <= self.target:
            self.stop_search()  # reached a bound known without search: nothing better exists


def _run(
    v: Vars,
    options: SolveOptions,
    seconds: float,
    phase: str,
    t0: float,
    progress: ProgressFn | None,
    target: float | None = None,
    stop: StopFn | None = None,
) -> tuple[cp_model.CpSolver, Any, _Reporter]:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    # Assignment models live on their LP bound; CP-SAT's small-portfolio defaults carry none (measured in
    # benchmarks/README.md: phase 1 of the demo proves optimal in ~1.5 s this way, never by default).
    if options.workers == 1:
        solver.parameters.linearization_level = 2
    elif options.workers == 2:
        solver.parameters.subsolvers.extend(["max_lp", "default_lp"])
    reporter = _Reporter(phase, t0, progress, target)
    done = threading.Event()
    if stop is not None:
        threading.Thread(target=_watch, args=(solver, stop, done), daemon=True).start()
    try:
        status = solver.solve(v.model, reporter)
    finally:
        done.set()
    return solver, status, reporter


def _watch(solver: cp_model.CpSolver, stop: StopFn, done: threading.Event) -> None:
    """Stop ``solver`` as soon as ``stop()`` says so (CP-SAT's stop_search is safe from another thread)."""
    while not done.wait(0.1):
        if stop():
            solver.stop_search()
            return


def coverage_floor(inst: Instance) -> int:
    """Weighted places that cannot be filled because too few workers are eligible at all."""
    weights = inst.problem.settings.weights
    return sum(
        weights.unfilled(it.priority) * max(0, it.headcount - len(inst.by_item[i])) for i, it in enumerate(inst.items)
    )


def check_kept(problem: Problem) -> None:
    """Raise if the kept assignments alone already break a hard rule (then no roster can keep them)."""
    kept = [(a.worker_id, a.item_id) for a in problem.assignments if a.kept]
    violations = [v for v in validate(problem, kept) if v.rule not in LOWER_BOUND_RULES]
    if violations:
        raise KeptAssignmentsInfeasible(violations)


def solve(
    problem: Problem,
    options: SolveOptions | None = None,
    progress: ProgressFn | None = None,
    stop: StopFn | None = None,
) -> SolutionModel:
    """Roster for ``problem``; ``stop`` ends the search early (the best roster so far is returned).

    Deterministic for ``workers=1`` and a fixed seed whenever the search ends before its time limit.
    """
    options = options or SolveOptions()
    t0 = time.perf_counter()
    check_kept(problem)
    inst = build_instance(problem)
    small = len(inst.pairs) <= options.small_model_pairs
    lns_share = 0.0 if small else options.lns_share
    built = build_model(inst, run_networks=small)
    v, coverage, quality = built.v, built.coverage, built.quality
    build_seconds = time.perf_counter() - t0

    values: list[int] | None = None
    coverage_proven = False
    first: float | None = None
    if problem.settings.coverage_first and inst.pairs:
        v.model.minimize(coverage)
        budget = options.time_limit * options.coverage_share
        floor = coverage_floor(inst)
        solver, status, rep = _run(v, options, budget, "coverage", t0, progress, target=floor, stop=stop)
        first = rep.first
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = [solver.value(x) for x in v.x]
            coverage_proven = status == cp_model.OPTIMAL or solver.objective_value <= floor
            v.model.add(coverage <= round(solver.objective_value))
            hint_all(v.model, all_values(v.model, solver))  # phase 2 starts from this complete roster

    v.model.minimize(coverage + quality)
    deadline = t0 + options.time_limit
    remaining = deadline - time.perf_counter()
    solver, status, rep = _run(v, options, remaining * (1 - lns_share), "quality", t0, progress, stop=stop)
    first = first if first is not None else rep.first
    best_at = rep.last if rep.last is not None else first
    bound: float | None = None
    model_objective: int | None = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = [solver.value(x) for x in v.x]
        model_objective = round(solver.objective_value)  # integer model; the float carries noise
    stopped = stop is not None and stop()
    if status == cp_model.FEASIBLE and lns_share > 0 and deadline - time.perf_counter() > 0.5 and not stopped:
        cp_bound = solver.best_objective_bound

        def report(objective: int, seconds: float) -> None:
            if progress:
                progress(Progress("quality", objective, cp_bound, seconds, rep.count))

        lns = improve(
            inst,
            v,
            all_values(v.model, solver),
            round(solver.objective_value),
            deadline,
            workers=options.workers,
            seed=options.seed,
            t0=t0,
            on_improvement=report,
            stop=stop,
        )
        values = [lns.values[x.index] for x in v.x]
        model_objective = lns.objective
        best_at = lns.improved_at if lns.improved_at is not None else best_at
    if status != cp_model.INFEASIBLE and math.isfinite(solver.best_objective_bound):
        bound = solver.best_objective_bound  # known even when no roster was found in time
    if not (problem.settings.coverage_first and inst.pairs):
        coverage_proven = status == cp_model.OPTIMAL

    stats = SolveStats(
        build_seconds=round(build_seconds, 3),
        first_solution_seconds=None if first is None else round(first, 3),
        best_solution_seconds=None if best_at is None else round(best_at, 3),
        candidate_pairs=len(inst.pairs),
        variables=len(v.model.proto.variables),
        constraints=len(v.model.proto.constraints),
        coverage_proven=coverage_proven,
        model_objective=model_objective,
    )
    if values is None:
        stats.wall_seconds = round(time.perf_counter() - t0, 3)
        if status == cp_model.INFEASIBLE:
            return SolutionModel(
                problem_name=problem.name,
                status=SolveStatus.infeasible,
                message="no roster meets every working-time rule: check workers' minimum hours, minimum runs of"
                " working days and days off against their availability",
                stats=stats,
            )
        return SolutionModel(
            problem_name=problem.name,
            status=SolveStatus.unknown,
            message="no roster found within the time limit; raise --time-limit",
            best_bound=bound,
            stats=stats,
        )
    solution = _solution(inst, values, status, bound, stats)
    solution.stats.wall_seconds = round(time.perf_counter() - t0, 3)
    return solution


def _solution(inst: Instance, values: list[int], status: int, bound: float | None, stats: SolveStats) -> SolutionModel:
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
    optimal = status == cp_model.OPTIMAL and (stats.coverage_proven or not problem.settings.coverage_first)
    return SolutionModel(
        problem_name=problem.name,
        status=SolveStatus.optimal if optimal else SolveStatus.feasible,
        objective=total(terms),
        best_bound=bound,
        terms=terms,
        assignments=assignments,
        unfilled=unfilled,
        stats=stats,
    )
