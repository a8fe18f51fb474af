"""Regions and skills: named lists everyone in the organisation reads and the coordinator keeps.
One factory builds both routers."""

# No ``from __future__ import annotations``: FastAPI must see the closure's types as real types.

from typing import Any

from fastapi import APIRouter, status
from sqlmodel import select

from api.core import crud
from api.http.deps import Coordinator, CurrentUser, SessionDep
from api.http.schemas import NamedIn, NamedOut, NamedPatch, Page
from api.services import setup
from models import tables as t


def named_router(prefix: str, table: type[Any], what: str) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=[prefix.strip("/")])

    def out(row: Any) -> NamedOut:
        return NamedOut(id=row.ref, name=row.name)

    @router.get("", response_model=Page[NamedOut], name=f"list_{what}s")
    def list_named(
        user: CurrentUser, session: SessionDep, limit: crud.Limit = 50, offset: crud.Offset = 0
    ) -> Page[NamedOut]:
        query = select(table).where(table.organisation_id == user.organisation_id).order_by(table.ref)
        return crud.page(session, query, limit, offset, out)

    @router.post("", response_model=NamedOut, status_code=status.HTTP_201_CREATED, name=f"create_{what}")
    def create_named(body: NamedIn, user: Coordinator, session: SessionDep) -> NamedOut:
        return out(setup.add_named(session, user, table, what, body.id, body.name))

    @router.get("/{ref}", response_model=NamedOut, name=f"get_{what}")
    def get_named(ref: str, user: CurrentUser, session: SessionDep) -> NamedOut:
        return out(crud.get(session, table, user.organisation_id, ref, what))

    @router.patch("/{ref}", response_model=NamedOut, name=f"rename_{what}")
    def rename_named(ref: str, body: NamedPatch, user: Coordinator, session: SessionDep) -> NamedOut:
        return out(setup.rename_named(session, user, table, what, ref, body.name))

    @router.delete("/{ref}", status_code=status.HTTP_204_NO_CONTENT, name=f"delete_{what}")
    def delete_named(ref: str, user: Coordinator, session: SessionDep) -> None:
        """Remove it; 409 while sites, farms, workers, shifts or jobs still use it."""
        setup.remove(session, user, table, what, ref)

    return router


regions = named_router("/regions", t.Region, "region")
skills = named_router("/skills", t.Skill, "skill")
