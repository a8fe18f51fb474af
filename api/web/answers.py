"""One-click answers from a message: ``/a/{secret}`` shows the offer and one button; pressing it
accepts or declines through the same service as the worker's own page. No sign-in is needed (the
secret is the key), and the link works once, until it expires (``api.notifications.links``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.http.deps import SessionDep
from api.notifications import links
from api.services import assignments
from api.web.render import page
from api.web.session import guard_forms
from models import tables as t
from models.rows import organisation_zone

router = APIRouter(prefix="/a", include_in_schema=False, dependencies=[Depends(guard_forms)])
MOVES = {"accept": assignments.accept, "decline": assignments.decline}
WORDS = {"accept": "Accept", "decline": "Decline"}


def _context(session: Session, link: t.ActionLink) -> tuple[t.User, dict[str, Any]]:
    user = session.get(t.User, link.user_id)
    if user is None or not user.active:
        raise HTTPException(404, "this link is not valid")
    offer = assignments.view(session, assignments.get(session, user, link.assignment_id))
    tz = organisation_zone(session, user.organisation_id)
    return user, {"offer": offer, "action": link.action, "verb": WORDS[link.action], "tz": tz, "zone": tz.key}


@router.get("/{token}")
def confirm(request: Request, token: str, session: SessionDep) -> Response:
    """What the link does, and the one button that does it (opening a link changes nothing)."""
    link = links.find(session, token, dt.datetime.now(dt.UTC))
    _, context = _context(session, link)
    return page(request, "answer.html", token=token, user=None, nav=[], here="", **context)


@router.post("/{token}")
def answer(request: Request, token: str, session: SessionDep) -> Response:
    now = dt.datetime.now(dt.UTC)
    link = links.find(session, token, now)
    user, context = _context(session, link)
    links.use(session, link, now)  # in the answer's own transaction: a refused answer leaves the link usable
    MOVES[link.action](session, user, link.assignment_id)
    done = "You accepted this work. It is in your calendar." if link.action == "accept" else "You declined this offer."
    return page(request, "answer.html", token=None, notice=done, user=None, nav=[], here="", **context)
