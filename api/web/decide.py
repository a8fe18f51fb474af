"""What waits for a person's decision, on one page (``/decide``): time off over accepted work, asks to
take open work at places that confirm takes, and swaps there. The coordinator sees all of the
organisation's; a manager or farmer those at their places. Every answer goes through the same service
as the API's, so the rules are checked again when a take or swap is confirmed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.core.refusals import Refused
from api.http.deps import SessionDep
from api.services import swaps, takes, time_off
from api.web.account import chrome
from api.web.forms import posted, refusal
from api.web.render import page
from api.web.session import guard_forms, page_for
from models import tables as t
from models.enums import Role
from models.rows import organisation_zone

router = APIRouter(include_in_schema=False, dependencies=[Depends(guard_forms)])
Decider = Annotated[t.User, Depends(page_for(Role.coordinator, Role.manager, Role.farmer))]
LABELS = {"note": "Why"}


def _page(request: Request, session: Session, user: t.User, status_code: int = 200, **extra: Any) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    return page(
        request,
        "decide.html",
        status_code,
        time_off=[time_off.view(session, r) for r in time_off.visible(session, user) if r.state == time_off.PENDING],
        asks=[takes.view(session, r) for r in takes.visible(session, user) if r.state == takes.PENDING],
        swaps=[swaps.view(session, r) for r in swaps.to_decide(session, user)],
        tz=tz,
        zone=tz.key,
        **chrome(user, "/decide"),
        **extra,
    )


@router.get("/decide")
def to_decide(request: Request, user: Decider, session: SessionDep) -> Response:
    """Time off, takes and swaps that wait for this person's decision."""
    return _page(request, session, user)


@router.get("/decide/time-off")
def old_address() -> Response:
    """The address of the page before takes and swaps joined it (in messages already sent)."""
    return RedirectResponse("/decide", status_code=303)


DECISIONS: dict[str, tuple[Callable[..., Any], str, str]] = {
    "time-off": (time_off.decide, "The time off is approved: the work is released and offered on.", "time off"),
    "takes": (takes.decide, "Confirmed: the worker is booked and told.", "ask"),
    "swaps": (swaps.decide, "Approved: the work moved to the colleague, and both are told.", "swap"),
}


@router.post("/decide/{what}/{row_id}")
async def decide(request: Request, what: str, row_id: int, user: Decider, session: SessionDep) -> Response:
    if what not in DECISIONS or not 1 <= row_id < 2**31:
        raise HTTPException(404, "no such page")
    service, approved, noun = DECISIONS[what]
    form = await posted(request, ("answer", "note"))
    approve = form["answer"] == "approve"
    try:
        service(session, user, row_id, approve, form["note"])
    except (HTTPException, Refused) as error:
        session.rollback()
        code, problems = refusal(error, session, (403, 404, 409, 422), LABELS)
        return _page(request, session, user, code, problems=problems)
    return _page(
        request, session, user, notice=approved if approve else f"The {noun} is declined, and they are told why."
    )
