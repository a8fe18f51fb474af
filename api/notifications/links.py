"""One-click answers in a message: a random secret in the link, stored only as its SHA-256 digest, that
expires and works once. Opening the link shows what it does and one button; only pressing it acts, so
a mail scanner that opens every link in a message answers nothing."""

from __future__ import annotations

import datetime as dt
import secrets

from fastapi import status
from sqlalchemy import update
from sqlmodel import Session, col, select

from api.core.refusals import Refused
from api.core.security import digest
from models import tables as t
from models.rows import utc
from models.settings import settings

ACTIONS = ("accept", "decline")


def answer_by(assignment: t.Assignment, now: dt.datetime) -> dt.datetime:
    """When an offer's links stop working: when the offer runs out, or ``action_link_hours`` from now if
    that is sooner (an offer without an end)."""
    longest = now + dt.timedelta(hours=settings().action_link_hours)
    ends = assignment.offer_expires_at
    return min(longest, utc(ends)) if ends is not None else longest


def make(session: Session, user: t.User, assignment: t.Assignment, action: str, now: dt.datetime) -> str:
    """A new link's secret (staged with the caller's change); it works until the offer runs out."""
    assert action in ACTIONS and user.id is not None and assignment.id is not None
    token = secrets.token_urlsafe(32)
    session.add(
        t.ActionLink(
            organisation_id=user.organisation_id,
            user_id=user.id,
            assignment_id=assignment.id,
            action=action,
            digest=digest(token),
            created_at=now,
            expires_at=answer_by(assignment, now),
        )
    )
    return token


def find(session: Session, token: str, now: dt.datetime) -> t.ActionLink:
    """The link, if it may still be used: 404 for an unknown one, 410 for a used or expired one."""
    if not 20 <= len(token) <= 100:
        raise Refused(status.HTTP_404_NOT_FOUND, "this link is not valid")
    link = session.exec(select(t.ActionLink).where(t.ActionLink.digest == digest(token))).first()
    if link is None:
        raise Refused(status.HTTP_404_NOT_FOUND, "this link is not valid")
    if link.used_at is not None:
        raise Refused(status.HTTP_410_GONE, "this link has been used already; it works once")
    if link.expires_at <= now:
        raise Refused(status.HTTP_410_GONE, "this link has expired; answer under My work instead")
    return link


def use(session: Session, link: t.ActionLink, now: dt.datetime) -> None:
    """Mark the link used, in the transaction of its action; 410 if another use won the race."""
    won = session.execute(
        update(t.ActionLink)
        .where(col(t.ActionLink.id) == link.id, col(t.ActionLink.used_at).is_(None), col(t.ActionLink.expires_at) > now)
        .values(used_at=now)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        raise Refused(status.HTTP_410_GONE, "this link has been used already; it works once")
