"""Busy times from a worker's own calendar (.ics), as unavailability over a planning horizon.

Recurring events are expanded by ``recurring_ical_events`` (RRULE, RDATE, EXDATE, RECURRENCE-ID
overrides, X-WR-TIMEZONE), inside the horizon only. Free time is not busy: TRANSP:TRANSPARENT and
cancelled events are skipped. Times without a zone (floating) and all-day events are read in the
organisation's zone; an all-day event blocks its whole local days.

A file comes from outside, so it is bounded before any expansion: its size, each series' occurrences
from its start to the horizon's end (a rule every second since 1900 would take hours to step through),
and the number of busy periods. A file over a bound is refused as a whole; nothing is partly imported.
These estimates cannot foresee every rule (one that never occurs makes the expansion search for years),
so the server expands files only in a child process with hard CPU and memory limits
(``calendars.sandbox``); ``on_series`` tells it which event is being expanded, so a file over its
budget is refused naming that event.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

MAX_BYTES = 2_000_000
MAX_SERIES_OCCURRENCES = 100_000  # steps from a series' start: daily for 270 years, hourly for 11
MAX_FILE_OCCURRENCES = 300_000  # all series together
MAX_BUSY = 10_000  # busy occurrences inside the horizon (about 25 a day over the longest horizon)
MAX_HORIZON_DAYS = 400

PERIOD_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 3_600,
    "DAILY": 86_400,
    "WEEKLY": 604_800,
    "MONTHLY": 2_419_200,  # 28 days: a month at its shortest, so estimates err on the high side
    "YEARLY": 31_536_000,
}
TIMING = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}  # must parse
EXPANDING = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH")


class CalendarFileError(ValueError):
    """The file cannot be imported; the message says why, in words for the person who sent it."""


@dataclass
class BusyTimes:
    periods: list[tuple[dt.datetime, dt.datetime]]  # UTC, merged, sorted, inside the horizon
    events: int = 0  # occurrences inside the horizon that count as busy
    skipped: dict[str, int] = field(default_factory=dict)  # free/transparent, cancelled, zero length


def horizon(first: dt.date, last: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """From the first day's local midnight to the midnight after the last day, in UTC."""
    if last < first:
        raise CalendarFileError("the horizon's last day is before its first")
    if (last - first).days + 1 > MAX_HORIZON_DAYS:
        raise CalendarFileError(f"the horizon is longer than {MAX_HORIZON_DAYS} days")
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz).astimezone(dt.UTC)
    return start, end


def busy_times(
    data: bytes, first: dt.date, last: dt.date, tz: ZoneInfo, on_series: Callable[[str], None] | None = None
) -> BusyTimes:
    """The busy periods of ``data`` between ``first`` and ``last`` (local days, both included).
    ``on_series`` is called with an event's summary before its occurrences are expanded."""
    if len(data) > MAX_BYTES:
        raise CalendarFileError(f"the file is larger than {MAX_BYTES // 1_000_000} MB")
    lo, hi = horizon(first, last, tz)
    cal = _parse(data)
    steps = inside = 0.0
    for event in cal.walk("VEVENT"):
        more_steps, more_inside = _check_series(event, lo, hi, tz)
        steps, inside = steps + more_steps, inside + more_inside
    if steps > MAX_FILE_OCCURRENCES:
        raise CalendarFileError(
            f"the recurring events together repeat more than {MAX_FILE_OCCURRENCES:,} times up to the horizon's end"
        )
    if inside > MAX_BUSY:
        raise CalendarFileError(
            f"about {inside:,.0f} events in the horizon, more than {MAX_BUSY:,}; import a shorter one"
        )
    result = BusyTimes(periods=[])
    raw: list[tuple[dt.datetime, dt.datetime]] = []
    names = {str(e.get("UID", "")): summary(e) for e in cal.walk("VEVENT")}
    name = ""
    try:
        for series in recurring_ical_events.of(cal).series:
            name = names.get(str(series.uid), "")
            if on_series is not None:
                on_series(name)
            for occurrence in series.between(lo, hi):
                _add(occurrence.as_component(False), lo, hi, tz, raw, result)
    except CalendarFileError:
        raise
    except Exception as error:  # the library's errors for broken rules and periods have no common base
        raise CalendarFileError(f"the recurring event {name!r} cannot be expanded: {_short(error)}") from None
    result.periods = _merged(raw)
    return result


def summary(event: Any) -> str:
    """How a message names an event: its summary, cut short."""
    return str(event.get("SUMMARY", ""))[:60]


def _add(
    event: Any,
    lo: dt.datetime,
    hi: dt.datetime,
    tz: ZoneInfo,
    raw: list[tuple[dt.datetime, dt.datetime]],
    out: BusyTimes,
) -> None:
    """Count one occurrence: a busy period clipped to the horizon, or a skip with its reason."""
    reason = _free(event)
    if reason is None:
        span = _span(event, tz)
        if span is None:
            reason = "without a length"
        else:
            start, end = max(span[0], lo), min(span[1], hi)
            if start >= end:
                return  # touches the horizon's edge only
            raw.append((start, end))
            out.events += 1
            if out.events > MAX_BUSY:
                raise CalendarFileError(f"more than {MAX_BUSY:,} events in the horizon; import a shorter one")
    if reason is not None:
        out.skipped[reason] = out.skipped.get(reason, 0) + 1


def _parse(data: bytes) -> Calendar:
    text = data.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text.upper().startswith(b"BEGIN:VCALENDAR"):
        raise CalendarFileError("this is not an iCalendar file: it must start with BEGIN:VCALENDAR")
    if not text.rstrip().upper().endswith(b"END:VCALENDAR"):
        raise CalendarFileError("the file is cut short: it must end with END:VCALENDAR")
    try:
        cal = Calendar.from_ical(text)
    except Exception as error:  # icalendar raises ValueError, KeyError and others on broken input
        raise CalendarFileError(f"the file is not valid iCalendar: {_short(error)}") from None
    if not isinstance(cal, Calendar):
        raise CalendarFileError("the file holds no VCALENDAR")
    for event in cal.walk("VEVENT"):
        for name, message in event.errors:
            if name in TIMING:
                raise CalendarFileError(
                    f"the event {summary(event)!r} has a broken {name}: {_short(Exception(message))}"
                )
    return cal


def _short(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 200 else text[:200] + "..."


def _as_utc(value: dt.date | dt.datetime, tz: ZoneInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(dt.UTC)
    return dt.datetime.combine(value, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def _check_series(event: Any, lo: dt.datetime, hi: dt.datetime, tz: ZoneInfo) -> tuple[float, float]:
    """Refuse a series whose expansion up to the horizon's end would be endless in practice. Else how
    many occurrences, at most, expanding it steps through from its start, and how many fall in the
    horizon (an estimate that errs high: every BY-part counts as expanding)."""
    rules = event.get("RRULE")
    if rules is None:
        return 1.0, 0.0  # one-off events are cheap; those inside the horizon are counted as they come
    start = event.get("DTSTART")
    if start is None:
        raise CalendarFileError(f"the recurring event {summary(event)!r} has no start")
    begin = _as_utc(start.dt, tz)
    steps = inside = 0.0
    for rule in rules if isinstance(rules, list) else [rules]:
        freq = (rule.get("FREQ") or [""])[0]
        if freq not in PERIOD_SECONDS:
            raise CalendarFileError(f"a recurrence rule has no valid FREQ ({freq!r})")
        interval = (rule.get("INTERVAL") or [1])[0]
        if not isinstance(interval, int) or interval < 1:
            raise CalendarFileError(
                f"the recurring event {summary(event)!r} has INTERVAL={interval}: it must be a whole number from 1"
            )
        every = PERIOD_SECONDS[freq] * interval
        expansion = math.prod(len(rule.get(part) or [None]) for part in EXPANDING)
        until = rule.get("UNTIL")
        end = min(hi, _as_utc(until[0], tz)) if until else hi
        count = rule.get("COUNT")
        cap = int(count[0]) * expansion if count else math.inf
        estimate = min(cap, max(0.0, (end - begin).total_seconds()) / every * expansion)
        if estimate > MAX_SERIES_OCCURRENCES:
            raise CalendarFileError(
                f"the recurring event {summary(event)!r} repeats too often ({freq.lower()} since {begin.date()}):"
                f" about {estimate:,.0f} occurrences to step through, more than {MAX_SERIES_OCCURRENCES:,}"
            )
        steps += estimate
        inside += min(cap, max(0.0, (end - max(lo, begin)).total_seconds()) / every * expansion)
    return steps, inside


def _free(event: Any) -> str | None:
    """Why an occurrence does not make the worker busy, or None if it does."""
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return "free (transparent)"
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return "cancelled"
    return None


def _span(event: Any, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime] | None:
    start_prop = event.get("DTSTART")
    if start_prop is None:
        return None
    start = start_prop.dt
    end_prop, duration = event.get("DTEND"), event.get("DURATION")
    if end_prop is not None:
        end = end_prop.dt
    elif duration is not None:
        end = start + duration.dt
    elif isinstance(start, dt.datetime):
        return None  # RFC 5545: a timed event without end or duration takes no time
    else:
        end = start + dt.timedelta(days=1)  # an all-day event without an end is one day
    if isinstance(start, dt.datetime) and not isinstance(end, dt.datetime):
        end = dt.datetime.combine(end, dt.time(), tzinfo=start.tzinfo)
    lo, hi = _as_utc(start, tz), _as_utc(end, tz)
    return (lo, hi) if hi > lo else None


def _merged(periods: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    out: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(periods):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
