"""What counts as night work, in time: the hours a profile calls night and when a worker counts as
working at night.

AML § 10-11 (1): work between 21:00 and 06:00 is night work, and § 10-11 (6) and (7) bind a worker
who works more than 3 hours at night. ATL § 13 a: night is 22:00 to 06:00, and a night worker
normally does at least 3 hours of a shift at night. Bemanna reads "works at night" per item: an item
with more (AML) or at least (ATL) 3 hours of night time makes its worker a night worker in the weeks
that hold it. AML § 10-11 (1) lets a collective agreement fix another night of at least 8 hours that
holds 00:00 to 06:00 (``Law.night_from``, ``Law.night_to``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Night:
    start: dt.time  # night time starts, local
    end: dt.time  # and ends the next morning
    hours: float  # night time in an item that makes it night work
    strictly_more: bool  # "more than" (AML) rather than "at least" (ATL) ``hours``
    deducted_hours_per_week: float  # time of each week left out of the average (weekly rest)

    def is_night_work(self, start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> bool:
        minutes, need = night_minutes(start, end, tz, self), round(self.hours * 60)
        return minutes > need if self.strictly_more else minutes >= need


AML_NIGHT = Night(dt.time(21), dt.time(6), 3, True, 35)  # § 10-11 (1), (6): weekly rest of § 10-8 (2) left out
ATL_NIGHT = Night(dt.time(22), dt.time(6), 3, False, 24)  # § 13 a: 24 h for each period of seven days


def night_minutes(start: dt.datetime, end: dt.datetime, tz: ZoneInfo, night: Night = AML_NIGHT) -> int:
    """Whole minutes of ``[start, end)`` inside night time, local wall clock."""
    start, end = start.astimezone(tz), end.astimezone(tz)
    total = dt.timedelta()
    day = start.date() - dt.timedelta(days=1)
    overnight = night.start >= night.end  # 21:00 to 06:00; an agreed 00:00 to 08:00 lies in one day
    while day <= end.date():
        lo = dt.datetime.combine(day, night.start, tzinfo=tz)
        hi = dt.datetime.combine(day + dt.timedelta(days=1 if overnight else 0), night.end, tzinfo=tz)
        overlap = min(end, hi) - max(start, lo)
        if overlap > dt.timedelta():
            total += overlap
        day += dt.timedelta(days=1)
    return int(total.total_seconds() // 60)
