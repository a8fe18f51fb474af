"""Writing messages into the outbox, inside the transaction of the change that causes them.

A person's preferences apply here: an event they muted is not queued, and one falling in their quiet
hours is due when the quiet ends (in the organisation's local time). The same ``key`` is queued once
per person, so an event seen twice (a retried request) is one message.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from models import tables as t
from models.rows import organisation_zone
from models.settings import settings

EVENTS = {
    "offer": "Offers of work",
    "offer_expiry": "Reminders and expiry of offers",
    "work_changed": "Changes and cancellations of my work",
    "sick_call": "Sick calls at my places",
    "decision": "Decisions on my time off and swaps",
    "request": "Time off and swaps waiting for my decision",
    "digest": "The coordinator's digest of pending approvals",
}
"""The events people can choose to hear about (all of them by default), in the words of the settings page."""


def phone_of(session: Session, user: t.User) -> str:
    """The phone number of the worker a sign-in belongs to ("" for none)."""
    worker = session.get(t.Worker, user.worker_id) if user.worker_id else None
    return worker.phone if worker is not None else ""


def channel_for(session: Session, user: t.User) -> str:
    """SMS for a worker who prefers it and has a number, where the deployment has an SMS provider;
    e-mail otherwise (so nobody goes unreached for want of a provider)."""
    worker = session.get(t.Worker, user.worker_id) if user.worker_id else None
    if worker is not None and worker.channel == "sms" and worker.phone and settings().sms_provider:
        return "sms"
    return "email"


def preference(session: Session, user: t.User) -> t.NotificationPreference | None:
    return session.exec(select(t.NotificationPreference).where(t.NotificationPreference.user_id == user.id)).first()


def after_quiet(moment: dt.datetime, pref: t.NotificationPreference | None, tz: ZoneInfo) -> dt.datetime:
    """``moment``, or the end of the quiet hours it falls in (quiet hours may span midnight)."""
    if pref is None or pref.quiet_from is None or pref.quiet_until is None or pref.quiet_from == pref.quiet_until:
        return moment
    local = moment.astimezone(tz)
    start, end, now = pref.quiet_from, pref.quiet_until, local.time()
    inside = start <= now < end if start < end else (now >= start or now < end)
    if not inside:
        return moment
    day = local.date() if now < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=tz).astimezone(dt.UTC)


def enqueue(
    session: Session,
    user: t.User,
    event: str,
    key: str,
    subject: str,
    body: str,
    now: dt.datetime | None = None,
) -> t.Notification | None:
    """Stage a message to ``user`` (the caller commits it with its change); None if they muted the event,
    have no way to be reached, or it is queued already."""
    assert event in EVENTS, event
    channel = channel_for(session, user)
    if not user.active or (channel == "email" and not user.email):
        return None
    pref = preference(session, user)
    if pref is not None and event in pref.muted:
        return None
    queued = session.exec(select(t.Notification).where(t.Notification.user_id == user.id, t.Notification.key == key))
    if queued.first() is not None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    row = t.Notification(
        organisation_id=user.organisation_id,
        user_id=user.id,  # type: ignore[arg-type]
        event=event,
        key=key[:200],
        subject=subject[:300],
        body=body,
        channel=channel,
        created_at=now,
        due_at=after_quiet(now, pref, organisation_zone(session, user.organisation_id)),
    )
    session.add(row)
    return row
