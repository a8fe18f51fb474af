"""Who may take an item at all: approved skills (``qualification``), ``availability``, ``travel_radius``
and no earlier no (``declined_offer``).

Model form: pruning. ``solver.instance.build_instance`` gives a pair that breaks one of these no variable.
Check: each assignment re-checked from the worker's licences, windows and home, with its own code.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from models.enums import AssignmentStatus, AvailabilityKind
from models.problem import Worker
from models.work_items import WorkItem
from solver.rules.family import Family
from solver.violations import Placement, Roster, Violation, local


def _licence_ok(worker: Worker, skill: str, item: WorkItem, tz: ZoneInfo) -> bool:
    for q in worker.qualifications:
        if q.skill != skill or not q.approved:
            continue
        if q.valid_until is None:
            return True
        expires = dt.datetime.combine(q.valid_until + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        if item.end <= expires:
            return True
    return False


def _available(worker: Worker, item: WorkItem) -> bool:
    for a in worker.availability:
        if a.kind == AvailabilityKind.unavailable and a.start < item.end and item.start < a.end:
            return False
    if worker.always_available:
        return True
    windows = [a for a in worker.availability if a.kind != AvailabilityKind.unavailable]
    covered_until = item.start
    progressed = True
    while covered_until < item.end and progressed:
        progressed = False
        for a in windows:
            if a.start <= covered_until < a.end:
                covered_until, progressed = a.end, True
    return covered_until >= item.end


def check_placement(c: Placement) -> list[Violation]:
    worker, item, tz = c.worker, c.item, c.problem.tz
    out: list[Violation] = []
    missing = sorted(s for s in item.required_skills if not _licence_ok(worker, s, item, tz))
    if missing:
        text = f"{worker.id} lacks an approved, valid {', '.join(missing)} for {item.id}"
        out.append(Violation("qualification", text, worker.id, item.id))
    if not _available(worker, item):
        text = f"{worker.id} is not available {local(item.start, tz)}–{local(item.end, tz)} for {item.id}"
        out.append(Violation("availability", text, worker.id, item.id))
    km = c.travel.km(worker, item)
    if km > worker.max_travel_km:
        text = f"{worker.id} lives {km:.1f} km from {item.place_id}; radius {worker.max_travel_km:g} km"
        out.append(Violation("travel_radius", text, worker.id, item.id))
    return out


def check_declined(r: Roster) -> list[Violation]:
    kept = {(a.worker_id, a.item_id) for a in r.problem.assignments if a.kept}
    refused = {
        (a.worker_id, a.item_id)
        for a in r.problem.assignments
        if a.status in (AssignmentStatus.declined, AssignmentStatus.cancelled)
    }
    return [
        Violation("declined_offer", f"{w} declined or was cancelled from {i}", w, i)
        for w, i in r.unique
        if (w, i) in refused and (w, i) not in kept
    ]


FAMILY = Family(check_roster=check_declined, check_placement=check_placement)
