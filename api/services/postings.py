"""Posted work: health shifts at sites and paid jobs at farms, listed, posted, edited and removed.

The coordinator posts anywhere; a health manager only at the sites they run, a farmer only at their
farms (``PlaceAccess``). An edit may not break what people accepted, and takes the booking locks in
the one order (``api.services.booking``). ``Kind`` holds what differs between shifts and jobs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import status
from sqlmodel import Session, col, delete, select

from api.core import crud
from api.core.refusals import Refused
from api.notifications import events
from api.services import booking
from models import problem as p
from models import tables as t
from models.enums import AssignmentStatus, Role
from models.revisions import bury_job_days, bury_shift, revise
from models.rows import Span, job_days, local_days, organisation_zone, utc
from models.store import job_data, job_row, shift_data, shift_row, skill_links

REVISION = {"uid", "sequence", "updated_at"}  # an edit raises these (revise), never resets them


@dataclass(frozen=True)
class Kind:
    """What differs between shifts and jobs."""

    what: str
    table: Any
    schema: type[p.Shift] | type[p.Job]
    place_table: Any
    place_field: str  # "site_id" or "farm_id"
    link: Any  # ShiftSkill or JobSkill
    poster: Role  # who posts besides the coordinator
    start_column: Any  # orders lists
    end_column: Any

    def overlapping(self, query: Any, first: dt.date | None, last: dt.date | None, zone: ZoneInfo) -> Any:
        """Only postings that overlap the local days ``first`` to ``last`` (either may be open)."""
        if self.table is t.Shift:
            if first is not None:
                query = query.where(col(t.Shift.end_utc) > local_midnight(first, zone))
            if last is not None:
                query = query.where(col(t.Shift.start_utc) < local_midnight(last + dt.timedelta(days=1), zone))
            return query
        if first is not None:
            query = query.where(col(t.Job.last_day) >= first)
        if last is not None:
            query = query.where(col(t.Job.first_day) <= last)
        return query

    @property
    def owner(self) -> str:
        return "shift_id" if self.table is t.Shift else "job_id"

    def errors(self, body: Any, known: p.Known) -> p.Found:
        return p.shift_errors(body, known) if self.table is t.Shift else p.job_errors(body, known)

    def row(self, body: Any, oid: int, place_id: int, types: dict[str, int]) -> Any:
        if self.table is t.Shift:
            return shift_row(oid, body, place_id, types)
        return job_row(oid, body, place_id)

    def data(self, row: Any, places: dict[int, str], types: dict[int, str], skills: list[str]) -> dict[str, Any]:
        if self.table is t.Shift:
            return shift_data(row, places, types, skills)
        return job_data(row, places, skills)


def may_post(session: Session, user: t.User, kind: Kind, place_id: int) -> None:
    if user.role == Role.coordinator:
        return
    if user.role == kind.poster:
        column = t.PlaceAccess.site_id if kind.place_table is t.Site else t.PlaceAccess.farm_id
        if session.exec(select(t.PlaceAccess).where(t.PlaceAccess.user_id == user.id, column == place_id)).first():
            return
        raise Refused(status.HTTP_403_FORBIDDEN, f"you may post {kind.what}s only at the places you run")
    raise Refused(status.HTTP_403_FORBIDDEN, f"only a coordinator or a {kind.poster} may post {kind.what}s")


SHIFTS = Kind(
    "shift", t.Shift, p.Shift, t.Site, "site_id", t.ShiftSkill, Role.manager, t.Shift.start_utc, t.Shift.end_utc
)
JOBS = Kind("job", t.Job, p.Job, t.Farm, "farm_id", t.JobSkill, Role.farmer, t.Job.first_day, t.Job.last_day)


def local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The start of a local day, in UTC (a day may have 23 or 25 hours)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def _refs(session: Session, model: Any, oid: int) -> dict[str, int]:
    return {r.ref: r.id for r in session.exec(select(model).where(model.organisation_id == oid))}


def _error(loc: list[Any], message: str) -> Refused:
    return Refused(
        status.HTTP_422_UNPROCESSABLE_CONTENT, [{"type": "value_error", "loc": ["body", *loc], "msg": message}]
    )


def views(session: Session, kind: Kind, rows: list[Any], oid: int) -> list[Any]:
    """The rows as the problem format has them, times in the organisation's zone."""
    places = {v: k for k, v in _refs(session, kind.place_table, oid).items()}
    types = {v: k for k, v in _refs(session, t.ShiftType, oid).items()}
    skills = {v: k for k, v in _refs(session, t.Skill, oid).items()}
    owner = getattr(kind.link, kind.owner)
    required: dict[int, list[str]] = {r.id: [] for r in rows}
    if rows:
        links = session.exec(select(kind.link).where(col(owner).in_(list(required))).order_by(kind.link.position))
        for link in links:
            required[getattr(link, kind.owner)].append(skills[link.skill_id])
    zone = organisation_zone(session, oid)
    found = [kind.schema.model_validate(kind.data(r, places, types, required[r.id])) for r in rows]
    for posting in found:
        if isinstance(posting, p.Shift):  # stored in UTC, answered in the organisation's time
            posting.start, posting.end = posting.start.astimezone(zone), posting.end.astimezone(zone)
    return found


def _checked(session: Session, user: t.User, kind: Kind, body: Any) -> tuple[Any, int, dict[str, int], dict[str, int]]:
    """The body in UTC with its references resolved; 422 naming the field where it breaks a rule the
    snapshot holds its kind to, 403 outside the user's places."""
    oid = user.organisation_id
    places = _refs(session, kind.place_table, oid)
    place_ref = getattr(body, kind.place_field)
    if place_ref not in places:
        raise _error([kind.place_field], f"no {kind.place_table.__name__.lower()} {place_ref!r}")
    may_post(session, user, kind, places[place_ref])
    if isinstance(body, p.Shift):
        zone = organisation_zone(session, oid)
        body.start, body.end = p.to_utc(body.start, zone), p.to_utc(body.end, zone)
    crud.refuse(kind.errors(body, crud.known(session, oid)))
    return body, places[place_ref], _refs(session, t.ShiftType, oid), _refs(session, t.Skill, oid)


def create(session: Session, user: t.User, kind: Kind, given: p.Shift | p.Job) -> Any:
    """Post a shift or a job; 409 if its id is taken."""
    body, place_id, types, skills = _checked(session, user, kind, given)
    crud.ensure_free(session, kind.table, user.organisation_id, body.id, kind.what)
    row = kind.row(body, user.organisation_id, place_id, types)
    session.add(row)
    session.flush()
    session.add_all(skill_links(kind.link, row.id, body.required_skills, skills))
    session.commit()
    return views(session, kind, [row], user.organisation_id)[0]


def replace(session: Session, user: t.User, kind: Kind, ref: str, given: p.Shift | p.Job) -> Any:
    """Change posted work; 409 naming each accepted booking the new version would break."""
    row = crud.get(session, kind.table, user.organisation_id, ref, kind.what)
    may_post(session, user, kind, getattr(row, kind.place_field))
    body, place_id, types, skills = _checked(session, user, kind, given)
    if body.id != ref:
        raise _error(["id"], f"{body.id!r} differs from the path's {ref!r}")
    fresh = kind.row(body, user.organisation_id, place_id, types)
    tz = organisation_zone(session, user.organisation_id)
    booked = booking.lock_work(session, row)  # no accept can slip in between the check and the write
    booking.ensure_bookings_fit(session, row.id, fresh, booked, tz)
    told = _told(session, row, tz)  # how the people on it know it now
    now = dt.datetime.now(dt.UTC)
    keep = set(job_days(fresh)) if isinstance(row, t.Job) else set()
    if isinstance(row, t.Job):  # days leaving the job's range: their events go CANCELLED (and are told)
        for a, _ in told:
            if a.day not in keep:
                events.cancelled(session, a, user, a.status, now)
        bury_job_days(session, row, [d for d in job_days(row) if d not in keep])
    days = _days(row, tz) + _days(fresh, tz)

    def write() -> None:
        for field, value in fresh.model_dump(exclude={"id", "organisation_id", "ref", *REVISION}).items():
            setattr(row, field, value)
        revise(session, row)
        owner = getattr(kind.link, kind.owner)
        session.execute(delete(kind.link).where(col(owner) == row.id))
        session.add_all(skill_links(kind.link, row.id, body.required_skills, skills))

    booked_workers = {a.worker_id for a in booked}
    refused = "this change would break the working-time rules for people who accepted it"
    booking.lawful(session, user.organisation_id, booked_workers, (min(days), max(days)), write, refused)
    for a, before in told:
        if isinstance(row, t.Shift) or a.day in keep:
            events.work_edited(session, a, before, row.sequence, now)
    session.commit()
    return views(session, kind, [row], user.organisation_id)[0]


def _days(work: t.Shift | t.Job, tz: ZoneInfo) -> list[dt.date]:
    """The first and last local day the work touches."""
    if isinstance(work, t.Job):
        return [work.first_day, work.last_day]
    return list(local_days(Span(utc(work.start_utc), utc(work.end_utc)), tz))


def _told(session: Session, work: t.Shift | t.Job, tz: ZoneInfo) -> list[tuple[t.Assignment, tuple[str, str, str]]]:
    """Who is offered or booked on the work, each with the work in the words she was told."""
    on = col(t.Assignment.shift_id) == work.id if isinstance(work, t.Shift) else col(t.Assignment.job_id) == work.id
    live = col(t.Assignment.status).in_([AssignmentStatus.offered, AssignmentStatus.accepted])
    return [(a, events.words(session, a, tz)) for a in session.exec(select(t.Assignment).where(on, live))]


def remove(session: Session, user: t.User, kind: Kind, ref: str) -> None:
    """Delete posted work; bookings on it are cancelled with it (their calendar events too)."""
    row = crud.get(session, kind.table, user.organisation_id, ref, kind.what)
    may_post(session, user, kind, getattr(row, kind.place_field))
    booking.lock_work(session, row)  # accepted work on it is cancelled with it, not accepted meanwhile
    now = dt.datetime.now(dt.UTC)
    for a, _ in _told(session, row, organisation_zone(session, user.organisation_id)):
        events.cancelled(session, a, user, a.status, now)
    if isinstance(row, t.Shift):
        bury_shift(session, row)
    else:
        bury_job_days(session, row, job_days(row))
    session.delete(row)
    session.commit()


def listing(
    user: t.User,
    session: Session,
    kind: Kind,
    first: dt.date | None = None,
    last: dt.date | None = None,
    place: str | None = None,
    region: str | None = None,
    skill: str | None = None,
) -> Any:
    """The query of the organisation's postings overlapping the local days, at a place, in a region, or
    needing a skill; in start order. Workers see their work as offers, not the postings (403)."""
    if user.role == Role.worker:
        raise Refused(status.HTTP_403_FORBIDDEN, "workers see their work as offers and in their calendar")
    oid = user.organisation_id
    query = select(kind.table).where(kind.table.organisation_id == oid)
    query = kind.overlapping(query, first, last, organisation_zone(session, oid))
    if place is not None or region is not None:
        query = query.join(kind.place_table)
        if place is not None:
            query = query.where(kind.place_table.ref == place)
        if region is not None:
            query = query.where(kind.place_table.region_id.in_(select(t.Region.id).where(t.Region.ref == region)))
    if skill is not None:
        owner = getattr(kind.link, kind.owner)
        with_skill = select(owner).join(t.Skill).where(t.Skill.organisation_id == oid, t.Skill.ref == skill)
        query = query.where(col(kind.table.id).in_(with_skill))
    return query.order_by(kind.start_column, kind.table.ref)
