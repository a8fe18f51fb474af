"""Who decides what waits for a person's yes: the coordinators, and the managers and farmers of the
places concerned. Time off over accepted work, takes from the open board and swaps at places that
confirm them all go to the same people."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_
from sqlmodel import Session, col, select

from models import tables as t
from models.enums import Role
from models.rows import place_of


def confirms(session: Session, row: t.OnWork | t.Shift | t.Job) -> bool:
    """Does the row's place ask that takes and swaps wait for its manager's (or farmer's) yes?"""
    place = place_of(session, row)
    return bool(place is not None and place.confirm_takes)


def of_work(session: Session, organisation_id: int, rows: Iterable[t.OnWork]) -> list[t.User]:
    """The active coordinators, and the managers and farmers of the places of ``rows``."""
    sites, farms = set(), set()
    for row in rows:
        place = place_of(session, row)
        if isinstance(place, t.Site):
            sites.add(place.id)
        elif isinstance(place, t.Farm):
            farms.add(place.id)
    runners = select(t.PlaceAccess.user_id).where(
        or_(col(t.PlaceAccess.site_id).in_(sites), col(t.PlaceAccess.farm_id).in_(farms))
    )
    return list(
        session.exec(
            select(t.User)
            .where(
                t.User.organisation_id == organisation_id,
                col(t.User.active),
                or_(col(t.User.role) == Role.coordinator, col(t.User.id).in_(runners)),
            )
            .order_by(col(t.User.id))
        )
    )


def may_decide(session: Session, user: t.User, organisation_id: int, rows: Iterable[t.OnWork]) -> bool:
    return user.organisation_id == organisation_id and user.id in {
        u.id for u in of_work(session, organisation_id, rows)
    }
