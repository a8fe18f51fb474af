"""Time off in the browser: the worker asks and follows her requests (``/my/time-off``); the coordinator
and the managers and farmers of the work concerned decide on ``/decide`` (``api.web.decide``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.core.refusals import Refused
from api.http.deps import SessionDep
from api.services import time_off as service
from api.web.account import chrome
from api.web.forms import posted, refusal
from api.web.render import page
from api.web.session import guard_forms, page_for
from models import tables as t
from models.enums import Role
from models.problem import to_utc
from models.rows import organisation_zone

router = APIRouter(include_in_schema=False, dependencies=[Depends(guard_forms)])
WorkerUser = Annotated[t.User, Depends(page_for(Role.worker))]
LABELS = {"start": "From", "end": "Until", "note": "Why"}


def _mine(request: Request, session: Session, user: t.User, status_code: int = 200, **extra: Any) -> Response:
    tz = organisation_zone(session, user.organisation_id)
    rows = [service.view(session, r) for r in service.visible(session, user)]
    return page(
        request,
        "worker/time_off.html",
        status_code,
        rows=rows,
        tz=tz,
        zone=tz.key,
        form=extra.pop("form", {}),
        **chrome(user, "/my/time-off"),
        **extra,
    )


@router.get("/my/time-off")
def my_time_off(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    return _mine(request, session, user)


@router.post("/my/time-off")
async def ask(request: Request, user: WorkerUser, session: SessionDep) -> Response:
    form = await posted(request, ("start", "end", "reason"))
    tz = organisation_zone(session, user.organisation_id)
    try:
        start, end = (to_utc(dt.datetime.fromisoformat(form[k]), tz) for k in ("start", "end"))
        row = service.ask(session, user, start, end, form["reason"])
    except (ValueError, HTTPException, Refused) as error:
        code, problems = refusal(error, session, (403, 422), LABELS)
        return _mine(request, session, user, code, problems=problems, form=form)
    notice = (
        "Your time off is granted: you will not be offered work then."
        if row.state == service.APPROVED
        else "It overlaps work you accepted, so it is sent to the coordinator and the manager to decide."
    )
    return _mine(request, session, user, notice=notice)
