"""Working-time law as profiles: the defaults an organisation's rules start from, each with its section.

An organisation chooses a profile (``no-aml``: the Norwegian Working Environment Act, arbeidsmiljøloven
ch. 10; ``se-atl``: the Swedish Working Hours Act, arbetstidslagen; ``custom``: none of these rules
until set) in ``Settings.law``; every parameter can be overridden there (a collective agreement) and per
worker contract (``Worker.working_time``), the nearer one winning. What a rule demands and where the
number comes from are read through ``limits``, by the model and the independent check alike.

The numbers, as the acts say them (checked against the texts):
- AML § 10-8 (1): at least 11 hours' continuous time off in 24 hours; ATL § 13: at least 11 hours'
  continuous rest in every period of 24 hours. Bemanna counts the 24 hours from the start of each item.
- AML § 10-8 (2): a continuous 35 hours off in seven days; ATL § 14: at least 36 hours' continuous rest
  in every period of seven days. Bemanna's seven days are weeks from 00:00 local time on the day the
  law's ``week_starts`` names (Monday unless an agreement fixes another, as AML lets it).
- AML § 10-6 (8): total working time, overtime included, at most 13 hours in 24 hours and 48 hours in
  seven days (any 7 days, beside the contract's own ``Worker.max_hours_per_7_days``: the lower binds).
  ATL sets no cap per 24 hours beyond the daily rest, and its 48 hours a week (§ 10 b) is an average
  over four months, so ``se-atl`` leaves both off.
- AML § 10-4 (1): ordinary working time at most 9 hours in 24 hours and 40 hours in seven days; work
  beyond it is overtime (§ 10-6 (1)), which § 10-6 (4) caps at 10 hours in seven days, 25 hours in four
  consecutive weeks and 200 hours in 52 weeks. ATL § 5: 40 hours a week ordinary time, beyond which is
  overtime (§ 7); § 8: at most 48 hours in four weeks and 200 hours in a calendar year. How Bemanna
  counts overtime (by calendar week, each item on the day it starts) is ``models.overtime``'s.
- AML § 10-11 (6): a worker who regularly works more than 3 hours at night works on average at most
  8 hours per 24 hours, over four weeks, the weekly rest of § 10-8 (2) left out; ATL § 13 a: 8 hours
  on average over at most four months, 24 hours left out for each seven days. Bemanna takes four
  calendar weeks for both (the most that work outside the plan reaches) and counts a worker as a night
  worker in the weeks where she works an item with 3 hours of night time (``models.night``). AML
  § 10-11 (1) lets a collective agreement fix another night of at least 8 hours holding 00:00 to
  06:00 (``Law.night_from``, ``night_to``).
- AML § 10-11 (7), ATL § 13 a second paragraph: at most 8 hours in 24 hours with night work in them
  where the work carries special risks or heavy physical or mental strain. Which work does is the
  organisation's or the contract's call, so no profile sets ``night_max_hours_per_24h``; 8 is the
  acts' number to set there.
- AML § 10-8 (4): a worker who has done Sunday or public-holiday work is off the next Sunday or
  public holiday (a written agreement may average it instead, which an override expresses as a
  longer ``sunday_off_every``). What counts as Sunday and holiday work is AML § 10-10 (1)'s, in
  ``models.sundays``. ATL has no such rule, so ``se-atl`` leaves it off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from models.night import AML_NIGHT, ATL_NIGHT, Night
from models.sundays import supported_countries

ProfileId = Literal["no-aml", "se-atl", "custom"]
DEFAULT_PROFILE: ProfileId = "no-aml"
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[str, ...] = get_args(Weekday)  # in order, Monday first, as ``date.weekday`` counts


class WorkingTime(BaseModel):
    """Overrides of a profile's working-time rules; a field left out keeps what the level above says.
    A rest or an average of 0, or a limit at its most (24 h per 24 h, 168 h per 7 days), turns that rule
    off; 0 h of overtime allows none."""

    model_config = ConfigDict(extra="forbid")

    daily_rest_hours: float | None = Field(
        None, ge=0, le=24, description="Continuous rest in the 24 h from the start of each item"
    )
    weekly_rest_hours: float | None = Field(
        None, ge=0, le=168, description="Continuous rest in each week (from week_starts, 00:00 local)"
    )
    max_hours_per_24h: float | None = Field(None, gt=0, le=24, description="Work in any 24 h, overtime included")
    night_average_hours: float | None = Field(
        None, ge=0, le=24, description="A night worker's average hours per 24 h over the reference period"
    )
    night_reference_weeks: int | None = Field(
        None, ge=1, le=4, description="Weeks the night average is taken over (outside work reaches 14 days)"
    )
    night_max_hours_per_24h: float | None = Field(
        None, ge=0, le=24, description="Work in any 24 h overlapping a night item, where night work is strenuous"
    )
    sunday_off_every: int | None = Field(
        None,
        ge=0,
        le=52,
        description="A Sunday or public holiday off at least every n-th: 2 frees the next after each one worked",
    )
    total_hours_per_7_days: float | None = Field(
        None, gt=0, le=168, description="Work in any 7 days, overtime included (beside the contract's own limit)"
    )
    ordinary_hours_per_24h: float | None = Field(
        None, ge=0, le=24, description="Ordinary hours on a day; beyond them is overtime"
    )
    ordinary_hours_per_7_days: float | None = Field(
        None, ge=0, le=168, description="Ordinary hours in a week; beyond them is overtime"
    )
    overtime_per_7_days: float | None = Field(None, ge=0, le=168, description="Overtime in a week")
    overtime_per_4_weeks: float | None = Field(None, ge=0, le=672, description="Overtime in 4 weeks in a row")
    overtime_per_year: float | None = Field(
        None, ge=0, le=8784, description="Overtime in a year (52 weeks in a row, or the calendar year under ATL)"
    )


PARAMETERS = tuple(WorkingTime.model_fields)


class Law(BaseModel):
    """An organisation's working-time law: its profile and its own agreement's overrides."""

    model_config = ConfigDict(extra="forbid")

    profile: ProfileId = Field(DEFAULT_PROFILE, description="no-aml, se-atl or custom")
    overrides: WorkingTime = Field(default_factory=WorkingTime)
    holidays: str | None = Field(
        None,
        min_length=2,
        max_length=3,
        description="Country (ISO 3166 code) whose public holidays count as Sundays; default the profile's",
    )
    week_starts: Weekday = Field(
        "monday", description="The day the weeks of weekly rest, night averages and overtime start, 00:00 local"
    )
    night_from: dt.time | None = Field(None, description="Agreed start of night time, local (with night_to)")
    night_to: dt.time | None = Field(
        None,
        validate_default=True,
        description="Agreed end of night time: at least 8 h from night_from, holding 00:00 to 06:00",
    )

    @field_validator("night_to")
    @classmethod
    def _agreed_night(cls, end: dt.time | None, info: ValidationInfo) -> dt.time | None:
        """AML § 10-11 (1): an agreed night lasts at least 8 hours and holds 00:00 to 06:00."""
        start = info.data.get("night_from")
        if (start is None) != (end is None):
            raise ValueError("night_from and night_to are set together")
        if start is not None and end is not None:
            a, b = (t.hour * 60 + t.minute for t in (start, end))
            if (b - a) % 1440 < 480 or not (a == 0 or a > b) or b < 360:
                raise ValueError("an agreed night lasts at least 8 h and holds 00:00 to 06:00 (AML § 10-11 (1))")
        return end

    @field_validator("holidays")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in supported_countries():
            raise ValueError(f"no public-holiday calendar for country {value!r}")
        return value.upper() if value is not None else None

    def week_of(self, day: dt.date) -> dt.date:
        """The first day of the week that holds ``day``."""
        return day - dt.timedelta(days=(day.weekday() - WEEKDAYS.index(self.week_starts)) % 7)

    @property
    def night(self) -> Night:
        """The profile's night time, or the organisation's agreed one."""
        night = PROFILES[self.profile].night
        if self.night_from is None or self.night_to is None:
            return night
        return replace(night, start=self.night_from, end=self.night_to)

    @property
    def overtime_calendar_year(self) -> bool:
        """Whether the year overtime is capped over is the calendar year (ATL § 8) or any 52 weeks."""
        return PROFILES[self.profile].overtime_calendar_year

    @property
    def holiday_country(self) -> str | None:
        """Whose public holidays count: the organisation's choice, else the profile's country."""
        return self.holidays or PROFILES[self.profile].country


@dataclass(frozen=True)
class Default:
    value: float
    section: str  # where the number comes from, as a person cites it


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    defaults: dict[str, Default]
    country: str | None = None  # whose public holidays count as Sundays
    night: Night = AML_NIGHT  # what counts as night work
    overtime_calendar_year: bool = False  # the year of the overtime cap: the calendar year, else any 52 weeks
    night_source: str = "AML § 10-11 (1)"  # where ``night`` comes from


PROFILES: dict[str, Profile] = {
    "no-aml": Profile(
        "no-aml",
        "Norwegian Working Environment Act (arbeidsmiljøloven)",
        {
            "daily_rest_hours": Default(11, "AML § 10-8 (1)"),
            "weekly_rest_hours": Default(35, "AML § 10-8 (2)"),
            "max_hours_per_24h": Default(13, "AML § 10-6 (8)"),
            "night_average_hours": Default(8, "AML § 10-11 (6)"),
            "night_reference_weeks": Default(4, "AML § 10-11 (6)"),
            "sunday_off_every": Default(2, "AML § 10-8 (4)"),
            "total_hours_per_7_days": Default(48, "AML § 10-6 (8)"),
            "ordinary_hours_per_24h": Default(9, "AML § 10-4 (1)"),
            "ordinary_hours_per_7_days": Default(40, "AML § 10-4 (1)"),
            "overtime_per_7_days": Default(10, "AML § 10-6 (4)"),
            "overtime_per_4_weeks": Default(25, "AML § 10-6 (4)"),
            "overtime_per_year": Default(200, "AML § 10-6 (4)"),
        },
        "NO",
    ),
    "se-atl": Profile(
        "se-atl",
        "Swedish Working Hours Act (arbetstidslagen)",
        {
            "daily_rest_hours": Default(11, "ATL § 13"),
            "weekly_rest_hours": Default(36, "ATL § 14"),
            "night_average_hours": Default(8, "ATL § 13 a"),
            "night_reference_weeks": Default(4, "ATL § 13 a (at most four months)"),
            "ordinary_hours_per_7_days": Default(40, "ATL § 5"),
            "overtime_per_4_weeks": Default(48, "ATL § 8"),
            "overtime_per_year": Default(200, "ATL § 8"),
        },
        "SE",
        ATL_NIGHT,
        overtime_calendar_year=True,
        night_source="ATL § 13 a",
    ),
    "custom": Profile("custom", "the organisation's own rules", {}),
}

ORGANISATION = "the organisation's agreement"
CONTRACT = "the worker's contract"


@dataclass(frozen=True)
class Limit:
    """One rule's number for one worker and where it comes from."""

    value: float
    source: str


OFF = {
    "daily_rest_hours": 0.0,
    "weekly_rest_hours": 0.0,
    "max_hours_per_24h": 24.0,
    "night_average_hours": 0.0,
    "night_reference_weeks": 0,
    "night_max_hours_per_24h": 0.0,
    "sunday_off_every": 0,
    "total_hours_per_7_days": 168.0,
    "ordinary_hours_per_24h": 24.0,
    "ordinary_hours_per_7_days": 168.0,
    "overtime_per_7_days": 168.0,
    "overtime_per_4_weeks": 672.0,
    "overtime_per_year": 8784.0,
}
"""The value that turns each rule off."""


def limits(law: Law, contract: WorkingTime | None = None) -> dict[str, Limit]:
    """Each rule that binds a worker, by parameter: the contract over the organisation over the profile."""
    out: dict[str, Limit] = {name: Limit(d.value, d.section) for name, d in PROFILES[law.profile].defaults.items()}
    for level, source in ((law.overrides, ORGANISATION), (contract, CONTRACT)):
        if level is None:
            continue
        for name in PARAMETERS:
            value = getattr(level, name)
            if value is not None:
                out[name] = Limit(value, source)
    return {name: limit for name, limit in out.items() if limit.value != OFF[name]}


def hours_per_7_days(contract_hours: float, rules: dict[str, Limit]) -> Limit:
    """Work allowed in any 7 days: the contract's ``max_hours_per_7_days``, or the law's total with
    overtime included (``total_hours_per_7_days``) where that is lower."""
    total = rules.get("total_hours_per_7_days")
    if total is not None and total.value < contract_hours:
        return total
    return Limit(contract_hours, CONTRACT)
