"""The relaxation's bound: a true lower bound whatever GLOP's floating point, rounded up to an integer."""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from solver.relaxation import dual_bound, linear_rows, lp_bound


def test_a_fractional_relaxation_is_rounded_up() -> None:
    m = cp_model.CpModel()
    x, y = m.new_int_var(0, 3, "x"), m.new_int_var(0, 3, "y")
    m.add(2 * x + 2 * y >= 3)
    m.minimize(x + y + 5)
    assert lp_bound(m, 5) == 7  # the relaxation gives 6.5; integers cannot do better than 7


def test_any_multipliers_give_a_bound_good_ones_a_tight_one() -> None:
    rows = [(1.5, math.inf, {0: 1, 1: 1})]  # x + y >= 1.5 over 0..3 each; min x + y is 2
    cost, domains = {0: 1, 1: 1}, [(0, 3), (0, 3)]
    assert dual_bound(rows, [1.0], cost, domains) == 2
    assert dual_bound(rows, [0.5], cost, domains) == 1  # ceil(0.75)
    assert dual_bound(rows, [0.0], cost, domains) == 0
    assert dual_bound(rows, [-1.0], cost, domains) == 0  # a multiplier on the open side is dropped, not used
    assert dual_bound(rows, [3.0], cost, domains) <= 2  # too large: weaker, never above the optimum


def test_negated_literals_and_enforced_implications_are_read() -> None:
    m = cp_model.CpModel()
    x, y, b = (m.new_bool_var(n) for n in "xyb")
    m.add_bool_or([x.Not(), y])  # x => y
    m.add(x == 1)
    m.add_bool_and([y]).only_enforce_if(b)
    m.minimize(4 * y + 3 * b)
    rows = linear_rows(m.proto)
    assert (0, math.inf, {x.index: -1, y.index: 1}) in rows  # (1 - x) + y >= 1
    assert lp_bound(m, 5) == 4  # y is forced through the negated literal; b is free to be 0


def test_no_objective_no_bound() -> None:
    m = cp_model.CpModel()
    m.new_bool_var("x")
    assert lp_bound(m, 5) is None
