"""The daily digest of what waits for a decision: once a day, from ``digest_hour`` local time, each
coordinator (and each manager or farmer with something waiting at their places) gets one message
listing the registrations and skills to approve (coordinators), and the time off, asks to take work and
swaps waiting for them, each with the page to decide it on. Nothing waits: no message.

Every server runs the pass; the outbox's one-message-per-key rule (``digest:<local day>``, unique per
person in the database) makes it one digest a day however many run it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.notifications import outbox
from api.services import members, swaps, takes, time_off
from models import tables as t
from models.enums import Role
from models.rows import organisation_zone
from models.settings import settings


def waiting(session: Session, user: t.User, today: dt.date) -> list[tuple[str, str]]:
    """What waits for ``user``: (a line in words, the page to decide it on), empty when nothing does."""
    lines: list[tuple[str, str]] = []
    if user.role == Role.coordinator:
        queue = members.queue(session, user, today)
        if queue.registrations:
            names = ", ".join(w.name for w, _ in queue.registrations)
            lines.append((f"{len(queue.registrations)} registration(s) to approve: {names}", "/pool/approvals"))
        if queue.skills:
            lines.append((f"{len(queue.skills)} claimed skill(s) to approve", "/pool/approvals"))
    leave = [r for r in time_off.visible(session, user) if r.state == time_off.PENDING]
    if leave:
        lines.append((f"{len(leave)} time-off request(s) over accepted work", "/decide"))
    asks = [r for r in takes.visible(session, user) if r.state == takes.PENDING]
    if asks:
        lines.append((f"{len(asks)} ask(s) to take open work", "/decide"))
    swapped = swaps.to_decide(session, user)
    if swapped:
        lines.append((f"{len(swapped)} swap(s) to approve", "/decide"))
    return lines


def compose(session: Session, user: t.User, now: dt.datetime) -> tuple[str, str] | None:
    """The digest's subject and body as things stand at ``now``; None when nothing waits."""
    today = now.astimezone(organisation_zone(session, user.organisation_id)).date()
    lines = waiting(session, user, today)
    if not lines:
        return None
    base = settings().public_url.rstrip("/")
    text = "".join(f"  {line}\n    {base}{path}\n" for line, path in lines)
    body = f"Hello {user.name or 'there'},\n\nThis waits for your decision:\n\n{text}"
    return f"Waiting for your decision: {'; '.join(line.split(':')[0] for line, _ in lines)}", body


def stage(session: Session, user: t.User, now: dt.datetime) -> bool:
    """Queue today's digest for ``user`` if something waits (the caller commits). It is written again
    when its turn to be sent comes (``refresh``): what was decided meanwhile is not announced."""
    composed = compose(session, user, now)
    if composed is None:
        return False
    today = now.astimezone(organisation_zone(session, user.organisation_id)).date()
    subject, body = composed
    return outbox.enqueue(session, user, "digest", f"digest:{today.isoformat()}", subject, body, now) is not None


def refresh(session: Session, row: t.Notification, user: t.User, now: dt.datetime) -> bool:
    """Bring a queued digest up to date before it is sent (quiet hours may have held it for hours):
    False when nothing waits any more, and it is not to be sent."""
    composed = compose(session, user, now)
    if composed is None:
        return False
    row.subject, row.body = composed
    return True


def run_due(engine: Engine, now: dt.datetime | None = None) -> int:
    """Queue the digests due now (from ``digest_hour`` local time, once a day); the number queued."""
    now = now or dt.datetime.now(dt.UTC)
    staged = 0
    with Session(engine) as session:
        deciders = session.exec(
            select(t.User.id, t.User.organisation_id).where(
                col(t.User.active), col(t.User.role).in_([Role.coordinator, Role.manager, Role.farmer])
            )
        ).all()
    for user_id, organisation_id in deciders:
        with Session(engine) as session:
            if now.astimezone(organisation_zone(session, organisation_id)).hour < settings().digest_hour:
                continue
            user = session.get(t.User, user_id)
            if user is None or not stage(session, user, now):
                continue
            try:
                session.commit()
                staged += 1
            except IntegrityError:  # another server queued it this instant
                session.rollback()
    return staged
