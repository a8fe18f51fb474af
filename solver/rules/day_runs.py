"""Runs of working days and of days off: at most ``max_consecutive_days`` working days in a row
(``consecutive_days``), runs of work at least ``min_consecutive_days`` long (``min_consecutive_days``) and
runs of days off at least ``min_consecutive_days_off`` long between two working days (``min_days_off``).

An item counts for its local start day. A run touching the horizon's first or last day is exempt from the
minimums, as it may continue outside (the convention behind the Curtois & Qu benchmark's known optima).
The model form is clauses, or for small models a network per worker (``solver.runs``) whose LP is tight.
"""

from __future__ import annotations

import datetime as dt
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
    """At most ``limit`` of any ``limit + 1`` consecutive days, where all of them could be worked; a day of
    kept work outside the plan counts as worked. A networked worker (``skip``) needs only the windows
    that reach such a day: her network holds the rest."""
    for w, days in enumerate(b.v.works):
        limit = b.inst.workers[w].max_consecutive_days
        held = b.inst.outside_days[w]
        if (w in skip and not held) or len(days.keys() | held) <= limit:
            continue
        for first in sorted(days.keys() | held):
            window = [day_after(first, k) for k in range(limit + 1)]
            if not all(d in days or d in held for d in window):
                continue
            free = [days[d] for d in window if d not in held]
            if free and (w not in skip or len(free) < len(window)):
                b.v.model.add(sum(free) <= limit - (len(window) - len(free)))


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
    """The worker's days, walked in order; a run counts the days of her kept work outside the plan."""
    worker, tz = s.worker, s.problem.tz
    out: list[Violation] = []
    planned = {it.start.astimezone(tz).date() for it in s.items}
    busy = sorted(planned | {o.start.astimezone(tz).date() for o in s.outside})
    runs: list[list[dt.date]] = []
    for day in busy:
        if runs and day - runs[-1][-1] == dt.timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    for run in runs:
        if len(run) > worker.max_consecutive_days and planned.intersection(run):
            text = (
                f"{worker.id}: {worker.max_consecutive_days + 1} working days in a row up to"
                f" {run[worker.max_consecutive_days]}; limit {worker.max_consecutive_days}"
            )
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
