"""A lower bound on a roster's objective from the model's linear relaxation, solved with GLOP.

CP-SAT's bound comes from an LP inside its search, and in a short solve of a large roster its LP worker
may not finish the root relaxation (Curtois 10: bound 7 after 12 s, where the relaxation is 4 616). A
report of how far a roster is from the best possible needs a bound that means something, so this solves
the relaxation once, apart from the timed search.

GLOP's answer is floating point, so the bound is not read off its objective. For any row multipliers
y, c·x = y·(Ax) + (c − Aᵀy)·x, and each part is bounded below by the row and variable bounds; taking y
from GLOP's duals and computing in exact rational arithmetic gives a true bound whatever GLOP's
tolerances, rounded up because every objective coefficient is an integer. Constraints of kinds the
relaxation does not read (enforced linear rows, maxima) are left out: a weaker bound, still a bound.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import CpModelProto

from models.problem import Problem
from solver.instance import build_instance
from solver.model import build_model

_BIG = 2**62  # a side of a CP-SAT domain beyond this is open

Row = tuple[float, float, dict[int, int]]  # lo <= sum(coef * x[var]) <= hi


def linear_rows(proto: CpModelProto) -> list[Row]:
    """The model's constraints as linear rows over its variables (a negative literal ``-i-1`` is 1 - x_i)."""
    rows: list[Row] = []

    def add(lo: float, hi: float, terms: list[tuple[int, int]]) -> None:
        coefs: dict[int, int] = {}
        for lit, c in terms:
            var, coef = (lit, c) if lit >= 0 else (-lit - 1, -c)
            if lit < 0:  # c * (1 - x): the constant moves to the bounds
                lo, hi = lo - c, hi - c
            coefs[var] = coefs.get(var, 0) + coef
        rows.append((lo, hi, coefs))

    for c in proto.constraints:
        enforced = list(c.enforcement_literal)
        if c.has_linear() and not enforced and min(c.linear.vars, default=0) >= 0:
            dom = list(c.linear.domain)
            lo = -math.inf if dom[0] < -_BIG else dom[0]
            hi = math.inf if dom[-1] > _BIG else dom[-1]
            add(lo, hi, list(zip(c.linear.vars, c.linear.coeffs, strict=True)))
        elif c.has_bool_or() and not enforced:
            add(1, math.inf, [(lit, 1) for lit in c.bool_or.literals])
        elif c.has_at_most_one():
            add(-math.inf, 1, [(lit, 1) for lit in c.at_most_one.literals])
        elif c.has_exactly_one():
            add(1, 1, [(lit, 1) for lit in c.exactly_one.literals])
        elif c.has_bool_and() and len(enforced) == 1:
            for lit in c.bool_and.literals:  # enforcement => lit: lit - enforcement >= 0
                add(0, math.inf, [(lit, 1), (enforced[0], -1)])
    return rows


def relaxation_bound(problem: Problem, seconds: float = 60.0) -> int | None:
    """A proven lower bound on the objective of any roster of ``problem`` (coverage and quality together,
    as ``Solution.stats.model_objective`` counts it), or None when the relaxation is not solved in
    ``seconds``. The run rules take their clause form: its relaxation solves fastest."""
    built = build_model(build_instance(problem))
    built.v.model.minimize(built.coverage + built.quality)
    return lp_bound(built.v.model, seconds)


def lp_bound(model: cp_model.CpModel, seconds: float) -> int | None:
    """A proven lower bound on ``model``'s objective, or None when GLOP finds no optimum in ``seconds``
    (an infeasible relaxation included: then the model is infeasible too, which is not this function's
    to report)."""
    proto = model.proto
    if not proto.has_objective():  # first: reading the objective's fields would create it
        return None
    offset, scaling = proto.objective.offset, proto.objective.scaling_factor or 1.0
    if scaling != 1.0 or not float(offset).is_integer():
        return None  # Bemanna's models minimise an integer objective; nothing else is bounded here
    domains = [(int(d[0]), int(d[-1])) for d in (list(var.domain) for var in proto.variables)]
    rows = linear_rows(proto)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    inf = lp.infinity()
    xs = [lp.NumVar(float(lo), float(hi), "") for lo, hi in domains]
    cts = []
    for lo, hi, coefs in rows:
        ct = lp.Constraint(max(-inf, float(lo)), min(inf, float(hi)))
        for var, coef in coefs.items():
            ct.SetCoefficient(xs[var], coef)
        cts.append(ct)
    cost: dict[int, int] = {}
    for var, coef in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        cost[var] = cost.get(var, 0) + coef
    objective = lp.Objective()
    for var, coef in cost.items():
        objective.SetCoefficient(xs[var], coef)
    objective.SetMinimization()
    lp.SetTimeLimit(max(1, int(seconds * 1000)))
    lp.SetSolverSpecificParametersAsString("use_preprocessing: false")  # measured: 2.2 s against 3.7 s on Curtois 10
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return dual_bound(rows, [ct.dual_value() for ct in cts], cost, domains) + int(offset)


def dual_bound(rows: list[Row], duals: list[float], cost: dict[int, int], domains: list[tuple[int, int]]) -> int:
    """A lower bound on c·x over integer x in ``domains`` that meets ``rows``, through the multipliers
    ``duals``: valid for any multipliers (good ones make it tight), exact because every float is a rational,
    rounded up because c·x is an integer."""
    total = Fraction(0)
    reduced = {var: Fraction(coef) for var, coef in cost.items()}
    for (lo, hi, coefs), dual in zip(rows, duals, strict=True):
        y = Fraction(dual)
        side = lo if y > 0 else hi
        if y == 0 or math.isinf(side):
            continue  # a multiplier on an open side bounds nothing: leave the row out (y = 0)
        total += y * Fraction(side)
        for var, coef in coefs.items():
            reduced[var] = reduced.get(var, Fraction(0)) - y * coef
    for var, d in reduced.items():
        lo, hi = domains[var]
        total += min(d * lo, d * hi)
    return math.ceil(total)
