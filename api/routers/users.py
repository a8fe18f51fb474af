"""Users, kept by the coordinator: who may sign in, in which role, and which sites or farms a health
manager or farmer runs (their postings are limited to those places)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from sqlmodel import select

from api.core import crud
from api.http.deps import Coordinator, SessionDep
from api.http.schemas import Page
from api.services import users as service
from api.services.users import UserIn, UserView
from models import tables as t

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", response_model=Page[UserView])
def list_users(
    user: Coordinator, session: SessionDep, limit: crud.Limit = 50, offset: crud.Offset = 0
) -> Page[UserView]:
    query = select(t.User).where(t.User.organisation_id == user.organisation_id).order_by(t.User.email)
    page = crud.page(session, query, limit, offset, lambda row: row)
    return Page(items=service.views(session, page.items), total=page.total, limit=limit, offset=offset)


@router.post("", response_model=UserView, status_code=status.HTTP_201_CREATED)
def create_user(body: UserIn, user: Coordinator, session: SessionDep) -> UserView:
    return service.views(session, [service.create(session, user, body)])[0]


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(user_id: Annotated[int, Path(ge=1, le=2**31 - 1)], user: Coordinator, session: SessionDep) -> None:
    service.remove(session, user, user_id)
