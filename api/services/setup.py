"""Setting a pool up: its regions and skills (named lists), and its health sites and farms (places in
a region), each held to the rules the snapshot holds them to."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from api import crud
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
