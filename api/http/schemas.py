"""Request and response bodies of the HTTP API, kept apart from the tables (``models.tables``)."""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from models import problem as p
from models.enums import Role

T = TypeVar("T")

Ref = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    name: str
    role: Role
    organisation: str
    worker: str | None = None
    pending: bool = Field(False, description="A registration the coordinator has not approved yet")


class NamedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Ref
    name: str = Field(min_length=1, max_length=200)


class NamedPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)


class NamedOut(BaseModel):
    id: str
    name: str


class Applicant(p.Worker):
    """A person's profile as they register. The pool gives it an id; pay rate, hour limits and
    ``always_available`` are the pool's to set (the coordinator does, on approval)."""

    id: p.Ref | None = Field(None, description="Assigned by the pool; anything sent here is ignored")  # type: ignore[assignment]


class Registration(BaseModel):
    """A person joining a pool: where, how they sign in, and their profile."""

    model_config = ConfigDict(extra="forbid")
    organisation: str = Ref
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(max_length=200, description="At least 10 characters, not a common password")
    worker: Applicant


class RegistrationOut(BaseModel):
    status: str = Field(description="pending: the coordinator approves new members before they get work")
    message: str


class DecisionIn(BaseModel):
    """A person's answer to what waits for them: time off, an ask to take work, a swap."""

    model_config = ConfigDict(extra="forbid")
    approve: bool
    note: str = Field("", max_length=500, description="Why: required when declining")
