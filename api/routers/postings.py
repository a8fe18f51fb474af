"""Posted work: health shifts at sites and paid jobs at farms. One factory builds both routers.

The coordinator posts anywhere; a health manager only at the sites they run, a farmer only at their
farms (``PlaceAccess``). Everyone but workers reads the organisation's postings.
"""

# No ``from __future__ import annotations``: FastAPI must see the closure's types as real types.

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, cast

from fastapi import APIRouter, HTTPException, Query, status
from sqlmodel import Session, col, delete, select

from api import crud, offers
from api.deps import CurrentUser, SessionDep
from api.schemas import Page
from models import problem as p
from models import tables as t
from models.enums import Role
from models.revisions import bury_job_days, bury_shift, job_days, organisation_zone, revise
from models.store import job_data, job_row, shift_data, shift_row, skill_links

REVISION = {"uid", "sequence", "updated_at"}  # an edit raises these (revise), never resets them


def _refs(session: Session, model: Any, oid: int) -> dict[str, int]:
    return {r.ref: r.id for r in session.exec(select(model).where(model.organisation_id == oid))}


def _error(loc: list[Any], message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT, [{"type": "value_error", "loc": ["body", *loc], "msg": message}]
    )


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
    start_column: Any  # filters by date range

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


def posting_router(prefix: str, kind: Kind) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=[prefix.strip("/")])
    schema = kind.schema

    def outs(session: Session, rows: list[Any], oid: int) -> list[Any]:
        places = {v: k for k, v in _refs(session, kind.place_table, oid).items()}
        types = {v: k for k, v in _refs(session, t.ShiftType, oid).items()}
        skills = {v: k for k, v in _refs(session, t.Skill, oid).items()}
        owner = getattr(kind.link, kind.owner)
        required: dict[int, list[str]] = {r.id: [] for r in rows}
        if rows:
            links = session.exec(select(kind.link).where(col(owner).in_(list(required))).order_by(kind.link.position))
            for link in links:
                required[getattr(link, kind.owner)].append(skills[link.skill_id])
        return [schema.model_validate(kind.data(r, places, types, required[r.id])) for r in rows]

    def checked(session: Session, user: t.User, body: Any) -> tuple[Any, int, dict[str, int], dict[str, int]]:
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

    @router.get("", response_model=Page[schema], name=f"list_{kind.what}s")  # type: ignore[valid-type]
    def list_postings(
        user: CurrentUser,
        session: SessionDep,
        start: Annotated[p.Day | None, Query(alias="from", description="From this day (UTC)")] = None,
        end: Annotated[p.Day | None, Query(alias="to", description="Up to and including this day (UTC)")] = None,
        place: Annotated[str | None, Query(description=f"Only at this {kind.place_field[:-3]} (its id)")] = None,
        region: Annotated[str | None, Query(description="Only in this region (its id)")] = None,
        skill: Annotated[str | None, Query(description="Only postings requiring this skill (its id)")] = None,
        limit: crud.Limit = 50,
        offset: crud.Offset = 0,
    ) -> Page[Any]:
        if user.role == Role.worker:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "workers see their work as offers and in their calendar")
        oid = user.organisation_id
        query = select(kind.table).where(kind.table.organisation_id == oid)
        if start is not None:
            query = query.where(kind.start_column >= _day_start(start, kind))
        if end is not None:
            query = query.where(kind.start_column < _day_start(end + dt.timedelta(days=1), kind))
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
        page = crud.page(session, query.order_by(kind.start_column, kind.table.ref), limit, offset, lambda row: row)
        return Page(items=outs(session, page.items, oid), total=page.total, limit=limit, offset=offset)

    @router.post("", response_model=schema, status_code=status.HTTP_201_CREATED, name=f"post_{kind.what}")
    def create_posting(given: schema, user: CurrentUser, session: SessionDep) -> Any:  # type: ignore[valid-type]
        body, place_id, types, skills = checked(session, user, cast(Any, given))
        crud.ensure_free(session, kind.table, user.organisation_id, body.id, kind.what)
        row = kind.row(body, user.organisation_id, place_id, types)
        session.add(row)
        session.flush()
        session.add_all(skill_links(kind.link, row.id, body.required_skills, skills))
        session.commit()
        return outs(session, [row], user.organisation_id)[0]

    @router.get("/{ref}", response_model=schema, name=f"get_{kind.what}")
    def get_posting(ref: str, user: CurrentUser, session: SessionDep) -> Any:
        if user.role == Role.worker:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "workers see their work as offers and in their calendar")
        return outs(
            session, [crud.get(session, kind.table, user.organisation_id, ref, kind.what)], user.organisation_id
        )[0]

    @router.put("/{ref}", response_model=schema, name=f"replace_{kind.what}")
    def replace_posting(ref: str, given: schema, user: CurrentUser, session: SessionDep) -> Any:  # type: ignore[valid-type]
        row = crud.get(session, kind.table, user.organisation_id, ref, kind.what)
        may_post(session, user, kind, getattr(row, kind.place_field))
        body, place_id, types, skills = checked(session, user, cast(Any, given))
        if body.id != ref:
            raise _error(["id"], f"{body.id!r} differs from the path's {ref!r}")
        fresh = kind.row(body, user.organisation_id, place_id, types)
        booked = offers.lock_work(session, row)  # no accept can slip in between the check and the write
        offers.ensure_bookings_fit(session, row.id, fresh, booked, organisation_zone(session, user.organisation_id))
        if isinstance(row, t.Job):  # days leaving the job's range: their events go CANCELLED
            keep = set(job_days(fresh))
            bury_job_days(session, row, [d for d in job_days(row) if d not in keep])
        for field, value in fresh.model_dump(exclude={"id", "organisation_id", "ref", *REVISION}).items():
            setattr(row, field, value)
        revise(session, row)
        owner = getattr(kind.link, kind.owner)
        session.execute(delete(kind.link).where(col(owner) == row.id))
        session.add_all(skill_links(kind.link, row.id, body.required_skills, skills))
        session.commit()
        return outs(session, [row], user.organisation_id)[0]

    @router.delete("/{ref}", status_code=status.HTTP_204_NO_CONTENT, name=f"delete_{kind.what}")
    def delete_posting(ref: str, user: CurrentUser, session: SessionDep) -> None:
        row = crud.get(session, kind.table, user.organisation_id, ref, kind.what)
        may_post(session, user, kind, getattr(row, kind.place_field))
        offers.lock_work(session, row)  # accepted work on it is cancelled with it, not accepted meanwhile
        if isinstance(row, t.Shift):
            bury_shift(session, row)
        else:
            bury_job_days(session, row, job_days(row))
        session.delete(row)
        session.commit()

    return router


def _day_start(day: dt.date, kind: Kind) -> Any:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if kind.table is t.Shift else day


def may_post(session: Session, user: t.User, kind: Kind, place_id: int) -> None:
    if user.role == Role.coordinator:
        return
    if user.role == kind.poster:
        column = t.PlaceAccess.site_id if kind.place_table is t.Site else t.PlaceAccess.farm_id
        if session.exec(select(t.PlaceAccess).where(t.PlaceAccess.user_id == user.id, column == place_id)).first():
            return
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"you may post {kind.what}s only at the places you run")
    raise HTTPException(status.HTTP_403_FORBIDDEN, f"only a coordinator or a {kind.poster} may post {kind.what}s")


SHIFTS = Kind("shift", t.Shift, p.Shift, t.Site, "site_id", t.ShiftSkill, Role.manager, t.Shift.start_utc)
shifts = posting_router("/shifts", SHIFTS)
jobs = posting_router("/jobs", Kind("job", t.Job, p.Job, t.Farm, "farm_id", t.JobSkill, Role.farmer, t.Job.first_day))
