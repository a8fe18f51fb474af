"""Places (``headcount``): an item gets at most its capacity (``max_headcount``, else ``headcount``)."""

from __future__ import annotations

from collections import Counter

from ortools.sat.python import cp_model

from solver.rules.family import Family
from solver.variables import Build
from solver.violations import Roster, Violation


def model(b: Build) -> None:
    """The shortfall below headcount is the item's open places, the workers above it its over-cover."""
    inst, v = b.inst, b.v
    for i, item in enumerate(inst.items):
        filled = cp_model.LinearExpr.sum([v.x[p] for p in inst.by_item[i]])
        over = v.over[i]
        if over is None:
            v.model.add(filled + v.unfilled[i] == item.headcount)
        else:
            v.model.add(filled + v.unfilled[i] - over == item.headcount)


def check(r: Roster) -> list[Violation]:
    out = []
    for i, n in Counter(i for _, i in r.unique).items():
        if n > r.items[i].capacity:
            out.append(Violation("headcount", f"{i} has {n} workers; capacity {r.items[i].capacity}", None, i))
    return out


FAMILY = Family(model=model, check_roster=check)
