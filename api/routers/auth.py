"""Signing in and out (OAuth2 password flow; the username is the email)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import select

from api import crud
from api.deps import CurrentUser, SessionDep, oauth2
from api.routers.workers import ORGANISATION_FIELDS, add_worker
from api.schemas import Applicant, Registration, RegistrationOut, TokenOut, UserOut
from api.security import HashingBusy, hash_password, new_user, password_problem
from api.services import accounts
from api.throttle import Throttle
from models import problem as p
from models.enums import Role
from models.settings import settings
from models.tables import Organisation, User, Worker

router = APIRouter(prefix="/auth", tags=["auth"])


def _throttle(request: Request) -> Throttle:
    return request.app.state.throttle  # type: ignore[no-any-return]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
    return TokenOut(access_token=token, expires_at=expires)


RECEIVED = (
    "Your registration is received. The pool's coordinator checks new members and approves your skills"
    " before you are offered work; sign in to see your profile and its approval state."
)


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
    config = settings()
    refusal = _throttle(request).hit(config.register_limit_per_client, "register", client_address(request))
    if refusal:
        raise accounts.too_many(refusal)
    org = session.exec(select(Organisation).where(Organisation.ref == body.organisation)).first()
    if org is None or org.id is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no organisation {body.organisation!r}")
    email = body.email.strip().lower()
    weak = password_problem(body.password, email, body.worker.name)
    if weak:
        raise crud.invalid("password", weak)
    profile = applicant(body.worker)
    taken = session.exec(select(User).where(User.email == email, User.organisation_id == org.id)).first()
    try:
        if taken is not None:
            hash_password(body.password)  # as long as a new registration takes: the answer reveals nothing
            return RegistrationOut(status="pending", message=RECEIVED)
        worker = add_worker(session, org.id, profile, at=("worker",), pending=True)
        user = new_user(org.id, email, Role.worker, body.password, name=body.worker.name, worker_id=worker.id)
    except HashingBusy as error:
        raise accounts.busy(error) from None
    session.add(user)
    session.commit()
    return RegistrationOut(status="pending", message=RECEIVED)


def applicant(profile: Applicant) -> p.Worker:
    """The registering person's profile as the pool stores it: a fresh id, no approved skill, and the
    pool's defaults for what the pool decides (pay, hour limits, always available)."""
    fields = profile.model_dump(exclude={"id", *ORGANISATION_FIELDS - {"kind"}})
    worker = p.Worker.model_validate({**fields, "id": f"p-{secrets.token_hex(5)}"})
    for q in worker.qualifications:
        q.approved, q.valid_until = False, None
    return worker


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
