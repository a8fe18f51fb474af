"""What the independent check reports, and the views of a roster its rule checks read.

Check-side only: nothing here knows the CP-SAT model (``tests/test_catalogue.py`` holds it to that).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from models.problem import OutsideWork, Problem, Worker
from models.work_items import WorkItem
from solver.travel import Travel


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    worker_id: str | None = None
    item_id: str | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def local(t: dt.datetime, tz: ZoneInfo) -> str:
    return t.astimezone(tz).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Roster:
    """A whole roster of (worker id, item id) pairs: ``known`` are the pairs naming a real worker and item
    (duplicates kept), ``unique`` the same once each."""

    problem: Problem
    items: dict[str, WorkItem]
    workers: dict[str, Worker]
    pairs: list[tuple[str, str]]
    known: list[tuple[str, str]]
    unique: list[tuple[str, str]]
    require_kept: bool = True


@dataclass(frozen=True)
class Placement:
    """One assignment on its own."""

    problem: Problem
    worker: Worker
    item: WorkItem
    travel: Travel


@dataclass(frozen=True)
class Schedule:
    """One worker's items in time order, over the planning horizon's local days, and her kept work
    outside what is planned (``Problem.outside_work``), in time order."""

    problem: Problem
    worker: Worker
    items: list[WorkItem]
    days: list[dt.date]
    outside: list[OutsideWork] = field(default_factory=list)
