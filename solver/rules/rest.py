"""No overlap (``overlap``) and rest between work (``rest``): at least the organisation's
``min_rest_hours`` between the end of one item and the start of the next."""

from __future__ import annotations

import datetime as dt

from models.problem import OutsideWork
from models.work_items import WorkItem
from solver.rules.family import Family
from solver.variables import Build
from solver.violations import Schedule, Violation, local


def model(b: Build) -> None:
    """Two items conflict when ``[start, end + rest)`` of one meets the other's: an interval graph, so the
    maximal cliques found by a sweep over start times give strong at-most-one constraints. The sweep
    keeps only the items still open, so a year of candidates costs no more per item than a week.
    """
    inst, v = b.inst, b.v
    for w, pairs in enumerate(inst.by_worker):
        for p in pairs:  # kept work outside the plan is fixed: a candidate too close to it cannot be taken
            start, end = inst.spans[inst.pairs[p].i]
            if any(s < end + b.rest_minutes and start < e + b.rest_minutes for s, e in inst.outside[w]):
                v.model.add(v.x[p] == 0)
        if len(pairs) < 2:
            continue
        spans = sorted((*inst.spans[inst.pairs[p].i], p) for p in pairs)
        cliques: list[list[int]] = []
        active: list[tuple[int, int]] = []  # (end + rest, pair) of the items still open at the sweep's start
        for start, end, p in spans:
            active = [(reach, q) for reach, q in active if start < reach]
            active.append((end + b.rest_minutes, p))
            clique = [q for _, q in active]
            if cliques and set(cliques[-1]) <= set(clique):
                cliques[-1] = clique
            else:
                cliques.append(clique)
        for clique in cliques:
            if len(clique) > 1:
                v.model.add_at_most_one(v.x[p] for p in clique)


def check(s: Schedule) -> list[Violation]:
    """Every pair of the worker's items, and each item against her kept work outside the plan, compared
    directly."""
    tz, worker, hours = s.problem.tz, s.worker, s.problem.settings.min_rest_hours
    rest = dt.timedelta(hours=hours)
    out: list[Violation] = []
    Timed = WorkItem | OutsideWork
    pairs: list[tuple[Timed, Timed]] = [(a, b) for k, a in enumerate(s.items) for b in s.items[k + 1 :]]
    for o in s.outside:
        for it in s.items:
            pairs.append((o, it) if o.start <= it.start else (it, o))
    for a, b in pairs:
        first, second = _named(a), _named(b)
        item = next(x.id for x in (b, a) if isinstance(x, WorkItem))
        if b.start < a.end:
            out.append(Violation("overlap", f"{worker.id}: {first} and {second} overlap", worker.id, item))
        elif b.start - a.end < rest:
            gap = (b.start - a.end).total_seconds() / 3600
            text = (
                f"{worker.id}: only {gap:g} h between {first} (ends {local(a.end, tz)}) and {second}"
                f" (starts {local(b.start, tz)}); {hours:g} h required"
            )
            out.append(Violation("rest", text, worker.id, item))
    return out


def _named(x: WorkItem | OutsideWork) -> str:
    return x.id if isinstance(x, WorkItem) else f"{x.label or 'kept work'} (outside this plan)"


FAMILY = Family(model=model, check_schedule=check)
