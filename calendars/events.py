"""The events of each feed, read from the database.

A worker's feed holds their own offered, accepted, declined and cancelled assignments (proposals are the
coordinator's draft and stay out). A site's or farm's feed holds its work, one event per shift or job
day, with who is coming; the organisation's feed holds every place's. Each shows only what its reader
needs: a worker never sees who else works a shift; a place sees names, never contact details.

Withdrawn work stays in a feed as CANCELLED for ``KEEP_CANCELLED`` after the change, long enough for any
client that polls at least monthly to remove it; past work stays for ``HISTORY``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from calendars.render import FeedEvent
from models import tables as t
from models.enums import AssignmentStatus, FeedKind, SiteKind
from models.problem import EARLIEST, LATEST
from models.revisions import HISTORY, SHOWN, job_day_uid, shown_job_days
from models.rows import assignment_span, job_day_span, utc

KEEP_CANCELLED = dt.timedelta(days=31)
UID_DOMAIN = "bemanna"

STATUS = {
    AssignmentStatus.offered: "TENTATIVE",
    AssignmentStatus.accepted: "CONFIRMED",
    AssignmentStatus.declined: "CANCELLED",
    AssignmentStatus.cancelled: "CANCELLED",
}
PREFIX = {
    AssignmentStatus.offered: "Offer: ",
    AssignmentStatus.accepted: "",
    AssignmentStatus.declined: "Declined: ",
    AssignmentStatus.cancelled: "Cancelled: ",
}
STATUS_LINE = {
    AssignmentStatus.offered: "Status: offered to you - accept or decline it in Bemanna",
    AssignmentStatus.accepted: "Status: accepted - you are expected",
    AssignmentStatus.declined: "Status: you declined this offer",
    AssignmentStatus.cancelled: "Status: cancelled - you are not expected",
}
SITE_KIND = {SiteKind.nursing_home: "nursing home", SiteKind.home_care: "home care", SiteKind.clinic: "clinic"}


@dataclass(frozen=True)
class Feed:
    """A calendar's events: only those inside the stored date window, so a row from before the window
    existed (a shift dated 9999-12-31, say) cannot break every rendering of its feeds."""

    name: str
    uid: str
    tz: ZoneInfo
    events: list[FeedEvent]

    def __post_init__(self) -> None:
        self.events[:] = [e for e in self.events if e.start.date() >= EARLIEST and e.end.date() <= LATEST]


def uid(value: str) -> str:
    return f"{value}@{UID_DOMAIN}"


class _Lookup:
    """Rows an organisation's feeds refer to, each table read once per feed."""

    def __init__(self, session: Session, organisation_id: int) -> None:
        self.session = session
        self.oid = organisation_id
        org = session.get(t.Organisation, organisation_id)
        assert org is not None
        self.org = org
        self.tz = ZoneInfo(org.timezone)
        self._cache: dict[Any, dict[int, Any]] = {}

    def all(self, model: Any) -> dict[int, Any]:
        if model not in self._cache:
            rows = self.session.exec(select(model).where(model.organisation_id == self.oid))
            self._cache[model] = {r.id: r for r in rows}
        return self._cache[model]

    def skills(self, link: Any, owner: str, ids: list[int]) -> dict[int, list[str]]:
        names = {k: (s.name or s.ref) for k, s in self.all(t.Skill).items()}
        out: dict[int, list[str]] = defaultdict(list)
        if ids:
            for row in self.session.exec(
                select(link).where(col(getattr(link, owner)).in_(ids)).order_by(link.position)
            ):
                out[getattr(row, owner)].append(names[row.skill_id])
        return out


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    return {r.id: r for r in session.exec(select(model).where(col(model.id).in_(ids)))} if ids else {}


def _place_lines(place: Any, *, contact: bool) -> list[str]:
    if isinstance(place, t.Site):
        lines = [f"Site: {place.name} ({SITE_KIND.get(place.kind, place.kind)})"]
    else:
        lines = [f"Farm: {place.name}"]
    if place.address:
        lines.append(f"Address: {place.address}")
    if contact and place.contact:
        lines.append(f"Contact: {place.contact}")
    return lines


def _location(place: Any) -> str:
    return f"{place.name}, {place.address}" if place.address else place.name


def _pay_line(job: t.Job) -> str | None:
    if job.pay_per_hour <= 0:
        return None
    return (
        f"Pay: NOK {job.pay_per_hour:.2f} per hour, {job.daily_hours:g} hours"
        f" (about NOK {job.pay_per_hour * job.daily_hours:.2f} for the day)"
    )


def _tombstones(session: Session, where: Any, cutoff: dt.datetime) -> list[FeedEvent]:
    rows = session.exec(select(t.CalendarTombstone).where(where, col(t.CalendarTombstone.cancelled_at) >= cutoff))
    return [
        FeedEvent(
            uid=uid(r.uid),
            start=utc(r.start_utc),
            end=utc(r.end_utc),
            summary=r.summary,
            status="CANCELLED",
            sequence=r.sequence,
            modified=utc(r.cancelled_at),
            description="This work was withdrawn.",
        )
        for r in rows
    ]


def worker_feed(session: Session, worker: t.Worker, now: dt.datetime) -> Feed:
    look = _Lookup(session, worker.organisation_id)
    cutoff = now - KEEP_CANCELLED
    rows = list(
        session.exec(
            select(t.Assignment).where(
                t.Assignment.worker_id == worker.id,
                or_(
                    col(t.Assignment.status).in_([AssignmentStatus.offered, AssignmentStatus.accepted]),
                    and_(col(t.Assignment.status).in_(SHOWN), col(t.Assignment.updated_at) >= cutoff),
                ),
            )
        )
    )
    shifts = _by_id(session, t.Shift, {a.shift_id for a in rows if a.shift_id is not None})
    jobs = _by_id(session, t.Job, {a.job_id for a in rows if a.job_id is not None})
    sites, farms = look.all(t.Site), look.all(t.Farm)
    shift_skills = look.skills(t.ShiftSkill, "shift_id", [a.shift_id for a in rows if a.shift_id is not None])
    job_skills = look.skills(t.JobSkill, "job_id", [a.job_id for a in rows if a.job_id is not None])
    events = []
    for a in rows:
        work: t.Shift | t.Job
        if a.shift_id is not None:
            shift: t.Shift = shifts[a.shift_id]
            work, place, needs, pay = shift, sites[shift.site_id], shift_skills[a.shift_id], None
            title = shift.title or "Shift"
        else:
            assert a.job_id is not None
            job: t.Job = jobs[a.job_id]
            work, place, needs, pay = job, farms[job.farm_id], job_skills[a.job_id], _pay_line(job)
            title = job.title
        start, end = assignment_span(a, work, look.tz)
        if end < now - HISTORY:
            continue
        lines = [f"Role: {', '.join(needs)}"] if needs else []
        lines += _place_lines(place, contact=True)
        lines += [pay] if pay else []
        lines.append(STATUS_LINE[a.status])
        events.append(
            FeedEvent(
                uid=uid(a.uid),
                start=start,
                end=end,
                summary=f"{PREFIX[a.status]}{title} - {place.name}",
                status=STATUS[a.status],
                sequence=a.sequence + work.sequence,
                modified=max(utc(a.updated_at), utc(work.updated_at)),
                location=_location(place),
                geo=(place.lat, place.lon),
                description="\n".join(lines),
            )
        )
    events += _tombstones(session, t.CalendarTombstone.worker_id == worker.id, cutoff)
    return Feed(f"Bemanna: {worker.name}", uid(f"feed-worker-{worker.organisation_id}-{worker.id}"), look.tz, events)


def _staffing(
    session: Session, column: Any, place_ids: list[int], work: Any, place_column: str
) -> dict[tuple[int, dt.date | None], list[t.Assignment]]:
    """Offered and accepted assignments on the places' work, by (shift or job id, day)."""
    out: dict[tuple[int, dt.date | None], list[t.Assignment]] = defaultdict(list)
    if place_ids:
        live = [AssignmentStatus.offered, AssignmentStatus.accepted]
        query = (
            select(t.Assignment)
            .join(work, column == work.id)
            .where(col(getattr(work, place_column)).in_(place_ids), col(t.Assignment.status).in_(live))
            .order_by(col(t.Assignment.id))
        )
        for a in session.exec(query):
            out[(getattr(a, column.key), a.day)].append(a)
    return out


def _staff_lines(rows: list[t.Assignment], workers: dict[int, t.Worker], places: int) -> tuple[str, list[str]]:
    accepted = [workers[a.worker_id].name for a in rows if a.status == AssignmentStatus.accepted]
    offered = sum(1 for a in rows if a.status == AssignmentStatus.offered)
    lines = [f"Coming: {', '.join(sorted(accepted))}" if accepted else "Coming: nobody yet"]
    if offered:
        lines.append(f"Offered, awaiting an answer: {offered}")
    open_places = max(0, places - len(accepted))
    if open_places:
        lines.append(f"Open places: {open_places}")
    state = "full" if not open_places else f"{len(accepted)} of {places} filled"
    return state, lines


def place_events(
    session: Session, look: _Lookup, now: dt.datetime, site_ids: list[int], farm_ids: list[int], *, with_place: bool
) -> list[FeedEvent]:
    """One event per shift at the sites and per job day at the farms, with who is coming. ``with_place``
    names the place in each summary (the organisation's feed mixes places)."""
    workers = look.all(t.Worker)
    events = []
    sites = look.all(t.Site)
    shifts: list[Any] = (
        list(
            session.exec(
                select(t.Shift).where(col(t.Shift.site_id).in_(site_ids), col(t.Shift.end_utc) >= now - HISTORY)
            )
        )
        if site_ids
        else []
    )
    skills = look.skills(t.ShiftSkill, "shift_id", [s.id for s in shifts])
    staff = _staffing(session, t.Assignment.shift_id, site_ids, t.Shift, "site_id")
    for s in shifts:
        site = sites[s.site_id]
        state, lines = _staff_lines(staff[(s.id, None)], workers, s.headcount)
        head = [f"Needs: {', '.join(skills[s.id])}"] if skills[s.id] else []
        head.append(f"Priority: {s.priority}")
        title = s.title or "Shift"
        events.append(
            FeedEvent(
                uid=uid(s.uid),
                start=utc(s.start_utc),
                end=utc(s.end_utc),
                summary=f"{site.name}: {title} - {state}" if with_place else f"{title} - {state}",
                status="CONFIRMED",
                sequence=s.sequence,
                modified=utc(s.updated_at),
                location=_location(site),
                geo=(site.lat, site.lon),
                description="\n".join(head + lines + _place_lines(site, contact=False)),
            )
        )
    farms = look.all(t.Farm)
    jobs: list[Any] = list(session.exec(select(t.Job).where(col(t.Job.farm_id).in_(farm_ids)))) if farm_ids else []
    skills = look.skills(t.JobSkill, "job_id", [j.id for j in jobs])
    staff = _staffing(session, t.Assignment.job_id, farm_ids, t.Job, "farm_id")
    for j in jobs:
        farm = farms[j.farm_id]
        for day in shown_job_days(j, now):
            start, end = job_day_span(j, day, look.tz)
            if end < now - HISTORY:
                continue
            state, lines = _staff_lines(staff[(j.id, day)], workers, j.headcount)
            head = [f"Needs: {', '.join(skills[j.id])}"] if skills[j.id] else []
            pay = _pay_line(j)
            events.append(
                FeedEvent(
                    uid=uid(job_day_uid(j, day)),
                    start=start,
                    end=end,
                    summary=f"{farm.name}: {j.title} - {state}" if with_place else f"{j.title} - {state}",
                    status="CONFIRMED",
                    sequence=j.sequence,
                    modified=utc(j.updated_at),
                    location=_location(farm),
                    geo=(farm.lat, farm.lon),
                    description="\n".join(head + ([pay] if pay else []) + lines + _place_lines(farm, contact=False)),
                )
            )
    cutoff = now - KEEP_CANCELLED
    if site_ids:
        events += _tombstones(session, col(t.CalendarTombstone.site_id).in_(site_ids), cutoff)
    if farm_ids:
        events += _tombstones(session, col(t.CalendarTombstone.farm_id).in_(farm_ids), cutoff)
    return events


def feed(session: Session, token: t.FeedToken, now: dt.datetime) -> Feed:
    """The feed a token opens."""
    if token.kind == FeedKind.worker:
        worker = session.get(t.Worker, token.worker_id)
        assert worker is not None
        return worker_feed(session, worker, now)
    look = _Lookup(session, token.organisation_id)
    if token.kind == FeedKind.site:
        site = look.all(t.Site)[token.site_id]  # type: ignore[index]
        events = place_events(session, look, now, [site.id], [], with_place=False)
        return Feed(f"Bemanna: {site.name}", uid(f"feed-site-{site.id}"), look.tz, events)
    if token.kind == FeedKind.farm:
        farm = look.all(t.Farm)[token.farm_id]  # type: ignore[index]
        events = place_events(session, look, now, [], [farm.id], with_place=False)
        return Feed(f"Bemanna: {farm.name}", uid(f"feed-farm-{farm.id}"), look.tz, events)
    events = place_events(session, look, now, list(look.all(t.Site)), list(look.all(t.Farm)), with_place=True)
    return Feed(f"Bemanna: {look.org.name}", uid(f"feed-organisation-{look.oid}"), look.tz, events)
