"""Which worker may take which item at all: skill, availability and distance.

The model only gets a variable for a pair that passes all three (plus: not already declined),
which keeps it small on large pools. ``solver.explain`` reuses these checks to say why nobody fits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from models.enums import AvailabilityKind
from models.problem import Worker
from models.work_items import WorkItem

Span = tuple[dt.datetime, dt.datetime]


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass
class Calendar:
    """A worker's stated windows, pre-merged for fast look-ups."""

    worker: Worker

    @cached_property
    def free(self) -> list[Span]:
        kinds = {AvailabilityKind.available, AvailabilityKind.preferred, AvailabilityKind.undesired}
        return _merge([(a.start, a.end) for a in self.worker.availability if a.kind in kinds])

    @cached_property
    def blocked(self) -> list[Span]:
        return _merge([(a.start, a.end) for a in self.worker.availability if a.kind == AvailabilityKind.unavailable])

    def is_available(self, start: dt.datetime, end: dt.datetime) -> bool:
        if any(s < end and start < e for s, e in self.blocked):
            return False
        if self.worker.always_available:
            return True
        return any(s <= start and end <= e for s, e in self.free)

    def preference(self, start: dt.datetime, end: dt.datetime) -> int:
        """Undesired minus preferred weight of the windows the item touches (lower is better)."""
        score = 0
        for a in self.worker.availability:
            if a.start < end and start < a.end:
                if a.kind == AvailabilityKind.preferred:
                    score -= a.weight
                elif a.kind == AvailabilityKind.undesired:
                    score += a.weight
        return score


def valid_skills(worker: Worker, on: dt.date) -> set[str]:
    """Skills approved by the organisation and unexpired on local date ``on``."""
    return {q.skill for q in worker.qualifications if q.approved and (q.valid_until is None or q.valid_until >= on)}


def last_local_day(item: WorkItem, tz: ZoneInfo) -> dt.date:
    """The local date the item's last minute falls on (a licence must still be valid then)."""
    return (item.end - dt.timedelta(minutes=1)).astimezone(tz).date()


def is_qualified(worker: Worker, item: WorkItem, tz: ZoneInfo) -> bool:
    return item.required_skills <= valid_skills(worker, last_local_day(item, tz))
