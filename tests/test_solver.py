"""Solver-level behaviour beyond single rules: determinism, scale of pruning, the executor."""

from __future__ import annotations

import threading

from models.generator import GeneratorConfig, generate
from models.solution import SolveStatus
from solver.executor import ProcessExecutor
from solver.instance import build_instance
from solver.solve import Progress, SolveOptions, solve
from solver.validator import item_violations, validate_solution
from tests.factory import problem, shift, worker


def test_same_seed_and_one_worker_give_the_same_roster() -> None:
    p = generate(GeneratorConfig(seed=8, workers=40, farms=4, days=3))
    runs = [solve(p, SolveOptions(time_limit=20, workers=1, seed=11)) for _ in range(2)]
    assert runs[0].status == SolveStatus.optimal
    assert runs[0].assignments == runs[1].assignments
    assert runs[0].objective == runs[1].objective


def test_pruning_keeps_only_plausible_pairs() -> None:
    p = generate(GeneratorConfig(seed=1, workers=300, days=14))
    inst = build_instance(p)
    assert len(inst.pairs) < 0.1 * len(inst.items) * len(inst.workers)
    for pair in inst.pairs:  # pruning and the independent validator agree on every admitted pair
        assert item_violations(p, inst.workers[pair.w], inst.items[pair.i]) == []


def test_generated_pool_solves_and_validates() -> None:
    p = generate(GeneratorConfig(seed=2, workers=120, farms=6, days=7))
    sol = solve(p, SolveOptions(time_limit=6, workers=2, seed=1))  # coverage is proven in about a second
    assert sol.status in (SolveStatus.optimal, SolveStatus.feasible)
    assert validate_solution(p, sol) == []
    assert sol.assignments and sol.stats.coverage_proven


def test_process_executor_runs_solves_and_forwards_progress() -> None:
    p = problem([worker("a"), worker("b")], [shift("s1", 1, 7, 8), shift("s2", 2, 7, 8)])
    events: list[Progress] = []
    ex = ProcessExecutor(max_workers=1)
    try:
        sol = ex.submit(p, SolveOptions(time_limit=5, workers=1), events.append).result(timeout=120)
    finally:
        ex.shutdown()
    assert sol.status == SolveStatus.optimal and len(sol.assignments) == 2
    assert events and events[-1].phase in ("coverage", "quality")


def test_executor_stop_ends_a_long_solve_early_with_a_valid_roster() -> None:
    p = generate(GeneratorConfig(seed=2, workers=120, farms=6, days=7))
    ex = ProcessExecutor(max_workers=1)
    started = threading.Event()
    try:
        future = ex.submit(p, SolveOptions(time_limit=120, workers=2), lambda _: started.set())
        assert started.wait(timeout=60)  # a first roster exists
        ex.stop(future)
        sol = future.result(timeout=60)
    finally:
        ex.shutdown()
    assert sol.stats.wall_seconds is not None and sol.stats.wall_seconds < 60  # not the 120 s asked for
    assert sol.assignments and validate_solution(p, sol) == []
