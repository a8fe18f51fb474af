"""The CP-SAT model of a problem: variables, every hard rule and both objective parts, built once for
the search (``solver.solve``) and for the relaxation's bound (``solver.relaxation``) alike."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.instance import Instance
from solver.objective import coverage_objective, quality_objective
from solver.rules import add_hard_rules
from solver.variables import Vars, new_vars


@dataclass
class Model:
    v: Vars
    coverage: cp_model.LinearExpr  # weighted open places
    quality: cp_model.LinearExpr  # preferences, fairness, travel, cost, continuity, over-cover


def build_model(inst: Instance, *, run_networks: bool = False) -> Model:
    """Variables, hard rules and objective parts, no objective set: the caller picks what to minimise."""
    v = new_vars(inst)
    add_hard_rules(inst, v, run_networks=run_networks)
    return Model(v, coverage_objective(inst, v), quality_objective(inst, v))
