"""The neighbourhood search on its own: it starts from a poor roster, never returns a worse one, and every
roster it returns keeps every hard rule (checked by the independent validator, not by the model)."""

from __future__ import annotations

import random
import time

import pytest
from ortools.sat.python import cp_model

from models.generator import GeneratorConfig, generate
from models.problem import Problem
from solver.instance import Instance, build_instance
from solver.lns import _Neighbourhoods, improve
from solver.objective import coverage_objective, quality_objective
from solver.rules import Vars, add_hard_rules, all_values, new_vars
from solver.score import score, total
from solver.validator import validate
from tests.factory import problem, shift, worker


def _first_roster() -> tuple[Problem, Instance, Vars, list[int], int]:
    """A generated pool, its full model, and the first roster CP-SAT finds (values by proto index, score)."""
    p = generate(GeneratorConfig(seed=3, workers=60, farms=3, days=7))
    inst = build_instance(p)
    v = new_vars(inst)
    add_hard_rules(inst, v)
    v.model.minimize(coverage_objective(inst, v) + quality_objective(inst, v))
    first = cp_model.CpSolver()
    first.parameters.num_workers = 1
    first.parameters.random_seed = 1
    first.parameters.stop_after_first_solution = True
    assert first.solve(v.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return p, inst, v, all_values(v.model, first), round(first.objective_value)


def test_neighbourhood_search_improves_a_first_roster_and_keeps_every_rule() -> None:
    p, inst, v, values, start = _first_roster()
    domains = [tuple(var.domain) for var in v.model.proto.variables]

    t0 = time.perf_counter()
    result = improve(inst, v, values, start, t0 + 4, workers=2, seed=0, t0=t0)

    assert result.objective < start, "four seconds of search did not improve a first-found roster"
    assert result.rounds > 0 and result.improved_at is not None
    roster = [
        (inst.workers[q.w].id, inst.items[q.i].id) for k, q in enumerate(inst.pairs) if result.values[v.x[k].index]
    ]
    assert validate(p, roster) == []
    assert total(score(p, roster)) == result.objective, "the returned objective is not the roster's score"
    assert [tuple(var.domain) for var in v.model.proto.variables] == domains  # neighbourhoods fix copies only


def test_a_failing_search_thread_fails_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception in a search thread reaches the caller (a solve job then fails with a message) instead
    of being printed by the thread and the unimproved roster returned as if the search had run."""
    _, inst, v, values, start = _first_roster()

    def broken(self: _Neighbourhoods, rng: random.Random, size: int, values: list[int]) -> set[int]:
        raise RuntimeError("neighbourhood failed")

    for kind in ("workers", "days_window", "block"):
        monkeypatch.setattr(_Neighbourhoods, kind, broken)
    t0 = time.perf_counter()
    with pytest.raises(RuntimeError, match="neighbourhood failed"):
        improve(inst, v, values, start, t0 + 30, workers=2, seed=0, t0=t0)
    assert time.perf_counter() - t0 < 10, "the other thread must stop at the first failure"


def test_guided_neighbourhoods_aim_at_the_faults_of_the_roster() -> None:
    """Guided choices name only real faults (an open place, an unmet on- or off-request), and the people
    and days a guided neighbourhood frees include that fault, so a sub-solve can repair it."""
    p = problem(
        [worker(w) for w in ("a", "b", "c", "d")],
        [shift(f"s{d}", d, 8, 8, headcount=1 if d else 2) for d in range(10)],
        requests=[
            {"worker_id": "a", "item_id": "s3", "kind": "on"},  # unmet below
            {"worker_id": "b", "item_id": "s5", "kind": "off"},  # unmet below
            {"worker_id": "c", "item_id": "s6", "kind": "on"},  # met below
        ],
        settings={"coverage_first": False},
    )
    inst = build_instance(p)
    v = new_vars(inst)
    hoods = _Neighbourhoods(inst, v)
    roster = {("b", "s5"), ("c", "s6"), ("d", "s0")} | {("d", f"s{d}") for d in (7, 8)}
    values = [0] * len(v.model.proto.variables)
    w_of, i_of = {w.id: k for k, w in enumerate(inst.workers)}, {it.id: k for k, it in enumerate(inst.items)}
    for k, q in enumerate(inst.pairs):
        values[v.x[k].index] = int((inst.workers[q.w].id, inst.items[q.i].id) in roster)
    for i, it in enumerate(inst.items):
        values[v.unfilled[i].index] = it.headcount - sum(1 for _, item in roster if item == it.id)

    open_items = {i for i, it in enumerate(inst.items) if values[v.unfilled[i].index]}
    unmet = {(i_of["s3"], w_of["a"]), (i_of["s5"], w_of["b"])}
    rng = random.Random(0)
    seen = {hoods.fault(rng, values) for _ in range(400)}
    assert seen == {(i, None) for i in open_items} | unmet

    day_of = {it.id: hoods.item_day[k] for k, it in enumerate(inst.items)}
    for _ in range(200):
        people, centre = hoods._people(rng, 2, values)
        assert len(people) == 2
        if centre is not None and centre == day_of["s3"] and w_of["a"] in people:
            break
    else:
        raise AssertionError("a guided choice never took the worker with the unmet request to its day")
    for _ in range(50):
        free = hoods.block(rng, 1, values)
        days = {hoods.pair_day[p] for p, x in enumerate(v.x) if x.index in free}
        assert max(days) - min(days) < 7  # a week at most
    assert {hoods._window(rng, 3, centre=9) for _ in range(50)} == {7}, "a window must fit the horizon"
    assert {hoods._window(rng, 3, centre=5) for _ in range(100)} == {3, 4, 5}, "every window covering the centre"
