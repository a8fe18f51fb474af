"""What a person wants to hear about, and when not: events left out, and quiet hours (local time)
during which messages wait until the quiet ends (``api.notifications.outbox``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from api.core import crud
from api.notifications.outbox import EVENTS, preference
from models import tables as t
from models.enums import Role

FOR_ROLE = {
    Role.worker: ("offer", "offer_expiry", "work_changed", "decision"),
    Role.manager: ("sick_call", "request", "work_changed"),
    Role.farmer: ("sick_call", "request", "work_changed"),
    Role.coordinator: ("request", "digest", "sick_call", "work_changed"),
}
"""The events each role hears of, in the order the settings page lists them."""


@dataclass(frozen=True)
class Preferences:
    events: dict[str, bool]  # event -> heard of (in the role's order)
    quiet_from: dt.time | None
    quiet_until: dt.time | None


def get(session: Session, user: t.User) -> Preferences:
    pref = preference(session, user)
    muted = set(pref.muted) if pref else set()
    return Preferences(
        {e: e not in muted for e in FOR_ROLE[user.role]},
        pref.quiet_from if pref else None,
        pref.quiet_until if pref else None,
    )


def put(
    session: Session, user: t.User, muted: list[str], quiet_from: dt.time | None, quiet_until: dt.time | None
) -> Preferences:
    """Set them (422 naming the field for an unknown event, or quiet hours with one end only). Commits."""
    unknown = [e for e in muted if e not in EVENTS]
    if unknown:
        raise crud.invalid("muted", f"unknown event(s): {', '.join(sorted(unknown))}; known: {', '.join(EVENTS)}")
    if (quiet_from is None) != (quiet_until is None):
        raise crud.invalid(
            "quiet_until" if quiet_until is None else "quiet_from", "give both ends of the quiet hours, or neither"
        )
    pref = preference(session, user) or t.NotificationPreference(user_id=user.id)  # type: ignore[arg-type]
    pref.muted, pref.quiet_from, pref.quiet_until = sorted(set(muted)), quiet_from, quiet_until
    session.add(pref)
    session.commit()
    return get(session, user)
