"""What overtime is and how much of it a worker has done: the reckoning the model, the independent
check, the greedy construction and the window's history all read (as ``models.night`` says what night
work is).

AML § 10-6 (1): work beyond the ordinary working time of § 10-4 (1), 9 hours in 24 hours and 40 hours
in seven days, is overtime; ATL § 7: time beyond the ordinary 40 hours a week of § 5. Bemanna counts an
item's hours on the local day it starts (a roster's shift belongs to its day) and that day in its week
(from 00:00 local on the law's ``week_starts``, Monday by default: ``Law.week_of``). A week's overtime
is the larger of its hours beyond each day's ordinary hours, summed over its days, and its hours beyond
the week's: an hour beyond both is one hour of overtime, not two.

The caps (``overtime_per_7_days``, ``_per_4_weeks``, ``_per_year``) hold over weeks, four weeks in a
row, and 52 weeks in a row or the calendar year (ATL § 8; a week counts in the year of its fourth day,
as ISO 8601 weeks count in the year of their Thursday). The weeks that hold the planning horizon's days
are reckoned from the items, planned and kept outside the plan; other weeks from
``Worker.earlier_overtime_hours`` where it names them (the window reckons it from accepted work before
the horizon, ``models.window``), else from the kept work outside the plan that falls in them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from models.law import Limit

WEEK = dt.timedelta(weeks=1)
SPANS = {"overtime_per_7_days": 1, "overtime_per_4_weeks": 4}
"""The caps over a fixed number of weeks in a row; the year's is ``years``'."""
YEAR = "overtime_per_year"
CAPS = (*SPANS, YEAR)
"""Every overtime cap, shortest first."""


@dataclass(frozen=True)
class Ordinary:
    """A worker's ordinary working time in minutes, per day and per week (None: no such limit)."""

    day: int | None
    week: int | None

    @classmethod
    def of(cls, rules: Mapping[str, Limit]) -> Ordinary | None:
        day, week = rules.get("ordinary_hours_per_24h"), rules.get("ordinary_hours_per_7_days")
        if day is None and week is None:
            return None
        return cls(None if day is None else round(day.value * 60), None if week is None else round(week.value * 60))

    def overtime(self, by_day: Iterable[int]) -> int:
        """The overtime in one week's days, given the minutes worked on each."""
        minutes = list(by_day)
        daily = sum(max(0, m - self.day) for m in minutes) if self.day is not None else 0
        weekly = max(0, sum(minutes) - self.week) if self.week is not None else 0
        return max(daily, weekly)


def weekly_overtime(
    ordinary: Ordinary, worked: Iterable[tuple[dt.date, int]], week_of: Callable[[dt.date], dt.date]
) -> dict[dt.date, int]:
    """Minutes of overtime per week (by its first day, ``Law.week_of``), from (local start day,
    minutes) of items."""
    days: dict[dt.date, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for day, minutes in worked:
        days[week_of(day)][day] += minutes
    return {week: ordinary.overtime(by_day.values()) for week, by_day in days.items()}


def windows(week: dt.date, span: int) -> list[tuple[dt.date, dt.date]]:
    """The stretches of ``span`` weeks in a row that hold ``week``: (first day, end day)."""
    return [(week - k * WEEK, week + (span - k) * WEEK) for k in range(span - 1, -1, -1)]


def years(week: dt.date, calendar_year: bool) -> list[tuple[dt.date, dt.date]]:
    """The years a week's overtime counts in: its calendar year (the year of its fourth day; the year's
    weeks run from the one holding 4 January), or every 52 weeks in a row that hold it."""
    if not calendar_year:
        return windows(week, 52)
    year = (week + dt.timedelta(days=3)).year

    def first(y: int) -> dt.date:  # the start of the week that holds 4 January of ``y``
        january = dt.date(y, 1, 4)
        return january - dt.timedelta(days=(january - week).days % 7)

    return [(first(year), first(year + 1))]


def stretches(cap: str, week: dt.date, calendar_year: bool) -> list[tuple[dt.date, dt.date]]:
    """The stretches of weeks that the cap ``cap`` names and that hold ``week``: (first day, end day)."""
    return years(week, calendar_year) if cap == YEAR else windows(week, SPANS[cap])


def week_days(week: dt.date) -> list[dt.date]:
    """The seven days of the week that starts on ``week``."""
    return [week + dt.timedelta(days=k) for k in range(7)]


def weeks_between(first: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the weeks from ``first`` up to ``end``."""
    return [first + k * WEEK for k in range((end - first).days // 7)]
