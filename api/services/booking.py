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

Accepting is the write people race on. It is made safe in the database, not in Python: the transaction
locks the worker's row and then the shift's (or job's) row (``SELECT ... FOR UPDATE`` on PostgreSQL; on
SQLite a no-op UPDATE, which takes the database's single write lock at once, since SQLite reads take no
locks until a transaction writes), and only then counts accepted places and looks for overlapping
accepted work. **Every** write that touches bookings takes its locks in one order: workers, then shifts,
then jobs, then assignments, each by id (``lock_in_order``). Accepts, declines, cancels, offers, gap
filling and edits of shifts and jobs all do, so no two of them deadlock; a second accept for the last
place, or for a worker already booked at that time, waits for the first and then sees its result.
Status changes without capacity questions (offer, decline, cancel) go through ``move``; an edit of
posted work locks it with ``lock_work`` and may not break what people accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi import status
from sqlalchemy import update
from sqlmodel import Session, col, select

from api.core.refusals import Refused
from api.notifications import events
from models import tables as t
from models.enums import AssignmentStatus
from models.law import limits
from models.problem import Problem, Worker
from models.revisions import revise
from models.rows import Span, assignment_span, local_days, organisation_zone, other_accepted, span, work_or_none
from models.settings import settings
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
        raise Refused(status.HTTP_409_CONFLICT, f"{refused}: {'; '.join(said)}")
    return result


GONE = "this work was withdrawn: it is no longer posted"

BEFORE_WRITE: Callable[[], None] | None = None  # a test seam: widens the race window in the race tests


def accept(
    session: Session, assignment_id: int, refused: str = "you cannot accept this work", you: bool = True
) -> t.Assignment:
    """Offered -> accepted, if a place is free and the worker keeps every hard rule with it (409
    ``refused: <the rules it breaks>`` else; ``you``: the words speak to the worker). Commits."""
    found = session.get(t.Assignment, assignment_id)
    a = lock_assignments(session, [found]).get(assignment_id) if found is not None else None  # as locked
    work = work_or_none(session, a) if a is not None else None
    if a is None or work is None:  # the work was deleted while she answered
        session.rollback()
        raise conflict(GONE)
    if isinstance(work, t.Shift):
        capacity = work.max_headcount or work.headcount
        same_work = col(t.Assignment.shift_id) == a.shift_id
    else:
        capacity = work.headcount
        same_work = (col(t.Assignment.job_id) == a.job_id) & (col(t.Assignment.day) == a.day)
    if a.status != AssignmentStatus.offered:
        raise conflict(f"this assignment is {a.status}, not offered")
    accepted = session.exec(
        select(t.Assignment).where(same_work, t.Assignment.status == AssignmentStatus.accepted)
    ).all()
    if len(accepted) >= capacity:
        raise conflict("every place on this work is taken already")
    tz = organisation_zone(session, a.organisation_id)
    mine = span(session, a, tz)
    for other in other_accepted(session, a):
        if span(session, other, tz).overlaps(mine):
            raise conflict("you have accepted other work at the same time")
    if BEFORE_WRITE is not None:
        BEFORE_WRITE()

    def write() -> None:
        a.status = AssignmentStatus.accepted
        revise(session, a)

    lawful(session, a.organisation_id, [a.worker_id], local_days(mine, tz), write, refused, you=you)
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


def lock_rows(session: Session, model: Any, ids: Iterable[int]) -> dict[int, Any]:
    """Lock rows for the rest of the transaction, in id order; the rows as they stand after the lock."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(model).where(col(model.id).in_(wanted)).values(id=model.id))
        query = select(model).where(col(model.id).in_(wanted))
    else:
        query = select(model).where(col(model.id).in_(wanted)).order_by(col(model.id)).with_for_update()
    return {row.id: row for row in session.exec(query.execution_options(populate_existing=True))}


def lock_in_order(
    session: Session,
    workers: Iterable[int] = (),
    shifts: Iterable[int] = (),
    jobs: Iterable[int] = (),
    assignments: Iterable[int] = (),
) -> dict[int, t.Assignment]:
    """Take the booking locks in the one order every writer uses: workers, shifts, jobs, assignments,
    each by id. Returns the locked assignments as they stand now."""
    lock_rows(session, t.Worker, workers)
    lock_rows(session, t.Shift, shifts)
    lock_rows(session, t.Job, jobs)
    return lock_rows(session, t.Assignment, assignments)


def lock_assignments(session: Session, rows: Iterable[t.Assignment]) -> dict[int, t.Assignment]:
    """``lock_in_order`` for these assignments with their workers and work."""
    rows = list(rows)
    return lock_in_order(
        session,
        workers=[a.worker_id for a in rows],
        shifts=[a.shift_id for a in rows if a.shift_id is not None],
        jobs=[a.job_id for a in rows if a.job_id is not None],
        assignments=[a.id for a in rows if a.id is not None],
    )


def conflict(message: str) -> Refused:
    return Refused(status.HTTP_409_CONFLICT, message)


def open_offer(session: Session, a: t.Assignment, now: dt.datetime) -> None:
    """Make ``a`` an offer that stands for ``offer_hours``, or half the time left before the work when
    that is sooner (a reminder goes out halfway; unanswered, it expires and the place goes on)."""
    start = span(session, a, organisation_zone(session, a.organisation_id)).start
    lifetime = min(dt.timedelta(hours=settings().offer_hours), max(dt.timedelta(0), (start - now) / 2))
    a.status, a.offered_at, a.offer_expires_at, a.expired_at = AssignmentStatus.offered, now, now + lifetime, None
    revise(session, a, now)


def move(
    session: Session,
    a: t.Assignment,
    frm: tuple[AssignmentStatus, ...],
    to: AssignmentStatus,
    then: Callable[[t.Assignment, AssignmentStatus], object] | None = None,
) -> t.Assignment:
    """A status change without capacity questions (offer, decline, cancel). ``then(row, status before)``
    stages what goes with it (its messages) in the same transaction. Commits."""
    assert a.id is not None
    locked = lock_assignments(session, [a]).get(a.id)
    if locked is None or work_or_none(session, locked) is None:  # deleted with its work meanwhile
        session.rollback()
        raise conflict("this work was withdrawn: it is no longer posted")
    if locked.status not in frm:
        raise conflict(f"this assignment is {locked.status}; only {' or '.join(frm)} ones can become {to}")
    was, locked.status = locked.status, to
    revise(session, locked)
    if then is not None:
        then(locked, was)
    session.commit()
    return locked


def _on(session: Session, work: t.Shift | t.Job) -> list[t.Assignment]:
    """Every assignment on the work, whatever its state, as the database has it now."""
    column = t.Assignment.shift_id if isinstance(work, t.Shift) else t.Assignment.job_id
    query = select(t.Assignment).where(column == work.id)
    return list(session.exec(query.order_by(col(t.Assignment.id)).execution_options(populate_existing=True)))


def lock_work(session: Session, work: t.Shift | t.Job, tries: int = 5) -> list[t.Assignment]:
    """Lock a shift or job for an edit or a delete in the one order: the workers of every assignment on
    it (an edit or a delete writes each one's calendar events, whose rows name her, so an accept of
    hers must queue behind it, not deadlock with it), the work, then those assignments; the accepted
    ones as they stand once locked. If someone was offered it between the read and the locks, her
    worker is not locked yet: start again."""
    assert work.id is not None
    for _ in range(tries):
        rows = _on(session, work)
        workers = {a.worker_id for a in rows}
        work_ids = [work.id]
        locked = lock_in_order(
            session,
            workers=workers,
            shifts=work_ids if isinstance(work, t.Shift) else (),
            jobs=work_ids if isinstance(work, t.Job) else (),
            assignments=[a.id for a in rows if a.id is not None],
        )
        now_on = _on(session, work)
        if {a.worker_id for a in now_on} <= workers:
            return [a for a in now_on if a.status == AssignmentStatus.accepted and a.id in locked]
        session.rollback()
    raise conflict("this work is being booked right now; try again")


def ensure_bookings_fit(
    session: Session, work_id: int, fresh: t.Shift | t.Job, booked: list[t.Assignment], tz: ZoneInfo
) -> None:
    """Before an edit of posted work: 409 naming each accepted booking the new version would break (a
    place taken away, or the worker's other accepted work overlapping the new times). Bookings on days a
    job no longer has are cancelled by the edit itself, so they are not counted here."""
    names = {
        w.id: w.name for w in session.exec(select(t.Worker).where(col(t.Worker.id).in_([a.worker_id for a in booked])))
    }
    broken: list[str] = []
    if isinstance(fresh, t.Shift):
        kept = booked
        capacity = fresh.max_headcount or fresh.headcount
        if len(kept) > capacity:
            who = ", ".join(sorted(names[a.worker_id] for a in kept))
            broken.append(f"{len(kept)} workers have accepted it ({who}), so it needs at least {len(kept)} places")
    else:
        kept = [a for a in booked if a.day is not None and fresh.first_day <= a.day <= fresh.last_day]
        per_day: dict[dt.date, list[t.Assignment]] = {}
        for a in kept:
            per_day.setdefault(a.day, []).append(a)  # type: ignore[arg-type]
        for day, rows in sorted(per_day.items()):
            if len(rows) > fresh.headcount:
                who = ", ".join(sorted(names[a.worker_id] for a in rows))
                broken.append(
                    f"{len(rows)} workers have accepted {day} ({who}), so it needs at least {len(rows)} places"
                )
    for a in kept:
        mine = Span(*assignment_span(a, fresh, tz))
        for other in other_accepted(session, a):
            if isinstance(fresh, t.Job) and other.job_id == work_id:
                continue  # a job's other days move with it and never overlap each other
            theirs = span(session, other, tz)
            if theirs.overlaps(mine):
                local = theirs.start.astimezone(tz)
                broken.append(
                    f"{names[a.worker_id]} has accepted other work at {local:%Y-%m-%d %H:%M} that the new times overlap"
                )
    if broken:
        raise conflict(
            "this change would break accepted bookings: "
            + "; ".join(broken)
            + ". Cancel those bookings first (POST /assignments/{id}/cancel), then change it."
        )
