"""Which worker may take which item at all: skill, availability and distance.

The model only gets a variable for a pair that passes all three (plus: not already declined),
which keeps it small on large pools. ``solver.explain`` reuses these checks to say why nobody fits.
"""

from __future__ import annotations

import bisect
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

    @cached_property
    def _blocked_ends(self) -> list[dt.datetime]:
        return [e for _, e in self.blocked]

    @cached_property
    def _free_starts(self) -> list[dt.datetime]:
        return [s for s, _ in self.free]

    @cached_property
    def _weighted(self) -> tuple[list[dt.datetime], list[tuple[dt.datetime, dt.datetime, int]], dt.timedelta]:
        """Preferred (negative) and undesired (positive) windows by start, and the longest one's length."""
        signs = {AvailabilityKind.preferred: -1, AvailabilityKind.undesired: 1}
        spans = sorted((a.start, a.end, signs[a.kind] * a.weight) for a in self.worker.availability if a.kind in signs)
        longest = max((e - s for s, e, _ in spans), default=dt.timedelta(0))
        return [s for s, _, _ in spans], spans, longest

    def is_available(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Inside a stated window (or always available) and touching no unavailable one.

        Merged windows are disjoint and sorted, so one bisection finds the only candidate: a year of
        availability costs a look-up, not a scan, per worker and item."""
        k = bisect.bisect_right(self._blocked_ends, start)  # first blocked window ending after ``start``
        if k < len(self.blocked) and self.blocked[k][0] < end:
            return False
        if self.worker.always_available:
            return True
        k = bisect.bisect_right(self._free_starts, start) - 1  # the last window starting at or before it
        return k >= 0 and end <= self.free[k][1]

    def not_free(self, start: dt.datetime, end: dt.datetime) -> list[tuple[Span, bool]]:
        """The parts of ``[start, end)`` that keep the worker from it, in time order, each with whether
        she marked it busy (else she stated no free window there): what a worker is told when work she
        almost fits is not offered to her."""
        out = [((max(s, start), min(e, end)), True) for s, e in self.blocked if s < end and start < e]
        if not self.worker.always_available:
            at = start
            for s, e in self.free:
                if e <= at or s >= end:
                    continue
                if s > at:
                    out.append(((at, s), False))
                at = max(at, e)
            if at < end:
                out.append(((at, end), False))
        return sorted(out)

    def preference(self, start: dt.datetime, end: dt.datetime) -> int:
        """Undesired minus preferred weight of the windows the item touches (lower is better)."""
        starts, spans, longest = self._weighted
        score = 0
        for k in range(bisect.bisect_left(starts, start - longest), bisect.bisect_left(starts, end)):
            s, e, weight = spans[k]
            if s < end and start < e:
                score += weight
        return score


def skill_validity(worker: Worker) -> dict[str, dt.date]:
    """Each approved skill and the last local date it is valid (``date.max``: no expiry)."""
    until: dict[str, dt.date] = {}
    for q in worker.qualifications:
        if q.approved:
            last = q.valid_until or dt.date.max
            until[q.skill] = max(until.get(q.skill, last), last)
    return until


def valid_skills(worker: Worker, on: dt.date) -> set[str]:
    """Skills approved by the organisation and unexpired on local date ``on``."""
    return {q.skill for q in worker.qualifications if q.approved and (q.valid_until is None or q.valid_until >= on)}


def last_local_day(item: WorkItem, tz: ZoneInfo) -> dt.date:
    """The local date the item's last minute falls on (a licence must still be valid then)."""
    return (item.end - dt.timedelta(minutes=1)).astimezone(tz).date()


def is_qualified(worker: Worker, item: WorkItem, tz: ZoneInfo) -> bool:
    return item.required_skills <= valid_skills(worker, last_local_day(item, tz))
