"""Setting a pool up: its regions and skills (named lists), and its health sites and farms (places in
a region), each held to the rules the snapshot holds them to. Nothing still in use is removed: the
answer says what uses it, so the coordinator knows what to change first."""

from __future__ import annotations

from typing import Any

from fastapi import status
from sqlmodel import Session, select

from api.core import crud
from api.core.refusals import Refused
from models import problem as p
from models import tables as t
from models.store import place_row


def add_named(session: Session, user: t.User, table: type[Any], what: str, ref: str, name: str) -> Any:
    """A region or a skill (409 if the id is taken). Commits."""
    crud.ensure_free(session, table, user.organisation_id, ref, what)
    row = table(organisation_id=user.organisation_id, ref=ref, name=name)
    session.add(row)
    session.commit()
    return row


def region_id(session: Session, organisation_id: int, body: p.Place) -> int:
    """The body's region key; 422 where the body breaks a rule the snapshot holds places to."""
    crud.refuse(p.place_errors(body, crud.known(session, organisation_id)))
    row = session.exec(
        select(t.Region).where(t.Region.organisation_id == organisation_id, t.Region.ref == body.region_id)
    ).one()
    assert row.id is not None
    return row.id


def add_place(session: Session, user: t.User, table: type[Any], what: str, body: p.Place) -> Any:
    """A health site or a farm (409 if the id is taken, 422 naming the field). Commits."""
    crud.ensure_free(session, table, user.organisation_id, body.id, what)
    regions = {body.region_id: region_id(session, user.organisation_id, body)}
    row = place_row(table, user.organisation_id, body, regions)
    session.add(row)
    session.commit()
    return row


USED_BY: dict[str, list[tuple[Any, str]]] = {
    "region": [(t.Site.region_id, "sites"), (t.Farm.region_id, "farms"), (t.Worker.region_id, "workers")],
    "skill": [
        (t.Qualification.skill_id, "qualified workers"),
        (t.ShiftSkill.skill_id, "shifts"),
        (t.JobSkill.skill_id, "jobs"),
    ],
    "site": [(t.Shift.site_id, "shifts")],
    "farm": [(t.Job.farm_id, "jobs")],
}
"""What refers to a row of each kind (column, plural noun): a row still referred to is not removed."""


def rename_named(session: Session, user: t.User, table: type[Any], what: str, ref: str, name: str) -> Any:
    """A region's or skill's new name (its id stays: postings and profiles refer to it). Commits."""
    row = crud.get(session, table, user.organisation_id, ref, what)
    row.name = name
    session.add(row)
    session.commit()
    return row


def replace_place(session: Session, user: t.User, table: type[Any], what: str, ref: str, body: p.Place) -> Any:
    """A site's or farm's new name, kind, address, position and region (422 naming the field). Commits."""
    row = crud.get(session, table, user.organisation_id, ref, what)
    if body.id != ref:
        raise crud.invalid("id", f"{body.id!r} differs from the path's {ref!r}")
    region = region_id(session, user.organisation_id, body)
    for field, value in body.model_dump(exclude={"id", "region_id"}).items():
        setattr(row, field, value)
    row.region_id = region
    session.add(row)
    session.commit()
    return row


def remove(session: Session, user: t.User, table: type[Any], what: str, ref: str) -> None:
    """Remove a region, skill, site or farm; 409 naming what still uses it. Commits."""
    row = crud.get(session, table, user.organisation_id, ref, what)
    for column, nouns in USED_BY[what]:
        if session.exec(select(column).where(column == row.id)).first() is not None:
            raise Refused(status.HTTP_409_CONFLICT, f"{what} {ref!r} still has {nouns}; move or remove them first")
    session.delete(row)
    session.commit()
