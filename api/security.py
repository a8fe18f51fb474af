"""Passwords and bearer tokens. Passwords are hashed with Argon2 (pwdlib); tokens are random, shown to
the client once, and stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

from pwdlib import PasswordHash

from models.enums import Role
from models.tables import User

_hasher = PasswordHash.recommended()
TOKEN_BYTES = 32


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher.verify(password, password_hash)


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
