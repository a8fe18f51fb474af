"""Closed vocabularies shared by tables, schemas and the solver."""

from enum import StrEnum


class WorkerKind(StrEnum):
    health = "health"  # approved health professional (nurse, assistant nurse, aide)
    seasonal = "seasonal"  # paid seasonal hand
    volunteer = "volunteer"


class AvailabilityKind(StrEnum):
    available = "available"
    unavailable = "unavailable"
    preferred = "preferred"  # available, and the worker would like work here
    undesired = "undesired"  # available, but the worker would rather not


class Priority(StrEnum):
    critical = "critical"
    normal = "normal"
    low = "low"


class AssignmentStatus(StrEnum):
    proposed = "proposed"
    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    cancelled = "cancelled"


class SiteKind(StrEnum):
    nursing_home = "nursing_home"
    home_care = "home_care"
    clinic = "clinic"


class ItemKind(StrEnum):
    shift = "shift"
    job = "job"  # one day's block of a farm job


class RequestKind(StrEnum):
    on = "on"  # the worker asks to work this item
    off = "off"  # the worker asks not to work this item


class Role(StrEnum):
    """What a user of the HTTP API may do within their organisation."""

    coordinator = "coordinator"  # runs the pool: places, approvals, solves, reports
    manager = "manager"  # health manager: posts and fills shifts at their sites
    farmer = "farmer"  # posts paid jobs at their farms
    worker = "worker"  # a person in the pool: own profile, availability, offers


class JobState(StrEnum):
    """A solve job's life: queued -> running -> succeeded | failed | cancelled."""

    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class FeedKind(StrEnum):
    """Whose calendar feed: one worker's assignments, one site's shifts, one farm's job days, or the whole
    organisation's work (for coordinators)."""

    worker = "worker"
    site = "site"
    farm = "farm"
    organisation = "organisation"
