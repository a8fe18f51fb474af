"""A citizen joins a pool: the registration page (the API's ``POST /auth/register``). The person is
pending until the coordinator approves them, and each skill they claim waits for approval too."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from api.core.refusals import Refused
from api.http.deps import SessionDep, client_address
from api.http.schemas import Registration
from api.services import accounts
from api.web.account import chrome
from api.web.forms import posted, refusal
from api.web.render import page
from api.web.session import guard_forms
from models import tables as t
from models.enums import WorkerKind

router = APIRouter(include_in_schema=False, dependencies=[Depends(guard_forms)])

FIELDS = ("pool", "name", "email", "password", "kind", "region_id", "home_lat", "home_lon", "max_travel_km", "skills")
LABELS = {
    "name": "Your name",
    "kind": "You would work as",
    "region_id": "Where you live",
    "qualifications": "Your skills",
    "skill": "Your skills",
}
KINDS = [
    (WorkerKind.health.value, "Health personnel"),
    (WorkerKind.seasonal.value, "Seasonal farm worker (paid)"),
    (WorkerKind.volunteer.value, "Volunteer"),
]


def _pool(session: Session, ref: str) -> t.Organisation | None:
    return session.exec(select(t.Organisation).where(t.Organisation.ref == ref)).first() if ref else None


def _form_page(
    request: Request,
    session: Session,
    org: t.Organisation | None,
    form: dict[str, Any],
    status_code: int = 200,
    **extra: Any,
) -> Response:
    regions: list[t.Region] = []
    skills: list[t.Skill] = []
    if org is not None:
        regions = list(
            session.exec(select(t.Region).where(t.Region.organisation_id == org.id).order_by(col(t.Region.name)))
        )
        skills = list(session.exec(select(t.Skill).where(t.Skill.organisation_id == org.id).order_by(col(t.Skill.ref))))
        if not form.get("home_lat") and regions:
            form = {**form, **_centre(session, org, form.get("region_id") or regions[0].ref)}
    return page(
        request,
        "register.html",
        status_code,
        org=org,
        form=form,
        regions=regions,
        skills=skills,
        kinds=KINDS,
        **chrome(None, ""),
        **extra,
    )


def _centre(session: Session, org: t.Organisation, region_ref: str) -> dict[str, str]:
    """A starting point for the home's position: the middle of the region's places (the person moves it)."""
    region = session.exec(
        select(t.Region).where(t.Region.organisation_id == org.id, t.Region.ref == region_ref)
    ).first()
    points = []
    if region is not None:
        for model in (t.Site, t.Farm):
            points += [(r.lat, r.lon) for r in session.exec(select(model).where(model.region_id == region.id))]
    if not points:
        return {"home_lat": "", "home_lon": ""}
    return {
        "home_lat": f"{sum(a for a, _ in points) / len(points):.4f}",
        "home_lon": f"{sum(b for _, b in points) / len(points):.4f}",
    }


@router.get("/register")
def register_page(request: Request, session: SessionDep, pool: Annotated[str, Query(max_length=64)] = "") -> Response:
    org = _pool(session, pool)
    form = {
        "pool": pool,
        "name": "",
        "email": "",
        "kind": "health",
        "region_id": "",
        "max_travel_km": "30",
        "skills": [],
    }
    if pool and org is None:
        return _form_page(
            request,
            session,
            None,
            form,
            404,
            problems=[f"There is no pool {pool!r}; check the id your municipality gave."],
        )
    return _form_page(request, session, org, form)


async def _posted(request: Request) -> dict[str, Any]:
    return await posted(request, FIELDS, lists=("skills",))


@router.post("/register")
def register(request: Request, session: SessionDep, form: Annotated[dict[str, Any], Depends(_posted)]) -> Response:
    org = _pool(session, form["pool"])
    if org is None:
        return _form_page(request, session, None, form, 404, problems=[f"There is no pool {form['pool']!r}."])
    try:
        body = Registration.model_validate(
            {
                "organisation": org.ref,
                "email": form["email"],
                "password": form["password"],
                "worker": {
                    "name": form["name"],
                    "kind": form["kind"],
                    "region_id": form["region_id"],
                    "home_lat": form["home_lat"],
                    "home_lon": form["home_lon"],
                    "max_travel_km": form["max_travel_km"],
                    "qualifications": [{"skill": k} for k in form["skills"]],
                },
            }
        )
        message = accounts.register(session, request.app.state.throttle, client_address(request), body)
    except (ValidationError, HTTPException, Refused) as error:
        code, problems = refusal(error, session, (404, 422, 429, 503), LABELS)
        return _form_page(request, session, org, form, code, problems=problems)
    return _form_page(request, session, org, form, 202, received=message)
