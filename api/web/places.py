"""What the health manager and the farmer see of their places: who is booked, offered, and which
places are open, for the shifts of a week or the days of a job (read through ``api.services``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import or_
from sqlmodel import Session, col, select

from api.services.fill import FillOut
from api.services.postings import Kind
from api.web.account import chrome
from api.web.render import page
from models import tables as t
from models.enums import AssignmentStatus, Role
from models.people import distinct_names
from models.rows import organisation_zone

LIVE = (AssignmentStatus.proposed, AssignmentStatus.offered, AssignmentStatus.accepted)


@dataclass
class Staffing:
    """The people on one shift or one job day, by what they said."""

    accepted: list[tuple[int, str, str]] = field(default_factory=list)  # (assignment id, name, phone)
    offered: list[str] = field(default_factory=list)  # name, and by when they answer
    proposed: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)  # offers that ran out unanswered

    def open_places(self, headcount: int) -> int:
        return max(0, headcount - len(self.accepted))


def my_places(session: Session, user: t.User, kind: Kind) -> list[t.Site] | list[t.Farm]:
    """The sites (or farms) this user runs: all of them for the coordinator."""
    table = kind.place_table
    query = select(table).where(table.organisation_id == user.organisation_id)
    if user.role != Role.coordinator:
        column = t.PlaceAccess.site_id if table is t.Site else t.PlaceAccess.farm_id
        query = query.where(col(table.id).in_(select(column).where(t.PlaceAccess.user_id == user.id)))
    return list(session.exec(query.order_by(col(table.name))))


def staffing(
    session: Session, kind: Kind, rows: list[t.Shift] | list[t.Job]
) -> dict[tuple[int, dt.date | None], Staffing]:
    """Who is on each shift (key: (shift id, None)) or each job day (key: (job id, day))."""
    ids = [r.id for r in rows if r.id is not None]
    found: dict[tuple[int, dt.date | None], Staffing] = defaultdict(Staffing)
    if not ids:
        return found
    column = t.Assignment.shift_id if kind.table is t.Shift else t.Assignment.job_id
    query = (
        select(t.Assignment, t.Worker.name, t.Worker.phone)
        .join(t.Worker, col(t.Worker.id) == t.Assignment.worker_id)
        .where(col(column).in_(ids), or_(col(t.Assignment.status).in_(LIVE), col(t.Assignment.expired_at).is_not(None)))
        .order_by(col(t.Worker.name))
    )
    tz = organisation_zone(session, rows[0].organisation_id)
    for a, name, phone in session.exec(query):
        key = (a.shift_id if a.shift_id is not None else a.job_id, a.day)
        assert key[0] is not None and a.id is not None
        if a.status == AssignmentStatus.accepted:
            found[key].accepted.append((a.id, name, phone))  # type: ignore[index]
        elif a.status == AssignmentStatus.offered:
            due = f" (answers by {a.offer_expires_at.astimezone(tz):%a %H:%M})" if a.offer_expires_at else ""
            found[key].offered.append(name + due)  # type: ignore[index]
        elif a.expired_at is not None:
            found[key].expired.append(name)  # type: ignore[index]
        else:
            found[key].proposed.append(name)  # type: ignore[index]
    return found


def shown_names(result: FillOut) -> dict[str, str]:
    """Each candidate's name as the page shows it (with her id where two share a name)."""
    return distinct_names((c.worker_id, c.name) for c in result.candidates)


def offered_notice(result: FillOut) -> str:
    shown = shown_names(result)
    names = [shown[c.worker_id] for c in result.candidates if c.worker_id in result.offered]
    return f"Offered to {', '.join(names)}." if names else "Nobody could be offered the place."


def fill_view(
    request: Request,
    user: t.User,
    result: FillOut,
    tz: ZoneInfo,
    *,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    action: str,
    back: str,
    here: str,
    **extra: Any,
) -> Response:
    """The ranked candidates for a shift's or a job day's open places, and the button that offers them."""
    return page(
        request,
        "fill.html",
        work_title=title,
        start=start,
        end=end,
        result=result,
        shown=shown_names(result),
        action=action,
        back=back,
        tz=tz,
        zone=tz.key,
        **chrome(user, here),
        **extra,
    )
