"""Signing in and out (OAuth2 password flow; the username is the email)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, Field

from api.core.throttle import Throttle
from api.http.deps import CurrentUser, SessionDep, client_address, oauth2
from api.http.schemas import Registration, RegistrationOut, TokenOut, UserOut
from api.services import accounts
from models.rows import organisation_zone
from models.tables import Organisation, User, Worker

router = APIRouter(prefix="/auth", tags=["auth"])


def _throttle(request: Request) -> Throttle:
    return request.app.state.throttle  # type: ignore[no-any-return]


@router.post("/token", response_model=TokenOut, responses={429: {"description": "Too many attempts"}})
def sign_in(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, request: Request) -> TokenOut:
    """Exchange email and password for a bearer token (valid 30 days, revoked by ``POST /auth/logout``).
    A person in several pools chooses one with ``client_id`` (the pool's id). Attempts are limited per
    client address, failures per e-mail (429 with ``Retry-After``)."""
    user_id = accounts.authenticate(
        session,
        _throttle(request),
        form.username,
        form.password,
        form.client_id,
        client_address(request),
        choose="send client_id=<pool id>",
    )
    token, expires = accounts.start_session(session, user_id)
    user = session.get(User, user_id)
    assert user is not None
    return TokenOut(access_token=token, expires_at=expires.astimezone(organisation_zone(session, user.organisation_id)))


@router.post(
    "/register",
    response_model=RegistrationOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses={429: {"description": "Too many registrations from this address"}},
)
def register(body: Registration, session: SessionDep, request: Request) -> RegistrationOut:
    """Join an organisation's pool: a profile and a sign-in. The person is **pending** until the
    coordinator approves them (``POST /workers/{id}/approval``): no solve proposes them before. The
    answer is the same whether or not the e-mail is registered already, so it reveals no one's account."""
    message = accounts.register(session, _throttle(request), client_address(request), body)
    return RegistrationOut(status="pending", message=message)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(user: CurrentUser, session: SessionDep, request: Request) -> None:
    """Revoke the token this request was made with."""
    accounts.end_session(session, user, request.headers.get("authorization", "").partition(" ")[2])


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(max_length=200)
    new_password: str = Field(max_length=200, description="At least 10 characters, not a common password")


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(body: PasswordChange, user: CurrentUser, session: SessionDep, request: Request) -> None:
    """Change your password; every other session and token of your account is signed out."""
    token = request.headers.get("authorization", "").partition(" ")[2]
    accounts.change_password(session, user, body.current_password, body.new_password, keep=token)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser, session: SessionDep) -> UserOut:
    return _user_out(session, user)


def _user_out(session: SessionDep, user: User) -> UserOut:
    org = session.get(Organisation, user.organisation_id)
    worker = session.get(Worker, user.worker_id) if user.worker_id else None
    assert org is not None and user.id is not None
    return UserOut(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        organisation=org.ref,
        worker=worker.ref if worker else None,
        pending=worker.pending if worker else False,
    )


__all__ = ["oauth2", "router"]
