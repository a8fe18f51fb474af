"""Request and response bodies of the HTTP API, kept apart from the tables (``models.tables``)."""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from models.enums import Role
from models.problem import Worker

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


class Registration(BaseModel):
    """A person joining a pool: where, how they sign in, and their profile."""

    model_config = ConfigDict(extra="forbid")
    organisation: str = Ref
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(min_length=8, max_length=200)
    worker: Worker
