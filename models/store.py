"""Database access: engines, and the mapping between a problem snapshot and the tables.

``save_problem`` and ``save_solution`` only add to the caller's session: the caller commits once, so a
failure part-way leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import event, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, create_engine, delete, select

from models import problem as p
from models import tables as t
from models.enums import AssignmentStatus
from models.law import limits
from models.overtime import Ordinary, weekly_overtime
from models.rows import utc
from models.settings import settings
from models.solution import Solution
from models.window import AROUND, HISTORY, window
from models.work_items import job_item_id, split_item_id

DEFAULT_DATABASE_URL = "sqlite:///bemanna.sqlite3"


def _plain_fields(schema: type[p.Schema], table: type[SQLModel], reference: str) -> list[str]:
    """Schema fields stored unchanged in a column of the same name: all the table shares with the schema
    but the id and the ``reference`` (a ref in the schema, a key in the table)."""
    return sorted(f for f in schema.model_fields if f in table.model_fields and f not in ("id", reference))


WORKER_FIELDS = _plain_fields(p.Worker, t.Worker, "region_id")
SHIFT_FIELDS = _plain_fields(p.Shift, t.Shift, "site_id")
JOB_FIELDS = _plain_fields(p.Job, t.Job, "farm_id")


def _plain(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The fields' values, a nested schema (a contract's ``working_time``) as the JSON its column holds."""
    values = {f: getattr(obj, f) for f in fields}
    return {f: v.model_dump(exclude_none=True) if isinstance(v, BaseModel) else v for f, v in values.items()}


class StoreError(ValueError):
    """A request the stored data cannot satisfy (unknown organisation, ref taken, ...)."""


def database_url(url: str | None = None) -> str:
    return url or settings().database_url or DEFAULT_DATABASE_URL


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine whose errors and logs never show SQL parameters: they hold e-mails, names, addresses
    and password hashes, and an error's message ends up in a server's log."""
    url = database_url(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, hide_parameters=True, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on; and a writer waits up to 30 s for the single write lock (the job runner's
    progress and a request's write take turns) instead of failing after SQLite's default 5 s."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def init_db(engine: Engine) -> None:
    """Create or upgrade the schema to the latest migration (never drops data)."""
    from models.migrate import upgrade  # the migrations import this module

    upgrade(engine)


def organisation(session: Session, ref: str) -> t.Organisation:
    org = session.exec(select(t.Organisation).where(t.Organisation.ref == ref)).first()
    if org is None:
        raise StoreError(f"no organisation {ref!r} in the database")
    return org


def delete_organisation(session: Session, ref: str) -> bool:
    """Remove an organisation and everything it owns (children first, for databases without cascades)."""
    org = session.exec(select(t.Organisation).where(t.Organisation.ref == ref)).first()
    if org is None:
        return False
    oid = org.id
    workers = select(t.Worker.id).where(t.Worker.organisation_id == oid)
    shifts = select(t.Shift.id).where(t.Shift.organisation_id == oid)
    jobs = select(t.Job.id).where(t.Job.organisation_id == oid)
    users = select(t.User.id).where(t.User.organisation_id == oid)
    statements: list[Any] = [
        delete(t.AccessToken).where(col(t.AccessToken.user_id).in_(users)),
        delete(t.PlaceAccess).where(col(t.PlaceAccess.user_id).in_(users)),
        delete(t.User).where(col(t.User.organisation_id) == oid),
        delete(t.Assignment).where(col(t.Assignment.organisation_id) == oid),
        delete(t.SolveRun).where(col(t.SolveRun.organisation_id) == oid),
        delete(t.SolveJob).where(col(t.SolveJob.organisation_id) == oid),
        delete(t.FeedToken).where(col(t.FeedToken.organisation_id) == oid),
        delete(t.CalendarTombstone).where(col(t.CalendarTombstone.organisation_id) == oid),
        delete(t.CalendarSource).where(col(t.CalendarSource.worker_id).in_(workers)),
        delete(t.Qualification).where(col(t.Qualification.worker_id).in_(workers)),
        delete(t.Availability).where(col(t.Availability.worker_id).in_(workers)),
        delete(t.TravelOverride).where(col(t.TravelOverride.worker_id).in_(workers)),
        delete(t.ShiftRequest).where(col(t.ShiftRequest.worker_id).in_(workers)),
        delete(t.ShiftSkill).where(col(t.ShiftSkill.shift_id).in_(shifts)),
        delete(t.JobSkill).where(col(t.JobSkill.job_id).in_(jobs)),
    ]
    owned: tuple[Any, ...] = (t.Shift, t.Job, t.Worker, t.Site, t.Farm, t.Region, t.Skill, t.ShiftType)
    statements += [delete(model).where(model.organisation_id == oid) for model in owned]
    for statement in statements:
        session.execute(statement)
    session.delete(org)
    session.flush()
    return True


def save_problem(session: Session, problem: p.Problem, ref: str, *, replace: bool = False) -> t.Organisation:
    """Store a validated problem as organisation ``ref``; with ``replace``, an existing one is dropped first."""
    existing = session.exec(select(t.Organisation).where(t.Organisation.ref == ref)).first()
    if existing is not None:
        if not replace:
            raise StoreError(f"organisation {ref!r} already exists; choose another name or replace it")
        delete_organisation(session, ref)
    org = t.Organisation(
        ref=ref, name=problem.name, timezone=problem.timezone, settings=problem.settings.model_dump(mode="json")
    )
    session.add(org)
    session.flush()
    oid = org.id
    assert oid is not None

    def add_all(rows: list[Any]) -> list[Any]:
        session.add_all(rows)
        session.flush()
        return rows

    def keys(rows: list[Any]) -> dict[str, int]:
        """Store rows; their database keys by ref."""
        return {r.ref: r.id for r in add_all(rows)}

    skills = keys([t.Skill(organisation_id=oid, ref=x.id, name=x.name) for x in problem.skills])
    regions = keys([t.Region(organisation_id=oid, ref=x.id, name=x.name) for x in problem.regions])
    sites = keys([place_row(t.Site, oid, x, regions) for x in problem.sites])
    farms = keys([place_row(t.Farm, oid, x, regions) for x in problem.farms])
    types = keys(
        [
            t.ShiftType(organisation_id=oid, ref=x.id, name=x.name, forbidden_next=list(x.forbidden_next))
            for x in problem.shift_types
        ]
    )
    workers = keys([worker_row(oid, w, regions[w.region_id]) for w in problem.workers])
    children: list[Any] = []
    for w in problem.workers:
        children += worker_children(workers[w.id], w, skills)
    children += [
        t.TravelOverride(worker_id=workers[e.worker_id], place_ref=e.place_id, km=e.km) for e in problem.travel
    ]
    children += [
        t.ShiftRequest(worker_id=workers[r.worker_id], item_ref=r.item_id, kind=r.kind, weight=r.weight)
        for r in problem.requests
    ]
    add_all(children)

    shifts = keys([shift_row(oid, x, sites[x.site_id], types) for x in problem.shifts])
    jobs = keys([job_row(oid, x, farms[x.farm_id]) for x in problem.jobs])
    links: list[Any] = []
    for s in problem.shifts:
        links += skill_links(t.ShiftSkill, shifts[s.id], s.required_skills, skills)
    for j in problem.jobs:
        links += skill_links(t.JobSkill, jobs[j.id], j.required_skills, skills)
    add_all(links)

    add_all(
        [
            _assignment_row(oid, workers[a.worker_id], a.item_id, a.status, a.pinned, shifts, jobs)
            for a in problem.assignments
        ]
    )
    return org


def worker_row(oid: int, worker: p.Worker, region_id: int) -> t.Worker:
    """A worker's own row (qualifications and availability are ``worker_children``)."""
    return t.Worker(organisation_id=oid, ref=worker.id, region_id=region_id, **_plain(worker, WORKER_FIELDS))


def worker_children(worker_id: int, worker: p.Worker, skills: Mapping[str, int]) -> list[Any]:
    """Qualification and availability rows of a stored worker."""
    rows: list[Any] = [
        t.Qualification(worker_id=worker_id, skill_id=skills[q.skill], approved=q.approved, valid_until=q.valid_until)
        for q in worker.qualifications
    ]
    rows += [
        t.Availability(worker_id=worker_id, kind=a.kind, start_utc=a.start, end_utc=a.end, weight=a.weight)
        for a in worker.availability
    ]
    return rows


def worker_data(
    row: t.Worker,
    quals: list[t.Qualification],
    avail: list[t.Availability],
    regions: Mapping[int, str],
    skills: Mapping[int, str],
) -> dict[str, Any]:
    """The inverse of ``worker_row`` and ``worker_children``: rows back into the schema's fields."""
    return {
        "id": row.ref,
        "region_id": regions[row.region_id],
        **_plain(row, WORKER_FIELDS),
        "qualifications": [
            {"skill": skills[q.skill_id], "approved": q.approved, "valid_until": q.valid_until} for q in quals
        ],
        "availability": [{"kind": a.kind, "start": a.start_utc, "end": a.end_utc, "weight": a.weight} for a in avail],
    }


def shift_row(oid: int, shift: p.Shift, site_id: int, types: Mapping[str, int]) -> t.Shift:
    return t.Shift(
        organisation_id=oid,
        ref=shift.id,
        site_id=site_id,
        shift_type_id=None if shift.shift_type is None else types[shift.shift_type],
        start_utc=shift.start,
        end_utc=shift.end,
        **_plain(shift, SHIFT_FIELDS),
    )


def job_row(oid: int, job: p.Job, farm_id: int) -> t.Job:
    return t.Job(organisation_id=oid, ref=job.id, farm_id=farm_id, **_plain(job, JOB_FIELDS))


def skill_links(link: Any, owner_id: int, required: list[str], skills: Mapping[str, int]) -> list[Any]:
    """``ShiftSkill`` or ``JobSkill`` rows, in the order the skills were given."""
    owner = "shift_id" if link is t.ShiftSkill else "job_id"
    return [link(**{owner: owner_id}, skill_id=skills[k], position=n) for n, k in enumerate(required)]


def shift_data(row: t.Shift, sites: Mapping[int, str], types: Mapping[int, str], required: list[str]) -> dict[str, Any]:
    return {
        "id": row.ref,
        "site_id": sites[row.site_id],
        "shift_type": None if row.shift_type_id is None else types[row.shift_type_id],
        "start": row.start_utc,
        "end": row.end_utc,
        **_plain(row, SHIFT_FIELDS),
        "required_skills": required,
    }


def job_data(row: t.Job, farms: Mapping[int, str], required: list[str]) -> dict[str, Any]:
    return {"id": row.ref, "farm_id": farms[row.farm_id], **_plain(row, JOB_FIELDS), "required_skills": required}


def place_row(model: Any, oid: int, place: p.Place, regions: Mapping[str, int | None]) -> Any:
    """A site or farm row: the schema's own fields, with the region ref turned into its key."""
    fields = place.model_dump(exclude={"id", "region_id"})
    return model(organisation_id=oid, ref=place.id, region_id=regions[place.region_id], **fields)


def place_data(schema: type[p.Place], row: Any, regions: dict[int, str]) -> dict[str, Any]:
    """The inverse of ``place_row``: a row back into the schema's fields."""
    fields = set(schema.model_fields) - {"id", "region_id"}
    return {"id": row.ref, "region_id": regions[row.region_id], **{f: getattr(row, f) for f in fields}}


def _assignment_row(
    oid: int,
    worker_id: int,
    item_id: str,
    status: AssignmentStatus,
    pinned: bool,
    shifts: dict[str, int],
    jobs: dict[str, int],
) -> t.Assignment:
    base, day = split_item_id(item_id)
    if day is None:
        return t.Assignment(
            organisation_id=oid, worker_id=worker_id, shift_id=shifts[base], status=status, pinned=pinned
        )
    return t.Assignment(
        organisation_id=oid, worker_id=worker_id, job_id=jobs[base], day=day, status=status, pinned=pinned
    )


@dataclass
class Snapshot:
    problem: p.Problem
    skipped: list[str]  # stored rows that break a rule and were left out, each naming itself and why


def load_problem(session: Session, ref: str) -> p.Problem:
    """The organisation's pool as a validated snapshot, ready for the solver (bad rows left out)."""
    return load_snapshot(session, ref).problem


def load_snapshot(
    session: Session, ref: str, workers: Collection[int] | None = None, days: tuple[dt.date, dt.date] | None = None
) -> Snapshot:
    """The organisation's pool as a validated snapshot, and the stored rows it had to leave out. The API
    refuses such rows at the door; rows stored before a rule existed, or by another tool, are reported
    and skipped here rather than failing every solve, fill and report of the organisation.

    ``workers`` (row ids) keeps only those workers, with their assignments and requests: what checking
    their own schedules needs (the law on a booking), without reading everyone else's.

    ``days`` (the first and last local day) gives the snapshot ``models.window.window`` cuts for those
    days, reading only what it needs: the work from the start of the week ``AROUND`` before them to
    ``AROUND`` after, in full, and of the ``HISTORY`` before that only the kept work, as each worker's
    overtime per week. A year of history then costs one narrow query, not a load of every row."""
    org = organisation(session, ref)
    oid = org.id
    near = None if days is None else _near(org, *days)

    def rows(model: Any) -> list[Any]:
        query = select(model).where(model.organisation_id == oid)
        if workers is not None and model in (t.Worker, t.Assignment):
            key = model.id if model is t.Worker else model.worker_id
            query = query.where(col(key).in_(sorted(workers)))
        if near is not None:
            query = query.where(*near.rows(model))
        return list(session.exec(query.order_by(model.id)))

    skill_rows, region_rows, type_rows = rows(t.Skill), rows(t.Region), rows(t.ShiftType)
    types = {r.id: r.ref for r in type_rows}
    skills = {r.id: r.ref for r in skill_rows}
    regions = {r.id: r.ref for r in region_rows}
    site_rows, farm_rows = rows(t.Site), rows(t.Farm)
    worker_rows = [w for w in rows(t.Worker) if not w.pending]  # a registration counts once approved
    shift_rows, job_rows = rows(t.Shift), rows(t.Job)
    worker_ids = [w.id for w in worker_rows]

    def children(model: Any, key: Any, ids: list[int], *where: Any) -> dict[int, list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        if ids:
            order = [model.position] if hasattr(model, "position") else [model.id]
            for row in session.exec(select(model).where(key.in_(ids), *where).order_by(*order)):
                grouped[getattr(row, key.key)].append(row)
        return grouped

    quals = children(t.Qualification, t.Qualification.worker_id, worker_ids)
    avail = children(
        t.Availability, t.Availability.worker_id, worker_ids, *(near.availability() if near is not None else ())
    )
    travel = children(t.TravelOverride, t.TravelOverride.worker_id, worker_ids)
    requests = children(t.ShiftRequest, t.ShiftRequest.worker_id, worker_ids)
    shift_skills = children(t.ShiftSkill, t.ShiftSkill.shift_id, [s.id for s in shift_rows])
    job_skills = children(t.JobSkill, t.JobSkill.job_id, [j.id for j in job_rows])
    workers = {w.id: w.ref for w in worker_rows}
    sites = {s.id: s.ref for s in site_rows}
    farms = {f.id: f.ref for f in farm_rows}
    shifts = {s.id: s.ref for s in shift_rows}
    jobs = {j.id: j.ref for j in job_rows}

    data = {
        "name": org.name,
        "timezone": org.timezone,
        "settings": org.settings,
        "skills": [{"id": s.ref, "name": s.name} for s in skill_rows],
        "regions": [{"id": r.ref, "name": r.name} for r in region_rows],
        "shift_types": [{"id": r.ref, "name": r.name, "forbidden_next": r.forbidden_next} for r in type_rows],
        "sites": [place_data(p.Site, row, regions) for row in site_rows],
        "farms": [place_data(p.Farm, row, regions) for row in farm_rows],
        "workers": [worker_data(w, quals[w.id], avail[w.id], regions, skills) for w in worker_rows],
        "travel": [
            {"worker_id": workers[e.worker_id], "place_id": e.place_ref, "km": e.km}
            for wid in worker_ids
            for e in travel[wid]
        ],
        "requests": [
            {"worker_id": workers[r.worker_id], "item_id": r.item_ref, "kind": r.kind, "weight": r.weight}
            for wid in worker_ids
            for r in requests[wid]
        ],
        "shifts": [shift_data(s, sites, types, [skills[k.skill_id] for k in shift_skills[s.id]]) for s in shift_rows],
        "jobs": [job_data(j, farms, [skills[k.skill_id] for k in job_skills[j.id]]) for j in job_rows],
        "assignments": [
            {
                "worker_id": workers[a.worker_id],
                "item_id": shifts[a.shift_id] if a.shift_id is not None else job_item_id(jobs[a.job_id], a.day),
                "status": a.status,
                "pinned": a.pinned,
            }
            for a in rows(t.Assignment)
            if a.worker_id in workers
        ],
    }
    problem, skipped = p.leaving_out_bad_records(data)
    if near is None:
        return Snapshot(problem, skipped)
    earlier = near.earlier_overtime(session, problem, {w.id: w.ref for w in worker_rows})
    problem = problem.model_copy(
        update={
            "workers": [
                w.model_copy(update={"earlier_overtime_hours": earlier[w.id] | w.earlier_overtime_hours})
                if earlier.get(w.id)
                else w
                for w in problem.workers
            ]
        }
    )
    return Snapshot(window(problem, *days), skipped)  # type: ignore[misc]


@dataclass(frozen=True)
class _Near:
    """The rows a snapshot of some days reads in full: work starting from ``start`` (a week's first
    local midnight, so no week is split between the two reckonings of overtime) to ``end``."""

    start: dt.datetime  # UTC
    end: dt.datetime
    first_day: dt.date  # local, the first day of ``start``'s week
    last_day: dt.date
    history: dt.date  # the first local day whose kept work counts as earlier overtime
    tz: ZoneInfo

    def rows(self, model: Any) -> list[Any]:
        if model is t.Shift:
            return [col(t.Shift.start_utc) >= self.start, col(t.Shift.start_utc) < self.end]
        if model is t.Job:
            return [col(t.Job.last_day) >= self.first_day, col(t.Job.first_day) <= self.last_day]
        if model is t.Assignment:
            shifts = select(t.Shift.id).where(col(t.Shift.start_utc) >= self.start, col(t.Shift.start_utc) < self.end)
            return [
                or_(
                    col(t.Assignment.shift_id).in_(shifts),
                    col(t.Assignment.day).between(self.first_day, self.last_day),
                )
            ]
        return []

    def availability(self) -> list[Any]:
        return [col(t.Availability.end_utc) > self.start, col(t.Availability.start_utc) < self.end]

    def earlier_overtime(self, session: Session, problem: p.Problem, refs: dict[int, str]) -> dict[str, dict]:
        """Each worker's overtime per week (hours) from her kept work on the local days from ``history``
        to the day before ``first_day``, as ``window`` reckons it from the work it holds."""
        kept = or_(col(t.Assignment.status) == AssignmentStatus.accepted, col(t.Assignment.pinned).is_(True))
        lo = dt.datetime.combine(self.history, dt.time(), tzinfo=self.tz)
        worked: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
        shifts = select(t.Assignment.worker_id, t.Shift.start_utc, t.Shift.end_utc).join(
            t.Shift, col(t.Shift.id) == t.Assignment.shift_id
        )
        for wid, start, end in session.exec(
            shifts.where(
                kept,
                col(t.Assignment.worker_id).in_(list(refs)),
                col(t.Shift.start_utc) >= lo,
                col(t.Shift.start_utc) < self.start,
            )
        ):
            worked[wid].append((utc(start).astimezone(self.tz).date(), int((end - start).total_seconds() // 60)))
        jobs = select(t.Assignment.worker_id, col(t.Assignment.day), t.Job.daily_hours).join(
            t.Job, col(t.Job.id) == t.Assignment.job_id
        )
        for wid, day, hours in session.exec(
            jobs.where(
                kept,
                col(t.Assignment.worker_id).in_(list(refs)),
                col(t.Assignment.day) >= self.history,
                col(t.Assignment.day) < self.first_day,
            )
        ):
            if day is not None:
                worked[wid].append((day, int(dt.timedelta(hours=hours).total_seconds() // 60)))
        law = problem.settings.law
        row_of = {ref: wid for wid, ref in refs.items()}
        out: dict[str, dict] = {}
        for worker in problem.workers:
            ordinary = Ordinary.of(limits(law, worker.working_time))
            mine = worked.get(row_of.get(worker.id, -1), [])
            if ordinary is None or not mine:
                continue
            out[worker.id] = {
                week: minutes / 60 for week, minutes in weekly_overtime(ordinary, mine, law.week_of).items() if minutes
            }
        return out


def kept_elsewhere(
    session: Session, ref: str, days: tuple[dt.date, dt.date], workers: Collection[int]
) -> dict[str, int]:
    """The places on each piece of work of ``days`` (as ``load_snapshot`` reads them) that approved workers
    other than ``workers`` keep: what a snapshot of those workers alone must count as taken."""
    org = organisation(session, ref)
    near = _near(org, *days)
    kept = or_(col(t.Assignment.status) == AssignmentStatus.accepted, col(t.Assignment.pinned).is_(True))
    others: list[Any] = [
        t.Assignment.organisation_id == org.id,
        kept,
        col(t.Assignment.worker_id).not_in(sorted(workers)),
        col(t.Assignment.worker_id).in_(select(t.Worker.id).where(col(t.Worker.pending).is_(False))),
    ]
    out: dict[str, int] = defaultdict(int)
    shifts = select(t.Shift.ref).join(t.Assignment, col(t.Assignment.shift_id) == t.Shift.id)
    for shift in session.exec(shifts.where(*others, *near.rows(t.Shift))):
        out[shift] += 1
    jobs = select(t.Job.ref, col(t.Assignment.day)).join(t.Assignment, col(t.Assignment.job_id) == t.Job.id)
    for job, day in session.exec(jobs.where(*others, col(t.Assignment.day).between(near.first_day, near.last_day))):
        if day is not None:
            out[job_item_id(job, day)] += 1
    return dict(out)


def _near(org: t.Organisation, first: dt.date, last: dt.date) -> _Near:
    tz = ZoneInfo(org.timezone)
    law = p.Settings.model_validate(org.settings or {}).law
    start_day = law.week_of(first - AROUND - dt.timedelta(days=1))
    end_day = last + AROUND + dt.timedelta(days=2)
    week = law.week_of(first)
    return _Near(
        start=dt.datetime.combine(start_day, dt.time(), tzinfo=tz).astimezone(dt.UTC),
        end=dt.datetime.combine(end_day, dt.time(), tzinfo=tz).astimezone(dt.UTC),
        first_day=start_day,
        last_day=end_day,
        history=week - HISTORY,
        tz=tz,
    )


def _refs(session: Session, model: Any, oid: int) -> dict[str, int]:
    return {row.ref: row.id for row in session.exec(select(model).where(model.organisation_id == oid))}


def save_solution(session: Session, ref: str, solution: Solution, items: set[str] | None = None) -> t.SolveRun:
    """Replace the organisation's unpinned proposals by the solution's; other statuses stay as they are.

    ``items`` (shift ids and ``job@day`` ids) limits the replacement to the work the solve planned, so
    proposals outside a solve job's window survive; ``None`` means all of the organisation's work.
    """
    oid = organisation(session, ref).id
    assert oid is not None
    workers = _refs(session, t.Worker, oid)
    shifts = _refs(session, t.Shift, oid)
    jobs = _refs(session, t.Job, oid)
    replaceable = [
        col(t.Assignment.organisation_id) == oid,
        col(t.Assignment.status) == AssignmentStatus.proposed,
        col(t.Assignment.pinned).is_(False),
    ]
    if items is None:
        session.execute(delete(t.Assignment).where(*replaceable))
    else:
        job_days: dict[int, list[Any]] = defaultdict(list)
        shift_ids = []
        for item in items:
            base, day = split_item_id(item)
            if day is None:
                shift_ids.append(shifts[base])
            else:
                job_days[jobs[base]].append(day)
        session.execute(delete(t.Assignment).where(*replaceable, col(t.Assignment.shift_id).in_(shift_ids)))
        for job_id, days in job_days.items():
            session.execute(
                delete(t.Assignment).where(
                    *replaceable, col(t.Assignment.job_id) == job_id, col(t.Assignment.day).in_(days)
                )
            )
    session.flush()
    existing = session.exec(select(t.Assignment).where(t.Assignment.organisation_id == oid)).all()
    taken = {(a.worker_id, a.shift_id, a.job_id, a.day) for a in existing}
    new_rows = []
    for a in solution.assignments:
        row = _assignment_row(oid, workers[a.worker_id], a.item_id, AssignmentStatus.proposed, False, shifts, jobs)
        if (row.worker_id, row.shift_id, row.job_id, row.day) not in taken:
            new_rows.append(row)
    session.add_all(new_rows)
    run = t.SolveRun(
        organisation_id=oid,
        status=solution.status.value,
        objective=solution.objective,
        best_bound=solution.best_bound,
        wall_seconds=solution.stats.wall_seconds,
        assignments=len(solution.assignments),
        unfilled_places=sum(u.missing for u in solution.unfilled),
        terms={k: v.model_dump() for k, v in solution.terms.items()},
    )
    session.add(run)
    session.flush()
    return run
