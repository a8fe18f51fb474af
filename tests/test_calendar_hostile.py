"""Hostile calendars from a worker who self-registered a minute ago: every file is answered within its
time bound (expansion runs in a child process with a CPU budget), without holding a database
connection, and a refused file changes nothing. Registered URLs: a server that drips its answer is cut
off at the download's deadline, and the connection goes to the address that was checked."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from calendars import fetch, sandbox
from calendars.busy import CalendarFileError
from tests.api_helpers import contents
from tests.test_calendar_import import CAL, DATA, Q1_QUERY, setup

HOSTILE = DATA / "hostile"
CPU = 1.0  # the budget these tests give one file
BOUND = 2 * CPU + 4  # the parent's deadline, plus starting the child and the request around it


@pytest.fixture(autouse=True)
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEMANNA_CALENDAR_CPU_SECONDS", str(CPU))


def many_events(n: int) -> bytes:
    day = dt.datetime(2027, 1, 1, 8)
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{i}\r\nDTSTART:{(day + dt.timedelta(minutes=i)):%Y%m%dT%H%M%S}Z\r\nDURATION:PT1M\r\n"
        "END:VEVENT\r\n"
        for i in range(n)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{events}END:VCALENDAR\r\n".encode()


CASES = [
    ("interval_zero.ics", 422, "INTERVAL=0"),
    ("secondly_without_end.ics", 422, "repeats too often"),
    ("never_occurs.ics", 422, "the event 'Never 1' takes longer than 1 s to expand"),
    ("bad_tzid.ics", (200, 422), ""),
    ("not_utf8.ics", (200, 422), ""),
    ("100k events", 413, "larger than"),
    ("25k events", 422, "longer than 1 s to read"),  # parsing 2 MB alone is over this test's budget
]


def body(name: str) -> bytes:
    if name.endswith(" events"):
        return many_events(int(name.split("k")[0]) * 1000)
    return (HOSTILE / name).read_bytes()


@pytest.mark.parametrize(("name", "status", "words"), CASES, ids=[c[0] for c in CASES])
def test_each_hostile_file_is_answered_in_time_and_a_refusal_changes_nothing(
    engine: Engine, name: str, status: int | tuple[int, ...], words: str
) -> None:
    who = setup(engine)
    before = contents(engine)
    started = time.monotonic()
    r = who["client"].post(f"/workers/a/busy-times{Q1_QUERY}", content=body(name), headers={**who["a"], **CAL})
    took = time.monotonic() - started
    assert r.status_code in (status if isinstance(status, tuple) else (status,)), r.text
    assert words in r.text, r.text
    assert took < BOUND, f"{name} took {took:.1f} s"
    if r.status_code != 200:
        assert contents(engine) == before


def test_a_file_over_its_cpu_budget_is_refused_naming_the_event_the_estimate_let_through() -> None:
    data = (HOSTILE / "never_occurs.ics").read_bytes()
    started = time.monotonic()
    with pytest.raises(CalendarFileError, match="the event 'Never 1' takes longer than 1 s"):
        sandbox.expand(data, dt.date(2027, 1, 1), dt.date(2027, 3, 31), ZoneInfo("Europe/Oslo"))
    assert time.monotonic() - started < BOUND


def test_no_database_connection_is_held_while_a_file_is_expanded(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    who = setup(engine)
    held: list[int] = []
    real = sandbox.expand

    def watched(*args: Any) -> Any:
        held.append(engine.pool.checkedout())  # type: ignore[attr-defined]
        return real(*args)

    monkeypatch.setattr(sandbox, "expand", watched)
    data = (DATA / "google_export.ics").read_bytes()
    r = who["client"].post(f"/workers/a/busy-times{Q1_QUERY}", content=data, headers={**who["a"], **CAL})
    assert r.status_code == 200, r.text
    assert held == [0]


def test_uploads_beyond_the_slots_wait_then_are_told_to_try_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    who = setup(engine)
    monkeypatch.setenv("BEMANNA_CALENDAR_SLOTS", "1")
    monkeypatch.setenv("BEMANNA_CALENDAR_QUEUE_SECONDS", "0.2")
    slots = sandbox._semaphore(1)
    assert slots.acquire(timeout=1)  # someone else's file holds the only slot
    try:
        data = (DATA / "google_export.ics").read_bytes()
        r = who["client"].post(f"/workers/a/busy-times{Q1_QUERY}", content=data, headers={**who["a"], **CAL})
        assert r.status_code == 503 and "try again" in r.text and r.headers["retry-after"]
    finally:
        slots.release()


class Server:
    """A loopback calendar server: ``drip`` sends one byte every ``gap`` seconds, forever (bounded)."""

    def __init__(self, gap: float = 0.3) -> None:
        self.hosts: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer.hosts.append(self.headers.get("Host", ""))
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.end_headers()
                if self.path.startswith("/drip"):
                    for _ in range(200):  # at most a minute: the test ends it long before
                        try:
                            self.wfile.write(b"B")
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(gap)
                else:
                    self.wfile.write((DATA / "outlook_export.ics").read_bytes())

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.setenv("BEMANNA_ALLOW_PRIVATE_CALENDAR_URLS", "1")  # loopback is private
    monkeypatch.setenv("BEMANNA_CALENDAR_FETCH_SECONDS", "1.5")
    monkeypatch.setenv("BEMANNA_CALENDAR_READ_SECONDS", "1")
    # a name no resolver knows: it can only be reached through the address the check resolved
    monkeypatch.setattr(fetch, "RESOLVE", lambda host: ["127.0.0.1"] if host == "calendar.invalid" else [])
    s = Server()
    yield s
    s.close()


def test_a_dripping_server_is_cut_off_at_the_whole_downloads_deadline(server: Server) -> None:
    started = time.monotonic()
    with pytest.raises(CalendarFileError, match=r"within 1\.5 s"):
        fetch.fetch(f"http://calendar.invalid:{server.port}/drip.ics")
    assert time.monotonic() - started < 3.0  # the deadline plus at most one read


def test_the_connection_goes_to_the_checked_address_with_the_names_host_header(server: Server) -> None:
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("calendar.invalid", server.port)  # the real resolver does not know the name
    data = fetch.fetch(f"http://calendar.invalid:{server.port}/cal.ics")
    assert data.startswith(b"BEGIN:VCALENDAR")
    assert server.hosts == [f"calendar.invalid:{server.port}"]


def test_the_hostile_files_are_in_the_repository() -> None:
    names = {p.name for p in Path(HOSTILE).glob("*.ics")}
    assert {c[0] for c in CASES if c[0].endswith(".ics")} == names


def test_the_budget_is_for_reading_the_file_not_for_starting_the_reader() -> None:
    """A slow machine spends much of a second importing the reader; that time must not count against
    the file (seen: a file refused as too slow to read after 1 s of start-up on a loaded runner)."""
    import subprocess
    import sys

    header = json.dumps({"first": "2027-01-01", "last": "2027-02-01", "zone": "Europe/Oslo", "cpu": CPU, "mb": 512})
    slow_start = (
        "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.5: pass\n"
        "from calendars.sandbox import main\nmain()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", slow_start],
        input=header.encode() + b"\n" + many_events(300),  # a few tenths of a second to read
        capture_output=True,
        cwd=sandbox.ROOT,
        timeout=30,
    )
    said = [json.loads(line) for line in out.stdout.splitlines()]
    assert said and said[-1]["done"]["events"] == 300, said[-3:]
