"""The open places board: the open shifts and job days a worker could take by every hard rule (the
same checks as gap filling: qualification, availability, travel, rest, hours, runs of days), and
taking one, through the same race-safe accept as an offer (the loser of a race for the last place
gets 409, and nothing of theirs is written). Where the place confirms takes, taking is an ask that
waits for its manager (``takes``).

The worker's row and the work's are locked (in the one lock order) before her own work is read for
the check and before anything is written: two takes by one person cannot each pass the rest or hours
rule without seeing the other, and two people taking the same place queue instead of deadlocking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fastapi import status
from sqlmodel import Session, select

from api.core import crud
from api.core.refusals import Refused
from api.services import booking, fill
from api.services.cascade import target_of
from models import tables as t
from models.enums import AssignmentStatus, ItemKind, Role
from models.problem import Problem
from models.rows import organisation_zone
from models.work_items import WorkItem, split_item_id
from solver.fill import Fixed, near_misses, ruled_out, takeable

DAYS = 14  # how far ahead the board looks


@dataclass(frozen=True)
class OpenPlace:
    item: str
    kind: ItemKind
    title: str
    place: str
    region: str
    start: dt.datetime  # local, with the offset
    end: dt.datetime
    open_places: int
    pay_per_hour: float
    needs_confirmation: bool  # the place's manager confirms a take before she is booked
    asked: bool  # she asked to take it already, and waits for that confirmation


def approved_worker(session: Session, user: t.User) -> t.Worker:
    """The signed-in worker, approved: what taking open work or a colleague's swap asks for (403 else)."""
    worker = session.get(t.Worker, user.worker_id) if user.worker_id and user.role == Role.worker else None
    if worker is None:
        raise Refused(status.HTTP_403_FORBIDDEN, "only a worker of the pool takes open work")
    if worker.pending:
        raise Refused(status.HTTP_403_FORBIDDEN, "your registration waits for the coordinator's approval")
    return worker


@dataclass(frozen=True)
class _Seen:
    """What the board reads: the coming ``DAYS`` days with the worker alone (her own work, and the
    places others keep counted as taken), not the organisation's history."""

    problem: Problem
    elsewhere: dict[str, int]
    today: dt.date


def _problem(session: Session, worker: t.Worker, now: dt.datetime) -> _Seen:
    assert worker.id is not None
    today = now.astimezone(organisation_zone(session, worker.organisation_id)).date()
    last = today + dt.timedelta(days=DAYS)
    problem = fill.near(session, worker.organisation_id, today, last, workers=[worker.id]).problem
    return _Seen(problem, fill.elsewhere(session, worker.organisation_id, today, last, [worker.id]), today)


def _shown(item: WorkItem, places: int, tz, confirm: bool, asked: bool) -> OpenPlace:  # type: ignore[no-untyped-def]
    return OpenPlace(
        item.id,
        item.kind,
        item.title,
        item.place_name,
        item.region_id,
        item.start.astimezone(tz),
        item.end.astimezone(tz),
        places,
        item.pay_per_hour,
        confirm,
        asked,
    )


def asked_for(session: Session, worker: t.Worker) -> set[str]:
    """The items the worker asked to take and waits on a manager's confirmation for."""
    rows = session.exec(
        select(t.TakeRequest).where(t.TakeRequest.worker_id == worker.id, t.TakeRequest.state == "pending")
    )
    return {target.item_id for target in (target_of(session, row) for row in rows) if target is not None}


@dataclass(frozen=True)
class AlmostPlace:
    """Open work she fits by every rule but the times she stated: shown with why, so a free day that
    stops at 15:00 does not silently hide a shift that ends at 15:30."""

    place: OpenPlace
    why: str  # e.g. "you have not marked 15:00–15:30 free"
    week: dt.date  # the day to open her week grid on


@dataclass(frozen=True)
class Board:
    places: list[OpenPlace]  # what she may take, soonest first
    almost: list[AlmostPlace]  # what only her stated times keep her from, soonest first


def _times(parts: list[tuple[tuple[dt.datetime, dt.datetime], bool]], tz: ZoneInfo) -> str:
    def one(start: dt.datetime, end: dt.datetime) -> str:
        a, b = start.astimezone(tz), end.astimezone(tz)
        same = a.date() == b.date() or (b - a < dt.timedelta(days=1) and b.time() <= a.time())
        return f"{a:%a %H:%M}–{b:%H:%M}" if same else f"{a:%a %H:%M}–{b:%a %H:%M}"

    unstated = [one(*span) for span, busy in parts if not busy]
    busy = [one(*span) for span, busy in parts if busy]
    said = []
    if unstated:
        said.append(f"you have not marked {' and '.join(unstated)} free")
    if busy:
        said.append(f"you are busy {' and '.join(busy)} (your week, your calendar or time off)")
    return "; ".join(said)


def view(session: Session, user: t.User, now: dt.datetime | None = None, almost: bool = True) -> Board:
    """What the worker could take in the coming ``DAYS`` days, and (with ``almost``) the open work there
    that only the times she stated keep her from, each with those times."""
    worker = approved_worker(session, user)
    now = now or dt.datetime.now(dt.UTC)
    seen = _problem(session, worker, now)
    problem, last = seen.problem, seen.today + dt.timedelta(days=DAYS)
    confirm = {(ItemKind.shift, s.id) for s in problem.sites if s.confirm_takes}
    confirm |= {(ItemKind.job, f.id) for f in problem.farms if f.confirm_takes}
    asked = asked_for(session, worker)
    tz = problem.tz
    places = [
        _shown(item, places, tz, (item.kind, item.place_id) in confirm, item.id in asked)
        for item, places in takeable(problem, worker.ref, seen.elsewhere)
        if item.start > now and item.local_day <= last
    ]
    near = [
        AlmostPlace(
            _shown(m.item, m.open_places, tz, (m.item.kind, m.item.place_id) in confirm, False),
            _times(m.not_free, tz),
            m.item.local_day,
        )
        for m in (near_misses(problem, worker.ref, seen.elsewhere) if almost else [])
        if m.item.start > now and m.item.local_day <= last
    ]
    return Board(places, near)


def board(session: Session, user: t.User, now: dt.datetime | None = None) -> list[OpenPlace]:
    """What the worker could take in the coming ``DAYS`` days, soonest first."""
    return view(session, user, now, almost=False).places


def work_of_item(session: Session, organisation_id: int, item_id: str) -> tuple[t.Shift | t.Job, dt.date | None]:
    """The shift, or the job and its day, that an item id names (404 if there is none)."""
    try:
        ref, day = split_item_id(item_id)
    except ValueError:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no work {item_id!r}") from None
    if day:
        return crud.get(session, t.Job, organisation_id, ref, "job"), day
    return crud.get(session, t.Shift, organisation_id, ref, "shift"), None


def check(
    session: Session, worker: t.Worker, work: t.Shift | t.Job, item_id: str, now: dt.datetime, who: str = "you"
) -> int:
    """Lock the worker and the work (the one lock order, before any row is written: no deadlock with a
    rival take), then check she may take a place on it by every hard rule: 409 saying why, else the
    number of places still open."""
    booking.lock_in_order(
        session,
        workers=[worker.id],  # type: ignore[list-item]
        shifts=[work.id] if isinstance(work, t.Shift) else [],  # type: ignore[list-item]
        jobs=[work.id] if isinstance(work, t.Job) else [],  # type: ignore[list-item]
    )
    seen = _problem(session, worker, now)
    problem = seen.problem
    fixed = Fixed.of(problem, seen.elsewhere)
    item = fixed.items.get(item_id)
    me = next((w for w in problem.workers if w.id == worker.ref), None)
    if item is None or me is None or item.start <= now:
        raise Refused(status.HTTP_409_CONFLICT, "this work is not open to take (it has begun or is not planned)")
    places = fixed.open_places(item)
    if not places:
        raise Refused(status.HTTP_409_CONFLICT, "every place on this work is taken already")
    why = ruled_out(problem, fixed, me, item)
    if why is not None:
        raise Refused(status.HTTP_409_CONFLICT, f"{who} cannot take this work: {why}")
    return places


def book(
    session: Session, worker: t.Worker, work: t.Shift | t.Job, day: dt.date | None, who: str = "you"
) -> t.Assignment:
    """Book the worker on the work through the race-safe accept, which keeps every hard rule (the caller
    holds the locks; ``who`` is named when a rule refuses it). Commits."""
    on_shift = isinstance(work, t.Shift)
    same = (
        (t.Assignment.shift_id == work.id)
        if on_shift
        else ((t.Assignment.job_id == work.id) & (t.Assignment.day == day))
    )
    a = session.exec(select(t.Assignment).where(same, t.Assignment.worker_id == worker.id)).first()
    if a is None:
        a = t.Assignment(
            organisation_id=worker.organisation_id,
            worker_id=worker.id,  # type: ignore[arg-type]
            shift_id=work.id if on_shift else None,
            job_id=None if on_shift else work.id,
            day=day,
        )
    a.status = AssignmentStatus.offered  # taken from the board: an offer she answers at once
    session.add(a)
    session.flush()
    assert a.id is not None
    return booking.accept(session, a.id, refused=f"{who} cannot take this work", you=who == "you")
