"""A real server process killed between a change and the sending of its message: the message waits in
the outbox, and after a restart (here two servers coming up at once on the same database) it is sent
exactly once. Real processes, a real SIGKILL, a real SMTP server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import tables as t
from tests.api_helpers import PASSWORD
from tests.conftest import POSTGRES_URL
from tests.smtp_fixture import Inbox, _free_port
from tests.test_notifications import _proposal
from tests.web_fixture import ACCOUNTS, seed_web_pool

ROOT = Path(__file__).resolve().parent.parent


def _url(engine: Engine) -> str:
    """The database URL a separate process opens to reach the test's database (its schema, on PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


@contextmanager
def _server(url: str, check_seconds: float) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``bemanna serve`` on a free port, once it answers; killed at the end if still up."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BEMANNA_NOTIFY_CHECK_SECONDS": str(check_seconds)}
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--db", url, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server did not start"
            try:
                if httpx.get(f"{base}/sign-in", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not answer within a minute"
            time.sleep(0.2)
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _outbox(engine: Engine) -> list[t.Notification]:
    with Session(engine) as session:
        return list(session.exec(select(t.Notification).order_by(col(t.Notification.id))))


def test_a_killed_server_s_message_is_sent_exactly_once_after_restart(engine: Engine, smtp: Inbox) -> None:
    seed_web_pool(engine)
    proposal = _proposal(engine)
    url = _url(engine)
    with _server(url, check_seconds=3600) as (first, base):  # its sender's one pass ran at start
        token = httpx.post(
            f"{base}/auth/token", data={"username": ACCOUNTS["coordinator"], "password": PASSWORD}
        ).json()["access_token"]
        r = httpx.post(
            f"{base}/assignments/offer", json={"ids": [proposal]}, headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 200, r.text
        first.send_signal(signal.SIGKILL)  # dies between the change and the sending
        first.wait(timeout=10)
    [row] = _outbox(engine)
    assert row.sent_at is None and smtp.messages == []
    with _server(url, check_seconds=0.2), _server(url, check_seconds=0.2):  # two come up at once
        deadline = time.monotonic() + 30
        while not smtp.to("ada@oslo.no") and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # time enough for a second send, were there one
    [offer] = smtp.to("ada@oslo.no")
    assert offer["Subject"].startswith("Offer: Late shift at Lia sykehjem")
    assert len(smtp.messages) == 1
    [row] = _outbox(engine)
    assert row.sent_at is not None and row.attempts == 1 and row.body == ""
