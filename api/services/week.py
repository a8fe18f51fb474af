"""A worker's availability as a week grid: seven local days, each cut into a day, an evening and a
night block, each block free, preferred, rather not, busy or not stated.

The grid is a view of the availability rows people typed in (calendar imports stay their own). Saving
rewrites only the blocks that changed: a window entered with finer times (through the API, say) stays
as it was wherever its block was left alone, and the parts of windows outside the week are kept.

Nothing saved here may take a worker away from work she has accepted: the solver keeps accepted work
as it is, so a kept item outside her availability would make every later solve of the organisation
fail. Such a change is refused, naming the work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fastapi import HTTPException, status
from sqlmodel import Session, col, delete, select

from api import offers
from api.core import crud
from models import problem as p
from models import tables as t
from models.enums import AvailabilityKind
from models.revisions import organisation_zone
from solver.eligibility import Calendar


@dataclass(frozen=True)
class Block:
    key: str
    name: str
    start: dt.time  # local; the block ends where the next one starts


BLOCKS = (
    Block("day", "Day", dt.time(7)),
    Block("evening", "Evening", dt.time(15)),
    Block("night", "Night", dt.time(23)),
)
"""The blocks of a local day, as health shifts are usually cut; a night runs into the next morning."""

STATES: dict[str, AvailabilityKind | None] = {
    "": None,
    "free": AvailabilityKind.available,
    "prefer": AvailabilityKind.preferred,
    "rather-not": AvailabilityKind.undesired,
    "busy": AvailabilityKind.unavailable,
}
"""What a person can set a block to; ``""`` states nothing (for most workers: not to be asked then)."""

STATE_WORDS = {
    "": "not set",
    "free": "free",
    "prefer": "would like work",
    "rather-not": "rather not",
    "busy": "busy",
}
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 3), dt.date(2099, 12, 31)  # weeks a roster can be about
MIXED = "mixed"  # a block holding windows that do not cover it with one kind: left as it is unless changed


@dataclass(frozen=True)
class Cell:
    day: dt.date
    block: Block
    start: dt.datetime  # UTC
    end: dt.datetime
    state: str  # a key of STATES, or MIXED
    detail: str = ""  # for a mixed block: the windows it holds, in local time


@dataclass(frozen=True)
class Week:
    monday: dt.date
    zone: ZoneInfo
    always_available: bool
    cells: list[Cell]

    def rows(self) -> list[list[Cell]]:
        return [self.cells[i : i + len(BLOCKS)] for i in range(0, len(self.cells), len(BLOCKS))]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _at(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=tz).astimezone(dt.UTC)


def _spans(monday: dt.date, tz: ZoneInfo) -> list[tuple[dt.date, Block, dt.datetime, dt.datetime]]:
    out = []
    for d in range(7):
        day = monday + dt.timedelta(days=d)
        for i, block in enumerate(BLOCKS):
            end_day, end_time = (
                (day, BLOCKS[i + 1].start) if i + 1 < len(BLOCKS) else (day + dt.timedelta(1), BLOCKS[0].start)
            )
            out.append((day, block, _at(day, block.start, tz), _at(end_day, end_time, tz)))
    return out


def _key(kind: AvailabilityKind) -> str:
    return next(k for k, v in STATES.items() if v == kind)


def _typed(session: Session, worker_id: int, start: dt.datetime, end: dt.datetime) -> list[t.Availability]:
    return list(
        session.exec(
            select(t.Availability).where(
                t.Availability.worker_id == worker_id,
                col(t.Availability.source).is_(None),
                col(t.Availability.start_utc) < end,
                col(t.Availability.end_utc) > start,
            )
        )
    )


def _state(rows: list[t.Availability], start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> tuple[str, str]:
    inside = [r for r in rows if r.start_utc < end and r.end_utc > start]
    if not inside:
        return "", ""
    whole = [r for r in inside if r.start_utc <= start and r.end_utc >= end]
    if len(inside) == 1 and whole:
        return _key(whole[0].kind), ""
    parts = ", ".join(
        f"{STATE_WORDS[_key(r.kind)]} {max(r.start_utc, start).astimezone(tz):%H:%M}–"
        f"{min(r.end_utc, end).astimezone(tz):%H:%M}"
        for r in sorted(inside, key=lambda r: r.start_utc)
    )
    return MIXED, parts


def week(session: Session, worker: t.Worker, day: dt.date) -> Week:
    """The grid of the week holding ``day``, in the organisation's zone."""
    assert worker.id is not None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [{"type": "value_error", "loc": ["path", "day"], "msg": f"must be between {FIRST_DAY} and {LAST_DAY}"}],
        )
    tz = organisation_zone(session, worker.organisation_id)
    monday = monday_of(day)
    spans = _spans(monday, tz)
    rows = _typed(session, worker.id, spans[0][2], spans[-1][3])
    cells = [Cell(d, b, s, e, *_state(rows, s, e, tz)) for d, b, s, e in spans]
    return Week(monday, tz, worker.always_available, cells)


def _cut(rows: list[t.Availability], holes: list[tuple[dt.datetime, dt.datetime]]) -> list[t.Availability]:
    """The windows with the changed blocks cut out of them (a window may fall into several pieces)."""
    out = []
    for r in rows:
        pieces = [(r.start_utc, r.end_utc)]
        for hs, he in holes:
            pieces = [p for s, e in pieces for p in ((s, min(e, hs)), (max(s, he), e)) if p[0] < p[1]]
        out += [
            t.Availability(worker_id=r.worker_id, kind=r.kind, start_utc=s, end_utc=e, weight=r.weight)
            for s, e in pieces
        ]
    return out


def _joined(rows: list[t.Availability]) -> list[t.Availability]:
    """Touching windows of one kind and weight as one window, so a free week is one row, not 21."""
    out: list[t.Availability] = []
    for r in sorted(rows, key=lambda r: (r.kind, r.weight, r.start_utc)):
        last = out[-1] if out else None
        if last is not None and (last.kind, last.weight) == (r.kind, r.weight) and r.start_utc <= last.end_utc:
            last.end_utc = max(last.end_utc, r.end_utc)
        else:
            out.append(r)
    return out


def _available(rows: list[t.Availability], worker: t.Worker, start: dt.datetime, end: dt.datetime) -> bool:
    """The solver's own availability rule (``solver.eligibility.Calendar``) on these windows."""
    windows = [
        p.Availability.model_construct(kind=r.kind, start=r.start_utc, end=r.end_utc, weight=r.weight) for r in rows
    ]
    snapshot = p.Worker.model_construct(  # what the Calendar reads: the windows and always_available
        id=worker.ref,
        name=worker.name,
        kind=worker.kind,
        home_lat=worker.home_lat,
        home_lon=worker.home_lon,
        region_id="",
        availability=windows,
        always_available=worker.always_available,
    )
    return Calendar(snapshot).is_available(start, end)


def save(session: Session, worker: t.Worker, day: dt.date, changes: dict[tuple[dt.date, str], str]) -> Week:
    """Set the blocks in ``changes`` (``(day, block key) -> state``) of the week holding ``day``; blocks not
    named, or set to what they show, stay as they are. 422 naming the block for an unknown block or
    state, or for a change that would leave accepted work outside the worker's availability. Commits."""
    assert worker.id is not None
    current = week(session, worker, day)
    by_key = {(c.day, c.block.key): c for c in current.cells}
    changed = []
    for (d, block), state in changes.items():
        field = f"{d.isoformat()}/{block}"
        cell = by_key.get((d, block))
        if cell is None:
            raise crud.invalid(field, f"not a block of the week of {current.monday:%d %b %Y}")
        if state == cell.state:
            continue
        if state not in STATES:
            raise crud.invalid(field, "must be one of " + ", ".join(repr(s) for s in STATES))
        changed.append((cell, STATES[state]))
    if not changed:
        return current
    start, end = current.cells[0].start, current.cells[-1].end
    old = _typed(session, worker.id, start, end)
    new = _cut(old, [(c.start, c.end) for c, _ in changed])
    new += [t.Availability(worker_id=worker.id, kind=k, start_utc=c.start, end_utc=c.end) for c, k in changed if k]
    new = _joined(new)
    ids = [r.id for r in old]
    for _, span in offers.kept_overlapping(session, worker.id, worker.organisation_id, start, end):
        around = [
            r
            for r in session.exec(
                select(t.Availability).where(
                    t.Availability.worker_id == worker.id,
                    col(t.Availability.start_utc) < span.end,
                    col(t.Availability.end_utc) > span.start,
                )
            )
        ]
        before = _available(around, worker, span.start, span.end)
        after = [r for r in around if r.id not in ids] + new
        if before and not _available(after, worker, span.start, span.end):
            when = f"{span.start.astimezone(current.zone):%a %d %b %H:%M}–{span.end.astimezone(current.zone):%H:%M}"
            raise crud.invalid(
                "cells",
                f"you have accepted work on {when}; this change would leave it outside the times you are free."
                " Ask for time off instead: the coordinator or the place's manager decides",
            )
    session.execute(delete(t.Availability).where(col(t.Availability.id).in_(ids)))
    session.add_all(new)
    session.commit()
    return week(session, worker, day)
