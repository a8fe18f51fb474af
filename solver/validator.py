"""Independent check of every hard rule on any roster, without the CP-SAT model.

It works from the raw problem (windows, licences, coordinates, limits) with each family's own
straightforward check (``solver.rules``), so a slip in the model's formulation shows up as a named
violation rather than a silent bad roster. ``bemanna validate`` exits 0 only when this returns nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from models.problem import OutsideWork, Problem, Worker
from models.solution import Solution
from models.work_items import WorkItem, horizon, work_items
from solver import catalogue
from solver.rules import FAMILIES
from solver.travel import Travel, travel_for
from solver.violations import Placement, Roster, Schedule, Violation

__all__ = [
    "LOWER_BOUND_RULES",
    "RULES",
    "Violation",
    "item_violations",
    "outside_by_worker",
    "schedule_violations",
    "validate",
]

RULES = {r.id: r.meaning for r in catalogue.RULES}
"""Every hard rule this module checks (``solver.catalogue``), by id."""

LOWER_BOUND_RULES = catalogue.LOWER_BOUND
"""Rules a partial roster may break and a fuller one mend; judged only on complete rosters."""


def schedule_violations(
    problem: Problem,
    worker: Worker,
    items: list[WorkItem],
    days: list[dt.date] | None = None,
    outside: list[OutsideWork] | None = None,
) -> list[Violation]:
    """Working-time rules over one worker's items (``days``: the planning horizon, see ``horizon``;
    ``outside``: her kept work outside the plan, else read from the problem; callers checking many
    schedules pass it from ``outside_by_worker``)."""
    if days is None:
        days = horizon(work_items(problem))
    if outside is None:
        outside = [o for o in problem.outside_work if o.worker_id == worker.id]
    ordered = sorted(items, key=lambda it: (it.start, it.id))
    s = Schedule(problem, worker, ordered, days, sorted(outside, key=lambda o: (o.start, o.end)))
    return [v for f in FAMILIES if f.check_schedule is not None for v in f.check_schedule(s)]


def outside_by_worker(problem: Problem) -> dict[str, list[OutsideWork]]:
    """Each worker's kept work outside the plan, grouped once for callers that check many schedules."""
    outside: dict[str, list[OutsideWork]] = defaultdict(list)
    for o in problem.outside_work:
        outside[o.worker_id].append(o)
    return outside


def item_violations(problem: Problem, worker: Worker, item: WorkItem, travel: Travel | None = None) -> list[Violation]:
    """Rules about one assignment on its own: qualification, availability, travel radius."""
    c = Placement(problem, worker, item, travel or travel_for(problem))
    return [v for f in FAMILIES if f.check_placement is not None for v in f.check_placement(c)]


def validate(problem: Problem, roster: Iterable[tuple[str, str]], *, require_kept: bool = True) -> list[Violation]:
    """All hard-rule violations of a roster of (worker id, item id) pairs."""
    items = {it.id: it for it in work_items(problem)}
    workers = {w.id: w for w in problem.workers}
    pairs = list(roster)
    known = [(w, i) for w, i in pairs if w in workers and i in items]
    unique = list(dict.fromkeys(known))
    r = Roster(problem, items, workers, pairs, known, unique, require_kept)
    out = [v for f in FAMILIES if f.check_roster is not None for v in f.check_roster(r)]
    travel = travel_for(problem)
    per_worker: dict[str, list[WorkItem]] = defaultdict(list)
    for w, i in unique:
        out += item_violations(problem, workers[w], items[i], travel)
        per_worker[w].append(items[i])
    days = horizon(list(items.values()))
    outside = outside_by_worker(problem)
    for w, worker in workers.items():
        out += schedule_violations(problem, worker, per_worker.get(w, []), days, outside.get(w, []))
    return out


def validate_solution(problem: Problem, solution: Solution) -> list[Violation]:
    return validate(problem, ((a.worker_id, a.item_id) for a in solution.assignments))
