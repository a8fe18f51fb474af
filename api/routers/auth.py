"""Signing in and out (OAuth2 password flow; the username is the email)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import select

from api.deps import CurrentUser, SessionDep, oauth2
from api.routers.workers import add_worker
from api.schemas import Registration, TokenOut, UserOut
from api.security import digest, new_token, new_user, verify_password
from models.enums import Role
from models.tables import AccessToken, Organisation, User, Worker

router = APIRouter(prefix="/auth", tags=["auth"])

TOKEN_LIFETIME = dt.timedelta(days=30)


@router.post("/token", response_model=TokenOut)
def sign_in(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep) -> TokenOut:
    """Exchange email and password for a bearer token (valid 30 days, revoked by ``POST /auth/logout``)."""
    user = session.exec(select(User).where(User.email == form.username.strip().lower())).first()
    if user is None or not user.active or not verify_password(form.password, user.password_hash):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "wrong email or password", headers={"WWW-Authenticate": "Bearer"}
        )
    token, token_digest = new_token()
    expires = dt.datetime.now(dt.UTC) + TOKEN_LIFETIME
    assert user.id is not None
    session.add(AccessToken(user_id=user.id, digest=token_digest, expires_at=expires))
    session.commit()
    return TokenOut(access_token=token, expires_at=expires)


@router.post("/register", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def register(body: Registration, session: SessionDep) -> UserOut:
    """Join an organisation's pool: a worker profile and a sign-in. Skills wait for the coordinator's approval."""
    org = session.exec(select(Organisation).where(Organisation.ref == body.organisation)).first()
    if org is None or org.id is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no organisation {body.organisation!r}")
    email = body.email.strip().lower()
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "this email is registered already; sign in instead")
    for q in body.worker.qualifications:
        q.approved = False
    worker = add_worker(session, org.id, body.worker, at=("worker",))
    user = new_user(org.id, email, Role.worker, body.password, name=body.worker.name, worker_id=worker.id)
    session.add(user)
    session.commit()
    return _user_out(session, user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(user: CurrentUser, session: SessionDep, request: Request) -> None:
    """Revoke the token this request was made with."""
    token = request.headers.get("authorization", "").partition(" ")[2]
    row = session.exec(select(AccessToken).where(AccessToken.digest == digest(token))).first()
    if row is not None and row.user_id == user.id:
        row.revoked = True
        session.add(row)
        session.commit()


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
    )


__all__ = ["oauth2", "router"]
