"""What each event tells whom, in words and local time. Each function stages messages (and their
one-click links) in the caller's transaction; the caller commits them with its change."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from api.notifications import links, outbox
from models import tables as t
from models.enums import AssignmentStatus, Role
from models.rows import organisation_zone, place_of, span
from models.settings import settings


def _account(session: Session, worker_id: int) -> t.User | None:
    return session.exec(
        select(t.User).where(t.User.worker_id == worker_id, t.User.role == Role.worker, col(t.User.active))
    ).first()


def words(session: Session, a: t.Assignment, tz: ZoneInfo) -> tuple[str, str, str]:
    """The work in words: what and where, when (local, zone named), and the address."""
    at = span(session, a, tz)
    if a.shift_id is not None:
        shift = session.get(t.Shift, a.shift_id)
        place: t.Site | t.Farm | None = session.get(t.Site, shift.site_id) if shift else None
        title = (shift.title if shift else "") or "Shift"
    else:
        job = session.get(t.Job, a.job_id)
        place = session.get(t.Farm, job.farm_id) if job else None
        title = job.title if job else "Farm work"
    start, end = at.start.astimezone(tz), at.end.astimezone(tz)
    when = f"{start:%a %d %b %Y, %H:%M}–{end:%H:%M} {end.tzname()}"
    return f"{title} at {place.name if place else ''}", when, place.address if place else ""


def _runners(session: Session, a: t.Assignment) -> list[t.User]:
    """The managers (or farmers) of the place where ``a``'s work is."""
    place = place_of(session, a)
    column = t.PlaceAccess.site_id if isinstance(place, t.Site) else t.PlaceAccess.farm_id
    place_id = place.id if place is not None else None
    query = select(t.User).join(t.PlaceAccess, col(t.PlaceAccess.user_id) == t.User.id).where(column == place_id)
    return list(session.exec(query))


def _url(path: str) -> str:
    return settings().public_url.rstrip("/") + path


def offered(session: Session, rows: list[t.Assignment], now: dt.datetime | None = None) -> int:
    """An offer to each worker with an account: the work, and links to accept or decline it."""
    now = now or dt.datetime.now(dt.UTC)
    staged = 0
    for a in rows:
        user = _account(session, a.worker_id)
        if user is None or a.id is None:
            continue
        tz = organisation_zone(session, a.organisation_id)
        what, when, address = words(session, a, tz)
        until = links.answer_by(a, now).astimezone(tz)
        accept = links.make(session, user, a, "accept", now)
        decline = links.make(session, user, a, "decline", now)
        body = (
            f"Hello {user.name or 'there'},\n\nYou are offered work:\n\n  {what}\n  {when}\n"
            + (f"  {address}\n" if address else "")
            + f"\nPlease answer by {until:%a %d %b %H:%M} {until.tzname()}; after that the offer goes to"
            " someone else.\n"
            f"\nAccept: {_url(f'/a/{accept}')}\nDecline: {_url(f'/a/{decline}')}\n\n"
            f"Each link works once, until then. You can also answer under My work: {_url('/my')}\n"
        )
        if outbox.enqueue(session, user, "offer", f"offer:{a.id}:{a.sequence}", f"Offer: {what}, {when}", body, now):
            staged += 1
    return staged


def cancelled(
    session: Session, a: t.Assignment, by: t.User, was: AssignmentStatus, now: dt.datetime | None = None
) -> int:
    """Work cancelled by someone else: the worker hears of it. A worker's own sick call: the managers or
    farmers of the place hear of it, with the link to fill the gap."""
    now = now or dt.datetime.now(dt.UTC)
    tz = organisation_zone(session, a.organisation_id)
    what, when, _ = words(session, a, tz)
    worker = session.get(t.Worker, a.worker_id)
    name = worker.name if worker else "A worker"
    key = f"cancelled:{a.id}:{a.sequence}"
    if by.worker_id != a.worker_id:
        user = _account(session, a.worker_id)
        if user is None:
            return 0
        verb = "withdrawn" if was == AssignmentStatus.offered else "cancelled"
        body = (
            f"Hello {user.name or 'there'},\n\nYour {'offer' if was == AssignmentStatus.offered else 'work'} is"
            f" {verb}:\n\n  {what}\n  {when}\n\nYou need not come. Your work: {_url('/my')}\n"
        )
        return int(
            outbox.enqueue(session, user, "work_changed", key, f"{verb.capitalize()}: {what}, {when}", body, now)
            is not None
        )
    if was != AssignmentStatus.accepted:
        return 0
    fill = _fill_url(session, a)
    staged = 0
    for user in _runners(session, a):
        body = (
            f"Hello {user.name or 'there'},\n\n{name} cannot come (a sick call):\n\n  {what}\n  {when}\n\n"
            f"Fill the gap: {fill}\n"
        )
        staged += (
            outbox.enqueue(session, user, "sick_call", key, f"Sick call: {name}, {what}, {when}", body, now) is not None
        )
    return staged


def work_edited(session: Session, a: t.Assignment, before: tuple[str, str, str], version: int, now: dt.datetime) -> int:
    """Posted work changed under someone offered or booked on it (times, place, title): she hears what
    it is now and what it was. Nothing is sent where the change does not show in her words."""
    tz = organisation_zone(session, a.organisation_id)
    after = words(session, a, tz)
    user = _account(session, a.worker_id)
    if user is None or after == before:
        return 0
    what, when, address = after
    noun = "offer" if a.status == AssignmentStatus.offered else "work"
    body = (
        f"Your {noun} has changed:\n\n  Now: {what}\n       {when}\n"
        + (f"       {address}\n" if address else "")
        + f"  Was: {before[0]}\n       {before[1]}\n\nYour work: {_url('/my')}\n"
    )
    key = f"edited:{a.id}:{version}"
    return _tell(session, user, "work_changed", key, f"Changed: {what}, {when}", body, now)


def reminded(session: Session, a: t.Assignment, now: dt.datetime) -> int:
    """Half an offer's time is gone and it is not answered: a reminder, with when it runs out."""
    user = _account(session, a.worker_id)
    if user is None or a.offer_expires_at is None:
        return 0
    tz = organisation_zone(session, a.organisation_id)
    what, when, _ = words(session, a, tz)
    until = a.offer_expires_at.astimezone(tz)
    body = (
        f"Hello {user.name or 'there'},\n\nYou have not answered this offer yet:\n\n  {what}\n  {when}\n\n"
        f"It stands until {until:%a %d %b %H:%M}; then it goes to someone else. Answer with the links in the"
        f" offer's message, or under My work: {_url('/my')}\n"
    )
    key = f"reminder:{a.id}:{a.sequence}"
    return int(
        outbox.enqueue(session, user, "offer_expiry", key, f"Reminder: offer of {what}, {when}", body, now) is not None
    )


def expired(session: Session, a: t.Assignment, now: dt.datetime) -> int:
    """An offer ran out unanswered: the worker hears that it has gone on."""
    user = _account(session, a.worker_id)
    if user is None:
        return 0
    tz = organisation_zone(session, a.organisation_id)
    what, when, _ = words(session, a, tz)
    body = (
        f"Hello {user.name or 'there'},\n\nThis offer was not answered in time and has gone to someone else:"
        f"\n\n  {what}\n  {when}\n\nYour work: {_url('/my')}\n"
    )
    key = f"expired:{a.id}:{a.sequence}"
    return int(
        outbox.enqueue(session, user, "offer_expiry", key, f"Offer expired: {what}, {when}", body, now) is not None
    )


def passed_on(session: Session, a: t.Assignment, why: str, offered: list[str], now: dt.datetime) -> int:
    """An offer was declined or ran out, and the place went on to the next ranked candidates (or to
    nobody): the managers or farmers of the place hear who was asked next, with the link to fill it."""
    tz = organisation_zone(session, a.organisation_id)
    what, when, _ = words(session, a, tz)
    worker = session.get(t.Worker, a.worker_id)
    name = worker.name if worker else "A worker"
    names = [
        w.name
        for w in session.exec(
            select(t.Worker).where(t.Worker.organisation_id == a.organisation_id, col(t.Worker.ref).in_(offered))
        )
    ]
    then = (
        f"It is offered now to {', '.join(sorted(names))}."
        if names
        else f"Nobody else fits it by the rules, so it stays open: {_fill_url(session, a)}"
    )
    body = f"Hello {{name}},\n\n{name} {why}:\n\n  {what}\n  {when}\n\n{then}\n"
    key = f"passed_on:{a.id}:{a.sequence}"
    subject = f"{name} {why}: {what}, {when}"
    staged = 0
    for user in _runners(session, a):
        said = body.replace("{name}", user.name or "there")
        staged += outbox.enqueue(session, user, "work_changed", key, subject, said, now) is not None
    return staged


def _fill_url(session: Session, a: t.Assignment) -> str:
    """The page where the place's manager or farmer fills the work's open places."""
    if a.shift_id is not None:
        shift = session.get(t.Shift, a.shift_id)
        return _url(f"/manage/shifts/{shift.ref if shift else ''}/fill")
    job = session.get(t.Job, a.job_id)
    return _url(f"/farm/jobs/{job.ref if job else ''}/days/{a.day}/fill")


def outdated(session: Session, row: t.Notification) -> str | None:
    """Why a queued message is no longer true when its turn to be sent comes (an offer answered,
    withdrawn or moved on before the sender's tick), or None to send it."""
    if row.event != "offer" or not row.key.startswith("offer:"):
        return None
    _, assignment_id, sequence = [*row.key.split(":"), "", ""][:3]
    a = session.get(t.Assignment, int(assignment_id)) if assignment_id.isdigit() else None
    if a is None or a.status != AssignmentStatus.offered or str(a.sequence) != sequence:
        return "the offer was answered, withdrawn or changed before it was sent"
    return None


def _span(row: t.TimeOff, tz: ZoneInfo) -> str:
    start, end = row.start_utc.astimezone(tz), row.end_utc.astimezone(tz)
    return f"{start:%a %d %b %Y %H:%M} to {end:%a %d %b %Y %H:%M} {end.tzname()}"


def time_off_asked(session: Session, row: t.TimeOff, worker: t.Worker, deciders: list[t.User], now: dt.datetime) -> int:
    """Time off over accepted work waits for a decision: those who may decide hear of it."""
    when = _span(row, organisation_zone(session, row.organisation_id))
    staged = 0
    for user in deciders:
        body = (
            f"Hello {user.name or 'there'},\n\n{worker.name} asks for time off {when}, over work already"
            f" accepted.\n"
            + (f"Reason given: {row.reason}\n" if row.reason else "")
            + f"\nApprove or decline it: {_url('/decide')}\n"
        )
        key = f"timeoff:{row.id}"
        staged += (
            outbox.enqueue(session, user, "request", key, f"Time off asked: {worker.name}, {when}", body, now)
            is not None
        )
    return staged


def time_off_decided(session: Session, row: t.TimeOff, released: list[t.Assignment], now: dt.datetime) -> int:
    """The worker hears the decision, and which of her work it releases."""
    user = _account(session, row.worker_id)
    if user is None:
        return 0
    tz = organisation_zone(session, row.organisation_id)
    when = _span(row, tz)
    freed = "".join(f"  {what}, {when_}\n" for what, when_, _ in (words(session, a, tz) for a in released))
    if row.state == "approved":
        body = f"Hello {user.name or 'there'},\n\nYour time off {when} is approved.\n" + (
            f"You are released from:\n{freed}" if freed else ""
        )
        subject = f"Time off approved: {when}"
    else:
        body = (
            f"Hello {user.name or 'there'},\n\nYour time off {when} is declined: {row.note}\nYour work stays as it is."
        )
        subject = f"Time off declined: {when}"
    key = f"timeoff-decided:{row.id}"
    return int(
        outbox.enqueue(session, user, "decision", key, subject, body + f"\n\nYour work: {_url('/my')}\n", now)
        is not None
    )


def swapped(session: Session, given: t.Assignment, taken: t.Assignment, now: dt.datetime) -> int:
    """A colleague took over offered work: the giver hears who, and so do the place's managers."""
    tz = organisation_zone(session, given.organisation_id)
    what, when, _ = words(session, given, tz)
    giver, taker = session.get(t.Worker, given.worker_id), session.get(t.Worker, taken.worker_id)
    g, k = (giver.name if giver else "A worker"), (taker.name if taker else "a colleague")
    staged = 0
    user = _account(session, given.worker_id)
    if user is not None:
        body = (
            f"Hello {user.name or 'there'},\n\n{k} takes over your work:\n\n  {what}\n  {when}\n\n"
            f"You need not come. Your work: {_url('/my')}\n"
        )
        staged += (
            outbox.enqueue(
                session,
                user,
                "decision",
                f"swapped:{given.id}:{given.sequence}",
                f"Taken over by {k}: {what}, {when}",
                body,
                now,
            )
            is not None
        )
    for runner in _runners(session, given):
        body = f"Hello {runner.name or 'there'},\n\n{k} takes over from {g} (a swap):\n\n  {what}\n  {when}\n"
        staged += (
            outbox.enqueue(
                session,
                runner,
                "work_changed",
                f"swapped:{given.id}:{given.sequence}",
                f"Swap: {k} for {g}, {what}, {when}",
                body,
                now,
            )
            is not None
        )
    return staged


def _tell(
    session: Session, user: t.User | None, event: str, key: str, subject: str, body: str, now: dt.datetime
) -> int:
    if user is None:
        return 0
    text = f"Hello {user.name or 'there'},\n\n{body}"
    return int(outbox.enqueue(session, user, event, key, subject, text, now) is not None)


def asked_of(row: t.TakeRequest) -> t.Assignment:
    """The work an ask is about, as an (unsaved) assignment, to put in words."""
    return t.Assignment(
        organisation_id=row.organisation_id,
        worker_id=row.worker_id,
        shift_id=row.shift_id,
        job_id=row.job_id,
        day=row.day,
    )


def take_asked(session: Session, row: t.TakeRequest, worker: t.Worker, deciders: list[t.User], now: dt.datetime) -> int:
    """A worker asks to take open work at a place that confirms takes: those who may confirm hear."""
    what, when, _ = words(session, asked_of(row), organisation_zone(session, row.organisation_id))
    body = (
        f"{worker.name} asks to take open work:\n\n  {what}\n  {when}\n\nThe rules are checked: "
        f"{worker.name} may work it. Confirm or decline: {_url('/decide')}\n"
    )
    subject = f"Asks to take: {worker.name}, {what}, {when}"
    return sum(_tell(session, u, "request", f"take:{row.id}", subject, body, now) for u in deciders)


def take_decided(session: Session, row: t.TakeRequest, now: dt.datetime) -> int:
    """The worker hears whether her ask is confirmed (she is booked) or declined, and why."""
    what, when, _ = words(session, asked_of(row), organisation_zone(session, row.organisation_id))
    if row.state == "confirmed":
        subject, body = (
            f"Confirmed: {what}, {when}",
            f"You are booked on the work you asked for:\n\n  {what}\n  {when}\n",
        )
    else:
        subject = f"Not confirmed: {what}, {when}"
        body = f"Your ask to take this work is declined: {row.note}\n\n  {what}\n  {when}\n"
    body += f"\nYour work: {_url('/my')}\n"
    return _tell(session, _account(session, row.worker_id), "decision", f"take-decided:{row.id}", subject, body, now)


def swap_asked(session: Session, swap: t.Swap, given: t.Assignment, deciders: list[t.User], now: dt.datetime) -> int:
    """A colleague would take over work at a place that approves swaps: those who may approve hear."""
    what, when, _ = words(session, given, organisation_zone(session, given.organisation_id))
    giver, taker = session.get(t.Worker, swap.giver_id), session.get(t.Worker, swap.taker_id)
    g, k = (giver.name if giver else "A worker"), (taker.name if taker else "a colleague")
    body = (
        f"{k} would take over from {g} (a swap):\n\n  {what}\n  {when}\n\nThe rules are checked: {k} may work it."
        f" Approve or decline: {_url('/decide')}\n"
    )
    subject = f"Swap to approve: {k} for {g}, {what}, {when}"
    return sum(_tell(session, u, "request", f"swap:{swap.id}", subject, body, now) for u in deciders)


def swap_called_off(session: Session, swap: t.Swap, given: t.Assignment, why: str, now: dt.datetime) -> int:
    """A swap waiting for approval ends without one (declined, or withdrawn by the giver): the taker
    hears why, and so does the giver unless she withdrew it herself."""
    what, when, _ = words(session, given, organisation_zone(session, given.organisation_id))
    subject = f"Swap called off: {what}, {when}"
    body = f"The swap of this work is called off: {why}\n\n  {what}\n  {when}\n\n"
    key = f"swap-off:{swap.id}"
    staged = 0
    if swap.state != "withdrawn":
        giver = body + f"It stays yours. Your work: {_url('/my')}\n"
        staged += _tell(session, _account(session, swap.giver_id), "decision", key, subject, giver, now)
    if swap.taker_id is not None:
        taker = body + f"Your work: {_url('/my')}\n"
        staged += _tell(session, _account(session, swap.taker_id), "decision", key, subject, taker, now)
    return staged


def swap_approved(session: Session, taken: t.Assignment, now: dt.datetime) -> int:
    """The taker hears the swap is approved: the work is hers now."""
    what, when, _ = words(session, taken, organisation_zone(session, taken.organisation_id))
    body = f"The swap is approved; this work is yours now:\n\n  {what}\n  {when}\n\nYour work: {_url('/my')}\n"
    key = f"swap-approved:{taken.id}:{taken.sequence}"
    return _tell(
        session, _account(session, taken.worker_id), "decision", key, f"Swap approved: {what}, {when}", body, now
    )
