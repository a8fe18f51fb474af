"""The worker's pages, phone first: offers to answer, work coming up, hours and pay this month."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

import segno
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session, select

from api.core.refusals import Refused
from api.http.deps import SessionDep
from api.services import assignments, board, busy, contact, feeds, my_work, profiles, swaps, takes, week
from api.web.account import chrome
from api.web.forms import posted, refusal
from api.web.render import page
from api.web.session import guard_forms, page_for
from models import tables as t
from models.enums import FeedKind, Role
from models.settings import settings

router = APIRouter(prefix="/my", include_in_schema=False, dependencies=[Depends(guard_forms)])

WorkerUser = Annotated[t.User, Depends(page_for(Role.worker))]
ANSWERS = {"accept": assignments.accept, "decline": assignments.decline}


def zone(session: Session, user: t.User) -> ZoneInfo:
    org = session.get(t.Organisation, user.organisation_id)
    assert org is not None
    return ZoneInfo(org.timezone)


def _home(request: Request, session: Session, user: t.User, status_code: int = 200, **extra: object) -> Response:
    tz, now = zone(session, user), dt.datetime.now(dt.UTC)
    worker = session.get(t.Worker, user.worker_id) if user.worker_id else None
    return page(
        request,
        "worker/home.html",
        status_code,
        tz=tz,
        zone=tz.key,
        pending=worker is not None and worker.pending,
        offers=my_work.offers(session, user, now),
        upcoming=my_work.upcoming(session, user, now),
        month=my_work.month(session, user, now, tz),
        offered_to_others={s.assignment_id: swaps.view(session, s) for s in swaps.mine(session, user)},
        **chrome(user, "/my"),
        **extra,  # type: ignore[arg-type]
    )


@router.get("")
def home(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    return _home(request, session, user)


@router.post("/offers/{assignment_id}/{answer}")
def answer_offer(request: Request, assignment_id: int, answer: str, user: WorkerUser, session: SessionDep) -> Response:
    """Accept or decline; with htmx only the offer's card is redrawn, showing the outcome."""
    move = ANSWERS.get(answer)
    if move is None or not 1 <= assignment_id < 2**31:
        raise HTTPException(404, "no such page")
    item = next(
        (i for i in my_work.offers(session, user, dt.datetime.now(dt.UTC)) if i.assignment.id == assignment_id), None
    )
    try:
        move(session, user, assignment_id)
    except (HTTPException, Refused) as refused:
        if refused.status_code not in (404, 409):
            raise
        session.rollback()
        problem = f"This could not be done: {refused.detail}."
        if item is None or not request.headers.get("hx-request"):
            return _home(request, session, user, refused.status_code, problem=problem)
        return page(
            request, "worker/_offer.html", item=item, tz=zone(session, user), answered="refused", outcome=problem
        )
    accepted = answer == "accept"
    outcome = "You accepted this work. It is in your calendar." if accepted else "You declined this offer."
    if item is None or not request.headers.get("hx-request"):
        return _home(request, session, user, notice=outcome)
    answered = "accepted" if accepted else "declined"
    return page(request, "worker/_offer.html", item=item, tz=zone(session, user), answered=answered, outcome=outcome)


@router.get("/calendar")
def calendar_page(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    """Whether a subscription link exists (its secret is not kept, so it cannot be shown again)."""
    live = feeds.live_link(session, user, FeedKind.worker, None)
    tz = zone(session, user)
    return page(request, "worker/calendar.html", live=live, tz=tz, zone=tz.key, **chrome(user, "/my/calendar"))


@router.post("/calendar")
def new_calendar_link(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    """A fresh private link to the worker's own work, as https and webcal addresses and a QR code to
    scan with the phone; the link before it stops working."""
    made = feeds.make_link(session, user, FeedKind.worker, None)
    url = str(request.url_for("calendar_feed", collection="workers", token=made.token))
    webcal = "webcal://" + url.split("://", 1)[1]
    qr = segno.make(webcal, error="m").svg_data_uri(scale=5, dark="#1b1f24")
    tz = zone(session, user)
    return page(
        request,
        "worker/calendar.html",
        live=feeds.live_link(session, user, FeedKind.worker, None),
        url=url,
        webcal=webcal,
        qr=qr,
        tz=tz,
        zone=tz.key,
        **chrome(user, "/my/calendar"),
    )


@router.get("/profile")
def profile_page(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    return _profile_page(request, session, user)


@router.post("/profile/contact")
async def save_contact(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    form = await posted(request, ("phone", "channel"))
    worker = _own_worker(session, user)
    try:
        contact.put(session, user, worker.ref, form["phone"], form["channel"] or "email")
    except (HTTPException, Refused) as refused:
        code, problems = refusal(refused, session, (422,), {"phone": "Phone number", "channel": "How to be told"})
        return _profile_page(request, session, user, code, problem="; ".join(problems))
    return _profile_page(request, session, user, notice="Saved: this is how the pool reaches you.")


def _profile_page(
    request: Request, session: Session, user: t.User, status_code: int = 200, **extra: object
) -> Response:
    """The worker's profile as the pool keeps it, how to reach her, and each skill's approval state."""
    row = session.get(t.Worker, user.worker_id) if user.worker_id else None
    if row is None:
        raise HTTPException(404, "this account has no worker profile; ask the pool's coordinator")
    worker = profiles.views(session, [row], user.organisation_id)[0]
    tz = zone(session, user)
    today = dt.datetime.now(tz).date()
    names = {
        k.ref: k.name or k.ref
        for k in session.exec(select(t.Skill).where(t.Skill.organisation_id == user.organisation_id))
    }
    region = session.get(t.Region, row.region_id)
    return page(
        request,
        "worker/profile.html",
        status_code,
        worker=worker,
        contact=contact.get(session, user, row.ref),
        channels=contact.CHANNELS,
        sms_ready=bool(settings().sms_provider),
        region=region.name if region else "",
        skills=[(names.get(q.skill, q.skill), _state(q.approved, q.valid_until, today)) for q in worker.qualifications],
        zone=tz.key,
        **chrome(user, "/my/profile"),
        **extra,  # type: ignore[arg-type]
    )


def _state(approved: bool, until: dt.date | None, today: dt.date) -> str:
    if not approved:
        return "waiting for the coordinator's approval"
    if until is None:
        return "approved"
    if until < today:
        return f"expired on {until:%d %b %Y}: ask the coordinator to renew it"
    return f"approved until {until:%d %b %Y}"


def _own_worker(session: Session, user: t.User) -> t.Worker:
    row = session.get(t.Worker, user.worker_id) if user.worker_id else None
    if row is None:
        raise HTTPException(404, "this account has no worker profile; ask the pool's coordinator")
    return row


def _busy_page(request: Request, session: Session, user: t.User, status_code: int = 200, **extra: object) -> Response:
    worker = _own_worker(session, user)
    tz = zone(session, user)
    source = busy.source_of(session, worker)
    state = None
    if source is not None:
        state = (
            "waiting to be fetched"
            if source.checked_at is None
            else f"failed: {source.error}"
            if source.error
            else "fetched"
        )
    return page(
        request,
        "worker/busy.html",
        status_code,
        periods=busy.imported(session, worker, after=dt.datetime.now(dt.UTC))[:100],
        source=source,
        source_url=busy.masked(source.url) if source else "",
        source_state=state,
        tz=tz,
        zone=tz.key,
        **chrome(user, "/my/busy"),
        **extra,  # type: ignore[arg-type]
    )


@router.get("/busy")
def busy_page(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    """Busy times from the worker's own calendar: what was imported, and how to import again."""
    return _busy_page(request, session, user)


async def _uploaded(request: Request) -> bytes | None:
    """The form's file (parsed once, with the upload's limits, by ``guard_forms``)."""
    upload = (await request.form()).get("file")
    return None if upload is None or isinstance(upload, str) else await upload.read()


@router.post("/busy/file")
def busy_file(
    request: Request, user: WorkerUser, session: SessionDep, data: Annotated[bytes | None, Depends(_uploaded)]
) -> Response:
    """An .ics file exported from the phone's calendar; it replaces the previous upload's busy times."""
    if not data or not data.strip():
        return _busy_page(request, session, user, 422, problem="Choose an .ics file exported from your calendar.")
    try:
        result = busy.upload(session, _own_worker(session, user), data, None, None)
    except (HTTPException, Refused) as refused:
        if refused.status_code not in (413, 422, 503):
            raise
        words = refused.detail if isinstance(refused.detail, str) else refused.detail[0]["msg"]
        return _busy_page(request, session, user, refused.status_code, problem=f"The file could not be used: {words}")
    days = f"{result.first_day:%d %b} to {result.last_day:%d %b %Y}"
    notice = f"Imported {result.busy_periods} busy period(s) from {result.events} event(s), {days}."
    return _busy_page(request, session, user, notice=notice)


@router.post("/busy/url")
def busy_url(
    request: Request, user: WorkerUser, session: SessionDep, url: Annotated[str, Form(max_length=2000)]
) -> Response:
    try:
        busy.register_url(session, _own_worker(session, user), url)
    except (HTTPException, Refused) as refused:
        if refused.status_code != 422:
            raise
        return _busy_page(request, session, user, 422, problem=f"Calendar address: {refused.detail[0]['msg']}")  # type: ignore[index]
    refresher = getattr(request.app.state, "calendars", None)
    if refresher is not None:
        refresher.wake()
    return _busy_page(
        request,
        session,
        user,
        notice="Your calendar address is saved; it is read within a minute and then every few hours.",
    )


def _week_page(
    request: Request, session: Session, user: t.User, grid: week.Week, status_code: int = 200, **extra: object
) -> Response:
    return page(
        request,
        "worker/week.html",
        status_code,
        week=grid,
        states=week.STATE_WORDS,
        previous=grid.monday - dt.timedelta(days=7),
        following=grid.monday + dt.timedelta(days=7),
        zone=grid.zone.key,
        **chrome(user, "/my/week"),
        **extra,  # type: ignore[arg-type]
    )


def _week_of(session: Session, user: t.User, day: dt.date | None) -> dt.date:
    if day is None:
        return dt.datetime.now(zone(session, user)).date()
    if not week.FIRST_DAY <= day <= week.LAST_DAY:
        raise HTTPException(404, "no such week")
    return day


@router.get("/week")
def week_page(request: Request, user: WorkerUser, session: SessionDep, day: dt.date | None = None) -> Response:
    """When the worker is free, as a week of day, evening and night blocks to set."""
    return _week_page(
        request, session, user, week.week(session, _own_worker(session, user), _week_of(session, user, day))
    )


@router.post("/week")
async def save_week(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    """Save the blocks that changed; the rest of the worker's availability stays as it was."""
    worker = _own_worker(session, user)
    try:
        day = dt.date.fromisoformat((await posted(request, ("week",)))["week"])
    except ValueError:
        raise HTTPException(422, "the form names no week") from None
    grid = week.week(session, worker, _week_of(session, user, day))
    names = tuple(f"{c.day.isoformat()}/{c.block.key}" for c in grid.cells)
    form = await posted(request, names)
    changes = {(c.day, c.block.key): form[n] for c, n in zip(grid.cells, names, strict=True) if n in form}
    try:
        saved = week.save(session, worker, grid.monday, changes)
    except (HTTPException, Refused) as refused:
        if refused.status_code != 422:
            raise
        session.rollback()
        problem = refused.detail[0]["msg"] if isinstance(refused.detail, list) else str(refused.detail)  # type: ignore[index]
        return _week_page(request, session, user, grid, 422, problem=f"Nothing was saved: {problem}.")
    return _week_page(request, session, user, saved, notice="Your week is saved.")


def _open_page(request: Request, session: Session, user: t.User, status_code: int = 200, **extra: object) -> Response:
    tz = zone(session, user)
    worker = session.get(t.Worker, user.worker_id) if user.worker_id else None
    ready = worker is not None and not worker.pending
    shown = board.view(session, user) if ready else board.Board([], [])
    offered = [swaps.view(session, s) for s in swaps.takeable(session, user)] if ready else []
    asked = [takes.view(session, r) for r in takes.visible(session, user) if r.state == takes.PENDING]
    return page(
        request,
        "worker/open.html",
        status_code,
        places=shown.places,
        almost=shown.almost,
        swaps=offered,
        asked=asked,
        pending=worker is not None and worker.pending,
        days=board.DAYS,
        tz=tz,
        zone=tz.key,
        **chrome(user, "/my/open"),
        **extra,  # type: ignore[arg-type]
    )


@router.get("/open")
def open_places(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    """The open work the worker may take by every rule, to take with one tap."""
    return _open_page(request, session, user)


@router.post("/open/take")
async def take_place(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    item = (await posted(request, ("item",)))["item"][:100]
    try:
        taken = takes.take(session, user, item)
    except (HTTPException, Refused) as refused:
        if refused.status_code not in (404, 409):
            raise
        session.rollback()
        return _open_page(request, session, user, refused.status_code, problem=f"Not booked: {refused.detail}.")
    if isinstance(taken, t.TakeRequest):
        ask = takes.view(session, taken)
        notice = f"Asked for {ask.title} at {ask.place}: its manager confirms takes, and you hear the answer."
        return _open_page(request, session, user, notice=notice)
    view = assignments.view(session, taken)
    return _open_page(
        request, session, user, notice=f"You are booked on {view.title} at {view.place_name}. It is in your calendar."
    )


@router.post("/asks/{ask_id}/withdraw")
def withdraw_ask(request: Request, ask_id: int, user: WorkerUser, session: SessionDep) -> Response:
    """She no longer asks for open work at a place that confirms takes."""
    if not 1 <= ask_id < 2**31:
        raise HTTPException(404, "no such page")
    try:
        takes.withdraw(session, user, ask_id)
    except (HTTPException, Refused) as refused:
        if refused.status_code not in (403, 404, 409):
            raise
        session.rollback()
        return _open_page(request, session, user, refused.status_code, problem=f"That did not work: {refused.detail}.")
    return _open_page(request, session, user, notice="Your ask is withdrawn.")


@router.post("/swaps")
async def offer_swap(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    """Offer one of the worker's accepted shifts or job days to colleagues."""
    raw = (await posted(request, ("assignment",)))["assignment"]
    try:
        swaps.offer(session, user, int(raw) if raw.isdigit() and len(raw) < 10 else 0)
    except (HTTPException, Refused) as refused:
        if refused.status_code not in (404, 409):
            raise
        session.rollback()
        return _home(request, session, user, refused.status_code, problem=f"Not offered: {refused.detail}.")
    return _home(request, session, user, notice="Offered to your colleagues: it stays yours until one takes it over.")


@router.post("/swaps/{swap_id}/{move}")
def answer_swap(request: Request, swap_id: int, move: str, user: WorkerUser, session: SessionDep) -> Response:
    """Take over a colleague's offered work, or withdraw one's own offer."""
    if move not in ("take", "withdraw") or not 1 <= swap_id < 2**31:
        raise HTTPException(404, "no such page")
    try:
        row = (swaps.take if move == "take" else swaps.withdraw)(session, user, swap_id)
    except (HTTPException, Refused) as refused:
        if refused.status_code not in (403, 404, 409):
            raise
        session.rollback()
        shown = _open_page if move == "take" else _home
        return shown(request, session, user, refused.status_code, problem=f"That did not work: {refused.detail}.")
    if move == "take" and row.state == swaps.PENDING:
        notice = "The manager approves swaps there: you hear when it is decided."
        return _open_page(request, session, user, notice=notice)
    if move == "take":
        return _open_page(request, session, user, notice="You took it over. It is in your calendar.")
    return _home(request, session, user, notice="You keep it: the offer to colleagues is withdrawn.")
