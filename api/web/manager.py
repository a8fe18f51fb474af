"""The health manager's pages: the shifts of their sites by week, posting and editing a shift, a sick
call (a booking cancelled), and filling the gap: ranked candidates with reasons in words, offered with
one click. The coordinator may use them for every site."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col

from api.core import crud
from api.http.deps import SessionDep
from api.services import fill, postings
from api.services.postings import SHIFTS
from api.services.reports import Basis, open_places, snapshot
from api.web.account import chrome
from api.web.places import fill_view, my_places, offered_notice, staffing
from api.web.postings import Pages, called_off
from api.web.render import page
from api.web.session import guard_forms, page_for
from models import problem as p
from models import tables as t
from models.enums import Priority, Role
from models.problem import Day
from models.rows import organisation_zone, utc

router = APIRouter(prefix="/manage", include_in_schema=False, dependencies=[Depends(guard_forms)])

ManagerUser = Annotated[t.User, Depends(page_for(Role.manager, Role.coordinator))]
SHIFT_FIELDS = ("site_id", "title", "day", "start_time", "end_time", "headcount", "priority", "required_skills")


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@router.get("")
def week(
    request: Request,
    user: ManagerUser,
    session: SessionDep,
    week_of: Annotated[Day | None, Query(alias="week")] = None,
) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    first = monday(week_of or dt.datetime.now(tz).date())
    last = first + dt.timedelta(days=6)
    sites = my_places(session, user, SHIFTS)
    site_ids = [s.id for s in sites]
    query = postings.listing(user, session, SHIFTS, first, last).where(col(t.Shift.site_id).in_(site_ids))
    rows = list(session.exec(query))
    people = staffing(session, SHIFTS, rows)
    names = {s.id: s.name for s in sites}
    problem, solution, _ = snapshot(session, user.organisation_id, first, last, [], Basis.accepted)
    why = {g.item.id: g.reason for g in open_places(problem, solution, limit=len(rows))[0]}
    days: dict[dt.date, list[dict[str, Any]]] = {first + dt.timedelta(days=k): [] for k in range(7)}
    for row in rows:
        start, end = utc(row.start_utc), utc(row.end_utc)
        on = people[(row.id, None)]  # type: ignore[index]
        days.setdefault(start.astimezone(tz).date(), []).append(
            {
                "row": row,
                "start": start,
                "end": end,
                "site": names[row.site_id],
                "staff": on,
                "open": on.open_places(row.headcount),
                "why": why.get(row.ref, ""),
            }
        )
    return page(
        request,
        "manager/week.html",
        first=first,
        last=last,
        previous=first - dt.timedelta(days=7),
        following=first + dt.timedelta(days=7),
        days=days,
        sites=sites,
        tz=tz,
        zone=tz.key,
        **chrome(user, "/manage"),
    )


def _shift_body(form: dict[str, Any], ref: str) -> p.Shift:
    """The form as the API's shift body: local date and times, an end past midnight on the next day."""
    day = dt.date.fromisoformat(form["day"])
    start = dt.datetime.combine(day, dt.time.fromisoformat(form["start_time"]))
    end = dt.datetime.combine(day, dt.time.fromisoformat(form["end_time"]))
    if end <= start:
        end += dt.timedelta(days=1)  # a night shift
    return p.Shift.model_validate(
        {
            "id": ref,
            "site_id": form["site_id"],
            "title": form["title"],
            "start": start,
            "end": end,
            "headcount": form["headcount"],
            "priority": form["priority"],
            "required_skills": form["required_skills"],
        }
    )


PAGES = Pages(
    SHIFTS,
    "manager/shift_form.html",
    "/manage",
    SHIFT_FIELDS,
    _shift_body,
    lambda saved: f"/manage?week={monday(saved.start.date()).isoformat()}",
    "s",
    lambda: {"priorities": [p.value for p in Priority]},
)


@router.get("/shifts/new")
def new_shift(request: Request, user: ManagerUser, session: SessionDep) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    tomorrow = dt.datetime.now(tz).date() + dt.timedelta(days=1)
    form = {
        "day": tomorrow.isoformat(),
        "start_time": "08:00",
        "end_time": "15:30",
        "headcount": 1,
        "priority": "normal",
        "required_skills": [],
        "title": "",
        "site_id": "",
    }
    return PAGES.form_page(request, session, user, form)


@router.post("/shifts/new")
def post_shift(
    request: Request, user: ManagerUser, session: SessionDep, form: Annotated[dict[str, Any], Depends(PAGES.posted)]
) -> Response:
    return PAGES.save(request, session, user, form, None)


@router.get("/shifts/{ref}/edit")
def edit_shift(request: Request, ref: str, user: ManagerUser, session: SessionDep) -> Response:
    row = crud.get(session, t.Shift, user.organisation_id, ref, "shift")
    shift = postings.views(session, SHIFTS, [row], user.organisation_id)[0]
    form = {
        "site_id": shift.site_id,
        "title": shift.title,
        "day": shift.start.date().isoformat(),
        "start_time": f"{shift.start:%H:%M}",
        "end_time": f"{shift.end:%H:%M}",
        "headcount": shift.headcount,
        "priority": shift.priority.value,
        "required_skills": shift.required_skills,
    }
    return PAGES.form_page(request, session, user, form, ref)


@router.post("/shifts/{ref}/edit")
def save_shift(
    request: Request,
    ref: str,
    user: ManagerUser,
    session: SessionDep,
    form: Annotated[dict[str, Any], Depends(PAGES.posted)],
) -> Response:
    crud.get(session, t.Shift, user.organisation_id, ref, "shift")
    return PAGES.save(request, session, user, form, ref)


@router.post("/bookings/{assignment_id}/cancel")
def sick_call(request: Request, assignment_id: int, user: ManagerUser, session: SessionDep) -> Response:
    """A booked person cannot come: the booking is cancelled and the place opens for gap filling."""
    a = called_off(session, user, assignment_id)
    shift = session.get(t.Shift, a.shift_id) if a.shift_id else None
    if shift is None:
        raise HTTPException(404, "this booking is not on a shift")
    return RedirectResponse(f"/manage/shifts/{shift.ref}/fill", status_code=303)


@router.get("/shifts/{ref}/fill")
def fill_page(request: Request, ref: str, user: ManagerUser, session: SessionDep) -> Response:
    """The ranked candidates for the shift's open places, nothing offered yet."""
    target = fill.shift_target(session, user, ref)
    return _fill_page(
        request, session, user, target, fill.rank_and_offer(session, user.organisation_id, target, offer=False)
    )


@router.post("/shifts/{ref}/fill")
def fill_offer(request: Request, ref: str, user: ManagerUser, session: SessionDep) -> Response:
    target = fill.shift_target(session, user, ref)
    result = fill.rank_and_offer(session, user.organisation_id, target, offer=True)
    return _fill_page(request, session, user, target, result, notice=offered_notice(result))


def _fill_page(
    request: Request, session: Session, user: t.User, target: fill.Target, result: fill.FillOut, **extra: Any
) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    view = postings.views(session, SHIFTS, [target.row], user.organisation_id)[0]
    site = session.get(t.Site, target.row.site_id)  # type: ignore[union-attr]
    return fill_view(
        request,
        user,
        result,
        tz,
        title=f"{view.title or 'Shift'} at {site.name if site else ''}",
        start=view.start,
        end=view.end,
        action=f"/manage/shifts/{target.row.ref}/fill",
        back=f"/manage?week={monday(view.start.date()).isoformat()}",
        here="/manage",
        **extra,
    )
