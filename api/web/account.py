"""Pages everyone uses: the start page (each role's home), signing in and out, changing the password."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.core.refusals import Refused
from api.http.deps import SessionDep, client_address
from api.notifications.outbox import EVENTS
from api.services import accounts, preferences
from api.web.forms import posted, refusal
from api.web.render import page
from api.web.session import (
    PageUser,
    clear_session,
    guard_forms,
    remember_browser,
    safe_next,
    session_token,
    set_session,
    signed_in,
)
from models import tables as t
from models.enums import Role
from models.settings import settings

router = APIRouter(include_in_schema=False, dependencies=[Depends(guard_forms)])

HOMES = {Role.worker: "/my", Role.coordinator: "/pool", Role.manager: "/manage", Role.farmer: "/farm"}
NAV = {
    Role.worker: [
        ("/my", "My work"),
        ("/my/open", "Open work"),
        ("/my/week", "My week"),
        ("/my/busy", "Busy times"),
        ("/my/time-off", "Time off"),
        ("/my/calendar", "Calendar"),
        ("/my/profile", "Profile"),
    ],
    Role.coordinator: [
        ("/pool", "Pool"),
        ("/pool/approvals", "Approvals"),
        ("/pool/solve", "Plan a roster"),
        ("/pool/roster", "Roster"),
        ("/pool/setup", "Set-up"),
        ("/manage", "Shifts"),
        ("/farm", "Jobs"),
        ("/decide", "To decide"),
    ],
    Role.manager: [("/manage", "Shifts"), ("/manage/shifts/new", "Post a shift"), ("/decide", "To decide")],
    Role.farmer: [("/farm", "Jobs"), ("/farm/jobs/new", "Post a job"), ("/decide", "To decide")],
}


def chrome(user: object, here: str) -> dict[str, Any]:
    """What the base template needs to draw the header for ``user``."""
    role = getattr(user, "role", None)
    return {"user": user, "nav": NAV.get(role, []) if role else [], "here": here}  # type: ignore[call-overload]


@router.get("/")
def start(request: Request, session: SessionDep) -> Response:
    user = signed_in(request, session)
    if user is None:
        return RedirectResponse("/sign-in", status_code=303)
    return RedirectResponse(HOMES[user.role], status_code=303)


@router.get("/sign-in")
def sign_in_page(request: Request, next: str | None = None) -> Response:
    return page(request, "sign_in.html", next=safe_next(next), email="", pools=[], **chrome(None, ""))


@router.post("/sign-in")
def sign_in(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
    pool: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    throttle = request.app.state.throttle
    try:
        user_id = accounts.authenticate(
            session, throttle, email, password, pool or None, client_address(request), choose="choose the pool below"
        )
    except (HTTPException, Refused) as refused:
        pools = refused.pools if isinstance(refused, accounts.SeveralPools) else []
        context = chrome(None, "")
        return page(
            request,
            "sign_in.html",
            refused.status_code,
            next=safe_next(next),
            email=email,
            pools=pools,
            problem=str(refused.detail)[:1].upper() + str(refused.detail)[1:],
            **context,
        )
    token, _ = accounts.start_session(session, user_id, lifetime=dt.timedelta(hours=settings().session_hours))
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session(response, token)
    remember_browser(request, response, renew=True)  # a new CSRF key with the new session
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep) -> Response:
    user, token = signed_in(request, session), session_token(request)
    if user is not None and token:
        accounts.end_session(session, user, token)
    response = RedirectResponse("/sign-in", status_code=303)
    clear_session(response)
    return response


def _messages_page(request: Request, session: Session, user: t.User, status_code: int = 200, **extra: Any) -> Response:
    return page(
        request,
        "notifications.html",
        status_code,
        prefs=preferences.get(session, user),
        words=EVENTS,
        **chrome(user, "/account/notifications"),
        **extra,
    )


@router.get("/account/notifications")
def messages_page(request: Request, user: PageUser, session: SessionDep) -> Response:
    """Which messages this person gets, and the quiet hours in which they wait."""
    return _messages_page(request, session, user)


@router.post("/account/notifications")
async def save_messages(request: Request, user: PageUser, session: SessionDep) -> Response:
    form = await posted(request, ("heard", "quiet_from", "quiet_until"), lists=("heard",))
    heard = set(form["heard"])
    muted = [e for e in preferences.FOR_ROLE[user.role] if e not in heard]
    try:
        quiet = [dt.time.fromisoformat(form[k]) if form[k] else None for k in ("quiet_from", "quiet_until")]
        preferences.put(session, user, muted, quiet[0], quiet[1])
    except (ValueError, HTTPException, Refused) as error:
        code, problems = refusal(error, session, (422,), {"quiet_from": "Quiet from", "quiet_until": "Quiet until"})
        return _messages_page(request, session, user, code, problems=problems)
    return _messages_page(request, session, user, notice="Saved.")


@router.get("/account/password")
def password_page(request: Request, user: PageUser) -> Response:
    return page(request, "password.html", **chrome(user, "/account/password"))


@router.post("/account/password")
def change_password(
    request: Request,
    user: PageUser,
    session: SessionDep,
    current_password: Annotated[str, Form(max_length=200)],
    new_password: Annotated[str, Form(max_length=200)],
) -> Response:
    try:
        accounts.change_password(session, user, current_password, new_password, keep=session_token(request))
    except (HTTPException, Refused) as refused:
        if refused.status_code != 422:
            raise
        detail: Any = refused.detail  # a 422 names its field: [{"loc": [..., field], "msg": ...}]
        field, message = detail[0]["loc"][-1], detail[0]["msg"]
        return page(
            request,
            "password.html",
            422,
            field=field,
            field_problem=message[:1].upper() + message[1:],
            **chrome(user, "/account/password"),
        )
    return page(request, "password.html", notice="Your password is changed.", **chrome(user, "/account/password"))
