"""SQLModel tables: the pool as stored. Same on SQLite and PostgreSQL.

Rows have integer keys; the external ids of the JSON format are ``ref`` columns, unique within an
organisation, so several pools can share one database. Datetimes are aware and stored in UTC
(SQLModel's UTC type: ``timestamptz`` on PostgreSQL, UTC text on SQLite).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.enums import (
    AssignmentStatus,
    AvailabilityKind,
    FeedKind,
    JobState,
    Priority,
    RequestKind,
    Role,
    SiteKind,
    WorkerKind,
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_uid() -> str:
    """A calendar UID: random, so it never repeats even where the database reuses a deleted row's id."""
    return uuid.uuid4().hex


class Revised(SQLModel):
    """What calendar clients need to notice a change: a stable UID, a SEQUENCE counter raised on every
    change, and the time of the last change (LAST-MODIFIED)."""

    uid: str = Field(default_factory=new_uid, max_length=36)
    sequence: int = 0
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Organisation(SQLModel, table=True):
    """A municipality's pool: the tenant every other row belongs to."""

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=64, unique=True, index=True)
    name: str
    timezone: str = "Europe/Oslo"
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


class Owned(SQLModel):
    """Columns of every row an organisation owns under an external ``ref``; each table adds its own
    ``UniqueConstraint("organisation_id", "ref")`` (constraint objects cannot be shared)."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    ref: str = Field(max_length=64)


class Place(Owned):
    """Columns shared by health sites and farms."""

    name: str
    address: str = ""
    contact: str = ""
    lat: float
    lon: float
    region_id: int = Field(foreign_key="region.id", index=True)
    confirm_takes: bool = False  # takes from the open board and swaps here wait for a manager's yes


class Skill(Owned, table=True):
    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)
    name: str = ""


class Region(Owned, table=True):
    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)
    name: str


class Site(Place, table=True):
    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)
    kind: SiteKind = SiteKind.nursing_home


class Farm(Place, table=True):
    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)


class ShiftType(Owned, table=True):
    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)
    name: str = ""
    forbidden_next: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Worker(Owned, table=True):
    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)
    name: str
    kind: WorkerKind
    home_lat: float
    home_lon: float
    region_id: int = Field(foreign_key="region.id", index=True)
    max_travel_km: float = 30.0
    max_hours_per_7_days: float = 40.0
    max_consecutive_days: int = 5
    min_consecutive_days: int = 1
    min_consecutive_days_off: int = 1
    max_weekends: int | None = None
    min_hours: float = 0.0
    max_hours: float | None = None
    max_shifts_per_type: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    working_time: dict[str, float] = Field(  # the contract's overrides of the law (``models.law.WorkingTime``)
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    hourly_rate: float | None = None
    always_available: bool = False
    pending: bool = False  # registered by the person themself, not yet approved by the coordinator
    phone: str = Field(default="", max_length=20)  # E.164; seen by the worker, the coordinator and her places
    channel: str = Field(default="email", max_length=16)  # how she prefers to be reached: email or sms


class Qualification(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("worker_id", "skill_id"),)
    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="worker.id", index=True, ondelete="CASCADE")
    skill_id: int = Field(foreign_key="skill.id", index=True)
    approved: bool = False
    valid_until: dt.date | None = None


class Availability(SQLModel, table=True):
    """A window of (un)availability. ``source`` is None for windows the worker or coordinator entered, or
    names the calendar import that made the row (``ics-upload``, ``ics-url``), so a re-import replaces
    its own rows and never touches the hand-entered ones."""

    __table_args__ = (CheckConstraint("end_utc > start_utc", name="availability_ends_after_start"),)
    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="worker.id", index=True, ondelete="CASCADE")
    kind: AvailabilityKind
    start_utc: dt.datetime = Field(index=True)
    end_utc: dt.datetime
    weight: int = 1
    source: str | None = Field(default=None, max_length=20)


class ShiftRequest(SQLModel, table=True):
    """A worker's wish to work (or not) one shift or one job day."""

    __table_args__ = (UniqueConstraint("worker_id", "item_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="worker.id", index=True, ondelete="CASCADE")
    item_ref: str = Field(max_length=80)
    kind: RequestKind
    weight: int = 1


class TravelOverride(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("worker_id", "place_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="worker.id", index=True, ondelete="CASCADE")
    place_ref: str = Field(max_length=64)
    km: float


class Shift(Owned, Revised, table=True):
    __table_args__ = (
        UniqueConstraint("organisation_id", "ref"),
        CheckConstraint("end_utc > start_utc", name="shift_ends_after_start"),
        CheckConstraint("headcount >= 0", name="shift_headcount_not_negative"),
        CheckConstraint("max_headcount IS NULL OR max_headcount >= headcount", name="shift_capacity_covers_headcount"),
    )
    site_id: int = Field(foreign_key="site.id", index=True)
    shift_type_id: int | None = Field(default=None, foreign_key="shifttype.id", index=True)
    title: str = ""
    start_utc: dt.datetime = Field(index=True)
    end_utc: dt.datetime
    headcount: int = 1
    max_headcount: int | None = None
    priority: Priority = Priority.normal
    under_weight: int | None = None
    over_weight: int = 0


class ShiftSkill(SQLModel, table=True):
    shift_id: int = Field(foreign_key="shift.id", primary_key=True, ondelete="CASCADE")
    skill_id: int = Field(foreign_key="skill.id", primary_key=True)
    position: int = 0


class Job(Owned, Revised, table=True):
    __table_args__ = (
        UniqueConstraint("organisation_id", "ref"),
        CheckConstraint("last_day >= first_day", name="job_last_day_not_before_first"),
        CheckConstraint("headcount >= 1", name="job_headcount_positive"),
    )
    farm_id: int = Field(foreign_key="farm.id", index=True)
    title: str
    first_day: dt.date
    last_day: dt.date
    daily_start: dt.time
    daily_hours: float
    headcount: int = 1
    pay_per_hour: float = 0.0
    priority: Priority = Priority.normal


class JobSkill(SQLModel, table=True):
    job_id: int = Field(foreign_key="job.id", primary_key=True, ondelete="CASCADE")
    skill_id: int = Field(foreign_key="skill.id", primary_key=True)
    position: int = 0


class OnWork(SQLModel):
    """A worker and a shift, or a worker and one day of a job: exactly one of the two targets is set
    (each table adds ``one_target``)."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    worker_id: int = Field(foreign_key="worker.id", index=True, ondelete="CASCADE")
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True, ondelete="CASCADE")
    job_id: int | None = Field(default=None, foreign_key="job.id", index=True, ondelete="CASCADE")
    day: dt.date | None = None


def one_target(name: str) -> CheckConstraint:
    return CheckConstraint(
        "(shift_id IS NOT NULL AND job_id IS NULL AND day IS NULL)"
        " OR (shift_id IS NULL AND job_id IS NOT NULL AND day IS NOT NULL)",
        name=name,
    )


class Assignment(Revised, OnWork, table=True):
    """A worker on a shift, or on one day of a job. Exactly one of the two targets is set."""

    __table_args__ = (
        UniqueConstraint("worker_id", "shift_id"),
        UniqueConstraint("worker_id", "job_id", "day"),
        one_target("assignment_one_target"),
    )
    status: AssignmentStatus = AssignmentStatus.proposed
    pinned: bool = False
    offered_at: dt.datetime | None = None
    offer_expires_at: dt.datetime | None = Field(default=None, index=True)  # unanswered then: it goes on
    expired_at: dt.datetime | None = None  # the offer ran out unanswered (status declined)


class SolveRun(SQLModel, table=True):
    """One solve of an organisation's pool: what was asked and how it went."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    created_at: dt.datetime = Field(default_factory=utcnow)
    status: str
    objective: int | None = None
    best_bound: float | None = None
    wall_seconds: float = 0.0
    assignments: int = 0
    unfilled_places: int = 0
    terms: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class User(SQLModel, table=True):
    """Someone who signs in to the HTTP API: a coordinator, health manager, farmer or pool worker.

    Emails are unique within an organisation: one person may belong to several pools, each account
    with its own password and role. Every request is scoped to the signed-in account's organisation.
    """

    __table_args__ = (UniqueConstraint("organisation_id", "email", name="uq_user_organisation_email"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=254, index=True)
    name: str = ""
    password_hash: str = Field(max_length=255)
    role: Role
    worker_id: int | None = Field(default=None, foreign_key="worker.id", index=True, ondelete="SET NULL")
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow)


class AccessToken(SQLModel, table=True):
    """A bearer token, stored only as its SHA-256 digest, so a database leak yields no usable token."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    digest: str = Field(max_length=64, unique=True, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    revoked: bool = False


class PlaceAccess(SQLModel, table=True):
    """A health manager's site or a farmer's farm: the places whose work that user posts and edits."""

    __table_args__ = (
        UniqueConstraint("user_id", "site_id"),
        UniqueConstraint("user_id", "farm_id"),
        CheckConstraint("(site_id IS NULL) <> (farm_id IS NULL)", name="placeaccess_one_place"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True, ondelete="CASCADE")
    farm_id: int | None = Field(default=None, foreign_key="farm.id", index=True, ondelete="CASCADE")


class SolveJob(SQLModel, table=True):
    """A solve asked for over HTTP. The job runner takes queued jobs in order; the roster becomes proposed
    assignments. Progress (best objective and bound so far) is written while it runs."""

    __table_args__ = (CheckConstraint("last_day >= first_day", name="solvejob_days_in_order"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: dt.datetime = Field(default_factory=utcnow)
    state: JobState = Field(default=JobState.queued, index=True)
    first_day: dt.date
    last_day: dt.date
    regions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    time_limit: float = 30.0
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    objective: int | None = None
    bound: float | None = None
    progress_seconds: float | None = None
    assignments: int | None = None
    unfilled_places: int | None = None
    message: str = ""
    runner: str | None = Field(default=None, max_length=64)  # the server running it
    lease_until: dt.datetime | None = None  # the runner renews this; past it, another server may take the job
    phase: str = Field(default="", max_length=32)  # the search's phase now (construction, coverage, quality)
    trace: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # the course
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # in words, when done


class FeedToken(SQLModel, table=True):
    """The secret in a calendar feed's URL (calendar apps cannot sign in), stored only as its SHA-256
    digest. One per worker, site, farm or organisation: a new one replaces (revokes) the old."""

    __table_args__ = (
        CheckConstraint(
            "(kind = 'worker' AND worker_id IS NOT NULL AND site_id IS NULL AND farm_id IS NULL)"
            " OR (kind = 'site' AND site_id IS NOT NULL AND worker_id IS NULL AND farm_id IS NULL)"
            " OR (kind = 'farm' AND farm_id IS NOT NULL AND worker_id IS NULL AND site_id IS NULL)"
            " OR (kind = 'organisation' AND worker_id IS NULL AND site_id IS NULL AND farm_id IS NULL)",
            name="feedtoken_one_scope",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    kind: FeedKind
    worker_id: int | None = Field(default=None, foreign_key="worker.id", index=True, ondelete="CASCADE")
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True, ondelete="CASCADE")
    farm_id: int | None = Field(default=None, foreign_key="farm.id", index=True, ondelete="CASCADE")
    digest: str = Field(max_length=64, unique=True, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)


class CalendarTombstone(SQLModel, table=True):
    """An event of deleted work, kept so feeds can publish it as CANCELLED until clients have removed it.

    Either for one worker's feed (``worker_id``) or for the feeds of a place and the organisation
    (``site_id`` or ``farm_id``).
    """

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    uid: str = Field(max_length=64)
    worker_id: int | None = Field(default=None, foreign_key="worker.id", index=True, ondelete="CASCADE")
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True, ondelete="CASCADE")
    farm_id: int | None = Field(default=None, foreign_key="farm.id", index=True, ondelete="CASCADE")
    summary: str
    start_utc: dt.datetime
    end_utc: dt.datetime
    sequence: int
    cancelled_at: dt.datetime = Field(default_factory=utcnow, index=True)


class CalendarSource(SQLModel, table=True):
    """A worker's own calendar, registered by URL, whose busy times become unavailability. The URL is
    as secret as a password (it usually carries a private token): never logged, shown only masked."""

    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="worker.id", unique=True, index=True, ondelete="CASCADE")
    url: str = Field(max_length=2000)
    created_at: dt.datetime = Field(default_factory=utcnow)
    checked_at: dt.datetime | None = None  # the last attempt, good or bad: when the next is due
    fetched_at: dt.datetime | None = None  # the last good fetch
    busy_periods: int = 0
    error: str = ""


class Notification(SQLModel, table=True):
    """The outbox: a message to one person, written in the same transaction as the change that causes it,
    so a rolled-back change sends nothing and a restart loses nothing. A background sender claims due
    rows under a lease (several servers may share the database), sends, and marks them sent; a failure
    is tried again later with back-off. ``key`` is unique per recipient: the same event is queued once."""

    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_notification_user_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    event: str = Field(max_length=32)
    key: str = Field(max_length=200)  # what makes it one message: event and subject, e.g. offer:<id>:<seq>
    channel: str = Field(default="email", max_length=16)
    subject: str = Field(max_length=300)
    body: str
    created_at: dt.datetime = Field(default_factory=utcnow)
    due_at: dt.datetime = Field(default_factory=utcnow, index=True)  # after quiet hours, or the next retry
    claimed_until: dt.datetime | None = None  # a sender is on it until then
    attempts: int = 0
    sent_at: dt.datetime | None = Field(default=None, index=True)
    failed_at: dt.datetime | None = None  # gave up after the last attempt
    error: str = Field(default="", max_length=500)


class ActionLink(SQLModel, table=True):
    """A one-click answer in a message (accept or decline an offer): the link's secret is stored only as
    its SHA-256 digest; it expires, and works once (``used_at``)."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    assignment_id: int = Field(foreign_key="assignment.id", index=True, ondelete="CASCADE")
    action: str = Field(max_length=16)
    digest: str = Field(max_length=64, unique=True, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


class NotificationPreference(SQLModel, table=True):
    """What a person wants to hear about, and when not: events left out, and quiet hours (local time) in
    which messages wait until the quiet ends."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True, index=True, ondelete="CASCADE")
    muted: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    quiet_from: dt.time | None = None
    quiet_until: dt.time | None = None


class TimeOff(SQLModel, table=True):
    """A worker's time off. Granted at once where it overlaps none of her accepted work (an unavailable
    window, source ``timeoff:<id>``); else ``pending`` until the coordinator or a manager or farmer of
    that work's places approves it (the work is released and offered on) or declines it with a reason."""

    __table_args__ = (CheckConstraint("end_utc > start_utc", name="timeoff_ends_after_start"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    worker_id: int = Field(foreign_key="worker.id", index=True, ondelete="CASCADE")
    start_utc: dt.datetime
    end_utc: dt.datetime
    reason: str = Field(default="", max_length=500)
    state: str = Field(default="pending", max_length=16, index=True)  # pending, approved, declined
    created_at: dt.datetime = Field(default_factory=utcnow)
    decided_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    decided_at: dt.datetime | None = None
    note: str = Field(default="", max_length=500)  # the decider's words, required when declining


class Swap(SQLModel, table=True):
    """A worker's accepted work offered to colleagues (``open``) until one takes it over (``done``: the
    giver's booking is cancelled and the taker's accepted in one transaction) or she withdraws it. Where
    the place confirms takes, a taken swap is ``pending`` until its manager approves (``done``) or
    declines it (``declined``, the giver keeps her work)."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    assignment_id: int = Field(foreign_key="assignment.id", index=True, ondelete="CASCADE")
    giver_id: int = Field(foreign_key="worker.id", index=True, ondelete="CASCADE")
    taker_id: int | None = Field(default=None, foreign_key="worker.id", ondelete="SET NULL")
    state: str = Field(default="open", max_length=16, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    taken_at: dt.datetime | None = None
    decided_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    decided_at: dt.datetime | None = None
    note: str = Field(default="", max_length=500)  # the decider's words, required when declining


class TakeRequest(OnWork, table=True):
    """A worker's ask to take an open place at a place that confirms takes: ``pending`` until a manager
    (or farmer, or the coordinator) confirms it (she is booked, the rules checked again then) or
    declines it; ``withdrawn`` by her, or declined on its own once the place is filled."""

    __table_args__ = (one_target("take_request_one_target"),)
    state: str = Field(default="pending", max_length=16, index=True)  # pending, confirmed, declined, withdrawn
    created_at: dt.datetime = Field(default_factory=utcnow)
    decided_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    decided_at: dt.datetime | None = None
    note: str = Field(default="", max_length=500)
