"""Signing in, out, and changing a password: one flow for the API's bearer tokens and the pages' cookies.

A web session is an ``AccessToken`` row like a bearer token (only its digest is stored, it can be
revoked), so signing out of the browser ends that session everywhere at once and nothing else.
"""

from __future__ import annotations

import datetime as dt
import secrets

from fastapi import status
from sqlmodel import Session, col, select

from api.core.crud import invalid
from api.core.refusals import Refused
from api.core.security import HashingBusy, digest, hash_password, new_token, new_user, password_problem, verify_password
from api.core.throttle import Refusal, Throttle
from api.http.schemas import Applicant, Registration
from api.services.profiles import ORGANISATION_FIELDS, add_worker
from models import problem as p
from models.enums import Role
from models.settings import settings
from models.tables import AccessToken, Organisation, User

TOKEN_LIFETIME = dt.timedelta(days=30)
POOLS = 5  # accounts one e-mail may sign in to; more are not looked at
MAX_PASSWORD = 200


class SeveralPools(Refused):
    """The e-mail and password match accounts in several pools: the person names one (``pools``)."""

    def __init__(self, pools: list[str], choose: str) -> None:
        super().__init__(status.HTTP_400_BAD_REQUEST, f"this e-mail is in several pools ({', '.join(pools)}): {choose}")
        self.pools = pools


def too_many(refusal: Refusal) -> Refused:
    return Refused(
        status.HTTP_429_TOO_MANY_REQUESTS,
        f"too many attempts; try again in {refusal.retry_after} s",
        headers={"Retry-After": str(refusal.retry_after)},
    )


def busy(error: HashingBusy) -> Refused:
    return Refused(status.HTTP_503_SERVICE_UNAVAILABLE, str(error), headers={"Retry-After": "5"})


def authenticate(
    session: Session,
    throttle: Throttle,
    email: str,
    password: str,
    pool: str | None,
    client: str,
    choose: str = "name the pool to sign in to",
) -> int:
    """The id of the active account with this e-mail and password (in ``pool`` when given). Attempts are
    limited per client address and failures per e-mail (429); a wrong e-mail takes as long as a wrong
    password (401 either way). ``choose`` tells a person in several pools how to name one."""
    config = settings()
    email = email.strip().lower()[:254]
    refusal = throttle.hit(config.sign_in_limit_per_client, "sign-in", client)
    refusal = refusal or throttle.check(config.sign_in_limit_per_email, "sign-in-failed", email)
    if refusal:
        raise too_many(refusal)
    query = select(User, Organisation.ref).join(Organisation).where(User.email == email, col(User.active))
    if pool:
        query = query.where(Organisation.ref == pool)
    accounts = [(u.id, u.password_hash, ref) for u, ref in session.exec(query.order_by(col(User.id)).limit(POOLS))]
    session.rollback()  # no connection is held while passwords are hashed
    try:
        matching = [(uid, ref) for uid, stored, ref in accounts if verify_password(password[:MAX_PASSWORD], stored)]
        if not accounts:
            verify_password(password[:MAX_PASSWORD], None)  # as long as for a known e-mail
    except HashingBusy as error:
        raise busy(error) from None
    if not matching:
        throttle.count(config.sign_in_limit_per_email, "sign-in-failed", email)
        raise Refused(status.HTTP_401_UNAUTHORIZED, "wrong email or password", headers={"WWW-Authenticate": "Bearer"})
    if len(matching) > 1:  # only someone who knows the password learns the pools
        raise SeveralPools(sorted(ref for _, ref in matching), choose)
    user_id = matching[0][0]
    assert user_id is not None
    return user_id


def start_session(session: Session, user_id: int, lifetime: dt.timedelta = TOKEN_LIFETIME) -> tuple[str, dt.datetime]:
    """A new token for the account (shown once) and when it expires. Commits."""
    token, token_digest = new_token()
    expires = dt.datetime.now(dt.UTC) + lifetime
    session.add(AccessToken(user_id=user_id, digest=token_digest, expires_at=expires))
    session.commit()
    return token, expires


def end_session(session: Session, user: User, token: str) -> None:
    """Revoke this token of this user (a token of someone else is left alone). Commits."""
    row = session.exec(select(AccessToken).where(AccessToken.digest == digest(token))).first()
    if row is not None and row.user_id == user.id:
        row.revoked = True
        session.add(row)
        session.commit()


def change_password(session: Session, user: User, current: str, new: str, keep: str | None = None) -> None:
    """Replace the password after checking the current one; every other session of the account is
    revoked (the one whose token is ``keep`` stays). 422 ``current_password`` or ``new_password``."""
    try:
        if not verify_password(current[:MAX_PASSWORD], user.password_hash):
            raise invalid("current_password", "this is not your current password")
        weak = password_problem(new, user.email, user.name)
        if weak:
            raise invalid("new_password", weak)
        if new == current:
            raise invalid("new_password", "choose a password other than the current one")
        hashed = hash_password(new)
    except HashingBusy as error:
        raise busy(error) from None
    user.password_hash = hashed
    session.add(user)
    kept = digest(keep) if keep else None
    for row in session.exec(
        select(AccessToken).where(AccessToken.user_id == user.id, col(AccessToken.revoked).is_(False))
    ):
        if row.digest != kept:
            row.revoked = True
            session.add(row)
    session.commit()


RECEIVED = (
    "Your registration is received. The pool's coordinator checks new members and approves your skills"
    " before you are offered work; sign in to see your profile and its approval state."
)


def register(session: Session, throttle: Throttle, client: str, body: Registration) -> str:
    """A citizen joins a pool: a pending profile and a sign-in (commits), limited per client address.
    The answer is the same whether or not the e-mail is registered already, and takes as long."""
    refusal = throttle.hit(settings().register_limit_per_client, "register", client)
    if refusal:
        raise too_many(refusal)
    org = session.exec(select(Organisation).where(Organisation.ref == body.organisation)).first()
    if org is None or org.id is None:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no organisation {body.organisation!r}")
    email = body.email.strip().lower()
    weak = password_problem(body.password, email, body.worker.name)
    if weak:
        raise invalid("password", weak)
    profile = applicant(body.worker)
    taken = session.exec(select(User).where(User.email == email, User.organisation_id == org.id)).first()
    try:
        if taken is not None:
            hash_password(body.password)  # as long as a new registration takes: the answer reveals nothing
            return RECEIVED
        worker = add_worker(session, org.id, profile, at=("worker",), pending=True)
        user = new_user(org.id, email, Role.worker, body.password, name=body.worker.name, worker_id=worker.id)
    except HashingBusy as error:
        raise busy(error) from None
    session.add(user)
    session.commit()
    return RECEIVED


def applicant(profile: Applicant) -> p.Worker:
    """The registering person's profile as the pool stores it: a fresh id, no approved skill, and the
    pool's defaults for what the pool decides (pay, hour limits, always available)."""
    fields = profile.model_dump(exclude={"id", *ORGANISATION_FIELDS - {"kind"}})
    worker = p.Worker.model_validate({**fields, "id": f"p-{secrets.token_hex(5)}"})
    for q in worker.qualifications:
        q.approved, q.valid_until = False, None
    return worker
