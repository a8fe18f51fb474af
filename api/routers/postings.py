"""Posted work over HTTP (the flows: ``api.services.postings``): health shifts at sites and paid jobs
at farms. One factory builds both routers. Everyone but workers reads the organisation's postings.
"""

# No ``from __future__ import annotations``: FastAPI must see the closure's types as real types.

from typing import Annotated, Any, cast

from fastapi import APIRouter, HTTPException, Query, status

from api.core import crud
from api.http.deps import CurrentUser, SessionDep
from api.http.schemas import Page
from api.services import postings as service
from api.services.postings import JOBS, SHIFTS, Kind
from models import problem as p
from models.enums import Role


def posting_router(prefix: str, kind: Kind) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=[prefix.strip("/")])
    schema = kind.schema

    @router.get("", response_model=Page[schema], name=f"list_{kind.what}s")  # type: ignore[valid-type]
    def list_postings(
        user: CurrentUser,
        session: SessionDep,
        start: Annotated[p.Day | None, Query(alias="from", description="Overlapping this local day or later")] = None,
        end: Annotated[p.Day | None, Query(alias="to", description="Overlapping this local day or earlier")] = None,
        place: Annotated[str | None, Query(description=f"Only at this {kind.place_field[:-3]} (its id)")] = None,
        region: Annotated[str | None, Query(description="Only in this region (its id)")] = None,
        skill: Annotated[str | None, Query(description="Only postings requiring this skill (its id)")] = None,
        limit: crud.Limit = 50,
        offset: crud.Offset = 0,
    ) -> Page[Any]:
        query = service.listing(user, session, kind, start, end, place, region, skill)
        page = crud.page(session, query, limit, offset, lambda row: row)
        items = service.views(session, kind, page.items, user.organisation_id)
        return Page(items=items, total=page.total, limit=limit, offset=offset)

    @router.post("", response_model=schema, status_code=status.HTTP_201_CREATED, name=f"post_{kind.what}")
    def create_posting(given: schema, user: CurrentUser, session: SessionDep) -> Any:  # type: ignore[valid-type]
        return service.create(session, user, kind, cast(Any, given))

    @router.get("/{ref}", response_model=schema, name=f"get_{kind.what}")
    def get_posting(ref: str, user: CurrentUser, session: SessionDep) -> Any:
        if user.role == Role.worker:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "workers see their work as offers and in their calendar")
        row = crud.get(session, kind.table, user.organisation_id, ref, kind.what)
        return service.views(session, kind, [row], user.organisation_id)[0]

    @router.put("/{ref}", response_model=schema, name=f"replace_{kind.what}")
    def replace_posting(ref: str, given: schema, user: CurrentUser, session: SessionDep) -> Any:  # type: ignore[valid-type]
        return service.replace(session, user, kind, ref, cast(Any, given))

    @router.delete("/{ref}", status_code=status.HTTP_204_NO_CONTENT, name=f"delete_{kind.what}")
    def delete_posting(ref: str, user: CurrentUser, session: SessionDep) -> None:
        service.remove(session, user, kind, ref)

    return router


shifts = posting_router("/shifts", SHIFTS)
jobs = posting_router("/jobs", JOBS)
