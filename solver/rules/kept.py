"""Kept work (``kept_assignment``): pinned and accepted assignments stay as they are."""

from __future__ import annotations

from solver.rules.family import Family
from solver.variables import Build
from solver.violations import Roster, Violation


def model(b: Build) -> None:
    for p in b.inst.kept:
        b.v.model.add(b.v.x[p] == 1)


def check(r: Roster) -> list[Violation]:
    if not r.require_kept:
        return []
    kept = {(a.worker_id, a.item_id) for a in r.problem.assignments if a.kept}
    return [
        Violation("kept_assignment", f"kept assignment {w} on {i} is missing", w, i)
        for w, i in sorted(kept - set(r.unique))
    ]


FAMILY = Family(model=model, check_roster=check)
