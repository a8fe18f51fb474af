"""Fingerprints of what the rules do, for refactors that must not change it (issue 24's rule
catalogue): for each reference problem the model's variable and constraint counts (compact and with
run networks), the best objectives a single-worker, fixed-seed CP-SAT search reaches in a fixed
deterministic time, the greedy roster's score, and the validator's words on that roster and on the
stored Curtois rosters.

``python -m tests.identity`` records them in ``tests/data/identity.json``; ``tests/test_identity.py``
compares. Record again only with a change that is meant to alter the model, and say so.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from benchmarks.curtois.evaluate import read_roster
from benchmarks.curtois.instance import read
from benchmarks.curtois.mapping import item_id, to_problem
from benchmarks.curtois.run import default_data_dir
from models.generator import GeneratorConfig, generate
from models.law import Law
from models.problem import Problem
from solver.construct import greedy
from solver.instance import build_instance
from solver.model import build_model
from solver.score import score, total
from solver.validator import validate
from solver.variables import all_values, hint_all

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "tests" / "data" / "identity.json"
CURTOIS = default_data_dir()
ROSTERS = ROOT / "benchmarks" / "results" / "curtois"
SMALL_CURTOIS = (1, 2, 4)
DETERMINISTIC_SECONDS = 0.5


@functools.cache
def problems() -> dict[str, Problem]:
    """The reference problems: the demo, the generator at two other sizes, and small Curtois instances."""
    out = {
        "demo": generate(GeneratorConfig()),  # what ``bemanna demo`` plans
        "generated-seed1": generate(GeneratorConfig(seed=1, workers=30, sites=3, farms=2, days=7)),
        "generated-seed7": generate(GeneratorConfig(seed=7, workers=60, sites=4, farms=3, days=14)),
    }
    for name in list(out):  # with the law profile off: the rules as they were before profiles came
        p = out[name]
        out[f"{name}@custom"] = p.model_copy(
            update={"settings": p.settings.model_copy(update={"law": Law(profile="custom")})}
        )
    for number in SMALL_CURTOIS:
        path = CURTOIS / f"Instance{number}.txt"
        if path.exists():
            out[f"curtois-{number}"] = to_problem(read(path)).problem
    return out


def _best(model: cp_model.CpModel, objective: cp_model.LinearExpr) -> tuple[int | None, list[int]]:
    """The best objective found, and every variable's value in that roster (to hint the next phase)."""
    model.minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = DETERMINISTIC_SECONDS
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, []
    return int(solver.objective_value), all_values(model, solver)


def fingerprint(problem: Problem) -> dict[str, Any]:
    inst = build_instance(problem)
    out: dict[str, Any] = {"pairs": len(inst.pairs)}
    for networks in (False, True):
        built = build_model(inst, run_networks=networks)
        proto = built.v.model.proto
        key = "networks" if networks else "compact"
        out[key] = {"variables": len(proto.variables), "constraints": len(proto.constraints)}
        if not networks:  # the two phases of a solve: coverage, then quality with coverage held
            out["coverage_best"], values = _best(built.v.model, built.coverage)
            again = build_model(inst)
            if out["coverage_best"] is not None:
                again.v.model.add(again.coverage <= out["coverage_best"])
                hint_all(again.v.model, values)
            out["quality_best"], _ = _best(again.v.model, again.quality)
    chosen = [
        (inst.workers[inst.pairs[k].w].id, inst.items[inst.pairs[k].i].id) for k, on in enumerate(greedy(inst)) if on
    ]
    out["greedy_score"] = total(score(problem, chosen))
    out["greedy_violations"] = sorted(str(v) for v in validate(problem, chosen, require_kept=False))
    return out


def stored_rosters() -> dict[str, list[str]]:
    """The validator's words on each stored Curtois roster (of the instances present)."""
    out = {}
    for roster in sorted(ROSTERS.glob("Instance*.roster.csv")):
        number = roster.name.split(".")[0]
        path = CURTOIS / f"{number}.txt"
        if not path.exists():
            continue
        problem = to_problem(read(path)).problem
        pairs = [(who, item_id(day, shift)) for who, day, shift in read_roster(roster)]
        out[number] = sorted(str(v) for v in validate(problem, pairs, require_kept=False))
    return out


def record() -> dict[str, Any]:
    return {"problems": {name: fingerprint(p) for name, p in problems().items()}, "rosters": stored_rosters()}


if __name__ == "__main__":
    RECORD.write_text(json.dumps(record(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {RECORD}", file=sys.stderr)
