"""Workers' profiles: how a profile is shown, checked and stored, and which fields stay the pool's.

Profiles are personal data, so only the coordinator lists and keeps them; a worker reads and edits
only their own (``own_or``). What the organisation decides stays the organisation's
(``ORGANISATION_FIELDS``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from fastapi import status
from pydantic import Field
from sqlmodel import Session, col, delete, select

from api.core import crud
from api.core.refusals import Refused
from api.services import booking
from models import problem as p
from models import tables as t
from models.enums import Role
from models.revisions import before_worker_deleted
from models.rows import kept_overlapping, local_days, organisation_zone
from models.store import worker_children, worker_data, worker_row

ORGANISATION_FIELDS = frozenset(
    {
        "kind",
        "hourly_rate",
        "always_available",
        "max_hours_per_7_days",
        "max_consecutive_days",
        "min_consecutive_days",
        "min_consecutive_days_off",
        "max_weekends",
        "min_hours",
        "max_hours",
        "max_shifts_per_type",
        "working_time",
    }
)
"""Worker fields the organisation sets: a worker's own edit keeps them as they were."""


class Profile(p.Worker):
    """A worker as the API shows and takes them: the snapshot's worker, and whether they are pending
    (read-only: a body may carry it back unchanged, and ``POST .../approval`` is what sets it)."""

    pending: bool = Field(False, description="Registered by the person, not yet approved by the coordinator")


def refs(session: Session, model: Any, organisation_id: int) -> dict[str, int]:
    rows = session.exec(select(model).where(model.organisation_id == organisation_id)).all()
    return {r.ref: r.id for r in rows}


def views(session: Session, rows: list[t.Worker], organisation_id: int) -> list[Profile]:
    ids = [w.id for w in rows]
    quals: dict[int, list[t.Qualification]] = defaultdict(list)
    avail: dict[int, list[t.Availability]] = defaultdict(list)
    if ids:
        for q in session.exec(select(t.Qualification).where(col(t.Qualification.worker_id).in_(ids))):
            quals[q.worker_id].append(q)
        for a in session.exec(
            select(t.Availability)
            .where(col(t.Availability.worker_id).in_(ids), col(t.Availability.source).is_(None))
            .order_by(col(t.Availability.start_utc))
        ):
            avail[a.worker_id].append(a)
    regions = {v: k for k, v in refs(session, t.Region, organisation_id).items()}
    skills = {v: k for k, v in refs(session, t.Skill, organisation_id).items()}
    zone = organisation_zone(session, organisation_id)
    out = []
    for w in rows:
        assert w.id is not None
        data = worker_data(w, quals[w.id], avail[w.id], regions, skills)
        profile = Profile.model_validate({**data, "pending": w.pending})
        for window in profile.availability:  # shown in local time with the offset; taken back as such
            window.start, window.end = window.start.astimezone(zone), window.end.astimezone(zone)
        out.append(profile)
    return out


def checked(
    session: Session, body: p.Worker, organisation_id: int, at: tuple[str, ...] = ()
) -> tuple[int, dict[str, int]]:
    """The body in UTC (times without an offset are the organisation's local time), refused with 422 where
    it breaks a rule the snapshot holds workers to; its region's key and the organisation's skill keys."""
    zone = organisation_zone(session, organisation_id)
    for a in body.availability:
        a.start, a.end = p.to_utc(a.start, zone), p.to_utc(a.end, zone)
    crud.refuse(p.worker_errors(body, crud.known(session, organisation_id)), at)
    return refs(session, t.Region, organisation_id)[body.region_id], refs(session, t.Skill, organisation_id)


def own_or(user: t.User, worker: t.Worker, *roles: Role) -> None:
    if user.role in roles or (user.role == Role.worker and user.worker_id == worker.id):
        return
    raise Refused(status.HTTP_403_FORBIDDEN, "workers may only see and change their own profile")


def add_worker(
    session: Session, organisation_id: int, body: p.Worker, at: tuple[str, ...] = (), pending: bool = False
) -> t.Worker:
    """Check and stage a new worker with qualifications and availability (the caller commits); ``at``
    is where the worker sits in the request body, for the 422's field names."""
    crud.ensure_free(session, t.Worker, organisation_id, body.id, "worker")
    region_id, skills = checked(session, body, organisation_id, at)
    row = worker_row(organisation_id, body, region_id)
    row.pending = pending
    session.add(row)
    session.flush()
    assert row.id is not None
    session.add_all(worker_children(row.id, body, skills))
    return row


def replace(session: Session, user: t.User, ref: str, body: Profile) -> Profile:
    """Replace a profile, its qualifications and the availability people entered (busy times imported
    from a calendar stay the import's own). A worker's own edit keeps the organisation's fields and
    approvals as they were. 409 naming the rule when the new profile would break a hard rule on work she
    has accepted (say, marking herself unavailable over it: time off is asked for instead). Commits."""
    row = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    own_or(user, row, Role.coordinator)
    if body.id != ref:
        raise crud.invalid("id", f"{body.id!r} differs from the path's {ref!r}")
    if user.role != Role.coordinator:  # what the organisation decides stays as it was
        body = body.model_copy(update={f: getattr(row, f) for f in ORGANISATION_FIELDS})
    region_id, skills = checked(session, body, user.organisation_id)
    assert row.id is not None
    worker_id = row.id
    booking.lock_in_order(session, workers=[worker_id])  # no booking of hers slips in between
    if user.role != Role.coordinator:
        held = {q.skill_id: q for q in session.exec(select(t.Qualification).where(t.Qualification.worker_id == row.id))}
        for q in body.qualifications:
            before = held.get(skills[q.skill])
            q.approved = before.approved if before else False
            q.valid_until = before.valid_until if before else q.valid_until

    def write() -> None:
        fresh = worker_row(user.organisation_id, body, region_id)
        for field, value in fresh.model_dump(exclude={"id", "organisation_id", "ref"}).items():
            setattr(row, field, value)
        session.add(row)
        session.execute(delete(t.Qualification).where(col(t.Qualification.worker_id) == worker_id))
        session.execute(
            delete(t.Availability).where(
                col(t.Availability.worker_id) == worker_id, col(t.Availability.source).is_(None)
            )
        )
        session.add_all(worker_children(worker_id, body, skills))

    now = dt.datetime.now(dt.UTC)
    tz = organisation_zone(session, user.organisation_id)
    today = now.astimezone(tz).date()
    ahead = kept_overlapping(session, worker_id, user.organisation_id, now, dt.datetime.max.replace(tzinfo=dt.UTC))
    last = max((local_days(span, tz)[1] for _, span in ahead), default=today)
    you = user.role == Role.worker
    refused = (
        "this change would take you away from accepted work"
        if you
        else f"this change would break the rules on work {row.name} accepted"
    )
    booking.lawful(
        session,
        user.organisation_id,
        [worker_id],
        (today, max(today, last)),
        write,
        refused,
        you=you,
        since=now,
    )
    session.commit()
    return views(session, [row], user.organisation_id)[0]


def remove(session: Session, user: t.User, ref: str) -> None:
    """Delete a worker, her work and her sign-in: her accounts go with her (their sessions with them), so
    the person can no longer sign in and read the organisation's places. Her row is locked first, in
    the one lock order, so no booking of hers is half-way meanwhile. Commits."""
    row = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    assert row.id is not None
    booking.lock_in_order(session, workers=[row.id])
    before_worker_deleted(session, row)
    session.execute(delete(t.User).where(col(t.User.worker_id) == row.id))
    session.delete(row)
    session.commit()
