"""A worker's contact: phone number and preferred channel, seen only by those who need them."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.http.deps import CurrentUser, SessionDep
from api.services import contact as service

router = APIRouter(prefix="/workers/{ref}/contact", tags=["workers"])


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: str = Field("", max_length=40, description="Any common format; without a country code, Norwegian")
    channel: str = Field("email", description="email or sms: how she prefers to be reached")


class ContactOut(BaseModel):
    worker: str
    name: str
    email: str
    phone: str = Field(description="E.164, or empty")
    channel: str


@router.get("", response_model=ContactOut)
def get_contact(ref: str, user: CurrentUser, session: SessionDep) -> ContactOut:
    """The worker herself, the coordinator, and the managers and farmers of places where she has work
    offered or booked that has not ended (403 for anyone else)."""
    return ContactOut.model_validate(service.get(session, user, ref), from_attributes=True)


@router.put("", response_model=ContactOut)
def put_contact(ref: str, body: ContactIn, user: CurrentUser, session: SessionDep) -> ContactOut:
    return ContactOut.model_validate(service.put(session, user, ref, body.phone, body.channel), from_attributes=True)
