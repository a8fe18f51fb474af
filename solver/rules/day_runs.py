"""Runs of working days and of days off: at most ``max_consecutive_days`` working days in a row
(``consecutive_days``), runs of work at least ``min_consecutive_days`` long (``min_consecutive_days``) and
runs of days off at least ``min_consecutive_days_off`` long between two working days (``min_days_off``).

An item counts for its local start day. A run touching the horizon's first or last day is exempt from the
minimums, as it may continue outside (the convention behind the Curtois & Qu benchmark's known optima).
The model form is clauses, or for small models a network per worker (``solver.runs``) whose LP is tight.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Set

from solver.rules.family import Family
from solver.runs import add_run_networks
from solver.variables import Build, clause, day_after
from solver.violations import Schedule, Violation


def model(b: Build) -> None:
    networked = add_run_networks(b.inst, b.days, b.v) if b.run_networks else set()
    model_max_run(b, networked)
    model_min_run(b, networked)
    model_min_days_off(b, networked)


def model_max_run(b: Build, skip: Set[int]) -> None:
    """At most ``limit`` of any ``limit + 1`` consecutive days, where all of them could be worked."""
    for w, days in enumerate(b.v.works):
        if w in skip:
            continue
        limit = b.inst.workers[w].max_consecutive_days
        if len(days) <= limit:
            continue
        for first in sorted(days):
            window = [day_after(first, k) for k in range(limit + 1)]
            if all(d in days for d in window):
                b.v.model.add(sum(days[d] for d in window) <= limit)


def model_min_run(b: Build, skip: Set[int]) -> None:
    """Clause per run start ``d`` and ``j < min``: off on ``d-1`` and on on ``d`` forces on ``d+j``; short
    clauses that propagate as soon as a run starts."""
    if not b.days:
        return
    first, last = b.days[0], b.days[-1]
    for w, days in enumerate(b.v.works):
        need = b.inst.workers[w].min_consecutive_days
        if need <= 1 or not days or w in skip:
            continue
        for d in sorted(days):
            if d == first:
                continue
            before = days.get(day_after(d, -1))
            for j in range(1, need):
                if day_after(d, j) > last:
                    break
                clause(b.v, [before, days.get(day_after(d, j))], [days[d]])


def model_min_days_off(b: Build, skip: Set[int]) -> None:
    """Worked on ``prev``, off on ``prev + 1``: no work for ``need - 1`` more days."""
    last = b.days[-1] if b.days else None
    for w, days in enumerate(b.v.works):
        need = b.inst.workers[w].min_consecutive_days_off
        if need <= 1 or not days or last is None or w in skip:
            continue
        for prev in sorted(days):
            off = days.get(day_after(prev, 1))
            for j in range(2, need + 1):
                d = day_after(prev, j)
                if d > last:
                    break
                if d in days:
                    clause(b.v, [off], [days[prev], days[d]])


def _runs(flags: list[bool]) -> list[tuple[bool, int, int]]:
    """Maximal runs of equal flags as (flag, first index, length)."""
    runs: list[tuple[bool, int, int]] = []
    for k, flag in enumerate(flags):
        if runs and runs[-1][0] == flag:
            runs[-1] = (flag, runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((flag, k, 1))
    return runs


def check(s: Schedule) -> list[Violation]:
    """The worker's days, walked in order."""
    worker, tz = s.worker, s.problem.tz
    out: list[Violation] = []
    run = 1
    for prev, day in itertools.pairwise(sorted({it.start.astimezone(tz).date() for it in s.items})):
        run = run + 1 if day - prev == dt.timedelta(days=1) else 1
        if run > worker.max_consecutive_days:
            text = f"{worker.id}: {run} working days in a row up to {day}; limit {worker.max_consecutive_days}"
            out.append(Violation("consecutive_days", text, worker.id))
            break
    worked = {it.local_day for it in s.items}
    for flag, first, length in _runs([d in worked for d in s.days]):
        edge = first == 0 or first + length == len(s.days)
        if flag and not edge and length < worker.min_consecutive_days:
            text = (
                f"{worker.id}: works {length} day(s) in a row from {s.days[first]};"
                f" minimum {worker.min_consecutive_days}"
            )
            out.append(Violation("min_consecutive_days", text, worker.id))
        if not flag and not edge and length < worker.min_consecutive_days_off:
            text = (
                f"{worker.id}: {length} day(s) off from {s.days[first]} between working days;"
                f" minimum {worker.min_consecutive_days_off}"
            )
            out.append(Violation("min_days_off", text, worker.id))
    return out


FAMILY = Family(model=model, check_schedule=check, reads_days=True)
