"""A real SMTP server on loopback (aiosmtpd) that keeps what arrives, for the notification tests."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if message["Subject"] is not None:  # a long subject folded right after "Subject:" unfolds with a space
            message.replace_header("Subject", str(message["Subject"]).strip())
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """The server, and the settings pointing Bemanna's e-mail at it (links in messages on https://testserver)."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("BEMANNA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BEMANNA_SMTP_PORT", str(port))
    monkeypatch.setenv("BEMANNA_SMTP_SECURITY", "none")
    monkeypatch.setenv("BEMANNA_SMTP_FROM", "Bemanna <pool@oslo.no>")
    monkeypatch.setenv("BEMANNA_PUBLIC_URL", "https://testserver")
    try:
        yield inbox
    finally:
        controller.stop()
