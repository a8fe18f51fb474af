"""The organisation's accounts: the coordinator adds coordinators, health managers (with the sites
they run), farmers (with their farms) and workers' sign-ins, and removes them."""

from __future__ import annotations

from fastapi import status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from api.core import crud
from api.core.refusals import Refused
from api.core.security import new_user, password_problem
from models import tables as t
from models.enums import Role

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254, pattern=EMAIL)
    password: str = Field(max_length=200, description="At least 10 characters, not a common password")
    name: str = Field("", max_length=200)
    role: Role
    sites: list[str] = Field(default_factory=list, description="Sites a manager runs (their ids)")
    farms: list[str] = Field(default_factory=list, description="Farms a farmer runs (their ids)")
    worker: str | None = Field(None, description="The worker's id, for role worker")


class UserView(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    sites: list[str]
    farms: list[str]
    worker: str | None
    active: bool


def views(session: Session, users: list[t.User]) -> list[UserView]:
    ids = [u.id for u in users]
    sites: dict[int, list[str]] = {i: [] for i in ids if i is not None}
    farms: dict[int, list[str]] = {i: [] for i in ids if i is not None}
    if ids:
        rows = session.exec(
            select(t.PlaceAccess, t.Site.ref, t.Farm.ref)
            .outerjoin(t.Site, col(t.PlaceAccess.site_id) == t.Site.id)
            .outerjoin(t.Farm, col(t.PlaceAccess.farm_id) == t.Farm.id)
            .where(col(t.PlaceAccess.user_id).in_(ids))
        )
        for access, site, farm in rows:
            (sites if site else farms)[access.user_id].append(site or farm)
    workers = {
        w.id: w.ref for w in session.exec(select(t.Worker).where(col(t.Worker.id).in_([u.worker_id for u in users])))
    }
    return [
        UserView(
            id=u.id,
            email=u.email,
            name=u.name,
            role=u.role,
            sites=sorted(sites[u.id]),
            farms=sorted(farms[u.id]),
            worker=workers.get(u.worker_id) if u.worker_id else None,
            active=u.active,
        )
        for u in users
        if u.id is not None
    ]


def create(session: Session, user: t.User, body: UserIn) -> t.User:
    """An account for the organisation (409 if the e-mail is taken; 422 naming the field). Commits."""
    oid = user.organisation_id
    email = body.email.strip().lower()
    weak = password_problem(body.password, email, body.name)
    if weak:
        raise crud.invalid("password", weak)
    if session.exec(select(t.User).where(t.User.email == email, t.User.organisation_id == oid)).first() is not None:
        raise Refused(status.HTTP_409_CONFLICT, f"a user with email {email!r} exists already")
    if body.sites and body.role != Role.manager:
        raise crud.invalid("sites", "only a manager runs sites")
    if body.farms and body.role != Role.farmer:
        raise crud.invalid("farms", "only a farmer runs farms")
    if (body.role == Role.worker) != (body.worker is not None):
        raise crud.invalid("worker", "a worker user needs its worker id, and only a worker user has one")
    worker_id = crud.get(session, t.Worker, oid, body.worker, "worker").id if body.worker else None
    access = [t.PlaceAccess(user_id=0, site_id=_place(session, t.Site, oid, ref, "sites")) for ref in body.sites]
    access += [t.PlaceAccess(user_id=0, farm_id=_place(session, t.Farm, oid, ref, "farms")) for ref in body.farms]
    row = new_user(oid, email, body.role, body.password, name=body.name, worker_id=worker_id)
    session.add(row)
    session.flush()
    assert row.id is not None
    for a in access:
        a.user_id = row.id
    session.add_all(access)
    session.commit()
    return row


def _place(session: Session, model: type[t.Site] | type[t.Farm], oid: int, ref: str, field: str) -> int:
    row = session.exec(select(model).where(model.organisation_id == oid, model.ref == ref)).first()
    if row is None or row.id is None:
        raise crud.invalid(field, f"no {model.__name__.lower()} {ref!r}")
    return row.id


def remove(session: Session, user: t.User, user_id: int) -> None:
    """Delete an account of the organisation (not one's own). Commits."""
    row = session.get(t.User, user_id)
    if row is None or row.organisation_id != user.organisation_id:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no user {user_id}")
    if row.id == user.id:
        raise Refused(status.HTTP_409_CONFLICT, "you cannot delete your own account")
    session.delete(row)
    session.commit()
