"""The organisation's working-time law: which profile it follows, its own agreement's overrides, and
what each law rule then asks, with the section it comes from (``models.law``)."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import Session

from models import tables as t
from models.law import PROFILES, Law, limits
from solver import catalogue


class LawRule(BaseModel):
    rule: str = Field(description="The rule's id, as violations name it")
    name: str
    parameter: str
    hours: float
    source: str = Field(description="The section of the act, or the organisation's agreement")


class WorkingTimeOut(Law):
    profile_name: str = Field(description="The act the profile follows, in words")
    rules: list[LawRule] = Field(description="The law rules that bind, before any worker's contract")


def _org(session: Session, organisation_id: int) -> t.Organisation:
    org = session.get(t.Organisation, organisation_id)
    assert org is not None  # the signed-in user's own organisation
    return org


def view(session: Session, organisation_id: int) -> WorkingTimeOut:
    law = Law.model_validate(_org(session, organisation_id).settings.get("law", {}))
    bound = limits(law)
    rules = [
        LawRule(rule=r.id, name=r.name, parameter=param, hours=bound[param].value, source=bound[param].source)
        for r in catalogue.RULES
        for param in r.params
        if param in bound
    ]
    return WorkingTimeOut(**law.model_dump(), profile_name=PROFILES[law.profile].name, rules=rules)


def put(session: Session, organisation_id: int, law: Law) -> WorkingTimeOut:
    """Replace the organisation's law; the next solve and every check after it follow it."""
    org = _org(session, organisation_id)
    org.settings = {**org.settings, "law": law.model_dump(mode="json", exclude_none=True)}
    session.add(org)
    session.commit()
    return view(session, organisation_id)
