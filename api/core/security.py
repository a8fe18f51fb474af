"""Passwords and bearer tokens. Passwords are hashed with Argon2 (pwdlib); tokens are random, shown to
the client once, and stored only as a SHA-256 digest.

Argon2 takes 64 MiB and tens of milliseconds per hash on purpose, so a burst of sign-ins could take the
server's memory: at most ``password_hash_slots`` hashes run at once, and a caller that waits longer
than ``password_queue_seconds`` is told the server is busy. A sign-in for an unknown e-mail verifies
against a stand-in hash, so the answer takes as long as for a known one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from typing import TypeVar

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session, select
from zxcvbn import zxcvbn

from models.enums import Role
from models.settings import settings
from models.slots import slots
from models.tables import AccessToken, User

_config = settings()
_hasher = PasswordHash(
    (Argon2Hasher(memory_cost=_config.password_hash_memory_kib, time_cost=_config.password_hash_time_cost),)
)  # a stored hash carries its own parameters, so a change applies to new passwords and verifies old ones
TOKEN_BYTES = 32
MIN_LENGTH, MAX_LENGTH = 10, 200
SCORED = 72  # zxcvbn scores at most this many characters; a longer password is no weaker for it
_stand_in: str | None = None
T = TypeVar("T")


class HashingBusy(RuntimeError):
    """Every hashing slot stayed taken for the whole wait."""


def _bounded(work: Callable[[], T]) -> T:
    config = settings()
    hashing = slots("password-hashing", config.password_hash_slots)
    if not hashing.acquire(timeout=config.password_queue_seconds):
        raise HashingBusy("the server is busy signing people in; try again in a moment")
    try:
        return work()
    finally:
        hashing.release()


def hash_password(password: str) -> str:
    return _bounded(lambda: _hasher.hash(password))


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches; ``None`` (no such user) checks a stand-in and answers False."""
    global _stand_in
    if password_hash is None:
        _stand_in = _stand_in or hash_password(secrets.token_urlsafe(16))
        stand_in = _stand_in
        _bounded(lambda: _hasher.verify(password, stand_in))
        return False
    return _bounded(lambda: _hasher.verify(password, password_hash))


def password_problem(password: str, *known: str) -> str | None:
    """Why a new password is refused, in words for the person choosing it, or None if it is good:
    at least ``MIN_LENGTH`` characters, and not a common or easily guessed one (zxcvbn's lists of common
    passwords, names and words, and ``known`` things such as the e-mail and name)."""
    if len(password) < MIN_LENGTH:
        return f"use at least {MIN_LENGTH} characters; a few unusual words together work well"
    if len(password) > MAX_LENGTH:
        return f"use at most {MAX_LENGTH} characters"
    inputs = [part for k in known for part in k.replace("@", " ").replace(".", " ").split() if part]
    result = zxcvbn(password[:SCORED], user_inputs=inputs[:20])
    if result["score"] >= 3:
        return None
    feedback = result["feedback"]
    words = [feedback.get("warning") or "this password is too easy to guess", *feedback.get("suggestions", [])]
    return " ".join(w.rstrip(".") + "." for w in words if w)


def new_token() -> tuple[str, str]:
    """A fresh token and the digest to store."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_user(
    organisation_id: int, email: str, role: Role, password: str, *, name: str = "", worker_id: int | None = None
) -> User:
    """A user row with a normalised email and a hashed password (the caller checks and adds it)."""
    return User(
        organisation_id=organisation_id,
        email=email.strip().lower(),
        name=name,
        role=role,
        worker_id=worker_id,
        password_hash=hash_password(password),
    )


def user_of(session: Session, token: str | None) -> User | None:
    """The active account a live token belongs to, or None: what the door asks of every request."""
    if not token:
        return None
    row = session.exec(select(AccessToken).where(AccessToken.digest == digest(token))).first()
    if row is None or row.revoked or _aware(row.expires_at) <= dt.datetime.now(dt.UTC):
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)
