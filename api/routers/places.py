"""Health sites and farms: one router each, built by one factory, as both are places in a region.

Everyone in the organisation reads them (workers see where they may be sent); the coordinator changes them.
"""

# No ``from __future__ import annotations``: FastAPI must see the closure's ``schema`` as a real type.

from typing import Any, cast

from fastapi import APIRouter, Query, status
from sqlmodel import Session, select

from api.core import crud
from api.http.deps import Coordinator, CurrentUser, SessionDep
from api.http.schemas import Page
from api.services import setup
from models import problem as p
from models import tables as t
from models.store import place_data


def _regions(session: Session, organisation_id: int) -> dict[int, str]:
    rows = session.exec(select(t.Region).where(t.Region.organisation_id == organisation_id)).all()
    return {r.id: r.ref for r in rows if r.id is not None}


def place_router(prefix: str, table: type[Any], schema: type[p.Place], what: str) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=[prefix.strip("/")])

    def out(session: Session, row: Any, regions: dict[int, str] | None = None) -> p.Place:
        return schema.model_validate(place_data(schema, row, regions or _regions(session, row.organisation_id)))

    @router.get("", response_model=Page[schema], name=f"list_{what}s")  # type: ignore[valid-type]
    def list_places(
        user: CurrentUser,
        session: SessionDep,
        region: str | None = Query(None, description="Only places in this region (its id)"),
        limit: crud.Limit = 50,
        offset: crud.Offset = 0,
    ) -> Page[p.Place]:
        query = select(table).where(table.organisation_id == user.organisation_id)
        if region is not None:
            query = query.join(t.Region).where(t.Region.ref == region)
        regions = _regions(session, user.organisation_id)
        return crud.page(session, query.order_by(table.ref), limit, offset, lambda row: out(session, row, regions))

    @router.post("", response_model=schema, status_code=status.HTTP_201_CREATED, name=f"create_{what}")
    def create_place(given: schema, user: Coordinator, session: SessionDep) -> p.Place:  # type: ignore[valid-type]
        return out(session, setup.add_place(session, user, table, what, cast(p.Place, given)))

    @router.get("/{ref}", response_model=schema, name=f"get_{what}")
    def get_place(ref: str, user: CurrentUser, session: SessionDep) -> p.Place:
        return out(session, crud.get(session, table, user.organisation_id, ref, what))

    @router.put("/{ref}", response_model=schema, name=f"replace_{what}")
    def replace_place(ref: str, given: schema, user: Coordinator, session: SessionDep) -> p.Place:  # type: ignore[valid-type]
        return out(session, setup.replace_place(session, user, table, what, ref, cast(p.Place, given)))

    @router.delete("/{ref}", status_code=status.HTTP_204_NO_CONTENT, name=f"delete_{what}")
    def delete_place(ref: str, user: Coordinator, session: SessionDep) -> None:
        """Remove it; 409 while it has shifts or jobs."""
        setup.remove(session, user, table, what, ref)

    return router


sites = place_router("/sites", t.Site, p.Site, "site")
farms = place_router("/farms", t.Farm, p.Farm, "farm")
