"""Gap filling: who should take the open places of one shift or job day, keeping all other kept work.

With every accepted and pinned assignment fixed, the only decision left is which workers take this
item's open places, and each worker's fit is independent of the others'. So the re-optimisation is
exact without a search: every worker is checked against every hard rule with the fixed work they
already have (the validator's own checks), and the workers who fit are ranked by what they add to
the objective (travel, preferences, fairness, cost, requests; lowest first). Each candidate gets a
reason in words a manager understands, chosen or ruled out: distance, rest since their last work,
hours that week against their limit, their wishes and what they cost, never score points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from models.enums import AssignmentStatus
from models.law import hours_per_7_days, limits
from models.problem import OutsideWork, Problem, Worker
from models.solution import Term
from models.work_items import WorkItem, horizon, work_items
from solver import catalogue
from solver.eligibility import Calendar
from solver.explain import skills_text
from solver.score import score, total
from solver.travel import Travel, travel_for
from solver.validator import LOWER_BOUND_RULES, item_violations, outside_by_worker, schedule_violations

RULED_OUT_WORDS = catalogue.RULED_OUT_WORDS


@dataclass(frozen=True)
class Candidate:
    worker_id: str
    name: str
    rank: int | None  # 1 = best; None when ruled out
    chosen: bool
    km: float
    added_cost: int | None  # what taking the place adds to the objective (ranks; not for people); None: ruled out
    reason: str  # in words, without score points


@dataclass(frozen=True)
class FillResult:
    item_id: str
    open_places: int  # before filling
    chosen: list[str]
    candidates: list[Candidate]  # chosen first, then by rank, then the ruled out by name


@dataclass(frozen=True)
class Fixed:
    """The work every check holds fixed: the problem's items, its horizon, travel, and each worker's kept
    items; who is taken on (kept) or refused (declined or cancelled from) each item."""

    items: dict[str, WorkItem]
    days: list[dt.date]
    travel: Travel
    kept: dict[str, list[str]]
    taken: dict[str, set[str]]
    refused: dict[str, set[str]]
    outside: dict[str, list[OutsideWork]]  # each worker's kept work outside the plan
    elsewhere: Mapping[str, int]  # places on each item kept by workers the snapshot leaves out

    @classmethod
    def of(cls, problem: Problem, elsewhere: Mapping[str, int] | None = None) -> Fixed:
        """``elsewhere``: for a snapshot of some workers only, the places others keep on each item."""
        items = {it.id: it for it in work_items(problem)}
        kept: dict[str, list[str]] = {}
        taken: dict[str, set[str]] = {}
        refused: dict[str, set[str]] = {}
        for a in problem.assignments:
            if a.item_id not in items:
                continue
            if a.kept:
                kept.setdefault(a.worker_id, []).append(a.item_id)
                taken.setdefault(a.item_id, set()).add(a.worker_id)
            elif a.status in (AssignmentStatus.declined, AssignmentStatus.cancelled):
                refused.setdefault(a.item_id, set()).add(a.worker_id)
        days = horizon(list(items.values()))
        return cls(items, days, travel_for(problem), kept, taken, refused, outside_by_worker(problem), elsewhere or {})

    def open_places(self, item: WorkItem) -> int:
        return max(0, item.headcount - len(self.taken.get(item.id, ())) - self.elsewhere.get(item.id, 0))


def broken_rules(
    problem: Problem, fixed: Fixed, w: Worker, item: WorkItem, enough: Collection[str] | None = None
) -> set[str]:
    """The hard rules ``w`` would break by taking ``item`` with her kept work fixed (the validator's own
    checks); rules judged only on whole rosters left out. With ``enough``, her schedule is not checked
    once the item's own rules (skill, times, distance) break one outside ``enough``: a board asks only
    whether she may take it, and that check is most of its time."""
    mine = [fixed.items[i] for i in fixed.kept.get(w.id, [])]
    problems = {v.rule for v in item_violations(problem, w, item, fixed.travel)}
    if enough is not None and problems - set(enough):
        return problems
    problems |= {
        v.rule
        for v in schedule_violations(problem, w, [*mine, item], fixed.days, fixed.outside.get(w.id, []))
        if v.rule not in LOWER_BOUND_RULES  # judged on full rosters, not on one added place
    }
    return problems


def ruled_out(problem: Problem, fixed: Fixed, w: Worker, item: WorkItem) -> str | None:
    """Why ``w`` may not take ``item``, in words (the most concrete broken rule first); None if they may:
    the same checks as the validator's, with the worker's kept work fixed."""
    if w.id in fixed.taken.get(item.id, ()):
        return "already booked on this work"
    if w.id in fixed.refused.get(item.id, ()):
        return "declined or was cancelled on this work before"
    problems = broken_rules(problem, fixed, w, item)
    for rule in RULED_OUT_WORDS:
        if rule in problems:
            return RULED_OUT_WORDS[rule].format(
                skills=skills_text(item.required_skills, problem),
                km=fixed.travel.km(w, item),
                radius=w.max_travel_km,
                rest=problem.settings.min_rest_hours,
            )
    return None


def takeable(
    problem: Problem, worker_id: str, elsewhere: Mapping[str, int] | None = None
) -> list[tuple[WorkItem, int]]:
    """The items with open places that ``worker_id`` may take by every hard rule, and their open places,
    soonest first (a worker's board of open places; ``elsewhere`` as ``Fixed.of`` takes it)."""
    fixed = Fixed.of(problem, elsewhere)
    worker = next(w for w in problem.workers if w.id == worker_id)
    out = []
    for item in sorted(fixed.items.values(), key=lambda it: (it.start, it.id)):
        places = fixed.open_places(item)
        if not places or worker.id in fixed.taken.get(item.id, ()) or worker.id in fixed.refused.get(item.id, ()):
            continue
        if not broken_rules(problem, fixed, worker, item, enough=()):
            out.append((item, places))
    return out


@dataclass(frozen=True)
class NearMiss:
    """Open work a worker fits by every hard rule but her stated times: what she is not offered, and the
    parts of it she has not marked free (``busy``: she marked that part busy)."""

    item: WorkItem
    open_places: int
    not_free: list[tuple[tuple[dt.datetime, dt.datetime], bool]]


def near_misses(problem: Problem, worker_id: str, elsewhere: Mapping[str, int] | None = None) -> list[NearMiss]:
    """The items with open places that ``worker_id`` could take if only she were free then: every hard
    rule but availability holds. Soonest first."""
    fixed = Fixed.of(problem, elsewhere)
    worker = next(w for w in problem.workers if w.id == worker_id)
    calendar = Calendar(worker)
    out = []
    for item in sorted(fixed.items.values(), key=lambda it: (it.start, it.id)):
        places = fixed.open_places(item)
        if not places or worker.id in fixed.taken.get(item.id, ()) or worker.id in fixed.refused.get(item.id, ()):
            continue
        if broken_rules(problem, fixed, worker, item, enough={"availability"}) == {"availability"}:
            out.append(NearMiss(item, places, calendar.not_free(item.start, item.end)))
    return out


def fill(problem: Problem, item_id: str) -> FillResult:
    """Rank every worker for ``item_id``'s open places; the best ones are chosen. ``KeyError`` if unknown."""
    fixed = Fixed.of(problem)
    items, kept = fixed.items, fixed.kept
    item = items[item_id]
    open_places = fixed.open_places(item)
    fits: list[tuple[int, float, str, str]] = []
    added_terms: dict[str, dict[str, int]] = {}
    ruled_out_: list[Candidate] = []
    for w in problem.workers:
        km = fixed.travel.km(w, item)
        reason = ruled_out(problem, fixed, w, item)
        if reason is not None:
            ruled_out_.append(Candidate(w.id, w.name, None, False, round(km, 1), None, reason))
            continue
        mine_pairs = [(w.id, i) for i in kept.get(w.id, [])]
        without, with_it = score(problem, mine_pairs), score(problem, [*mine_pairs, (w.id, item_id)])
        added_terms[w.id] = _raw_change(without, with_it)
        fits.append((total(with_it) - total(without), km, w.id, w.name))
    fits.sort()
    chosen = [w for _, _, w, _ in fits[:open_places]]
    workers = {w.id: w for w in problem.workers}
    ranked = []
    for rank, (added, km, wid, name) in enumerate(fits, start=1):
        verdict = "chosen" if wid in chosen else f"could take it (rank {rank})"
        why = fit_words(problem, workers[wid], item, [items[i] for i in kept.get(wid, [])], km, added_terms[wid])
        ranked.append(Candidate(wid, name, rank, wid in chosen, round(km, 1), added, f"{verdict}: {why}"))
    return FillResult(item_id, open_places, chosen, ranked + sorted(ruled_out_, key=lambda c: c.name))


WEEK = dt.timedelta(days=7)


def fit_words(
    problem: Problem, worker: Worker, item: WorkItem, mine: list[WorkItem], km: float, added: dict[str, int]
) -> str:
    """Why a worker who fits is a good or a poorer choice, as a manager would weigh it: how far they
    travel, the rest since their last work and before their next, their hours in the 7 days up to the
    item's end against their limit, their own wishes and what they cost (``added``: each goal's raw
    change, in its own unit)."""
    parts = [f"{km:.0f} km from home"]
    before = [it for it in mine if it.end <= item.start]
    after = [it for it in mine if it.start >= item.end]
    if before:
        gap = (item.start - max(it.end for it in before)).total_seconds() / 3600
        if gap < 48:
            parts.append(f"{gap:.0f} h rest after their last work")
    if after:
        gap = (min(it.start for it in after) - item.end).total_seconds() / 3600
        if gap < 48:
            parts.append(f"{gap:.0f} h before their next work")
    window = [it for it in mine if it.end > item.end - WEEK and it.start < item.end]
    week_hours = (sum(it.minutes for it in window) + item.minutes) / 60
    limit = hours_per_7_days(worker.max_hours_per_7_days, limits(problem.settings.law, worker.working_time)).value
    parts.append(f"{round(week_hours, 1):g} h in the 7 days to this work's end, of at most {limit:g} h")
    if added.get("preference", 0) < 0:
        parts.append("marked this time as preferred")
    elif added.get("preference", 0) > 0:
        parts.append("would rather not work at this time")
    if added.get("requests", 0) < 0:
        parts.append("asked for this work")
    elif added.get("requests", 0) > 0:
        parts.append("asked not to get this work")
    if added.get("fairness", 0) > 0 and mine:
        parts.append("has more hours booked than most")
    if added.get("cost", 0) > 0:
        parts.append(f"costs NOK {added['cost']:,}".replace(",", "\u202f"))
    return ", ".join(parts)


def _raw_change(before: dict[str, Term], after: dict[str, Term]) -> dict[str, int]:
    return {k: after[k].raw - before[k].raw for k in after}
