"""Hours in a rolling window: at most the contract's ``max_hours_per_7_days``, and the law's
``total_hours_per_7_days`` where it is lower, in any 7 days (``weekly_hours``), and at most the law's
``max_hours_per_24h`` in any 24 hours (``hours_per_24h``), counting the minutes of each item inside the
window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from models.law import CONTRACT, hours_per_7_days, limits
from models.problem import Worker
from solver.rules.family import Family
from solver.variables import DAY_MINUTES, WEEK_MINUTES, Build
from solver.violations import Schedule, Violation, local

WINDOW_BLOCK = 64  # rolling windows computed together


def model(b: Build) -> None:
    law = b.inst.problem.settings.law

    def per_7_days(w: Worker) -> int:
        return round(hours_per_7_days(w.max_hours_per_7_days, limits(law, w.working_time)).value * 60)

    _model_window(b, WEEK_MINUTES, per_7_days)

    def per_24h(w: Worker) -> int | None:
        limit = limits(law, w.working_time).get("max_hours_per_24h")
        return None if limit is None else round(limit.value * 60)

    _model_window(b, DAY_MINUTES, per_24h, implied_by_rest=True)


def _model_window(
    b: Build, window: int, limit_of: Callable[[Worker], int | None], *, implied_by_rest: bool = False
) -> None:
    """With ``implied_by_rest``, a window the organisation's rest between items already keeps within the
    limit is left out: when ``rest >= window - limit``, two items in one window hold at most
    ``window - rest`` minutes of work, so only an item longer than the limit on its own can break it.

    The worked minutes inside a sliding window peak when the window starts at an item's start or ends
    at an item's end, so only those windows are needed; windows that cannot exceed the limit are skipped.
    Windows are taken in blocks, each one array operation over the candidates it can meet (window x
    candidate overlaps): linear in the candidates, for a week as for a year.
    """
    inst, v = b.inst, b.v
    for w, pairs in enumerate(inst.by_worker):
        limit = limit_of(inst.workers[w])
        if limit is None:
            continue
        spans = sorted((*inst.spans[inst.pairs[p].i], p) for p in pairs)
        if implied_by_rest and b.rest_minutes >= window - limit:
            for s, e, p in spans:
                if e - s > limit:
                    v.model.add(v.x[p] == 0)
            continue
        fixed = inst.outside[w]
        if not spans or sum(e - s for s, e, _ in spans) + sum(e - s for s, e in fixed) <= limit:
            continue
        starts, ends, ids = (np.array(col, dtype=np.int64) for col in zip(*spans, strict=True))
        fixed_starts = np.array([s for s, _ in fixed], dtype=np.int64)
        fixed_ends = np.array([e for _, e in fixed], dtype=np.int64)
        anchors = np.unique(np.concatenate([starts, ends - window]))
        longest = int((ends - starts).max())
        xs = [v.x[p] for p in ids.tolist()]
        seen: set[tuple[tuple[int, ...], tuple[int, ...], int, int]] = set()
        for first in range(0, len(anchors), WINDOW_BLOCK):  # a block of windows and the items they can meet
            lo = anchors[first : first + WINDOW_BLOCK]
            a = int(np.searchsorted(starts, lo[0] - longest, side="right"))
            z = int(np.searchsorted(starts, lo[-1] + window, side="left"))
            inside = np.minimum(ends[a:z][None, :], lo[:, None] + window) - np.maximum(
                starts[a:z][None, :], lo[:, None]
            )
            np.clip(inside, 0, None, out=inside)
            held = np.minimum(fixed_ends[None, :], lo[:, None] + window) - np.maximum(
                fixed_starts[None, :], lo[:, None]
            )
            held = np.clip(held, 0, None).sum(axis=1)  # minutes of kept work outside the plan in each window
            for r in np.flatnonzero(inside.sum(axis=1) + held > limit):
                row = inside[r]
                cols = np.flatnonzero(row)
                terms = ([xs[k] for k in (cols + a).tolist()], row[cols].tolist())
                if not held[r]:
                    key = (tuple((cols + a).tolist()), tuple(row[cols].tolist()), -1, limit)
                    if key not in seen:
                        seen.add(key)
                        v.model.add(cp_model.LinearExpr.weighted_sum(*terms) <= limit)
                    continue
                # with fixed work inside, the window counts when its own item is taken (``check``'s windows)
                room = max(0, limit - int(held[r]))
                for k in np.flatnonzero((starts == lo[r]) | (ends - window == lo[r])).tolist():
                    key = (tuple((cols + a).tolist()), tuple(row[cols].tolist()), k, room)
                    if key not in seen:
                        seen.add(key)
                        v.model.add(cp_model.LinearExpr.weighted_sum(*terms) <= room).only_enforce_if(xs[k])


def _first_over(s: Schedule, span: dt.timedelta, limit: dt.timedelta) -> tuple[dt.timedelta, dt.datetime] | None:
    """The earliest window of ``span`` holding more than ``limit`` of work, and that work: windows are
    tried from every item's start and to every item's end, summed item by item with the worker's kept
    work outside the plan."""
    timed = [(it.start, it.end) for it in s.items] + [(o.start, o.end) for o in s.outside]
    for lo in sorted({it.start for it in s.items} | {it.end - span for it in s.items}):
        hi = lo + span
        worked = sum((min(end, hi) - max(start, lo) for start, end in timed if start < hi and lo < end), dt.timedelta())
        if worked > limit:
            return worked, lo
    return None


def check(s: Schedule) -> list[Violation]:
    worker, tz = s.worker, s.problem.tz
    out: list[Violation] = []
    rules = limits(s.problem.settings.law, worker.working_time)
    daily = rules.get("max_hours_per_24h")
    if daily is not None and (over := _first_over(s, dt.timedelta(hours=24), dt.timedelta(hours=daily.value))):
        worked, at = over
        text = (
            f"{worker.id}: {worked.total_seconds() / 3600:g} h in the 24 h from {local(at, tz)};"
            f" limit {daily.value:g} h ({daily.source})"
        )
        out.append(Violation("hours_per_24h", text, worker.id))
    weekly = hours_per_7_days(worker.max_hours_per_7_days, rules)
    if over := _first_over(s, dt.timedelta(days=7), dt.timedelta(hours=weekly.value)):
        worked, at = over
        why = "" if weekly.source == CONTRACT else f" (overtime included, {weekly.source})"
        text = (
            f"{worker.id}: {worked.total_seconds() / 3600:g} h in the 7 days from {local(at, tz)};"
            f" limit {weekly.value:g} h{why}"
        )
        out.append(Violation("weekly_hours", text, worker.id))
    return out


FAMILY = Family(model=model, check_schedule=check)
