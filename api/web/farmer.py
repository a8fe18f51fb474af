"""The farmer's pages: their jobs and who is coming on each day, posting a multi-day paid job, a
picker who cannot come (a booking cancelled), and filling a day's gaps like a shift's. The
coordinator may use them for every farm."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col

from api.core import crud
from api.http.deps import SessionDep
from api.services import fill, postings
from api.services.postings import JOBS
from api.web.account import chrome
from api.web.places import fill_view, my_places, offered_notice, staffing
from api.web.postings import Pages, called_off
from api.web.render import page
from api.web.session import guard_forms, page_for
from models import problem as p
from models import tables as t
from models.enums import Role
from models.problem import Day
from models.rows import job_days, organisation_zone

router = APIRouter(prefix="/farm", include_in_schema=False, dependencies=[Depends(guard_forms)])

FarmerUser = Annotated[t.User, Depends(page_for(Role.farmer, Role.coordinator))]
JOB_FIELDS = (
    "farm_id",
    "title",
    "first_day",
    "last_day",
    "daily_start",
    "daily_hours",
    "headcount",
    "pay_per_hour",
    "required_skills",
)
PAST_DAYS = 7  # jobs that ended this many days ago still show


@router.get("")
def jobs(request: Request, user: FarmerUser, session: SessionDep) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    today = dt.datetime.now(tz).date()
    farms = my_places(session, user, JOBS)
    query = postings.listing(user, session, JOBS, today - dt.timedelta(days=PAST_DAYS)).where(
        col(t.Job.farm_id).in_([f.id for f in farms])
    )
    rows = list(session.exec(query))
    people = staffing(session, JOBS, rows)
    names = {f.id: f.name for f in farms}
    shown = []
    for row in rows:
        days = []
        for day in job_days(row):
            on = people[(row.id, day)]  # type: ignore[index]
            days.append({"day": day, "staff": on, "open": on.open_places(row.headcount), "past": day < today})
        shown.append({"row": row, "farm": names[row.farm_id], "days": days})
    return page(request, "farmer/jobs.html", jobs=shown, farms=farms, zone=tz.key, **chrome(user, "/farm"))


def _job_body(form: dict[str, Any], ref: str) -> p.Job:
    return p.Job.model_validate({**form, "id": ref, "pay_per_hour": form["pay_per_hour"] or 0})


PAGES = Pages(JOBS, "farmer/job_form.html", "/farm", JOB_FIELDS, _job_body, lambda _: "/farm", "j")


@router.get("/jobs/new")
def new_job(request: Request, user: FarmerUser, session: SessionDep) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    start = dt.datetime.now(tz).date() + dt.timedelta(days=1)
    form = {
        "farm_id": "",
        "title": "",
        "first_day": start.isoformat(),
        "last_day": (start + dt.timedelta(days=4)).isoformat(),
        "daily_start": "07:00",
        "daily_hours": "7.5",
        "headcount": "2",
        "pay_per_hour": "",
        "required_skills": [],
    }
    return PAGES.form_page(request, session, user, form)


@router.post("/jobs/new")
def post_job(
    request: Request, user: FarmerUser, session: SessionDep, form: Annotated[dict[str, Any], Depends(PAGES.posted)]
) -> Response:
    return PAGES.save(request, session, user, form, None)


@router.get("/jobs/{ref}/edit")
def edit_job(request: Request, ref: str, user: FarmerUser, session: SessionDep) -> Response:
    """The job's form filled in with what is posted; saving it keeps every booking it still fits."""
    row = crud.get(session, t.Job, user.organisation_id, ref, "job")
    postings.may_post(session, user, JOBS, row.farm_id)
    job = postings.views(session, JOBS, [row], user.organisation_id)[0]
    form = {
        "farm_id": job.farm_id,
        "title": job.title,
        "first_day": job.first_day.isoformat(),
        "last_day": job.last_day.isoformat(),
        "daily_start": f"{job.daily_start:%H:%M}",
        "daily_hours": f"{job.daily_hours:g}",
        "headcount": str(job.headcount),
        "pay_per_hour": f"{job.pay_per_hour:g}" if job.pay_per_hour else "",
        "required_skills": job.required_skills,
    }
    return PAGES.form_page(request, session, user, form, ref)


@router.post("/jobs/{ref}/edit")
def save_job(
    request: Request,
    ref: str,
    user: FarmerUser,
    session: SessionDep,
    form: Annotated[dict[str, Any], Depends(PAGES.posted)],
) -> Response:
    crud.get(session, t.Job, user.organisation_id, ref, "job")
    return PAGES.save(request, session, user, form, ref)


@router.post("/bookings/{assignment_id}/cancel")
def cannot_come(request: Request, assignment_id: int, user: FarmerUser, session: SessionDep) -> Response:
    """A booked picker cannot come that day: the booking is cancelled and the day opens for filling."""
    a = called_off(session, user, assignment_id)
    job = session.get(t.Job, a.job_id) if a.job_id else None
    if job is None or a.day is None:
        raise HTTPException(404, "this booking is not on a job")
    return RedirectResponse(f"/farm/jobs/{job.ref}/days/{a.day.isoformat()}/fill", status_code=303)


@router.get("/jobs/{ref}/days/{day}/fill")
def fill_page(request: Request, ref: str, day: Day, user: FarmerUser, session: SessionDep) -> Response:
    target = fill.job_target(session, user, ref, day)
    return _fill_page(
        request, session, user, target, fill.rank_and_offer(session, user.organisation_id, target, offer=False)
    )


@router.post("/jobs/{ref}/days/{day}/fill")
def fill_offer(request: Request, ref: str, day: Day, user: FarmerUser, session: SessionDep) -> Response:
    target = fill.job_target(session, user, ref, day)
    result = fill.rank_and_offer(session, user.organisation_id, target, offer=True)
    return _fill_page(request, session, user, target, result, notice=offered_notice(result))


def _fill_page(
    request: Request, session: Session, user: t.User, target: fill.Target, result: fill.FillOut, **extra: Any
) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    job = target.row
    assert isinstance(job, t.Job) and target.day is not None
    farm = session.get(t.Farm, job.farm_id)
    start = dt.datetime.combine(target.day, job.daily_start, tzinfo=tz)
    return fill_view(
        request,
        user,
        result,
        tz,
        title=f"{job.title} at {farm.name if farm else ''}",
        start=start,
        end=start + dt.timedelta(hours=job.daily_hours),
        action=f"/farm/jobs/{job.ref}/days/{target.day.isoformat()}/fill",
        back="/farm",
        here="/farm",
        **extra,
    )
