"""The coordinator's pages: the pool's dashboard (coverage and supply against demand, as charts), and
solving: start a solve for a window and regions, watch it live, read its result, offer the proposals."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from api.core import crud
from api.core.refusals import Refused
from api.http.deps import SessionDep
from api.services import assignments, members, solve_jobs
from api.services.reports import Basis, open_places, snapshot
from api.services.solve_jobs import SolveJobIn
from api.services.solve_results import course, result_of
from api.web.account import chrome
from api.web.render import page
from api.web.session import guard_forms, page_for
from models import tables as t
from models.enums import AssignmentStatus, JobState, Role
from models.problem import Day
from models.rows import organisation_zone, utc
from reports import tables
from reports.export import spreadsheet_csv

router = APIRouter(prefix="/pool", include_in_schema=False, dependencies=[Depends(guard_forms)])

CoordinatorUser = Annotated[t.User, Depends(page_for(Role.coordinator))]
DASHBOARD_DAYS = 14
OPEN_SHOWN = 30  # open items listed with their reasons on the dashboard
RUNNING = (JobState.queued, JobState.running)


def _today(tz: ZoneInfo) -> dt.date:
    return dt.datetime.now(tz).date()


def _chart(rows: list[Any], label: str, series: dict[str, str]) -> dict[str, Any]:
    """A chart's data for ``static/charts.js``: labels and one bar series per column (the template
    writes it as JSON with ``tojson``, which escapes ``<``, ``>``, ``&`` and ``'`` inside the script block)."""
    return {
        "labels": [str(r[label]) for r in rows],
        "series": [{"name": name, "values": [int(r[key]) for r in rows]} for key, name in series.items()],
    }


@router.get("")
def dashboard(
    request: Request,
    user: CoordinatorUser,
    session: SessionDep,
    first: Annotated[Day | None, Query(alias="from")] = None,
    last: Annotated[Day | None, Query(alias="to")] = None,
    basis: Basis = Basis.planned,
) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    first = first or _today(tz)
    last = last or first + dt.timedelta(days=DASHBOARD_DAYS - 1)
    problem, solution, skipped = snapshot(session, user.organisation_id, first, last, [], basis)
    by_region: list[Any] = tables.coverage(problem, solution, by=("region",)).to_dict("records")
    by_role: list[Any] = tables.coverage(problem, solution, by=("role",)).to_dict("records")
    supply: list[Any] = tables.supply_demand(problem, solution).to_dict("records")
    oid = user.organisation_id
    pending_people = session.exec(
        select(func.count()).where(t.Worker.organisation_id == oid, col(t.Worker.pending))
    ).one()
    pending_skills = session.exec(
        select(func.count())
        .select_from(t.Qualification)
        .join(t.Worker)
        .where(
            t.Worker.organisation_id == oid, col(t.Worker.pending).is_(False), col(t.Qualification.approved).is_(False)
        )
    ).one()
    proposals = session.exec(
        select(func.count()).where(
            t.Assignment.organisation_id == oid, t.Assignment.status == AssignmentStatus.proposed
        )
    ).one()
    gaps, open_items = open_places(problem, solution, OPEN_SHOWN)
    return page(
        request,
        "coordinator/dashboard.html",
        first=first,
        last=last,
        basis=basis.value,
        tz=tz,
        zone=tz.key,
        by_region=by_region,
        by_role=by_role,
        supply=supply,
        coverage_chart=_chart(
            [r for r in by_region if r["region"] != "All"], "region", {"filled": "Filled", "open": "Open"}
        ),
        role_chart=_chart([r for r in by_role if r["role"] != "All"], "role", {"filled": "Filled", "open": "Open"}),
        supply_chart=_chart(
            [{**r, "label": f"{r['region']} · {r['skill']}"} for r in supply],
            "label",
            {"approved_workers": "Approved workers", "places": "Places needing the skill"},
        ),
        open_count=sum(int(r["open"]) for r in by_region if r["region"] == "All"),
        gaps=gaps,
        open_items=open_items,
        pending_people=pending_people,
        pending_skills=pending_skills,
        proposals=proposals,
        skipped=skipped,
        **chrome(user, "/pool"),
    )


REPORTS = {"coverage": tables.coverage, "supply-demand": tables.supply_demand}


@router.get("/reports/{name}.csv")
def report_csv(
    name: str,
    user: CoordinatorUser,
    session: SessionDep,
    first: Annotated[Day, Query(alias="from")],
    last: Annotated[Day, Query(alias="to")],
    basis: Basis = Basis.planned,
) -> Response:
    """The dashboard's tables as CSV files (the API's ``/reports/...?format=csv``, for a signed-in browser)."""
    build = REPORTS.get(name)
    if build is None:
        raise HTTPException(404, f"no report {name!r}")
    problem, solution, skipped = snapshot(session, user.organisation_id, first, last, [], basis)
    headers = {
        "Content-Disposition": f'attachment; filename="{name}-{first}-{last}.csv"',
        "Skipped-Rows": str(skipped),
        "Cache-Control": "no-store",
    }
    return Response(spreadsheet_csv(build(problem, solution)), media_type="text/csv; charset=utf-8", headers=headers)


def _regions(session: Session, user: t.User) -> list[t.Region]:
    query = select(t.Region).where(t.Region.organisation_id == user.organisation_id).order_by(col(t.Region.name))
    return list(session.exec(query))


def _solve_page(request: Request, session: Session, user: t.User, status_code: int = 200, **extra: Any) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    jobs = session.exec(
        select(t.SolveJob)
        .where(t.SolveJob.organisation_id == user.organisation_id)
        .order_by(col(t.SolveJob.id).desc())
        .limit(20)
    ).all()
    today = _today(tz)
    defaults = {"first": today, "last": today + dt.timedelta(days=13), "regions": [], "time_limit": 30}
    return page(
        request,
        "coordinator/solve.html",
        status_code,
        tz=tz,
        zone=tz.key,
        jobs=jobs,
        regions=_regions(session, user),
        form={**defaults, **extra.pop("form", {})},
        **chrome(user, "/pool/solve"),
        **extra,
    )


@router.get("/solve")
def solve_page(request: Request, user: CoordinatorUser, session: SessionDep) -> Response:
    return _solve_page(request, session, user)


@router.post("/solve")
def start_solve(
    request: Request,
    user: CoordinatorUser,
    session: SessionDep,
    first: Annotated[str, Form(max_length=20)],
    last: Annotated[str, Form(max_length=20)],
    time_limit: Annotated[str, Form(max_length=20)] = "30",
    regions: Annotated[list[str], Form(max_length=100)] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    form = {"first": first, "last": last, "regions": regions, "time_limit": time_limit}
    try:
        body = SolveJobIn.model_validate({"from": first, "to": last, "regions": regions, "time_limit": time_limit})
    except ValidationError as error:
        words = {"from": "First day", "to": "Last day", "time_limit": "Seconds of search", "regions": "Regions"}
        problems = [
            f"{words.get(str(e['loc'][0]), 'The form') if e['loc'] else 'The form'}: {e['msg']}" for e in error.errors()
        ]
        return _solve_page(request, session, user, 422, form=form, problem="; ".join(problems))
    try:
        row = solve_jobs.create(session, user, body.first_day, body.last_day, body.regions, body.time_limit)
    except (HTTPException, Refused) as refused:
        detail = refused.detail if isinstance(refused.detail, str) else refused.detail[0]["msg"]
        return _solve_page(request, session, user, refused.status_code, form=form, problem=str(detail).capitalize())
    return RedirectResponse(f"/pool/solve/{row.id}", status_code=303)


def _elapsed(job: t.SolveJob) -> int | None:
    """Whole seconds since a running job started (a sign of life before its first progress report)."""
    if job.state != JobState.running or job.started_at is None:
        return None
    return max(0, int((dt.datetime.now(dt.UTC) - utc(job.started_at)).total_seconds()))


def _job_context(session: Session, user: t.User, job: t.SolveJob) -> dict[str, Any]:
    tz = organisation_zone(session, user.organisation_id)
    points = course(job.trace)
    chart = {
        "seconds": [p.seconds for p in points],
        "phases": [p.phase for p in points],
        "filled": [p.filled for p in points],
        "km": [p.km for p in points],
        "nok": [p.nok for p in points],
    }
    done = job.state == JobState.succeeded
    proposals = 0
    if done:
        proposals = len(_proposals(session, user, job))
    return {
        "job": job,
        "tz": tz,
        "zone": tz.key,
        "running": job.state in RUNNING,
        "result": result_of(job.id or 0, job.result, tz) if done else None,
        "course_chart": chart,
        "elapsed": _elapsed(job),
        "points": points[-1:] if points else [],
        "proposals": proposals,
    }


def _proposals(session: Session, user: t.User, job: t.SolveJob) -> list[t.Assignment]:
    query = select(t.Assignment).where(
        t.Assignment.organisation_id == user.organisation_id, t.Assignment.status == AssignmentStatus.proposed
    )
    zone = organisation_zone(session, user.organisation_id)
    return list(session.exec(assignments.on_days(query, job.first_day, job.last_day, zone)))


def _job_id(job_id: int) -> int:
    if not 1 <= job_id < 2**31:
        raise HTTPException(404, f"no solve job {job_id}")
    return job_id


@router.get("/solve/{job_id}")
def job_page(request: Request, job_id: int, user: CoordinatorUser, session: SessionDep) -> Response:
    job = solve_jobs.get(session, user, _job_id(job_id))
    return page(request, "coordinator/job.html", **_job_context(session, user, job), **chrome(user, "/pool/solve"))


@router.get("/solve/{job_id}/live")
def job_live(request: Request, job_id: int, user: CoordinatorUser, session: SessionDep) -> Response:
    """The part of the job's page that changes while it runs (htmx polls it once a second)."""
    job = solve_jobs.get(session, user, _job_id(job_id))
    return page(request, "coordinator/_job_live.html", **_job_context(session, user, job), user=user)


@router.post("/solve/{job_id}/cancel")
def cancel_job(request: Request, job_id: int, user: CoordinatorUser, session: SessionDep) -> Response:
    solve_jobs.cancel(session, user, _job_id(job_id), getattr(request.app.state, "runner", None))
    return RedirectResponse(f"/pool/solve/{job_id}", status_code=303)


@router.post("/solve/{job_id}/offer")
def offer_proposals(request: Request, job_id: int, user: CoordinatorUser, session: SessionDep) -> Response:
    """Offer every proposal in the job's window to its worker (the API's ``POST /assignments/offer``)."""
    job = solve_jobs.get(session, user, _job_id(job_id))
    if job.state != JobState.succeeded:
        raise HTTPException(409, f"solve job {job_id} is {job.state}; only a finished roster can be offered")
    offered = assignments.offer(session, user, None, job.first_day, job.last_day)
    context = _job_context(session, user, job)
    notice = f"{len(offered)} offer(s) sent. Workers see them on their page and in their calendar."
    return page(request, "coordinator/job.html", notice=notice, **context, **chrome(user, "/pool/solve"))


@router.get("/approvals")
def approvals(request: Request, user: CoordinatorUser, session: SessionDep) -> Response:
    """People who registered, skills members claim, and licences running out: each decided with a click."""
    return _approvals(request, session, user)


def _approvals(request: Request, session: Session, user: t.User, status_code: int = 200, **extra: Any) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    found = members.queue(session, user, _today(tz))
    return page(
        request,
        "coordinator/approvals.html",
        status_code,
        queue=found,
        expiring_days=members.EXPIRING_DAYS,
        zone=tz.key,
        **chrome(user, "/pool/approvals"),
        **extra,
    )


@router.post("/approvals/people/{ref}")
def decide_person(
    request: Request,
    ref: str,
    user: CoordinatorUser,
    session: SessionDep,
    decision: Annotated[str, Form(pattern="^(accept|turn-down)$")],
) -> Response:
    worker = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    name = worker.name
    members.decide_registration(session, user, ref, decision == "accept")
    words = (
        f"{name} is a member now; approve their skills below."
        if decision == "accept"
        else f"{name}'s registration is turned down and removed."
    )
    return _approvals(request, session, user, notice=words)


@router.post("/approvals/skills/{ref}/{skill}")
def decide_skill(
    request: Request,
    ref: str,
    skill: str,
    user: CoordinatorUser,
    session: SessionDep,
    decision: Annotated[str, Form(pattern="^(approve|revoke)$")],
    valid_until: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        until = dt.date.fromisoformat(valid_until) if valid_until else None
        if until is not None:
            until = TypeAdapter(Day).validate_python(until)
    except (ValueError, ValidationError):
        problem = "Valid until: give a date such as 2027-12-31, or leave it empty."
        return _approvals(request, session, user, 422, problem=problem)
    row = members.decide_skill(session, user, ref, skill, decision == "approve", until)
    if decision == "revoke":
        words = f"{row.name}: {skill} revoked."
    else:
        words = f"{row.name}: {skill} approved" + (f" until {until:%d %b %Y}." if until else ".")
    return _approvals(request, session, user, notice=words)
