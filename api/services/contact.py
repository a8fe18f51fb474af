"""How to reach a worker: her phone number and the channel she prefers. Contact details are personal
data, so they are seen only by those who need them: the worker, the coordinator, and the managers and
farmers of places where she has work offered or booked that has not ended."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import phonenumbers
from fastapi import status
from sqlmodel import Session, col, select

from api.core import crud
from api.core.refusals import Refused
from api.services import assignments
from models import tables as t
from models.enums import AssignmentStatus, Role
from models.rows import organisation_zone, span

CHANNELS = {"email": "E-mail", "sms": "Text message (SMS)"}
DEFAULT_REGION = "NO"  # a number without a country code is read as Norwegian


@dataclass(frozen=True)
class Contact:
    worker: str
    name: str
    email: str
    phone: str  # E.164, or empty
    channel: str


def normalised(raw: str) -> str:
    """The number in E.164 (``+4791234567``), or empty; 422 ``phone`` if it is not a valid number."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise crud.invalid("phone", "is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _runs_her_work(session: Session, user: t.User, worker: t.Worker) -> bool:
    """Whether ``user`` runs a place where ``worker`` has offered or accepted work that has not ended (the
    assignments a manager or farmer may see, ``assignments.visible``)."""
    rows = session.exec(
        select(t.Assignment).where(
            assignments.visible(user),
            t.Assignment.worker_id == worker.id,
            col(t.Assignment.status).in_([AssignmentStatus.offered, AssignmentStatus.accepted]),
        )
    )
    tz, now = organisation_zone(session, worker.organisation_id), dt.datetime.now(dt.UTC)
    return any(span(session, a, tz).end > now for a in rows)


def _view(session: Session, worker: t.Worker) -> Contact:
    account = session.exec(select(t.User).where(t.User.worker_id == worker.id, t.User.role == Role.worker)).first()
    return Contact(worker.ref, worker.name, account.email if account else "", worker.phone, worker.channel)


def get(session: Session, user: t.User, ref: str) -> Contact:
    """404 outside the organisation; 403 for anyone who does not need it."""
    worker = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    own = user.role == Role.worker and user.worker_id == worker.id
    if not (
        own
        or user.role == Role.coordinator
        or (user.role in (Role.manager, Role.farmer) and _runs_her_work(session, user, worker))
    ):
        raise Refused(status.HTTP_403_FORBIDDEN, "a worker's contact is for her own places and the coordinator")
    return _view(session, worker)


def put(session: Session, user: t.User, ref: str, phone: str, channel: str) -> Contact:
    """Set the number and the channel (the worker herself, or the coordinator). Commits."""
    worker = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    if not (user.role == Role.coordinator or (user.role == Role.worker and user.worker_id == worker.id)):
        raise Refused(status.HTTP_403_FORBIDDEN, "only the worker herself (or the coordinator) changes her contact")
    if channel not in CHANNELS:
        raise crud.invalid("channel", "must be one of " + ", ".join(CHANNELS))
    worker.phone = normalised(phone)
    if channel == "sms" and not worker.phone:
        raise crud.invalid("phone", "give a phone number to be reached by text message")
    worker.channel = channel
    session.add(worker)
    session.commit()
    return _view(session, worker)
