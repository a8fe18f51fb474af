"""The pages a place's runner keeps her postings with, shared by the health manager (shifts) and the
farmer (jobs): the form to post or edit one, saving it through the postings service (an edit keeps
the law for everyone booked on it; a refusal is shown on the form, nothing saved), and a booking
called off, which leads to filling the gap. ``Pages`` names what differs between the two."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from api.core.refusals import Refused
from api.services import assignments, postings
from api.services.postings import Kind
from api.web.account import chrome
from api.web.forms import posted, refusal
from api.web.places import my_places
from api.web.render import page
from models import problem as p
from models import tables as t
from models.rows import organisation_zone


@dataclass(frozen=True)
class Pages:
    kind: Kind  # shifts or jobs
    template: str  # the form
    here: str  # the role's own pages: their prefix and navigation entry
    fields: tuple[str, ...]  # what the form posts
    body: Callable[[dict[str, Any], str], p.Shift | p.Job]  # the posted form as the API's body, given its id
    done: Callable[[Any], str]  # where a saved posting leads
    prefix: str  # of a new posting's id
    extra: Callable[[], dict[str, Any]] = field(default=dict)  # what else the form offers

    async def posted(self, request: Request) -> dict[str, Any]:
        return await posted(request, self.fields, lists=("required_skills",))

    def form_page(
        self,
        request: Request,
        session: Session,
        user: t.User,
        form: dict[str, Any],
        editing: str | None = None,
        status_code: int = 200,
        **extra: Any,
    ) -> Response:
        """The form, filled with ``form``; ``editing``: the posting's id (else a new one)."""
        skills = session.exec(
            select(t.Skill).where(t.Skill.organisation_id == user.organisation_id).order_by(col(t.Skill.ref))
        )
        return page(
            request,
            self.template,
            status_code,
            form=form,
            editing=editing,
            places=my_places(session, user, self.kind),
            skills=list(skills),
            zone=organisation_zone(session, user.organisation_id).key,
            **self.extra(),
            **chrome(user, self.here),
            **extra,
        )

    def save(self, request: Request, session: Session, user: t.User, form: dict[str, Any], ref: str | None) -> Response:
        """Post the form as a new posting, or as the new version of ``ref``; the form again with what
        was refused (403, 409 or 422), nothing saved."""
        try:
            body = self.body(form, ref or f"{self.prefix}-{secrets.token_hex(6)}")
            saved = (
                postings.replace(session, user, self.kind, ref, body)
                if ref
                else postings.create(session, user, self.kind, body)
            )
        except (ValueError, HTTPException, Refused) as error:  # a value the browser let through, or a rule
            code, problems = refusal(error, session, (403, 409, 422))
            return self.form_page(request, session, user, form, ref, code, problems=problems)
        return RedirectResponse(self.done(saved), status_code=303)


def called_off(session: Session, user: t.User, assignment_id: int) -> t.Assignment:
    """A booked person cannot come: her booking cancelled (404 for an id no booking can have)."""
    if not 1 <= assignment_id < 2**31:
        raise HTTPException(404, f"no assignment {assignment_id}")
    return assignments.cancel(session, user, assignment_id)
