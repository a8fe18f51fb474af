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
  in every period of seven days. Bemanna's seven days are calendar weeks, Monday 00:00 local time.
- AML § 10-6 (8): total working time, overtime included, at most 13 hours in 24 hours. ATL sets no
  cap per 24 hours beyond the daily rest, so ``se-atl`` leaves it off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ProfileId = Literal["no-aml", "se-atl", "custom"]
DEFAULT_PROFILE: ProfileId = "no-aml"


class WorkingTime(BaseModel):
    """Overrides of a profile's working-time rules; a field left out keeps what the level above says.
    A rest of 0 h, or 24 h of work per 24 h, turns that rule off."""

    model_config = ConfigDict(extra="forbid")

    daily_rest_hours: float | None = Field(
        None, ge=0, le=24, description="Continuous rest in the 24 h from the start of each item"
    )
    weekly_rest_hours: float | None = Field(
        None, ge=0, le=168, description="Continuous rest in each calendar week (Monday 00:00 local)"
    )
    max_hours_per_24h: float | None = Field(None, gt=0, le=24, description="Work in any 24 h, overtime included")


PARAMETERS = tuple(WorkingTime.model_fields)


class Law(BaseModel):
    """An organisation's working-time law: its profile and its own agreement's overrides."""

    model_config = ConfigDict(extra="forbid")

    profile: ProfileId = Field(DEFAULT_PROFILE, description="no-aml, se-atl or custom")
    overrides: WorkingTime = Field(default_factory=WorkingTime)


@dataclass(frozen=True)
class Default:
    value: float
    section: str  # where the number comes from, as a person cites it


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    defaults: dict[str, Default]


PROFILES: dict[str, Profile] = {
    "no-aml": Profile(
        "no-aml",
        "Norwegian Working Environment Act (arbeidsmiljøloven)",
        {
            "daily_rest_hours": Default(11, "AML § 10-8 (1)"),
            "weekly_rest_hours": Default(35, "AML § 10-8 (2)"),
            "max_hours_per_24h": Default(13, "AML § 10-6 (8)"),
        },
    ),
    "se-atl": Profile(
        "se-atl",
        "Swedish Working Hours Act (arbetstidslagen)",
        {
            "daily_rest_hours": Default(11, "ATL § 13"),
            "weekly_rest_hours": Default(36, "ATL § 14"),
        },
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


OFF = {"daily_rest_hours": 0.0, "weekly_rest_hours": 0.0, "max_hours_per_24h": 24.0}
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
