"""Reading a page's form and saying what is wrong with it, field by field, in the form's own words."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from pydantic import ValidationError
from sqlmodel import Session

from api.core.refusals import Refused

MAX_VALUE = 2000  # characters of any one form value; the services hold each field to its own rule

LABELS = {
    "site_id": "Site",
    "farm_id": "Farm",
    "title": "Title",
    "start": "Start",
    "end": "End",
    "day": "Day",
    "start_time": "Start time",
    "end_time": "End time",
    "headcount": "People needed",
    "priority": "Priority",
    "required_skills": "Skills",
    "first_day": "First day",
    "last_day": "Last day",
    "daily_start": "Daily start",
    "daily_hours": "Hours a day",
    "pay_per_hour": "Pay per hour",
    "name": "Name",
    "email": "E-mail",
    "password": "Password",
    "kind": "Kind",
    "region_id": "Region",
    "id": "Short id",
    "lat": "Latitude",
    "lon": "Longitude",
    "address": "Address",
    "contact": "Who to call on arrival",
    "worker": "A worker's id",
    "sites": "Sites a manager runs",
    "farms": "Farms a farmer runs",
    "role": "Role",
    "home_lat": "Latitude",
    "home_lon": "Longitude",
    "max_travel_km": "How far you would travel",
    "qualifications": "Your skills",
    "skill": "Your skills",
}


async def posted(request: Request, fields: tuple[str, ...], lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """The form's ``fields`` as text (``lists``: every value sent), cut to a sane length."""
    form = await request.form()
    out: dict[str, Any] = {}
    for name in fields:
        if name in lists:
            out[name] = [str(v)[:MAX_VALUE] for v in form.getlist(name)][:50]
        else:
            value = form.get(name)
            out[name] = str(value)[:MAX_VALUE] if isinstance(value, str) else ""
    return out


def _label(loc: Any, labels: dict[str, str]) -> str:
    parts = [str(x) for x in loc if x not in ("body", "query")] if isinstance(loc, list | tuple) else [str(loc)]
    name = next((x for x in reversed(parts) if not x.isdigit()), "")
    return labels.get(name, LABELS.get(name, name.replace("_", " ").capitalize() or "The form"))


def field_problems(error: Exception, labels: dict[str, str] | None = None) -> list[str]:
    """Each problem as ``Label: what is wrong`` (``labels``: the page's own words for its fields)."""
    if isinstance(error, ValidationError):
        found = [(e["loc"], e["msg"]) for e in error.errors()]
    elif isinstance(error, (HTTPException, Refused)) and isinstance(error.detail, list):
        found = [(e.get("loc", ()), e.get("msg", "")) for e in error.detail]
    elif isinstance(error, (HTTPException, Refused)):
        return [str(error.detail)[:1].upper() + str(error.detail)[1:]]
    else:
        return [f"The form: {error}"]
    return [f"{_label(loc, labels or {})}: {msg}" for loc, msg in found[:20]]


def refusal(
    error: Exception, session: Session, shown: tuple[int, ...], labels: dict[str, str] | None = None
) -> tuple[int, list[str]]:
    """A refused form's status and problems: 422 for a field rule (or a value the browser let through),
    the service's status when it is one of ``shown`` (after a rollback: nothing half-written); any other
    error is raised again, for the app's handlers."""
    if isinstance(error, (HTTPException, Refused)):
        if error.status_code not in shown:
            raise error
        session.rollback()
        return error.status_code, field_problems(error, labels)
    return 422, field_problems(error, labels)
