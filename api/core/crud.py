"""Organisation-scoped row access shared by the routers: every lookup filters on the caller's organisation,
so a ref from another organisation is simply not found (404), never read or changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Query, status
from sqlalchemy import func
from sqlmodel import Session, select

from api.core.refusals import Refused
from api.http.schemas import Page
from models import problem as p
from models import tables as t

Row = TypeVar("Row")
Out = TypeVar("Out")

Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip")]


def invalid(field: str, message: str) -> Refused:
    """A 422 shaped like FastAPI's own validation errors, naming the body field."""
    detail = [{"type": "value_error", "loc": ["body", field], "msg": message}]
    return Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, detail)


def known(session: Session, organisation_id: int) -> p.Known:
    """The ids the organisation's records may refer to, for the snapshot's own record checks."""

    def refs(model: Any) -> frozenset[str]:
        return frozenset(session.exec(select(model.ref).where(model.organisation_id == organisation_id)))

    return p.Known(
        regions=refs(t.Region),
        skills=refs(t.Skill),
        shift_types=refs(t.ShiftType),
        sites=refs(t.Site),
        farms=refs(t.Farm),
    )


def refuse(found: p.Found, at: tuple[str, ...] = ()) -> None:
    """422 naming every field of the body (at ``at`` inside it) that breaks a record rule
    (``models.problem.RECORD_CHECKS``)."""
    if found:
        detail = [{"type": "value_error", "loc": ["body", *at, *loc], "msg": msg} for loc, _value, msg in found]
        raise Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, detail)


def get(session: Session, model: type[Row], organisation_id: int, ref: str, what: str) -> Row:
    row = session.exec(
        select(model).where(model.organisation_id == organisation_id, model.ref == ref)  # type: ignore[attr-defined]
    ).first()
    if row is None:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no {what} {ref!r}")
    return row


def ensure_free(session: Session, model: type[Any], organisation_id: int, ref: str, what: str) -> None:
    if session.exec(select(model).where(model.organisation_id == organisation_id, model.ref == ref)).first():
        raise Refused(status.HTTP_409_CONFLICT, f"{what} {ref!r} exists already")


def page(session: Session, query: Any, limit: int, offset: int, out: Callable[[Any], Out]) -> Page[Out]:
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.offset(offset).limit(limit)).all()
    return Page(items=[out(r) for r in rows], total=total, limit=limit, offset=offset)
