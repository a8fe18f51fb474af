"""The background sender: delivers due outbox rows, each once, from any of the servers sharing the
database.

A row is claimed under a short lease (an UPDATE that only one server can win) before it is sent and
marked sent after, so two servers never send the same row and a server that dies mid-way leaves it to be
claimed again once its lease runs out. A failed send is tried again with exponential back-off, up to
``notify_max_attempts``; then the row is marked failed with the reason. Nothing here logs a message's
address or text, and a sent message's text (its one-click links) is not kept.
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.background.periodic import Periodic
from api.notifications import events
from api.notifications.channels import Channel, Message, configured, message_id
from api.notifications.outbox import phone_of
from api.services import digest
from models import tables as t
from models.settings import settings

log = logging.getLogger("bemanna.notifications")

LEASE = dt.timedelta(seconds=120)  # longer than any one send may take (the SMTP timeout is at most 120 s)
BATCH = 50
FIRST_RETRY = dt.timedelta(seconds=30)
LAST_RETRY = dt.timedelta(hours=6)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: 30 s, 1 min, 2 min, … at most 6 h."""
    return min(LAST_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))


class Sender(Periodic):
    name = "bemanna-notifications"
    log = log

    def __init__(
        self, engine: Engine, channels: dict[str, Channel] | None = None, check_seconds: float | None = None
    ) -> None:
        super().__init__(settings().notify_check_seconds if check_seconds is None else check_seconds)
        self.engine = engine
        self.channels = configured(settings()) if channels is None else channels
        self.domain = urlsplit(settings().public_url).hostname or "bemanna"

    def start(self) -> None:
        if not self.channels:
            log.warning("no notification channel is configured (BEMANNA_SMTP_HOST): messages wait in the outbox")
        super().start()

    def run_once(self, now: dt.datetime | None = None) -> int:
        """Send what is due now through the configured channels; the number sent."""
        now = now or dt.datetime.now(dt.UTC)
        if not self.channels:
            return 0
        with Session(self.engine) as session:
            due = session.exec(
                select(t.Notification.id)
                .where(
                    col(t.Notification.sent_at).is_(None),
                    col(t.Notification.failed_at).is_(None),
                    col(t.Notification.due_at) <= now,
                    col(t.Notification.channel).in_(list(self.channels)),
                    or_(col(t.Notification.claimed_until).is_(None), col(t.Notification.claimed_until) < now),
                )
                .order_by(col(t.Notification.due_at), col(t.Notification.id))
                .limit(BATCH)
            ).all()
        return sum(self._send(row_id, now) for row_id in due if row_id is not None and not self.halted)

    def _claim(self, session: Session, row_id: int, now: dt.datetime) -> bool:
        won = session.execute(
            update(t.Notification)
            .where(
                col(t.Notification.id) == row_id,
                col(t.Notification.sent_at).is_(None),
                col(t.Notification.failed_at).is_(None),
                or_(col(t.Notification.claimed_until).is_(None), col(t.Notification.claimed_until) < now),
            )
            .values(claimed_until=now + LEASE)
        )
        session.commit()
        return won.rowcount == 1  # type: ignore[attr-defined]

    def _send(self, row_id: int, now: dt.datetime) -> bool:
        with Session(self.engine) as session:
            if not self._claim(session, row_id, now):
                return False  # another server has it
            row = session.get(t.Notification, row_id)
            user = session.get(t.User, row.user_id) if row is not None else None
            if row is None or user is None:
                return False
            stale = events.outdated(session, row)
            if stale is None and row.event == "digest" and not digest.refresh(session, row, user, now):
                stale = "everything it listed was decided before it was sent"
            if stale is not None:  # not sent, and never tried again
                row.failed_at, row.error, row.body, row.claimed_until = now, stale, "", None
                session.add(row)
                session.commit()
                return False
            to = phone_of(session, user) if row.channel == "sms" else user.email
            message = Message(to, row.subject, row.body, message_id(row_id, self.domain), row.created_at)
            try:
                self.channels[row.channel].send(message)
            except Exception as error:
                row.attempts += 1
                row.error = f"{type(error).__name__}: {error}"[:500]
                row.claimed_until = None
                if row.attempts >= settings().notify_max_attempts:
                    row.failed_at = now
                    log.warning("notification %s given up after %s attempts", row_id, row.attempts)
                else:
                    row.due_at = now + backoff(row.attempts)
                session.add(row)
                session.commit()
                return False
            row.attempts += 1
            row.sent_at, row.claimed_until, row.error = dt.datetime.now(dt.UTC), None, ""
            row.body = ""  # its links are keys to someone's answers: once sent, not kept
            session.add(row)
            session.commit()
            return True
