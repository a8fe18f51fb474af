"""Kept work that breaks a rule on its own: set aside, so the rest of the roster is still solved.

Accepted and pinned assignments are promises people made, so the solver never moves them. When one of
them breaks a hard rule by itself (the worker marked the day busy after accepting, a licence ran out, a
limit was lowered), no roster can keep it; failing the organisation's whole solve for it would stop
everyone's planning over one person's change. Instead the worker concerned is set aside:

- their kept work stays exactly as it is, and each broken rule is reported by name for a person to
  decide (release the worker, or accept the exception);
- they get no new work in this solve (giving more to someone whose roster already breaks a rule would
  only add to it);
- the places their kept work takes stay taken: each kept item is held by a stand-in that can hold that
  item and nothing else (its only free window is the item, it has the item's skills, lives at the place),
  so nobody else is put on a place that is already someone's.

Only worker-level breaches are set aside this way. A breach of an item's own capacity (more people kept
than it may have) cannot come from a worker's action (edits that would cause it are refused) and is
still raised, as the data itself is then wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.enums import AvailabilityKind
from models.problem import Availability, Problem, Qualification, Worker
from models.solution import KeptConflict, Solution
from models.work_items import work_items
from solver.validator import Violation, validate

STAND_IN_PREFIX = "kept."


@dataclass(frozen=True)
class SetAside:
    """The problem to solve (set-aside workers out, their kept work held by stand-ins) and how to map back."""

    problem: Problem
    violations: list[Violation] = field(default_factory=list)
    stand_ins: dict[str, str] = field(default_factory=dict)  # stand-in id -> the real worker's id

    @property
    def workers(self) -> list[str]:
        return sorted(set(self.stand_ins.values()))


def kept_violations(problem: Problem, ignore: frozenset[str] = frozenset()) -> list[Violation]:
    """The hard rules the kept assignments break on their own (rules in ``ignore`` aside)."""
    kept = [(a.worker_id, a.item_id) for a in problem.assignments if a.kept]
    return [v for v in validate(problem, kept) if v.rule not in ignore]


def set_aside(problem: Problem, violations: list[Violation]) -> SetAside:
    """``problem`` with every worker named in ``violations`` set aside (see the module's docstring)."""
    concerned = {v.worker_id for v in violations if v.worker_id is not None}
    if not concerned:
        return SetAside(problem, violations)
    items = {it.id: it for it in work_items(problem)}
    taken = {w.id for w in problem.workers}
    workers = {w.id: w for w in problem.workers}
    stand_ins: dict[str, str] = {}
    extra: list[Worker] = []
    assignments = []
    for a in problem.assignments:
        if a.worker_id not in concerned:
            assignments.append(a)
            continue
        if not a.kept:
            continue  # their proposals, offers and declines are not this solve's to touch
        item, real = items[a.item_id], workers[a.worker_id]
        k = len(stand_ins)
        while f"{STAND_IN_PREFIX}{k}" in taken:
            k += 1
        sid = f"{STAND_IN_PREFIX}{k}"
        taken.add(sid)
        stand_ins[sid] = real.id
        extra.append(
            Worker(
                id=sid,
                name=real.name,
                kind=real.kind,
                home_lat=item.lat,
                home_lon=item.lon,
                region_id=real.region_id,
                max_travel_km=2000,
                max_hours_per_7_days=168,
                max_consecutive_days=366,
                hourly_rate=real.hourly_rate,
                qualifications=[Qualification(skill=s, approved=True) for s in sorted(item.required_skills)],
                availability=[Availability(kind=AvailabilityKind.available, start=item.start, end=item.end)],
            )
        )
        assignments.append(a.model_copy(update={"worker_id": sid}))
    solved = problem.model_copy(
        update={
            "workers": [w for w in problem.workers if w.id not in concerned] + extra,
            "assignments": assignments,
            "requests": [r for r in problem.requests if r.worker_id not in concerned],
            "travel": [t for t in problem.travel if t.worker_id not in concerned],
        }
    )
    return SetAside(solved, violations, stand_ins)


def restore(solution: Solution, aside: SetAside) -> Solution:
    """The solution with each stand-in's work given back to the real worker, and the breaches named."""
    if not aside.violations:
        return solution
    assignments = [
        a.model_copy(update={"worker_id": aside.stand_ins[a.worker_id]}) if a.worker_id in aside.stand_ins else a
        for a in solution.assignments
    ]
    conflicts = [
        KeptConflict(rule=v.rule, worker_id=v.worker_id or "", item_id=v.item_id, message=v.message)
        for v in aside.violations
    ]
    note = (
        f"{len(conflicts)} kept assignment problem(s) left for a person to decide"
        f" ({', '.join(aside.workers)}: kept as they are, no new work in this solve): "
        + "; ".join(str(v) for v in aside.violations)
    )
    message = f"{solution.message}; {note}" if solution.message else note
    return solution.model_copy(
        update={"assignments": assignments, "kept_conflicts": conflicts, "set_aside": aside.workers, "message": message}
    )
