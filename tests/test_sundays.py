"""Sunday and holiday time (``models.sundays``): AML § 10-10 (1)'s hours, the holidays of a country's
calendar, and runs of them on consecutive days as one stretch."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from models.sundays import sunday_times

OSLO = ZoneInfo("Europe/Oslo")


def _local(country: str | None, first: dt.date, last: dt.date) -> list[tuple[str, str, str]]:
    return [
        (
            t.start.astimezone(OSLO).strftime("%a %d %b %H:%M"),
            t.end.astimezone(OSLO).strftime("%a %d %b %H:%M"),
            t.label,
        )
        for t in sunday_times(country, OSLO, first, last)
    ]


def test_a_sunday_runs_from_18_the_day_before_to_22() -> None:
    assert _local("NO", dt.date(2027, 6, 14), dt.date(2027, 6, 27)) == [
        ("Sat 19 Jun 18:00", "Sun 20 Jun 22:00", "Sunday 2027-06-20"),
        ("Sat 26 Jun 18:00", "Sun 27 Jun 22:00", "Sunday 2027-06-27"),
    ]


def test_easter_christmas_and_whitsun_eves_start_at_15() -> None:
    easter = _local("NO", dt.date(2027, 3, 22), dt.date(2027, 3, 31))
    assert easter == [
        ("Wed 24 Mar 18:00", "Fri 26 Mar 22:00", "Maundy Thursday 2027-03-25"),
        ("Sat 27 Mar 15:00", "Mon 29 Mar 22:00", "Easter Sunday 2027-03-28"),
    ]
    christmas = _local("NO", dt.date(2026, 12, 20), dt.date(2026, 12, 31))
    assert christmas[1] == ("Thu 24 Dec 15:00", "Sun 27 Dec 22:00", "Christmas Day 2026-12-25")
    whitsun = _local("NO", dt.date(2027, 5, 15), dt.date(2027, 5, 18))
    assert whitsun == [("Sat 15 May 15:00", "Mon 17 May 22:00", "Pentecost 2027-05-16")]


def test_the_day_before_1_and_17_may_is_a_working_day_until_22_in_norway() -> None:
    may = _local("NO", dt.date(2028, 4, 30), dt.date(2028, 5, 17))
    assert may[0] == ("Sat 29 Apr 18:00", "Mon 01 May 22:00", "Sunday 2028-04-30")  # after a Sunday: one stretch
    assert may[-1] == ("Tue 16 May 22:00", "Wed 17 May 22:00", "Constitution Day 2028-05-17")
    sweden = _local("SE", dt.date(2029, 4, 30), dt.date(2029, 5, 1))
    assert sweden == [("Mon 30 Apr 18:00", "Tue 01 May 22:00", "May Day 2029-05-01")]


def test_without_a_country_only_sundays_count() -> None:
    assert [label for *_, label in _local(None, dt.date(2026, 12, 20), dt.date(2026, 12, 31))] == [
        "Sunday 2026-12-20",
        "Sunday 2026-12-27",
    ]
