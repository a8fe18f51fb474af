"""How a message leaves the server. E-mail goes over SMTP (``Email``); SMS and web push are the same
``Channel`` interface, for a deployment to plug its provider into (none is reachable from here, so none
ships: a deployment names its own with ``BEMANNA_SMS_PROVIDER``). ``Recorded`` is the test double
every channel can be replaced by."""

from __future__ import annotations

import importlib
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

from models.settings import Settings


@dataclass(frozen=True)
class Message:
    to: str  # an e-mail address, a phone number or a push subscription, by channel
    subject: str
    body: str
    message_id: str  # stable per outbox row: a message sent twice after a crash is one to mail clients
    created: object = None  # aware datetime: the Date header


class Channel(Protocol):
    """Delivers one message or raises (the sender tries again later)."""

    def send(self, message: Message) -> None: ...


class Sms(Channel, Protocol):
    """An SMS provider (a deployment's own; ``Message.to`` is an E.164 phone number)."""


class Push(Channel, Protocol):
    """A web-push service (a deployment's own; ``Message.to`` is the subscription's endpoint)."""


@dataclass
class Email:
    """E-mail over SMTP, with STARTTLS, implicit TLS or neither, and an optional login."""

    settings: Settings

    def send(self, message: Message) -> None:
        s = self.settings
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = s.smtp_from, message.to, message.subject
        mail["Message-ID"] = message.message_id
        if message.created is not None:
            mail["Date"] = format_datetime(message.created)  # type: ignore[arg-type]
        mail.set_content(message.body)
        context = ssl.create_default_context()
        if s.smtp_security == "tls":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=context
            )
        else:
            server = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        with server:
            if s.smtp_security == "starttls":
                server.starttls(context=context)
            if s.smtp_user:
                server.login(s.smtp_user, s.smtp_password.get_secret_value())
            server.send_message(mail)


@dataclass
class Recorded:
    """A channel that keeps what it is given (tests, and a deployment trying its set-up)."""

    sent: list[Message] = field(default_factory=list)
    fail: int = 0  # fail this many sends first

    def send(self, message: Message) -> None:
        if self.fail:
            self.fail -= 1
            raise ConnectionError("the provider is away")
        self.sent.append(message)


def message_id(uid: int, domain: str) -> str:
    """The same Message-ID for every try of one outbox row, so a resend after a crash is one message."""
    return f"<notification.{uid}@{domain}>"


def configured(settings: Settings) -> dict[str, Channel]:
    """The channels this deployment can send through: e-mail once an SMTP host is set, SMS once a
    provider is named (``sms_provider``, ``module:factory``; the factory gets the settings)."""
    found: dict[str, Channel] = {"email": Email(settings)} if settings.smtp_host else {}
    if settings.sms_provider:
        found["sms"] = provider(settings.sms_provider)(settings)
    return found


def provider(name: str) -> Callable[[Settings], Channel]:
    """The factory ``module:factory`` names; a clear error at start-up when it is not there."""
    module, _, attribute = name.partition(":")
    try:
        factory = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as error:
        raise RuntimeError(f"BEMANNA_SMS_PROVIDER names {name!r}, which cannot be loaded: {error}") from None
    if not callable(factory):
        raise RuntimeError(f"BEMANNA_SMS_PROVIDER names {name!r}, which is not a factory")
    return factory  # type: ignore[no-any-return]
