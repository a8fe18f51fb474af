"""Who is in the pool and what they may do: the coordinator accepts or turns down a person who
registered themself, and approves (or revokes) each skill they claim, a licence until its last valid
day. Until then no solve or gap filling proposes them for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import status
from sqlmodel import Session, col, delete, select

from api.core import crud
from api.core.refusals import Refused
from models import tables as t

EXPIRING_DAYS = 30  # licences running out this soon are listed for renewal


def decide_registration(session: Session, user: t.User, ref: str, approved: bool) -> t.Worker | None:
    """A member from now on (the row), or the registration and its sign-in removed (None). Commits."""
    row = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    if approved:
        row.pending = False
        session.add(row)
        session.commit()
        return row
    if not row.pending:
        raise Refused(status.HTTP_409_CONFLICT, f"{ref!r} is a member already: DELETE /workers/{ref} removes them")
    session.execute(delete(t.User).where(col(t.User.worker_id) == row.id))
    session.delete(row)
    session.commit()
    return None


def decide_skill(
    session: Session, user: t.User, ref: str, skill: str, approved: bool, valid_until: dt.date | None
) -> t.Worker:
    """Approve or revoke one claimed skill (404 if the worker never claimed it). Commits."""
    row = crud.get(session, t.Worker, user.organisation_id, ref, "worker")
    skill_row = crud.get(session, t.Skill, user.organisation_id, skill, "skill")
    qual = session.exec(
        select(t.Qualification).where(t.Qualification.worker_id == row.id, t.Qualification.skill_id == skill_row.id)
    ).first()
    if qual is None:
        raise Refused(status.HTTP_404_NOT_FOUND, f"worker {ref!r} has not registered skill {skill!r}")
    qual.approved, qual.valid_until = approved, valid_until
    session.add(qual)
    session.commit()
    return row


@dataclass(frozen=True)
class Claim:
    """A skill a member holds or claims, for the approvals queue."""

    worker: t.Worker
    skill: t.Skill
    approved: bool
    valid_until: dt.date | None


@dataclass(frozen=True)
class Queue:
    registrations: list[tuple[t.Worker, list[str]]]  # pending people and the skills they claim
    skills: list[Claim]  # members' claimed skills not yet approved
    expiring: list[Claim]  # approved licences that run out within EXPIRING_DAYS


def queue(session: Session, user: t.User, today: dt.date) -> Queue:
    """What waits for the coordinator's decision, oldest claims first."""
    oid = user.organisation_id
    rows = session.exec(
        select(t.Qualification, t.Worker, t.Skill)
        .join(t.Worker, col(t.Worker.id) == t.Qualification.worker_id)
        .join(t.Skill, col(t.Skill.id) == t.Qualification.skill_id)
        .where(t.Worker.organisation_id == oid)
        .order_by(col(t.Worker.name), col(t.Skill.ref))
    ).all()
    claimed: dict[int, list[str]] = {}
    skills, expiring = [], []
    soon = today + dt.timedelta(days=EXPIRING_DAYS)
    for q, w, k in rows:
        assert w.id is not None
        claimed.setdefault(w.id, []).append(k.name or k.ref)
        if w.pending:
            continue
        if not q.approved:
            skills.append(Claim(w, k, q.approved, q.valid_until))
        elif q.valid_until is not None and q.valid_until <= soon:
            expiring.append(Claim(w, k, q.approved, q.valid_until))
    pending = session.exec(
        select(t.Worker).where(t.Worker.organisation_id == oid, col(t.Worker.pending)).order_by(col(t.Worker.id))
    ).all()
    return Queue(
        [(w, claimed.get(w.id or 0, [])) for w in pending],
        skills,
        sorted(expiring, key=lambda c: c.valid_until or soon),
    )
