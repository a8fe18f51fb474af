"""The coordinator sets the pool up in the browser: regions, skills, health sites and farms, and the
accounts of coordinators, health managers (with their sites), farmers (with their farms) and workers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from api.core import crud
from api.core.refusals import Refused
from api.http.deps import SessionDep
from api.http.schemas import NamedPatch
from api.services import setup, users, working_time
from api.services.users import UserIn
from api.web.account import chrome
from api.web.forms import posted, refusal
from api.web.render import page
from api.web.session import guard_forms, page_for
from models import problem as p
from models import tables as t
from models.enums import Role, SiteKind
from models.law import PARAMETERS, PROFILES, WEEKDAYS, Law

router = APIRouter(prefix="/pool", include_in_schema=False, dependencies=[Depends(guard_forms)])

CoordinatorUser = Annotated[t.User, Depends(page_for(Role.coordinator))]
NAMED = {"regions": (t.Region, "region"), "skills": (t.Skill, "skill")}
PLACES: dict[str, tuple[Any, type[p.Place], str]] = {
    "sites": (t.Site, p.Site, "site"),
    "farms": (t.Farm, p.Farm, "farm"),
}
PLACE_FIELDS = ("id", "name", "kind", "address", "contact", "lat", "lon", "region_id", "confirm_takes")
USER_FIELDS = ("email", "name", "role", "password", "worker", "sites", "farms")


def _rows(session: Session, user: t.User, table: Any) -> list[Any]:
    query = select(table).where(table.organisation_id == user.organisation_id).order_by(col(table.name))
    return list(session.exec(query))


def _setup_page(request: Request, session: Session, user: t.User, status_code: int = 200, **extra: Any) -> Response:
    regions = _rows(session, user, t.Region)
    region_names = {r.id: r.name for r in regions}
    return page(
        request,
        "coordinator/setup.html",
        status_code,
        regions=regions,
        skills=_rows(session, user, t.Skill),
        sites=_rows(session, user, t.Site),
        farms=_rows(session, user, t.Farm),
        region_names=region_names,
        site_kinds=[k.value for k in SiteKind],
        law=working_time.view(session, user.organisation_id),
        profiles=PROFILES,
        law_fields=LAW_FORM,
        weekdays=WEEKDAYS,
        form=extra.pop("form", {}),
        **chrome(user, "/pool/setup"),
        **extra,
    )


@router.get("/setup")
def setup_page(request: Request, user: CoordinatorUser, session: SessionDep) -> Response:
    return _setup_page(request, session, user)


async def _place_form(request: Request) -> dict[str, Any]:
    return await posted(request, PLACE_FIELDS)


def _place_body(schema: type[p.Place], what: str, form: dict[str, Any]) -> p.Place:
    """The form as the API's body: empty fields left to their defaults, a kind only for a site."""
    return schema.model_validate({k: v for k, v in form.items() if v != "" and (k != "kind" or what == "sites")})


LAW_FIELDS = ("profile", "holidays", "week_starts", "night_from", "night_to", *PARAMETERS)
LAW_LABELS = {
    "profile": "Law",
    "holidays": "Public holidays of",
    "week_starts": "Weeks start on",
    "night_from": "Night starts",
    "night_to": "Night ends",
    "daily_rest_hours": "Daily rest (hours)",
    "weekly_rest_hours": "Weekly rest (hours)",
    "max_hours_per_24h": "Most hours in 24 h",
    "night_average_hours": "Night workers' average (hours per 24 h)",
    "night_reference_weeks": "Night average over (weeks)",
    "night_max_hours_per_24h": "Strenuous night work (hours in 24 h)",
    "sunday_off_every": "A Sunday off in every",
    "total_hours_per_7_days": "Most hours in 7 days",
    "ordinary_hours_per_24h": "Ordinary hours in a day",
    "ordinary_hours_per_7_days": "Ordinary hours in a week",
    "overtime_per_7_days": "Overtime in a week",
    "overtime_per_4_weeks": "Overtime in 4 weeks",
    "overtime_per_year": "Overtime in a year",
}
LAW_FORM = (
    ("daily_rest_hours", "Daily rest (hours in the 24 h from the start of work)"),
    ("weekly_rest_hours", "Weekly rest (hours in each week)"),
    ("max_hours_per_24h", "Most hours of work in 24 h"),
    ("total_hours_per_7_days", "Most hours of work in any 7 days, overtime included"),
    ("ordinary_hours_per_24h", "Ordinary hours in a day (beyond them is overtime)"),
    ("ordinary_hours_per_7_days", "Ordinary hours in a calendar week (beyond them is overtime)"),
    ("overtime_per_7_days", "Most overtime in a calendar week (hours)"),
    ("overtime_per_4_weeks", "Most overtime in 4 weeks in a row (hours)"),
    ("overtime_per_year", "Most overtime in a year (hours)"),
    ("night_average_hours", "Night workers' average hours per 24 h (weekly rest left out)"),
    ("night_reference_weeks", "Weeks the night workers' average is over (1 to 4)"),
    ("night_max_hours_per_24h", "Most hours in 24 h around a night, where night work is strenuous (the acts say 8)"),
    ("sunday_off_every", "A Sunday or public holiday off in every (how many in a row)"),
)
"""The form's fields for the law's numbers, in the order a coordinator reads them."""


@router.post("/law")
async def set_law(request: Request, user: CoordinatorUser, session: SessionDep) -> Response:
    """The working-time law the pool follows, and the organisation's own agreement's numbers (a blank
    field keeps what the law says)."""
    form = await posted(request, LAW_FIELDS)
    try:
        overrides = {k: form[k] for k in PARAMETERS if form[k].strip()}
        holidays = form["holidays"].strip() or None
        body = {
            "profile": form["profile"],
            "holidays": holidays,
            "week_starts": form["week_starts"].strip() or "monday",
            "night_from": form["night_from"].strip() or None,
            "night_to": form["night_to"].strip() or None,
            "overrides": overrides,
        }
        law = Law.model_validate(body)
    except ValidationError as error:
        code, problems = refusal(error, session, (422,), LAW_LABELS)
        return _setup_page(request, session, user, code, problems=problems, form={"law": form})
    working_time.put(session, user.organisation_id, law)
    return _setup_page(request, session, user, notice=f"The pool now follows {PROFILES[law.profile].name}.")


@router.post("/setup/{what}")
def add_named_or_place(
    request: Request,
    what: str,
    user: CoordinatorUser,
    session: SessionDep,
    form: Annotated[dict[str, Any], Depends(_place_form)],
) -> Response:
    try:
        if what in NAMED:
            table, noun = NAMED[what]
            body = p.Region.model_validate({"id": form["id"], "name": form["name"]})  # the same id and name rules
            setup.add_named(session, user, table, noun, body.id, body.name)
        elif what in PLACES:
            table, schema, noun = PLACES[what]
            setup.add_place(session, user, table, noun, _place_body(schema, what, form))
        else:
            raise HTTPException(404, f"no list {what!r}")
    except (ValidationError, HTTPException, Refused) as error:
        code, problems = refusal(error, session, (409, 422))
        return _setup_page(request, session, user, code, problems=problems, form={what: form})
    return _setup_page(request, session, user, notice=f"{form['name']} added.")


def _table(what: str) -> tuple[Any, str]:
    if what in NAMED:
        return NAMED[what]
    if what in PLACES:
        return PLACES[what][0], PLACES[what][2]
    raise HTTPException(404, f"no list {what!r}")


@router.post("/setup/{what}/{ref}/remove")
def remove_row(request: Request, what: str, ref: str, user: CoordinatorUser, session: SessionDep) -> Response:
    """Remove a region, skill, site or farm that nothing uses any more; else say what still does."""
    table, noun = _table(what)
    try:
        setup.remove(session, user, table, noun, ref)
    except (HTTPException, Refused) as error:
        code, problems = refusal(error, session, (404, 409))
        return _setup_page(request, session, user, code, problems=problems)
    return _setup_page(request, session, user, notice=f"The {noun} {ref} is removed.")


@router.post("/setup/{what}/{ref}/rename")
async def rename_named(request: Request, what: str, ref: str, user: CoordinatorUser, session: SessionDep) -> Response:
    if what not in NAMED:
        raise HTTPException(404, f"no list {what!r}")
    table, noun = NAMED[what]
    try:
        body = NamedPatch.model_validate(await posted(request, ("name",)))
        setup.rename_named(session, user, table, noun, ref, body.name)
    except (ValidationError, HTTPException, Refused) as error:
        code, problems = refusal(error, session, (404,))
        return _setup_page(request, session, user, code, problems=problems)
    return _setup_page(request, session, user, notice=f"The {noun} {ref} is now called {body.name}.")


def _edit_page(
    request: Request,
    session: Session,
    user: t.User,
    what: str,
    form: dict[str, Any],
    status_code: int = 200,
    **extra: Any,
) -> Response:
    return page(
        request,
        "coordinator/place_edit.html",
        status_code,
        what=what,
        noun=PLACES[what][2],
        regions=_rows(session, user, t.Region),
        site_kinds=[k.value for k in SiteKind],
        form=form,
        **chrome(user, "/pool/setup"),
        **extra,
    )


@router.get("/setup/{what}/{ref}")
def edit_place_page(request: Request, what: str, ref: str, user: CoordinatorUser, session: SessionDep) -> Response:
    """A site's or farm's form, filled in with what is stored."""
    if what not in PLACES:
        raise HTTPException(404, f"no list {what!r}")
    table, _, noun = PLACES[what]
    row = crud.get(session, table, user.organisation_id, ref, noun)
    region = session.get(t.Region, row.region_id)
    form = {f: getattr(row, f, "") for f in PLACE_FIELDS if f not in ("id", "region_id")}
    return _edit_page(request, session, user, what, {**form, "id": row.ref, "region_id": region.ref if region else ""})


@router.post("/setup/{what}/{ref}")
def save_place(
    request: Request,
    what: str,
    ref: str,
    user: CoordinatorUser,
    session: SessionDep,
    form: Annotated[dict[str, Any], Depends(_place_form)],
) -> Response:
    if what not in PLACES:
        raise HTTPException(404, f"no list {what!r}")
    table, schema, noun = PLACES[what]
    try:
        setup.replace_place(session, user, table, noun, ref, _place_body(schema, what, {**form, "id": ref}))
    except (ValidationError, HTTPException, Refused) as error:
        code, problems = refusal(error, session, (404, 422))
        return _edit_page(request, session, user, what, {**form, "id": ref}, code, problems=problems)
    return _setup_page(request, session, user, notice=f"{form['name']} is saved.")


def _users_page(request: Request, session: Session, user: t.User, status_code: int = 200, **extra: Any) -> Response:
    accounts = users.views(
        session,
        list(
            session.exec(
                select(t.User).where(t.User.organisation_id == user.organisation_id).order_by(col(t.User.email))
            )
        ),
    )
    return page(
        request,
        "coordinator/users.html",
        status_code,
        accounts=accounts,
        sites=_rows(session, user, t.Site),
        farms=_rows(session, user, t.Farm),
        roles=[r.value for r in Role],
        me=user.id,
        form=extra.pop("form", {"role": "manager"}),
        **chrome(user, "/pool/users"),
        **extra,
    )


@router.get("/users")
def users_page(request: Request, user: CoordinatorUser, session: SessionDep) -> Response:
    return _users_page(request, session, user)


async def _user_form(request: Request) -> dict[str, Any]:
    return await posted(request, USER_FIELDS, lists=("sites", "farms"))


@router.post("/users")
def add_user(
    request: Request, user: CoordinatorUser, session: SessionDep, form: Annotated[dict[str, Any], Depends(_user_form)]
) -> Response:
    shown = {k: v for k, v in form.items() if k != "password"}  # a refused form never sends the password back
    try:
        body = UserIn.model_validate({**form, "worker": form["worker"] or None})
        users.create(session, user, body)
    except (ValidationError, HTTPException, Refused) as error:
        code, problems = refusal(error, session, (404, 409, 422))
        return _users_page(request, session, user, code, problems=problems, form=shown)
    return _users_page(
        request,
        session,
        user,
        notice=f"{body.email} can sign in now with the password you gave; tell them to change it.",
    )


@router.post("/users/{user_id}/remove")
def remove_user(request: Request, user_id: int, user: CoordinatorUser, session: SessionDep) -> Response:
    if not 1 <= user_id < 2**31:
        raise HTTPException(404, f"no user {user_id}")
    users.remove(session, user, user_id)
    return _users_page(request, session, user, notice="The account is removed; its sessions ended with it.")
