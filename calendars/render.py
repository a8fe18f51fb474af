"""iCalendar rendering of feed events (RFC 5545, with RFC 7986's calendar name and refresh interval).

What real clients need and this guarantees: a UID that never changes for the same piece of work, a
SEQUENCE that grows with every change, DTSTART/DTEND in the organisation's zone with a VTIMEZONE that
covers every event, and STATUS:CANCELLED for work that went away. The output depends only on the
events, never on the time of the request, so an unchanged feed renders to the same bytes (and ETag).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration

PRODID = "-//Bemanna//Calendar feeds 1.0//EN"
RENDERING = "1"  # raise when ``render`` changes its output for the same events: every ETag changes too
CACHE_BYTES = 64_000_000
REFRESH = dt.timedelta(hours=1)  # how often clients should poll; offers need answers within hours


@dataclass(frozen=True, slots=True)
class FeedEvent:
    uid: str
    start: dt.datetime  # aware, UTC
    end: dt.datetime
    summary: str
    status: str  # CONFIRMED, TENTATIVE or CANCELLED
    sequence: int
    modified: dt.datetime  # aware, UTC: LAST-MODIFIED and DTSTAMP
    location: str = ""
    geo: tuple[float, float] | None = None
    description: str = ""


def render(name: str, feed_uid: str, events: Sequence[FeedEvent], tz: ZoneInfo) -> bytes:
    """One VCALENDAR with every event, ordered by start then UID so the bytes are stable."""
    cal = Calendar.new(prodid=PRODID, method="PUBLISH", calscale="GREGORIAN", name=name, uid=feed_uid, version="2.0")
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())
    cal.add("x-wr-timezone", tz.key)
    for e in sorted(events, key=lambda e: (e.start, e.uid)):
        event = Event.new(
            uid=e.uid,
            start=e.start.astimezone(tz),
            end=e.end.astimezone(tz),
            summary=e.summary,
            sequence=e.sequence,
            stamp=e.modified,
            last_modified=e.modified,
            status=e.status,  # type: ignore[arg-type]
            transparency="TRANSPARENT" if e.status == "CANCELLED" else "OPAQUE",  # type: ignore[arg-type]
            location=e.location or None,
            description=e.description or None,
        )
        if e.geo is not None:
            event.add("geo", e.geo)
        cal.add_component(event)
    if events:
        first = min(e.start for e in events).astimezone(tz).date() - dt.timedelta(days=1)
        last = max(e.end for e in events).astimezone(tz).date() + dt.timedelta(days=1)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


def fingerprint(name: str, feed_uid: str, events: Sequence[FeedEvent], tz: ZoneInfo) -> str:
    """A digest of everything ``render`` reads, so equal fingerprints mean equal bytes: an ETag that
    needs no rendering."""
    ordered = sorted(events, key=lambda e: (e.start, e.uid))
    return hashlib.sha256(repr((RENDERING, name, feed_uid, tz.key, ordered)).encode()).hexdigest()[:32]


class RenderCache:
    """Recently rendered feeds by fingerprint (least recently used go first), so a client polling an
    unchanged feed without a conditional request costs a database read, not a rendering."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes, self._size = max_bytes, 0
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, key: str, name: str, feed_uid: str, events: Sequence[FeedEvent], tz: ZoneInfo) -> bytes:
        with self._lock:
            if key in self._bodies:
                self._bodies.move_to_end(key)
                return self._bodies[key]
        body = render(name, feed_uid, events, tz)
        with self._lock:
            if key not in self._bodies and len(body) <= self.max_bytes:
                self._bodies[key] = body
                self._size += len(body)
                while self._size > self.max_bytes:
                    self._size -= len(self._bodies.popitem(last=False)[1])
        return body
