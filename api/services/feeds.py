"""Private calendar links: which feed a user may subscribe to, and a fresh link for it (the old one
stops working). The token is shown once and stored only as its digest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import status
from sqlmodel import Session, delete, select

from api.core.refusals import Refused
from api.core.security import new_token
from models import tables as t
from models.enums import FeedKind, Role


@dataclass(frozen=True)
class Made:
    token: str
    ref: str
    name: str
    created_at: dt.datetime


def target(session: Session, user: t.User, kind: FeedKind, ref: str | None) -> tuple[dict[str, int | None], str, str]:
    """The token columns for this feed, its ref and name; 404 for unknown refs, 403 outside the user's reach."""
    oid = user.organisation_id
    if kind == FeedKind.organisation:
        if user.role != Role.coordinator:
            raise Refused(status.HTTP_403_FORBIDDEN, "only a coordinator subscribes to the organisation's feed")
        org = session.get(t.Organisation, oid)
        assert org is not None
        if ref not in (None, org.ref):
            raise Refused(status.HTTP_404_NOT_FOUND, f"no organisation {ref!r}")
        return {}, org.ref, org.name
    if kind == FeedKind.worker:
        if ref is None and user.worker_id is not None:
            worker = session.get(t.Worker, user.worker_id)
        else:
            worker = session.exec(select(t.Worker).where(t.Worker.organisation_id == oid, t.Worker.ref == ref)).first()
        if worker is None:
            raise Refused(status.HTTP_404_NOT_FOUND, f"no worker {ref!r}")
        if user.role != Role.coordinator and user.worker_id != worker.id:
            raise Refused(status.HTTP_403_FORBIDDEN, "a worker's feed is for that worker (or a coordinator)")
        return {"worker_id": worker.id}, worker.ref, worker.name
    model, column, runner = (
        (t.Site, t.PlaceAccess.site_id, Role.manager)
        if kind == FeedKind.site
        else (t.Farm, t.PlaceAccess.farm_id, Role.farmer)
    )
    place = session.exec(select(model).where(model.organisation_id == oid, model.ref == ref)).first()
    if place is None:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no {kind} {ref!r}")
    if user.role != Role.coordinator:
        runs = session.exec(select(t.PlaceAccess).where(t.PlaceAccess.user_id == user.id, column == place.id)).first()
        if user.role != runner or runs is None:
            raise Refused(status.HTTP_403_FORBIDDEN, f"only a coordinator or a {runner} of this {kind} may")
    return {f"{kind}_id": place.id}, place.ref, place.name


def scope_filter(kind: FeedKind, columns: dict[str, int | None], oid: int) -> list[object]:
    clauses: list[object] = [t.FeedToken.organisation_id == oid, t.FeedToken.kind == kind]
    clauses += [getattr(t.FeedToken, name) == value for name, value in columns.items()]
    return clauses


def make_link(session: Session, user: t.User, kind: FeedKind, ref: str | None) -> Made:
    """A new secret for the feed, revoking the one before it. Commits."""
    columns, found_ref, name = target(session, user, kind, ref)
    session.execute(delete(t.FeedToken).where(*scope_filter(kind, columns, user.organisation_id)))  # type: ignore[arg-type]
    token, hashed = new_token()
    row = t.FeedToken(organisation_id=user.organisation_id, kind=kind, digest=hashed, **columns)  # type: ignore[arg-type]
    session.add(row)
    session.commit()
    return Made(token, found_ref, name, row.created_at)


def live_link(session: Session, user: t.User, kind: FeedKind, ref: str | None) -> t.FeedToken | None:
    """The feed's current token row, if a link was made (its secret is not kept, only when it was made)."""
    columns, _, _ = target(session, user, kind, ref)
    return session.exec(select(t.FeedToken).where(*scope_filter(kind, columns, user.organisation_id))).first()  # type: ignore[arg-type]
