"""The one booking path: accepting an offer (the board's take and a confirmed ask book as an offer
answered at once), and the working-time law on every booking: one check that every path which books
or moves booked work goes through (accepting an offer or its one-click link, taking open work,
confirming an ask, taking over a swap, editing a shift or a job, a worker's profile).

The check compares before and after. Under the caller's locks it reads the schedules of the workers
the change touches, lets the caller write (flushed, not committed), reads them again and refuses the
change, rolled back, with 409 when a hard rule is broken that was not broken before: the same checks
as the independent validator (``solver.validator``), over the days around the change, with the kept
work outside them and the overtime before them counted (``models.window``). A rule a roster already
broke before the change (say a licence that ran out since) does not block an unrelated change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import HTTPException, status
from sqlmodel import Session, col, select

from api import offers
from api.notifications import events
from models import tables as t
from models.enums import AssignmentStatus
from models.law import limits
from models.problem import Problem, Worker
from models.revisions import organisation_zone, revise
from models.store import load_snapshot
from solver import catalogue
from solver.explain import skills_text
from solver.fill import Fixed
from solver.validator import LOWER_BOUND_RULES, Violation, item_violations, outside_by_worker, schedule_violations

MARGIN = dt.timedelta(days=28)
"""Work this far either side of a change is read for the check: four weeks of overtime, weekly rest,
hours in 7 days and runs of days; kept work further out counts through ``models.window``."""

RULES = {r.id: r for r in catalogue.RULES}
T = TypeVar("T")


@dataclass(frozen=True)
class Broken:
    """A hard rule a change would break, in words a person reads."""

    worker: str  # the worker's name
    rule: str  # the rule's id (``solver.catalogue``)
    words: str  # why, with the rule's name and the section it comes from

    def said(self, you: bool) -> str:
        return self.words if you else f"{self.worker} {self.words}"


def _words(problem: Problem, worker: Worker, v: Violation, fixed: Fixed) -> str:
    """What the rule keeps her from, its name and where its number comes from (the law's section, the
    agreement or the contract), e.g. 'would get too little continuous rest in 24 h (daily rest,
    AML § 10-8 (1))'."""
    rule = RULES.get(v.rule)
    if rule is None:
        return v.message
    item = fixed.items.get(v.item_id or "")
    said = rule.meaning
    if rule.ruled_out:
        said = rule.ruled_out.format(
            skills=skills_text(item.required_skills, problem) if item else "skill",
            km=fixed.travel.km(worker, item) if item else 0.0,
            radius=worker.max_travel_km,
            rest=problem.settings.min_rest_hours,
        )
    bound = limits(problem.settings.law, worker.working_time)
    section = next((bound[p].source for p in rule.params if p in bound), "")
    where = f"{rule.name.lower()}, {section}" if section else rule.name.lower()
    return f"{said} ({where})"


@dataclass(frozen=True)
class _Found:
    """The hard rules the workers' kept work breaks, keyed by worker, rule and the validator's own words,
    with what putting them in words needs."""

    broken: dict[tuple[str, str, str], tuple[Worker, Violation]]
    problem: Problem
    fixed: Fixed

    def named(self, key: tuple[str, str, str]) -> Broken:
        worker, v = self.broken[key]
        return Broken(worker.name, v.rule, _words(self.problem, worker, v, self.fixed))


def _broken(
    session: Session, ref: str, workers: Collection[int], first: dt.date, last: dt.date, since: dt.datetime | None
) -> _Found:
    """Every hard rule the workers' kept work breaks over the days ``first`` to ``last`` (and ``MARGIN``
    around them); with ``since``, not those on work that ended before it."""
    part = load_snapshot(session, ref, workers=workers, days=(first - MARGIN, last + MARGIN)).problem
    fixed = Fixed.of(part)
    outside = outside_by_worker(part)
    out: dict[tuple[str, str, str], tuple[Worker, Violation]] = {}
    for w in part.workers:
        mine = [fixed.items[i] for i in fixed.kept.get(w.id, [])]
        found = [v for it in mine for v in item_violations(part, w, it, fixed.travel)]
        found += [
            v
            for v in schedule_violations(part, w, mine, fixed.days, outside.get(w.id, []))
            if v.rule not in LOWER_BOUND_RULES  # judged on complete rosters, not on one booking
        ]
        for v in found:
            item = fixed.items.get(v.item_id or "")
            if since is not None and item is not None and item.end <= since:
                continue  # work done: what a profile says now does not change it
            out.setdefault((w.id, v.rule, v.message), (w, v))
    return _Found(out, part, fixed)


def lawful(
    session: Session,
    organisation_id: int,
    workers: Collection[int],
    days: tuple[dt.date, dt.date],
    write: Callable[[], T],
    refused: str,
    you: bool = False,
    since: dt.datetime | None = None,
) -> T:
    """Run ``write`` (it changes rows, and neither commits nor rolls back) between two reads of the
    ``workers``' schedules (row ids) around the local ``days``; 409 ``refused: <each rule newly broken>``,
    with the change rolled back, when it breaks a hard rule. The caller holds the booking locks and
    commits. ``you``: the words speak to the worker herself; ``since``: rules broken on work that ended
    before it do not count (a profile changed today does not judge last month's work)."""
    org = session.get(t.Organisation, organisation_id)
    assert org is not None
    first, last = days
    before = _broken(session, org.ref, workers, first, last, since)
    result = write()
    session.flush()
    after = _broken(session, org.ref, workers, first, last, since)
    new = [key for key in after.broken if key not in before.broken]
    if new:
        said = list(dict.fromkeys(after.named(key).said(you) for key in new))  # words only for these
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, f"{refused}: {'; '.join(said)}")
    return result


GONE = "this work was withdrawn: it is no longer posted"

BEFORE_WRITE: Callable[[], None] | None = None  # a test seam: widens the race window in the race tests


def accept(
    session: Session, assignment_id: int, refused: str = "you cannot accept this work", you: bool = True
) -> t.Assignment:
    """Offered -> accepted, if a place is free and the worker keeps every hard rule with it (409
    ``refused: <the rules it breaks>`` else; ``you``: the words speak to the worker). Commits."""
    found = session.get(t.Assignment, assignment_id)
    a = offers.lock_assignments(session, [found]).get(assignment_id) if found is not None else None  # as locked
    work = offers.work_or_none(session, a) if a is not None else None
    if a is None or work is None:  # the work was deleted while she answered
        session.rollback()
        raise offers.conflict(GONE)
    if isinstance(work, t.Shift):
        capacity = work.max_headcount or work.headcount
        same_work = col(t.Assignment.shift_id) == a.shift_id
    else:
        capacity = work.headcount
        same_work = (col(t.Assignment.job_id) == a.job_id) & (col(t.Assignment.day) == a.day)
    if a.status != AssignmentStatus.offered:
        raise offers.conflict(f"this assignment is {a.status}, not offered")
    accepted = session.exec(
        select(t.Assignment).where(same_work, t.Assignment.status == AssignmentStatus.accepted)
    ).all()
    if len(accepted) >= capacity:
        raise offers.conflict("every place on this work is taken already")
    tz = organisation_zone(session, a.organisation_id)
    mine = offers.span(session, a, tz)
    for other in offers.other_accepted(session, a):
        if offers.span(session, other, tz).overlaps(mine):
            raise offers.conflict("you have accepted other work at the same time")
    if BEFORE_WRITE is not None:
        BEFORE_WRITE()

    def write() -> None:
        a.status = AssignmentStatus.accepted
        revise(session, a)

    lawful(session, a.organisation_id, [a.worker_id], offers.local_days(mine, tz), write, refused, you=you)
    if len(accepted) + 1 >= capacity:
        _answer_asks(session, a)
    session.commit()
    return a


FILLED = "every place on this work is taken now"


def asks_on(shift_id: int | None, job_id: int | None, day: dt.date | None) -> Any:
    """The condition for asks to take the shift, or the job's day."""
    if shift_id is not None:
        return col(t.TakeRequest.shift_id) == shift_id
    return (col(t.TakeRequest.job_id) == job_id) & (col(t.TakeRequest.day) == day)


def _answer_asks(session: Session, a: t.Assignment) -> None:
    """The last place is booked: asks to take this work (at places that confirm takes) are answered,
    hers as confirmed, everyone else's declined and told so, whichever way the place was filled."""
    now = dt.datetime.now(dt.UTC)
    same = asks_on(a.shift_id, a.job_id, a.day)
    for ask in session.exec(select(t.TakeRequest).where(same, t.TakeRequest.state == "pending")):
        mine = ask.worker_id == a.worker_id
        ask.state, ask.decided_at, ask.note = ("confirmed" if mine else "declined"), now, "" if mine else FILLED
        session.add(ask)
        if not mine:
            events.take_decided(session, ask, now)
