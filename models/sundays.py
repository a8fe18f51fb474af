"""What counts as Sunday and public-holiday work, in time: AML § 10-10 (1).

Work from 18:00 the day before a Sunday or public holiday to 22:00 on it is Sunday or holiday work;
on the eves of Christmas, Easter and Whitsun it starts at 15:00. In Norway 1 and 17 May are public
holidays whose day before is an ordinary working day (the 1947 act on 1 and 17 May, § 2): their
Sunday time starts at 22:00 the day before. Sundays and holidays on consecutive days make one
stretch (Easter Sunday and Monday; Christmas Day and Boxing Day), so the rule that the next one is
free (AML § 10-8 (4)) means the next stretch. The public holidays come from the maintained
``holidays`` package, by country; without a country only Sundays count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import easter


@dataclass(frozen=True)
class SundayTime:
    """One stretch of Sunday and holiday time, in UTC."""

    start: dt.datetime
    end: dt.datetime
    label: str  # what a person calls it: "Sunday 2027-06-20", "Easter Sunday 2027-03-28"


@cache
def supported_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@cache
def _public(country: str, year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays(country, years=year, language="en_US", categories=("public",)))


def _holiday(country: str | None, day: dt.date) -> str | None:
    return _public(country, day.year).get(day) if country else None


def _eve_at(country: str | None, day: dt.date) -> dt.time:
    """When Sunday or holiday time before ``day`` starts, on the day before."""
    easter_sunday = easter(day.year)
    before = day - dt.timedelta(days=1)
    if before in {
        dt.date(day.year, 12, 24),
        easter_sunday - dt.timedelta(days=1),
        easter_sunday + dt.timedelta(days=48),
    }:
        return dt.time(15)
    ascension = easter_sunday + dt.timedelta(days=39)
    if country == "NO" and day.weekday() != 6 and day != ascension and (day.month, day.day) in {(5, 1), (5, 17)}:
        return dt.time(22)
    return dt.time(18)


def sunday_times(country: str | None, tz: ZoneInfo, first: dt.date, last: dt.date) -> list[SundayTime]:
    """The stretches of Sunday and holiday time of the Sundays and public holidays from ``first`` to
    ``last`` (local dates), in order."""
    out: list[SundayTime] = []
    run: list[dt.date] = []
    day = first
    while day <= last + dt.timedelta(days=1):  # one day past, to close a run on ``last``
        holiday = _holiday(country, day)
        if day <= last and (day.weekday() == 6 or holiday):
            run.append(day)
        elif run:
            lead = run[0]
            start = dt.datetime.combine(lead - dt.timedelta(days=1), _eve_at(country, lead), tzinfo=tz)
            end = dt.datetime.combine(run[-1], dt.time(22), tzinfo=tz)
            name = _holiday(country, lead) or "Sunday"
            out.append(SundayTime(start.astimezone(dt.UTC), end.astimezone(dt.UTC), f"{name} {lead}"))
            run = []
        day += dt.timedelta(days=1)
    return out
