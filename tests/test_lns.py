"""The neighbourhood search on its own: it starts from a poor roster, never returns a worse one, and every
roster it returns keeps every hard rule (checked by the independent validator, not by the model)."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from models.generator import GeneratorConfig, generate
from solver.instance import build_instance
from solver.lns import improve
from solver.objective import coverage_objective, quality_objective
from solver.rules import add_hard_rules, all_values, new_vars
from solver.score import score, total
from solver.validator import validate


def test_neighbourhood_search_improves_a_first_roster_and_keeps_every_rule() -> None:
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
    start = round(first.objective_value)
    domains = [tuple(var.domain) for var in v.model.proto.variables]

    t0 = time.perf_counter()
    result = improve(inst, v, all_values(v.model, first), start, t0 + 4, workers=2, seed=0, t0=t0)

    assert result.objective < start, "four seconds of search did not improve a first-found roster"
    assert result.rounds > 0 and result.improved_at is not None
    roster = [
        (inst.workers[q.w].id, inst.items[q.i].id) for k, q in enumerate(inst.pairs) if result.values[v.x[k].index]
    ]
    assert validate(p, roster) == []
    assert total(score(p, roster)) == result.objective, "the returned objective is not the roster's score"
    assert [tuple(var.domain) for var in v.model.proto.variables] == domains  # neighbourhoods fix copies only
