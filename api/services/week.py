"""A worker's availability as a week grid: seven local days, each cut into a day, an evening and a
night block, each block free, preferred, rather not, busy or not stated.

The blocks follow the pool's own work times around the week (``pool_blocks``): where day shifts run
08:00–15:30 and evening shifts start at 15:00, the day block runs 08:00–15:30, so a worker who marks
her day free is offered those shifts (a fixed 07–15 block hid them). Such blocks overlap: the stretch
two neighbours share follows the one whose work it carries (``_rewritten``), and each block's state
is read from its own part only.

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

from fastapi import status
from sqlmodel import Session, col, delete, select

from api.core import crud
from api.core.refusals import Refused
from models import problem as p
from models import tables as t
from models.enums import AvailabilityKind
from models.rows import kept_overlapping, organisation_zone, place_of, work_or_none
from solver.eligibility import Calendar


@dataclass(frozen=True)
class Block:
    key: str
    name: str
    start: dt.time  # local; the block's own part ends where the next block starts
    reach: dt.timedelta  # from its start to the end of the pool's work that starts in it

    @property
    def until(self) -> dt.time:
        return (dt.datetime.combine(FIRST_DAY, self.start) + self.reach).time()

    @property
    def label(self) -> str:
        return f"{self.name} {self.start:%H:%M}–{self.until:%H:%M}"


PARTS = (("day", "Day", 4 * 60, 7 * 60), ("evening", "Evening", 12 * 60, 15 * 60), ("night", "Night", 20 * 60, 23 * 60))
"""Each block's key, name, the local minute from which work starting then belongs to it, and where it
starts when the pool has no such work (health shifts' usual 07, 15 and 23)."""
LOOK = dt.timedelta(weeks=8)  # the pool's work this far around the week sets its blocks
COMMON = 0.05  # a start time held by fewer than this share of a block's work does not move the block


def _minute(local: dt.datetime) -> int:
    """Minutes since 04:00 of the work's day, plus 04:00: 04:00 is 240, 03:59 the next night is 1679."""
    m = local.hour * 60 + local.minute
    return m if m >= PARTS[0][2] else m + 24 * 60


def blocks_of(work: list[tuple[int, int]]) -> tuple[Block, ...]:
    """The day, evening and night blocks that hold the pool's work (each a start minute as ``_minute``
    gives it, and a length in minutes): each block starts at the earliest common start of the work
    starting in its part of the day, and reaches to the latest end of that work, so marking a block free
    makes every such shift fit. Where the pool has no work in a part, its usual start."""
    groups: list[list[tuple[int, int]]] = [[] for _ in PARTS]
    for start, length in work:
        groups[sum(start >= p[2] for p in PARTS[1:])].append((start, length))
    starts = []
    for (_, _, _, usual), group in zip(PARTS, groups, strict=True):
        counts: dict[int, int] = {}
        for start, _ in group:
            counts[start] = counts.get(start, 0) + 1
        common = [m for m, n in sorted(counts.items()) if n >= COMMON * len(group)]
        starts.append(common[0] if common else usual)
    day = 24 * 60
    out = []
    for i, (key, name, _, _) in enumerate(PARTS):
        nxt = starts[i + 1] if i + 1 < len(starts) else starts[0] + day
        after = starts[i + 2] if i + 2 < len(starts) else starts[(i + 2) % len(starts)] + day
        ends = [start + length for start, length in groups[i] if start >= starts[i]]
        reach = min(max([nxt, *ends]), after - 60) - starts[i]  # leaves the block after next an hour of its own
        out.append(Block(key, name, dt.time(starts[i] // 60 % 24, starts[i] % 60), dt.timedelta(minutes=reach)))
    return tuple(out)


def pool_blocks(session: Session, organisation_id: int, tz: ZoneInfo, monday: dt.date) -> tuple[Block, ...]:
    """The blocks of the pool's own shift and job times in the weeks around ``monday``."""
    lo = dt.datetime.combine(monday, dt.time(), tzinfo=tz) - LOOK
    hi = lo + 2 * LOOK + dt.timedelta(weeks=1)
    work = [
        (_minute(s.astimezone(tz)), int((e - s).total_seconds() // 60))
        for s, e in session.exec(
            select(t.Shift.start_utc, t.Shift.end_utc).where(
                t.Shift.organisation_id == organisation_id, col(t.Shift.start_utc) >= lo, col(t.Shift.start_utc) < hi
            )
        )
    ]
    work += [
        (_minute(dt.datetime.combine(monday, start)), round(hours * 60))
        for start, hours in session.exec(
            select(col(t.Job.daily_start), col(t.Job.daily_hours)).where(
                t.Job.organisation_id == organisation_id,
                col(t.Job.last_day) >= lo.date(),
                col(t.Job.first_day) <= hi.date(),
            )
        )
    ]
    return blocks_of(work)


STATES: dict[str, AvailabilityKind | None] = {
    "": None,
    "free": AvailabilityKind.available,
    "prefer": AvailabilityKind.preferred,
    "rather-not": AvailabilityKind.undesired,
    "busy": AvailabilityKind.unavailable,
}
"""What a person can set a block to; ``""`` states nothing (for most workers: not to be asked then)."""
FREE = {"free", "prefer", "rather-not"}  # the states the solver counts as free (``Calendar.free``)

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
    start: dt.datetime  # UTC: the block's own part, which its state is read from
    end: dt.datetime
    reach: dt.datetime  # UTC: where the work starting in it ends; ``[end, reach)`` is shared with the next
    state: str  # a key of STATES, or MIXED
    detail: str = ""  # for a mixed block: the windows it holds, in local time


@dataclass(frozen=True)
class Booked:
    start: dt.datetime  # local
    end: dt.datetime
    title: str


@dataclass(frozen=True)
class Week:
    monday: dt.date
    zone: ZoneInfo
    always_available: bool
    blocks: tuple[Block, ...]
    cells: list[Cell]  # the week's, day by day
    around: list[Cell]  # the same with the last day before and the first day after: their shared edges
    booked: dict[dt.date, list[Booked]]  # her kept work by local start day

    def rows(self) -> list[list[Cell]]:
        n = len(self.blocks)
        return [self.cells[i : i + n] for i in range(0, len(self.cells), n)]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _at(day: dt.date, minutes: float, tz: ZoneInfo) -> dt.datetime:
    """``minutes`` after the local midnight starting ``day``, by the wall clock, in UTC."""
    naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    return naive.replace(tzinfo=tz).astimezone(dt.UTC)


def _spans(
    monday: dt.date, tz: ZoneInfo, blocks: tuple[Block, ...]
) -> list[tuple[dt.date, Block, dt.datetime, dt.datetime, dt.datetime]]:
    """Each block of the days from the Sunday before ``monday`` to the Monday after: its day, its own
    part (from where the block before it stops reaching, to the next block's start) and its reach."""
    starts = [_minute(dt.datetime.combine(monday, b.start)) for b in blocks]
    out = []
    reached = None
    for d in range(-1, 8):
        day = monday + dt.timedelta(days=d)
        for i, block in enumerate(blocks):
            nxt = starts[i + 1] if i + 1 < len(blocks) else starts[0] + 24 * 60
            core = _at(day, starts[i], tz)
            own = core if reached is None else max(core, reached)
            reached = _at(day, starts[i] + block.reach.total_seconds() / 60, tz)
            out.append((day, block, own, _at(day, nxt, tz), reached))
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
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [{"type": "value_error", "loc": ["path", "day"], "msg": f"must be between {FIRST_DAY} and {LAST_DAY}"}],
        )
    tz = organisation_zone(session, worker.organisation_id)
    monday = monday_of(day)
    blocks = pool_blocks(session, worker.organisation_id, tz, monday)
    spans = _spans(monday, tz, blocks)
    rows = _typed(session, worker.id, spans[0][2], spans[-1][4])
    around = [Cell(d, b, s, e, r, *_state(rows, s, e, tz)) for d, b, s, e, r in spans]
    n = len(blocks)
    cells = around[n:-n]
    booked: dict[dt.date, list[Booked]] = {}
    for a, when in sorted(
        kept_overlapping(session, worker.id, worker.organisation_id, cells[0].start, cells[-1].end),
        key=lambda found: found[1].start,
    ):
        start, end = when.start.astimezone(tz), when.end.astimezone(tz)
        booked.setdefault(start.date(), []).append(Booked(start, end, _title(session, a)))
    return Week(monday, tz, worker.always_available, blocks, cells, around, booked)


def _title(session: Session, a: t.Assignment) -> str:
    work = work_or_none(session, a)
    place = place_of(session, a)
    return " at ".join(x for x in ((work.title if work else ""), (place.name if place else "")) if x)


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


def _rewritten(
    current: Week, changed: dict[Cell, AvailabilityKind | None], worker: int
) -> tuple[list[tuple[dt.datetime, dt.datetime]], list[t.Availability]]:
    """What saving the changed blocks rewrites (each one's own part, and the stretches it shares with the
    blocks next to it) and the windows written there. A shared stretch follows the later block where
    that one is free (its work starts there), else the earlier one where that is free (its work ends
    there), else the later one's state: so a free day reaches the end of the pool's day shifts, and a
    busy evening still blocks the evening shifts that start before the day shifts end."""
    cells = current.around
    index = {c: i for i, c in enumerate(cells)}
    key = {c: (_key(k) if k else "") for c, k in changed.items()}

    def state(c: Cell) -> str:
        return key.get(c, c.state)

    holes, out = [], []
    shared = set()
    for c, kind in changed.items():
        holes.append((c.start, c.end))
        if kind is not None:
            out.append(t.Availability(worker_id=worker, kind=kind, start_utc=c.start, end_utc=c.end))
        i = index[c]
        shared |= {j for j in (i - 1, i) if 0 <= j < len(cells) - 1 and cells[j].end < cells[j].reach}
    for j in sorted(shared):
        before, after = cells[j], cells[j + 1]
        if state(after) in FREE or (state(before) not in FREE and state(after) != MIXED):
            kind = STATES[state(after)]
        elif state(before) in FREE:
            kind = STATES[state(before)]
        else:
            kind = None
        holes.append((before.end, before.reach))
        if kind is not None:
            out.append(t.Availability(worker_id=worker, kind=kind, start_utc=before.end, end_utc=before.reach))
    return holes, out


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
    holes, new = _rewritten(current, dict(changed), worker.id)
    start = min([current.cells[0].start, *(s for s, _ in holes)])  # the week's rows are tidied up together
    end = max([current.cells[-1].end, *(e for _, e in holes)])
    old = _typed(session, worker.id, start, end)
    new = _joined(_cut(old, holes) + new)
    ids = [r.id for r in old]
    for _, span in kept_overlapping(session, worker.id, worker.organisation_id, start, end):
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
