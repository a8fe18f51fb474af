"""Expanding a calendar file from outside in a child process with hard limits.

A file's recurrence rules are expanded by a library loop that no estimate can fully bound (a rule that
never occurs makes it search for centuries; a bug in a parser could loop forever). So the server never
expands one in its own process: each file goes to a fresh interpreter (``python -m calendars.sandbox``)
with a CPU-time and an address-space limit, and the parent kills it at a wall-clock deadline. The child
reports each event before expanding it, so a file over its budget is refused naming that event. A
server-wide number of slots bounds how many children run at once; a caller that waits too long for one
is told to try again.

Nothing here touches the database: callers release their connection before they call ``expand``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from calendars.busy import BusyTimes, CalendarFileError, busy_times
from models.settings import settings
from models.slots import slots

ROOT = Path(__file__).resolve().parent.parent


class CalendarBusy(RuntimeError):
    """Every expansion slot stayed taken for the whole wait: the server is busy; try again soon."""


def _semaphore(count: int) -> threading.BoundedSemaphore:
    return slots("calendar-expansion", count)


def expand(data: bytes, first: dt.date, last: dt.date, tz: ZoneInfo) -> BusyTimes:
    """``busy_times`` of the file, computed in a bounded child process; ``CalendarFileError`` names the
    event that ran over the budget, ``CalendarBusy`` if no slot came free in time."""
    config = settings()
    slots = _semaphore(config.calendar_slots)
    if not slots.acquire(timeout=config.calendar_queue_seconds):
        raise CalendarBusy("the calendar import is busy; try again in a minute")
    try:
        return _run(data, first, last, tz.key, config.calendar_cpu_seconds, config.calendar_memory_mb)
    finally:
        slots.release()


def _run(data: bytes, first: dt.date, last: dt.date, zone: str, cpu: float, mb: int) -> BusyTimes:
    header = json.dumps({"first": first.isoformat(), "last": last.isoformat(), "zone": zone, "cpu": cpu, "mb": mb})
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"}
    child = subprocess.Popen(
        [sys.executable, "-m", "calendars.sandbox"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    )
    try:
        out, _ = child.communicate(header.encode() + b"\n" + data, timeout=2 * cpu + 2)
    except subprocess.TimeoutExpired:  # the CPU limit is the budget; this deadline is the backstop
        child.kill()
        out, _ = child.communicate()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    event: str | None = None
    for line in out.splitlines():
        message = json.loads(line)
        if "at" in message:
            event = message["at"]
        elif "done" in message:
            return _busy(message["done"])
        elif "refused" in message:
            raise CalendarFileError(message["refused"])
        elif "memory" in message:
            raise CalendarFileError(f"{_which(event)} needs more memory to expand than an import may use")
    raise CalendarFileError(_over_budget(event, cpu))  # killed by its CPU limit or the deadline


def _busy(done: dict[str, Any]) -> BusyTimes:
    periods = [(dt.datetime.fromisoformat(s), dt.datetime.fromisoformat(e)) for s, e in done["periods"]]
    return BusyTimes(periods=periods, events=done["events"], skipped=done["skipped"])


def _which(event: str | None) -> str:
    return "the file" if event is None else f"the event {event!r}"


def _over_budget(event: str | None, cpu: float) -> str:
    if event is None:
        return f"the file takes longer than {cpu:g} s to read; it is too large or too complex to import"
    return (
        f"the event {event!r} takes longer than {cpu:g} s to expand: its recurrence rule repeats too often"
        " or never occurs; fix or remove it and try again"
    )


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> None:
    """The child: a header line, then the file on stdin; one JSON message a line on stdout."""
    header = json.loads(sys.stdin.buffer.readline())
    # the budget is the file's: the CPU time spent starting this interpreter and importing the reader
    # (most of a second on a slow machine) is added, since the limit counts from the process's start
    seconds = math.ceil(time.process_time() + header["cpu"])
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))  # SIGXCPU, then SIGKILL
    memory = header["mb"] * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    data = sys.stdin.buffer.read()
    first, last = dt.date.fromisoformat(header["first"]), dt.date.fromisoformat(header["last"])
    try:
        result = busy_times(data, first, last, ZoneInfo(header["zone"]), lambda name: _say({"at": name}))
    except CalendarFileError as error:
        _say({"refused": str(error)})
    except MemoryError:
        _say({"memory": True})
    except Exception as error:  # the parser's own failures are the file's problem, said as such
        _say({"refused": f"the file cannot be read ({type(error).__name__})"})
    else:
        periods = [(s.isoformat(), e.isoformat()) for s, e in result.periods]
        _say({"done": {"periods": periods, "events": result.events, "skipped": result.skipped}})


if __name__ == "__main__":
    main()
