"""The organisation's working-time law: which profile it follows, its own agreement's overrides, and
what each law rule then asks, with the section it comes from (``models.law``)."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import Session

from models import tables as t
from models.law import ORGANISATION, PROFILES, Law, limits
from solver import catalogue


class LawRule(BaseModel):
    rule: str = Field(description="The rule's id, as violations name it")
    name: str
    parameter: str
    value: float = Field(description="The parameter's number: hours, or for Sundays how many in a row")
    says: str = Field(description="What the rule asks, in words: '11 h', 'one free in every 2'")
    source: str = Field(description="The section of the act, or the organisation's agreement")


class WorkingTimeOut(Law):
    profile_name: str = Field(description="The act the profile follows, in words")
    holiday_calendar: str | None = Field(description="Whose public holidays count as Sundays (None: Sundays only)")
    night_time: str = Field(description="What counts as night, in words: '21:00–06:00 (AML § 10-11 (1))'")
    rules: list[LawRule] = Field(description="The law rules that bind, before any worker's contract")


def _org(session: Session, organisation_id: int) -> t.Organisation:
    org = session.get(t.Organisation, organisation_id)
    assert org is not None  # the signed-in user's own organisation
    return org


SHARED = {
    "ordinary_hours_per_24h": "Ordinary hours a day",
    "ordinary_hours_per_7_days": "Ordinary hours a week",
}
"""Parameters that several rules read (what overtime counts from), named for themselves rather than for
the first rule that reads them."""


def view(session: Session, organisation_id: int) -> WorkingTimeOut:
    law = Law.model_validate(_org(session, organisation_id).settings.get("law", {}))
    bound = limits(law)
    # each parameter under the first rule it sets (the ordinary hours set all three overtime caps)
    first: dict[str, catalogue.Rule] = {}
    for r in catalogue.RULES:
        for p in r.params:
            if p in bound:
                first.setdefault(p, r)
    rules = [
        LawRule(
            rule=r.id,
            name=SHARED.get(p, r.name),
            parameter=p,
            value=bound[p].value,
            says=_says(p, bound[p].value),
            source=bound[p].source,
        )
        for p, r in first.items()
    ]
    return WorkingTimeOut(
        **law.model_dump(),
        profile_name=PROFILES[law.profile].name,
        holiday_calendar=law.holiday_country,
        night_time=_night_time(law),
        rules=rules,
    )


def _night_time(law: Law) -> str:
    night = law.night
    source = ORGANISATION if law.night_from is not None else PROFILES[law.profile].night_source
    return f"{night.start:%H:%M}–{night.end:%H:%M} ({source})"


def _says(parameter: str, value: float) -> str:
    if parameter == "sunday_off_every":
        return f"one free in every {value:g}"
    return f"over {value:g} weeks" if parameter == "night_reference_weeks" else f"{value:g} h"


def put(session: Session, organisation_id: int, law: Law) -> WorkingTimeOut:
    """Replace the organisation's law; the next solve and every check after it follow it."""
    org = _org(session, organisation_id)
    org.settings = {**org.settings, "law": law.model_dump(mode="json", exclude_none=True)}
    session.add(org)
    session.commit()
    return view(session, organisation_id)
