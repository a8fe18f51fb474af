"""Gap filling: who should take the open places of one shift or job day, keeping all other kept work.

With every accepted and pinned assignment fixed, the only decision left is which workers take this
item's open places, and each worker's fit is independent of the others'. So the re-optimisation is
exact without a search: every worker is checked against every hard rule with the fixed work they
already have (the validator's own checks), and the workers who fit are ranked by what they add to
the objective (travel, preferences, fairness, cost, requests; lowest first). Each candidate gets a
reason in words a manager understands, chosen or ruled out.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import AssignmentStatus
from models.problem import Problem
from models.work_items import horizon, work_items
from solver.explain import BUSY_WORDS, skills_text
from solver.score import score, total
from solver.travel import travel_for
from solver.validator import LOWER_BOUND_RULES, item_violations, schedule_violations

RULED_OUT_WORDS = {
    "qualification": "lacks an approved, valid {skills}",
    "availability": "not available then",
    "travel_radius": "lives {km:.0f} km away, beyond their {radius:g} km radius",
    **BUSY_WORDS,
}


@dataclass(frozen=True)
class Candidate:
    worker_id: str
    name: str
    rank: int | None  # 1 = best; None when ruled out
    chosen: bool
    km: float
    added_cost: int | None  # what taking the place adds to the objective; None when ruled out
    reason: str


@dataclass(frozen=True)
class FillResult:
    item_id: str
    open_places: int  # before filling
    chosen: list[str]
    candidates: list[Candidate]  # chosen first, then by rank, then the ruled out by name


def fill(problem: Problem, item_id: str) -> FillResult:
    """Rank every worker for ``item_id``'s open places; the best ones are chosen. ``KeyError`` if unknown."""
    items = {it.id: it for it in work_items(problem)}
    item = items[item_id]
    days = horizon(list(items.values()))
    travel = travel_for(problem)
    kept: dict[str, list[str]] = {}
    for a in problem.assignments:
        if a.kept and a.item_id in items:
            kept.setdefault(a.worker_id, []).append(a.item_id)
    taken = {w for w, ids in kept.items() if item_id in ids}
    refused = {
        a.worker_id
        for a in problem.assignments
        if a.item_id == item_id and a.status in (AssignmentStatus.declined, AssignmentStatus.cancelled)
    }
    open_places = max(0, item.headcount - len(taken))
    rest = problem.settings.min_rest_hours
    fits: list[tuple[int, float, str, str]] = []
    ruled_out: list[Candidate] = []
    for w in problem.workers:
        km = travel.km(w, item)
        reason = None
        if w.id in taken:
            reason = "already booked on this work"
        elif w.id in refused:
            reason = "declined or was cancelled on this work before"
        else:
            mine = [items[i] for i in kept.get(w.id, [])]
            problems = [v.rule for v in item_violations(problem, w, item, travel)]
            problems += [
                v.rule
                for v in schedule_violations(problem, w, [*mine, item], days)
                if v.rule not in LOWER_BOUND_RULES  # judged on full rosters, not on one added place
            ]
            for rule in RULED_OUT_WORDS:  # the most concrete reason first
                if rule in problems:
                    words = RULED_OUT_WORDS[rule]
                    reason = words.format(
                        skills=skills_text(item.required_skills), km=km, radius=w.max_travel_km, rest=rest
                    )
                    break
        if reason is not None:
            ruled_out.append(Candidate(w.id, w.name, None, False, round(km, 1), None, reason))
            continue
        mine_pairs = [(w.id, i) for i in kept.get(w.id, [])]
        added = total(score(problem, [*mine_pairs, (w.id, item_id)])) - total(score(problem, mine_pairs))
        fits.append((added, km, w.id, w.name))
    fits.sort()
    chosen = [w for _, _, w, _ in fits[:open_places]]
    ranked = [
        Candidate(
            w,
            name,
            rank,
            w in chosen,
            round(km, 1),
            added,
            ("chosen" if w in chosen else "could take it")
            + f": qualified, available and rested, {km:.0f} km away, adds {added} to the score"
            + ("" if rank == 1 else f" (rank {rank})"),
        )
        for rank, (added, km, w, name) in enumerate(fits, start=1)
    ]
    return FillResult(item_id, open_places, chosen, ranked + sorted(ruled_out, key=lambda c: c.name))
