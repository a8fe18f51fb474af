"""Signing in and out (OAuth2 password flow; the username is the email)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import col, select

from api import crud
from api.deps import CurrentUser, SessionDep, oauth2
from api.routers.workers import ORGANISATION_FIELDS, add_worker
from api.schemas import Applicant, Registration, RegistrationOut, TokenOut, UserOut
from api.security import HashingBusy, digest, hash_password, new_token, new_user, password_problem, verify_password
from api.throttle import Refusal, Throttle
from models import problem as p
from models.enums import Role
from models.settings import settings
from models.tables import AccessToken, Organisation, User, Worker

router = APIRouter(prefix="/auth", tags=["auth"])

TOKEN_LIFETIME = dt.timedelta(days=30)
POOLS = 5  # accounts one e-mail may sign in to; more are not looked at


def _throttle(request: Request) -> Throttle:
    return request.app.state.throttle  # type: ignore[no-any-return]


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _too_many(refusal: Refusal) -> HTTPException:
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        f"too many attempts; try again in {refusal.retry_after} s",
        headers={"Retry-After": str(refusal.retry_after)},
    )


def _busy(error: HashingBusy) -> HTTPException:
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error), headers={"Retry-After": "5"})


@router.post("/token", response_model=TokenOut, responses={429: {"description": "Too many attempts"}})
def sign_in(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, request: Request) -> TokenOut:
    """Exchange email and password for a bearer token (valid 30 days, revoked by ``POST /auth/logout``).
    A person in several pools chooses one with ``client_id`` (the pool's id). Attempts are limited per
    client address, failures per e-mail (429 with ``Retry-After``)."""
    config, throttle = settings(), _throttle(request)
    email = form.username.strip().lower()[:254]
    refusal = throttle.hit(config.sign_in_limit_per_client, "sign-in", _client(request))
    refusal = refusal or throttle.check(config.sign_in_limit_per_email, "sign-in-failed", email)
    if refusal:
        raise _too_many(refusal)
    query = select(User, Organisation.ref).join(Organisation).where(User.email == email, col(User.active))
    if form.client_id:
        query = query.where(Organisation.ref == form.client_id)
    accounts = [(u.id, u.password_hash, ref) for u, ref in session.exec(query.order_by(col(User.id)).limit(POOLS))]
    session.rollback()  # no connection is held while passwords are hashed
    try:
        matching = [(uid, ref) for uid, stored, ref in accounts if verify_password(form.password[:200], stored)]
        if not accounts:
            verify_password(form.password[:200], None)  # as long as for a known e-mail
    except HashingBusy as error:
        raise _busy(error) from None
    if not matching:
        throttle.count(config.sign_in_limit_per_email, "sign-in-failed", email)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "wrong email or password", headers={"WWW-Authenticate": "Bearer"}
        )
    if len(matching) > 1:  # only someone who knows the password learns the pools
        pools = ", ".join(sorted(ref for _, ref in matching))
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"this e-mail is in several pools ({pools}): send client_id=<pool id>"
        )
    user_id = matching[0][0]
    assert user_id is not None
    token, token_digest = new_token()
    expires = dt.datetime.now(dt.UTC) + TOKEN_LIFETIME
    session.add(AccessToken(user_id=user_id, digest=token_digest, expires_at=expires))
    session.commit()
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
    refusal = _throttle(request).hit(config.register_limit_per_client, "register", _client(request))
    if refusal:
        raise _too_many(refusal)
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
        raise _busy(error) from None
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
        pending=worker.pending if worker else False,
    )


__all__ = ["oauth2", "router"]
