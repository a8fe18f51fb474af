"""The problem snapshot: Bemanna's JSON interchange format and the solver's only input.

These Pydantic schemas are kept apart from the SQLModel tables (``models.tables``): a snapshot is a
self-contained, validated picture of one pool over one horizon, so the solver never touches a database.
Times may be given with an offset or as local wall-clock times (read in ``timezone``); after validation
every datetime is timezone-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from models.enums import AssignmentStatus, AvailabilityKind, Priority, RequestKind, SiteKind, WorkerKind
from models.law import Law, WorkingTime

DEFAULT_TIMEZONE = "Europe/Oslo"

Ref = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"),
]
"""An external id. Letters, digits and ``_ . : -``; no ``@``, which joins a job id to a day."""


Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]

Name = Annotated[str, StringConstraints(max_length=200)]
"""A name or title people read."""
Line = Annotated[str, StringConstraints(max_length=500)]
"""An address or a contact line."""

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
"""Every date Bemanna stores lies in this window: rosters are about this century, and arithmetic on a
date near year 1 or 9999 (a day's end, a week around it, a time zone's rules) would overflow."""


def in_window(day: dt.date) -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return day


def _moment_in_window(moment: dt.datetime) -> dt.datetime:
    in_window(moment.date())
    return moment


Day = Annotated[dt.date, AfterValidator(in_window)]
Moment = Annotated[dt.datetime, AfterValidator(_moment_in_window)]

MAX_RATE = 100_000.0  # NOK per hour: far above any real rate, far below what overflows a cost
MAX_WEIGHT = 1_000_000_000  # per unit of a soft goal: sums of these stay far inside 64 bits


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False, allow_inf_nan=False)


class Skill(Schema):
    id: Ref
    name: Name = ""


class Region(Schema):
    id: Ref
    name: Name


class Place(Schema):
    id: Ref
    name: Name
    address: Line = ""
    lat: Latitude
    lon: Longitude
    region_id: Ref
    contact: Line = Field("", description="Who to call on arrival (shown to assigned workers)")
    confirm_takes: bool = Field(
        False, description="Takes from the open board and swaps here wait for a manager's (or farmer's) confirmation"
    )


class Site(Place):
    """A health site: nursing home, home-care base or clinic."""

    kind: SiteKind = SiteKind.nursing_home


class Farm(Place):
    pass


class Qualification(Schema):
    skill: Ref
    approved: bool = Field(False, description="Approved by the organisation; unapproved skills never count")
    valid_until: Day | None = Field(None, description="Last day the licence is valid; none = no expiry")


class Availability(Schema):
    """A window the worker stated.

    A worker works only inside the union of their ``available`` and ``preferred`` windows (or anywhere,
    if ``always_available``), never in an ``unavailable`` window. ``preferred`` and ``undesired``
    windows steer the soft preference term, scaled by ``weight``.
    """

    kind: AvailabilityKind
    start: Moment
    end: Moment
    weight: int = Field(1, ge=1, le=1000)


class ShiftType(Schema):
    """A kind of shift (early, late, night) that working-time rules can name."""

    id: Ref
    name: Name = ""
    forbidden_next: list[Ref] = Field(
        default_factory=list,
        max_length=100,
        description="Shift types that may not start on the local day after one of this type"
        " (e.g. no early after a night)",
    )


class Worker(Schema):
    """A pool member. The limits below are hard working-time rules over the planning horizon (the local
    days from the first to the last work item). Runs of working days or days off that touch the horizon's
    edges may continue outside it, so the minimum run lengths do not apply to them."""

    id: Ref
    name: Name
    kind: WorkerKind
    home_lat: Latitude
    home_lon: Longitude
    region_id: Ref
    max_travel_km: float = Field(30.0, ge=0, le=2000)
    max_hours_per_7_days: float = Field(40.0, gt=0, le=168)
    max_consecutive_days: int = Field(5, ge=1, le=366)
    min_consecutive_days: int = Field(
        1, ge=1, le=366, description="Shortest run of working days (runs at the horizon's edges exempt)"
    )
    min_consecutive_days_off: int = Field(
        1, ge=1, le=366, description="Shortest run of days off (runs at the horizon's edges exempt)"
    )
    max_weekends: int | None = Field(
        None,
        ge=0,
        le=60,
        description="Max weekends worked in the horizon (a Saturday or Sunday or both); none = no limit",
    )
    min_hours: float = Field(0.0, ge=0, le=10_000, description="Minimum hours worked over the horizon")
    max_hours: float | None = Field(
        None, ge=0, le=10_000, description="Maximum hours worked over the horizon; none = no limit"
    )
    max_shifts_per_type: dict[Ref, Annotated[int, Field(ge=0, le=1000)]] = Field(
        default_factory=dict,
        max_length=100,
        description="Max shifts of each shift type over the horizon; 0 = never that type",
    )
    hourly_rate: float | None = Field(
        None, ge=0, le=MAX_RATE, description="NOK per hour for paid workers; none = unpaid"
    )
    always_available: bool = Field(False, description="Available outside unavailable windows (contract staff)")
    working_time: WorkingTime = Field(
        default_factory=WorkingTime, description="The contract's overrides of the organisation's working-time law"
    )
    earlier_overtime_hours: dict[dt.date, Annotated[float, Field(ge=0, le=168)]] = Field(
        default_factory=dict,
        max_length=60,
        description="Overtime already worked in weeks before the horizon, by each week's first day (the law's"
        " week_starts): counts toward the caps per 4 weeks and per year (models.overtime)",
    )
    qualifications: list[Qualification] = Field(default_factory=list, max_length=100)
    availability: list[Availability] = Field(default_factory=list, max_length=2000)


class Shift(Schema):
    """A health shift; every required skill must be held by each assigned worker."""

    id: Ref
    site_id: Ref
    start: Moment
    end: Moment
    required_skills: list[Ref] = Field(default_factory=list, max_length=20)
    headcount: int = Field(1, ge=0, le=500, description="Workers needed")
    max_headcount: int | None = Field(
        None, ge=1, le=500, description="Workers allowed (over-cover costs over_weight each); none = headcount"
    )
    priority: Priority = Priority.normal
    under_weight: int | None = Field(
        None, ge=0, le=MAX_WEIGHT, description="Penalty per open place, instead of the priority's weight"
    )
    over_weight: int = Field(0, ge=0, le=MAX_WEIGHT, description="Penalty per worker above headcount")
    shift_type: Ref | None = None
    title: Name = ""

    @property
    def capacity(self) -> int:
        return self.headcount if self.max_headcount is None else self.max_headcount


class Job(Schema):
    """A farmer's paid posting, expanded into one work block per day from ``first_day`` to ``last_day``."""

    id: Ref
    farm_id: Ref
    title: Name
    first_day: Day
    last_day: Day
    daily_start: dt.time = dt.time(8, 0)
    daily_hours: float = Field(7.5, gt=0, le=16)
    headcount: int = Field(1, ge=1, le=500)
    required_skills: list[Ref] = Field(default_factory=list, max_length=20)
    pay_per_hour: float = Field(0.0, ge=0, le=MAX_RATE)
    priority: Priority = Priority.normal


class Assignment(Schema):
    """A worker on a work item. ``item_id`` is a shift id, or ``<job id>@<YYYY-MM-DD>`` for a job's day."""

    worker_id: Ref
    item_id: str = Field(min_length=1, max_length=80)
    status: AssignmentStatus = AssignmentStatus.proposed
    pinned: bool = False

    @property
    def kept(self) -> bool:
        """Pinned and accepted assignments are fixed: the solver must keep them."""
        return self.pinned or self.status == AssignmentStatus.accepted

    @property
    def active(self) -> bool:
        return self.status not in (AssignmentStatus.declined, AssignmentStatus.cancelled)


class ShiftRequest(Schema):
    """A worker asking to work (``on``) or not to work (``off``) one item; unmet requests cost ``weight``."""

    worker_id: Ref
    item_id: str = Field(min_length=1, max_length=80)
    kind: RequestKind
    weight: int = Field(1, ge=1, le=1_000_000)


class OutsideWork(Schema):
    """Kept work the problem does not plan but the working-time rules count: a worker's accepted or
    pinned work in the days just before or after the horizon, or at a place outside the regions planned.
    It feeds rest, hours in 24 h and in 7 days, and runs of working days; totals over the horizon
    (hours, weekends, shifts of a type) count only the problem's own items."""

    worker_id: Ref
    label: Name = Field("", description="What it is, for messages (e.g. the shift's id)")
    start: Moment
    end: Moment


class TravelEntry(Schema):
    """An override of the straight-line distance, e.g. from a road-network travel-time matrix."""

    worker_id: Ref
    place_id: Ref
    km: float = Field(ge=0, le=40_000)


class Weights(Schema):
    """Soft-goal weights per unit of each term; units: see ``solver.catalogue.GOALS``."""

    unfilled_critical: int = Field(1_000_000, ge=0, le=MAX_WEIGHT, description="per unfilled place on a critical item")
    unfilled_normal: int = Field(100_000, ge=0, le=MAX_WEIGHT, description="per unfilled place on a normal item")
    unfilled_low: int = Field(10_000, ge=0, le=MAX_WEIGHT, description="per unfilled place on a low-priority item")
    preference: int = Field(
        300, ge=0, le=MAX_WEIGHT, description="per unit of window weight (undesired minus preferred)"
    )
    fairness: int = Field(1, ge=0, le=MAX_WEIGHT, description="per minute a worker's load exceeds each fairness step")
    travel: int = Field(20, ge=0, le=MAX_WEIGHT, description="per km from home to work, one way")
    cost: int = Field(1, ge=0, le=MAX_WEIGHT, description="per NOK paid to workers with an hourly rate")
    continuity: int = Field(
        600, ge=0, le=MAX_WEIGHT, description="per extra worker on a multi-day job beyond its headcount"
    )
    requests: int = Field(100, ge=0, le=MAX_WEIGHT, description="per unit of request weight not honoured")

    def unfilled(self, priority: Priority) -> int:
        return {
            Priority.critical: self.unfilled_critical,
            Priority.normal: self.unfilled_normal,
            Priority.low: self.unfilled_low,
        }[priority]


class Settings(Schema):
    min_rest_hours: float = Field(11.0, ge=0, le=48)
    fairness_step_hours: float = Field(8.0, gt=0, le=168, description="Each further step of hours costs more")
    coverage_first: bool = Field(
        True, description="Maximise weighted coverage first, then optimise the other goals without losing any"
    )
    weights: Weights = Field(default_factory=Weights)
    law: Law = Field(
        default_factory=Law, description="Working-time law: a profile (no-aml, se-atl, custom) and overrides"
    )


class Problem(Schema):
    name: Name = "Bemanna pool"
    timezone: str = DEFAULT_TIMEZONE
    skills: list[Skill] = Field(default_factory=list)
    regions: list[Region] = Field(default_factory=list)
    sites: list[Site] = Field(default_factory=list)
    farms: list[Farm] = Field(default_factory=list)
    shift_types: list[ShiftType] = Field(default_factory=list)
    workers: list[Worker] = Field(default_factory=list)
    shifts: list[Shift] = Field(default_factory=list)
    jobs: list[Job] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list, description="Existing assignments")
    requests: list[ShiftRequest] = Field(default_factory=list, description="Workers' shift on/off requests")
    travel: list[TravelEntry] = Field(default_factory=list)
    outside_work: list[OutsideWork] = Field(
        default_factory=list,
        max_length=100_000,
        description="Kept work outside what is planned (before or after the horizon, or in other regions)"
        " that rest, rolling hours and runs of days count",
    )
    settings: Settings = Field(default_factory=Settings)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @model_validator(mode="after")
    def _normalise_and_check(self) -> Problem:
        errors: list[InitErrorDetails] = []
        try:
            tz = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(_error(("timezone",), self.timezone, f"unknown time zone {self.timezone!r}"))
            raise ValidationError.from_exception_data("Problem", errors) from None
        for w in self.workers:
            for a in w.availability:
                a.start, a.end = to_utc(a.start, tz), to_utc(a.end, tz)
        for s in self.shifts:
            s.start, s.end = to_utc(s.start, tz), to_utc(s.end, tz)
        for o in self.outside_work:
            o.start, o.end = to_utc(o.start, tz), to_utc(o.end, tz)
        errors.extend(_check(self))
        if errors:
            raise ValidationError.from_exception_data("Problem", errors)
        return self


def to_utc(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(dt.UTC)


def _error(loc: tuple[str | int, ...], value: Any, message: str) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError("invalid_problem", message.replace("{", "{{").replace("}", "}}")),
        loc=loc,
        input=value,
    )


def _duplicates(section: str, ids: Iterable[str]) -> list[InitErrorDetails]:
    ids = list(ids)
    seen = Counter(ids)
    return [
        _error((section, i, "id"), ref, f"duplicate id {ref!r} in {section}")
        for i, ref in enumerate(ids)
        if seen[ref] > 1 and ids.index(ref) != i
    ]


Found = list[tuple[tuple[str | int, ...], Any, str]]
"""What is wrong with one record: (where in the record, the value, why), empty when it is sound."""


@dataclass(frozen=True)
class Known:
    """The ids a record may refer to: the rest of its snapshot, or what the organisation has stored."""

    regions: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    shift_types: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()
    farms: frozenset[str] = frozenset()

    @classmethod
    def of(cls, p: Problem) -> Known:
        return cls(
            regions=frozenset(r.id for r in p.regions),
            skills=frozenset(s.id for s in p.skills),
            shift_types=frozenset(t.id for t in p.shift_types),
            sites=frozenset(s.id for s in p.sites),
            farms=frozenset(f.id for f in p.farms),
        )


def _unknown(loc: tuple[str | int, ...], value: str, known: frozenset[str], what: str) -> Found:
    return [] if value in known else [(loc, value, f"unknown {what} {value!r}")]


def place_errors(place: Place, known: Known) -> Found:
    return _unknown(("region_id",), place.region_id, known.regions, "region")


def shift_type_errors(st: ShiftType, known: Known) -> Found:
    found: Found = []
    for j, nxt in enumerate(st.forbidden_next):
        found += _unknown(("forbidden_next", j), nxt, known.shift_types, "shift type")
    return found


def worker_errors(w: Worker, known: Known) -> Found:
    """A worker's own rules; availability must be in UTC already (``to_utc``)."""
    found = _unknown(("region_id",), w.region_id, known.regions, "region")
    for typ in w.max_shifts_per_type:
        found += _unknown(("max_shifts_per_type", typ), typ, known.shift_types, "shift type")
    if w.max_hours is not None and w.max_hours < w.min_hours:
        found.append((("max_hours",), w.max_hours, f"below min_hours ({w.min_hours:g})"))
    held = [q.skill for q in w.qualifications]
    for j, q in enumerate(w.qualifications):
        found += _unknown(("qualifications", j, "skill"), q.skill, known.skills, "skill")
        if held.count(q.skill) > 1 and held.index(q.skill) != j:
            found.append((("qualifications", j, "skill"), q.skill, "skill listed twice"))
    for j, a in enumerate(w.availability):
        if a.end <= a.start:
            found.append((("availability", j, "end"), str(a.end), "end must be after start"))
    return found


def _skills(required: list[str], known: Known) -> Found:
    found: Found = []
    for j, sk in enumerate(required):
        found += _unknown(("required_skills", j), sk, known.skills, "skill")
    return found


def shift_errors(s: Shift, known: Known) -> Found:
    """A shift's own rules; its times must be in UTC already (``to_utc``)."""
    found = _unknown(("site_id",), s.site_id, known.sites, "site") + _skills(s.required_skills, known)
    if s.shift_type is not None:
        found += _unknown(("shift_type",), s.shift_type, known.shift_types, "shift type")
    if s.max_headcount is not None and s.max_headcount < s.headcount:
        found.append((("max_headcount",), s.max_headcount, f"below headcount ({s.headcount})"))
    if s.capacity == 0:
        found.append((("headcount",), s.headcount, "a shift needs a headcount or max_headcount"))
    if s.end <= s.start:
        found.append((("end",), str(s.end), f"end must be after start ({s.start})"))
    elif s.end - s.start > dt.timedelta(hours=24):
        found.append((("end",), str(s.end), "a shift may last at most 24 hours"))
    return found


def job_errors(job: Job, known: Known) -> Found:
    found = _unknown(("farm_id",), job.farm_id, known.farms, "farm") + _skills(job.required_skills, known)
    if job.last_day < job.first_day:
        found.append((("last_day",), str(job.last_day), "last_day is before first_day"))
    elif (job.last_day - job.first_day).days > 366:
        found.append((("last_day",), str(job.last_day), "a job may span at most a year"))
    return found


RECORD_CHECKS: dict[str, Any] = {
    "sites": place_errors,
    "farms": place_errors,
    "shift_types": shift_type_errors,
    "workers": worker_errors,
    "shifts": shift_errors,
    "jobs": job_errors,
}
"""The rules each record must meet on its own, against the ids it may refer to. The API checks a body
with the same function before it stores it, so nothing it accepts can make a snapshot invalid."""


def _check(p: Problem) -> list[InitErrorDetails]:
    """Cross-record rules a field validator cannot see: unique ids, known references, time order."""
    errs: list[InitErrorDetails] = []
    for section in ("skills", "regions", "shift_types", "sites", "farms", "workers", "shifts", "jobs"):
        errs += _duplicates(section, (r.id for r in getattr(p, section)))
    errs += _duplicates("places", (r.id for r in [*p.sites, *p.farms]))
    known = Known.of(p)
    for section, check in RECORD_CHECKS.items():
        for i, record in enumerate(getattr(p, section)):
            errs += [_error((section, i, *loc), value, message) for loc, value, message in check(record, known)]
    workers = {w.id for w in p.workers}
    places = known.sites | known.farms

    def ref(loc: tuple[str | int, ...], value: str, known: set[str] | frozenset[str], what: str) -> None:
        if value not in known:
            errs.append(_error(loc, value, f"unknown {what} {value!r}"))

    for i, o in enumerate(p.outside_work):
        ref(("outside_work", i, "worker_id"), o.worker_id, workers, "worker")
        if o.end <= o.start:
            errs.append(_error(("outside_work", i, "end"), str(o.end), "end must be after start"))
    first_day = p.settings.law.week_starts.capitalize()
    for i, w in enumerate(p.workers):
        for day in w.earlier_overtime_hours:
            if p.settings.law.week_of(day) != day:
                message = f"{day} is a {day:%A}; a week is named by its first day, a {first_day} under this law"
                errs.append(_error(("workers", i, "earlier_overtime_hours", str(day)), str(day), message))
    for i, t in enumerate(p.travel):
        ref(("travel", i, "worker_id"), t.worker_id, workers, "worker")
        ref(("travel", i, "place_id"), t.place_id, places, "site or farm")
    if not errs:  # item ids need valid jobs to expand
        from models.work_items import item_ids

        items = item_ids(p)
        pairs: set[tuple[str, str]] = set()
        for i, asg in enumerate(p.assignments):
            ref(("assignments", i, "worker_id"), asg.worker_id, workers, "worker")
            ref(("assignments", i, "item_id"), asg.item_id, items, "shift or job day")
            if asg.active and (asg.worker_id, asg.item_id) in pairs:
                errs.append(_error(("assignments", i), f"{asg.worker_id} on {asg.item_id}", "duplicate assignment"))
            if asg.active:
                pairs.add((asg.worker_id, asg.item_id))
        asked: set[tuple[str, str]] = set()
        for i, req in enumerate(p.requests):
            ref(("requests", i, "worker_id"), req.worker_id, workers, "worker")
            ref(("requests", i, "item_id"), req.item_id, items, "shift or job day")
            if (req.worker_id, req.item_id) in asked:
                errs.append(_error(("requests", i), f"{req.worker_id} on {req.item_id}", "duplicate request"))
            asked.add((req.worker_id, req.item_id))
    return errs


SECTIONS = frozenset(
    [
        "skills",
        "regions",
        "shift_types",
        "sites",
        "farms",
        "workers",
        "shifts",
        "jobs",
        "assignments",
        "requests",
        "travel",
        "outside_work",
    ]
)


def _describe(section: str, record: Any) -> str:
    what = section.replace("_", " ") if section == "outside_work" else section[:-1].replace("_", " ")
    if isinstance(record, dict) and "id" in record:
        return f"{what} {record['id']!r}"
    if isinstance(record, dict) and "worker_id" in record:
        on = record.get("item_id", record.get("place_id", record.get("label", "?")))
        return f"{what} of {record['worker_id']!r} on {on!r}"
    return what


def leaving_out_bad_records(data: dict[str, Any], rounds: int = 10) -> tuple[Problem, list[str]]:
    """The snapshot of ``data`` without the records that break a rule, and a line per record left out
    naming it and why. One bad row must not stop a whole organisation's solve, fill or report: it is
    reported and skipped, and so is what refers to it (a skipped worker's assignments, say). An error
    outside the record sections (the time zone, the settings) is still raised."""
    skipped: list[str] = []
    data = dict(data)
    for _ in range(rounds):
        try:
            return Problem.model_validate(data), skipped
        except ValidationError as error:
            drop: dict[str, set[int]] = {}
            for e in error.errors():
                loc = e["loc"]
                if len(loc) < 2 or loc[0] not in SECTIONS or not isinstance(loc[1], int):
                    raise
                section, index = str(loc[0]), loc[1]
                if index not in drop.setdefault(section, set()):
                    drop[section].add(index)
                    field = ".".join(str(part) for part in loc[2:]) or "record"
                    skipped.append(f"{_describe(section, data[section][index])}: {field}: {e['msg']}")
            for section, indices in drop.items():
                data[section] = [r for k, r in enumerate(data[section]) if k not in indices]
    return Problem.model_validate(data), skipped
