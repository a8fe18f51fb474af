"""A first roster without search: greedy by scarcity, one item at a time, under every rule that adding
work can break.

CP-SAT's first roster on a large pool arrives only after presolve and its first LP, which grows with
the model (24 s at 2,000 workers, none in 180 s for a year). This construction takes about a second
per 100,000 candidate pairs. Items are taken most urgent first (the weight of an open place), and of
equal urgency those with the fewest spare candidates first; each place goes to the cheapest candidate
(travel, preferences, requests, pay, hours already given) who can still take it under rest and
overlap, forbidden successions, hours per 24 h, per 7 days and in all, daily and weekly rest, night
workers' hours and strenuous nights, shifts per type, consecutive working days, days off between
working days, weekends, Sundays off and overtime. Those rules only get harder as work is added, so
checking them at each step is enough. Minimum hours and minimum runs of working days are not: a
roster that misses them is still a good hint, and CP-SAT repairs it (``solver.solve``). The model
itself is the arbiter: the roster counts as a first solution only once CP-SAT completes it with every
choice fixed.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from models.enums import RequestKind
from models.law import Limit, hours_per_7_days, limits
from models.overtime import Ordinary, stretches, week_days, weeks_between
from models.problem import Worker
from models.work_items import horizon
from solver.instance import Instance
from solver.rules import overtime
from solver.rules.night_work import allowed_minutes
from solver.variables import DAY_MINUTES, WEEK_MINUTES, sunday_minutes, week_minutes, week_stretches


@dataclass
class _Load:
    """What one worker already has in the roster being built."""

    starts: list[int] = field(default_factory=list)  # sorted item starts (minutes from the origin)
    ends: list[int] = field(default_factory=list)  # the same items' ends, in the same order
    twice: list[tuple[int, int]] = field(default_factory=list)  # kept work overlapping other kept work
    minutes: int = 0
    types: Counter[str] = field(default_factory=Counter)
    days: dict[int, set[str | None]] = field(default_factory=lambda: defaultdict(set))  # ordinal -> types
    weekends: set[int] = field(default_factory=set)  # ordinals of the Saturdays of weekends worked
    sundays: set[int] = field(default_factory=set)  # indices of the Sundays and holidays worked (``_Builder.sundays``)
    nights: list[tuple[int, int]] = field(default_factory=list)  # night work held, planned or outside
    worked: dict[dt.date, int] = field(default_factory=lambda: defaultdict(int))  # planned minutes by start day
    overtime: dict[dt.date, int] = field(default_factory=dict)  # by week (its first day), where the plan has work


class _Builder:
    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        settings = inst.problem.settings
        self.rest = round(settings.min_rest_hours * 60)
        self.forbidden = {t.id: set(t.forbidden_next) for t in inst.problem.shift_types if t.forbidden_next}
        self.loads = [_Load() for _ in inst.workers]
        for w, fixed in enumerate(inst.outside):  # kept work outside the plan: time taken, days worked
            load = self.loads[w]
            for start, end in sorted(fixed):  # merged where they overlap, so ends stay in order
                if load.ends and start < load.ends[-1]:
                    load.twice.append((start, min(end, load.ends[-1])))
                    load.ends[-1] = max(load.ends[-1], end)
                else:
                    load.starts.append(start)
                    load.ends.append(end)
            for day in inst.outside_days[w]:
                load.days[day.toordinal()].add(None)
        self.day = [it.local_day.toordinal() for it in inst.items]
        self.law = [limits(settings.law, w.working_time) for w in inst.workers]
        every = [int(rules["sunday_off_every"].value) for rules in self.law if "sunday_off_every" in rules]
        self.sundays: list[tuple[int, int]] = []  # Sunday and holiday time over the horizon and around it
        if every and inst.spans:
            lo, hi = min(s for s, _ in inst.spans), max(e for _, e in inst.spans)
            self.sundays = sunday_minutes(inst, lo, hi, 7 * max(every))
        self.sunday_starts = [s for s, _ in self.sundays]
        self.sunday_ends = [e for _, e in self.sundays]
        self.night = [allowed_minutes(settings.law, rules) for rules in self.law]  # (weeks, minutes) where it binds
        tracks = [bool(n) or "night_max_hours_per_24h" in rules for n, rules in zip(self.night, self.law, strict=True)]
        self.night_item = inst.night_items if any(tracks) else []
        self.stretches: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for w, fixed in enumerate(inst.outside):
            if tracks[w]:
                self.loads[w].nights = [span for span, n in zip(fixed, inst.outside_night[w], strict=True) if n]
        if self.sundays:
            for w, fixed in enumerate(inst.outside):
                self.loads[w].sundays |= {k for start, end in fixed for k in self._sundays_in(start, end)}
        held = overtime.held_weeks(settings.law, horizon(inst.items))
        self.overtime: list[tuple[Ordinary, dict[str, Limit], overtime.Known] | None] = []
        for w, worker in enumerate(inst.workers):
            bound = overtime.caps(settings.law, worker) if inst.by_worker[w] else None
            self.overtime.append(None if bound is None else (*bound, overtime.known(inst, w, bound[0], held)))

    def fits(self, w: int, i: int) -> bool:
        """Whether worker ``w`` can take item ``i`` on top of what they have, under every monotone rule."""
        worker, item, load = self.inst.workers[w], self.inst.items[i], self.loads[w]
        start, end = self.inst.spans[i]
        k = bisect.bisect_left(load.starts, start)
        if k > 0 and load.ends[k - 1] + self.rest > start:
            return False
        if k < len(load.starts) and end + self.rest > load.starts[k]:
            return False
        if worker.max_hours is not None and load.minutes + item.minutes > round(worker.max_hours * 60):
            return False
        typ = item.shift_type
        if typ is not None and typ in worker.max_shifts_per_type and load.types[typ] >= worker.max_shifts_per_type[typ]:
            return False
        day = self.day[i]
        if self.forbidden and not self._successions(load, day, typ):
            return False
        if day not in load.days and not self._days(worker, load, day):
            return False
        limit = round(hours_per_7_days(worker.max_hours_per_7_days, self.law[w]).value * 60)
        return self._rolling(load, start, end, WEEK_MINUTES, limit) and self._law(w, i, load, start, end)

    def _successions(self, load: _Load, day: int, typ: str | None) -> bool:
        before = load.days.get(day - 1, ())
        after = load.days.get(day + 1, ())
        if typ is not None and any(t is not None and typ in self.forbidden.get(t, ()) for t in before):
            return False
        return not any(t is not None and t in self.forbidden.get(typ or "", ()) for t in after)

    def _days(self, worker: Worker, load: _Load, day: int) -> bool:
        """A new working day: runs of days, days off between working days, weekends."""
        left = next(k for k in range(1, worker.max_consecutive_days + 2) if day - k not in load.days) - 1
        right = next(k for k in range(1, worker.max_consecutive_days + 2) if day + k not in load.days) - 1
        if left + 1 + right > worker.max_consecutive_days:
            return False
        need = worker.min_consecutive_days_off
        if need > 1:
            for gap in range(2, need + 1):  # off from day +- 1 for fewer than ``need`` days, then working
                if day - gap in load.days and all(day - j not in load.days for j in range(1, gap)):
                    return False
                if day + gap in load.days and all(day + j not in load.days for j in range(1, gap)):
                    return False
        weekday = dt.date.fromordinal(day).weekday()
        if worker.max_weekends is not None and weekday >= 5:
            saturday = day - (weekday - 5)
            if saturday not in load.weekends and len(load.weekends) >= worker.max_weekends:
                return False
        return True

    def _rolling(self, load: _Load, start: int, end: int, window: int, limit: int) -> bool:
        """Hours in every rolling window that the new item touches (windows start at a start or end at an end)."""
        lo = bisect.bisect_left(load.ends, start - window)
        hi = bisect.bisect_right(load.starts, end + window)
        near = [(load.starts[k], load.ends[k]) for k in range(lo, hi)] + [(start, end)]
        near += [(s, e) for s, e in load.twice if e > start - window and s < end + window]  # counted as the rule does
        if sum(e - s for s, e in near) <= limit:
            return True
        for anchor in {s for s, _ in near} | {e - window for _, e in near}:
            if anchor >= end or anchor + window <= start:
                continue  # a window without the new item was already within the limit
            top = anchor + window
            if sum(max(0, min(e, top) - max(s, anchor)) for s, e in near) > limit:
                return False
        return True

    def _law(self, w: int, i: int, load: _Load, start: int, end: int) -> bool:
        """The working-time law's rules (``models.law``): hours per 24 h, daily and weekly rest, night
        workers' hours and Sundays off."""
        rules = self.law[w]
        if not rules:
            return True
        if (per_day := rules.get("max_hours_per_24h")) and not self._rolling(
            load, start, end, DAY_MINUTES, round(per_day.value * 60)
        ):
            return False
        reach = 8 * DAY_MINUTES
        lo = bisect.bisect_left(load.ends, start - reach)
        hi = bisect.bisect_right(load.starts, end + reach)
        near = sorted([(load.starts[k], load.ends[k]) for k in range(lo, hi)] + [(start, end)])
        if daily := rules.get("daily_rest_hours"):
            need = round(daily.value * 60)
            if any(_free(near, s, s + DAY_MINUTES) < need for s, _ in near if start - DAY_MINUTES < s < end):
                return False
        if weekly := rules.get("weekly_rest_hours"):
            need = round(weekly.value * 60)
            origin = self.inst.origin
            touched = [origin + dt.timedelta(minutes=t) for t in (start, end - 1)]
            if any(_free(near, a, b) < need for a, b in week_minutes(self.inst, touched)):
                return False
        if (night := self.night[w]) and not self._night_average(i, load, start, end, *night):
            return False
        if (strenuous := rules.get("night_max_hours_per_24h")) and not self._strenuous(
            i, load, start, end, round(strenuous.value * 60)
        ):
            return False
        sundays = rules.get("sunday_off_every")
        if sundays and (on := self._sundays_in(start, end)) and not self._sunday_rest(load, on, int(sundays.value)):
            return False
        return self.overtime[w] is None or self._overtime(w, i, load)

    def _overtime(self, w: int, i: int, load: _Load) -> bool:
        """Every stretch of weeks a cap names that holds the new item's week, with its overtime added."""
        bound = self.overtime[w]
        assert bound is not None
        _, rules, base = bound
        item = self.inst.items[i]
        week = self.inst.problem.settings.law.week_of(item.local_day)
        new = self._week_overtime(w, load, week, {item.local_day: item.minutes})
        calendar = self.inst.problem.settings.law.overtime_calendar_year
        most = new + sum(load.overtime.values()) + sum(base.weeks.values())  # all weeks at once, some twice
        for name, rule in rules.items():
            if most <= round(rule.value * 60):
                continue
            for lo, hi in stretches(name, week, calendar):
                weeks = weeks_between(lo, hi)
                minutes = new + sum(load.overtime.get(k, base.weeks.get(k, 0)) for k in weeks if k != week)
                if minutes > round(rule.value * 60):
                    return False
        return True

    def _week_overtime(self, w: int, load: _Load, week: dt.date, more: dict[dt.date, int]) -> int:
        """A week's overtime with the worker's kept and planned work, and ``more`` minutes by day."""
        bound = self.overtime[w]
        assert bound is not None
        ordinary, _, base = bound
        return ordinary.overtime(base.fixed.get(d, 0) + load.worked.get(d, 0) + more.get(d, 0) for d in week_days(week))

    def _night_average(self, i: int, load: _Load, start: int, end: int, weeks: int, allowed: int) -> bool:
        """Each stretch of ``weeks`` calendar weeks holding the new item: within a night worker's hours
        when it holds night work."""
        for lo, hi in self._stretches(i, weeks):
            if min(end, hi) <= max(start, lo):
                continue  # an item ending at 00:00 when a week starts is not in the stretch that starts then
            if not self.night_item[i] and not any(s < hi and e > lo for s, e in load.nights):
                continue
            a, z = bisect.bisect_right(load.ends, lo), bisect.bisect_left(load.starts, hi)
            held = sum(min(load.ends[k], hi) - max(load.starts[k], lo) for k in range(a, z))
            if held + min(end, hi) - max(start, lo) > allowed:
                return False
        return True

    def _strenuous(self, i: int, load: _Load, start: int, end: int, limit: int) -> bool:
        """Every 24 h tried for a night item (``solver.rules.night_work``) that the new item changes:
        those holding it, and all of its own when it is a night item."""
        reach = 2 * DAY_MINUTES
        lo, hi = bisect.bisect_left(load.ends, start - reach), bisect.bisect_right(load.starts, end + reach)
        near = [(load.starts[k], load.ends[k]) for k in range(lo, hi)] + [(start, end)]
        own = self.night_item[i]
        triggers = [(s, e, False) for s, e in load.nights if e > start - reach and s < end + reach]
        if own:
            triggers.append((start, end, True))
        edges = {t for s, e in near for t in (s, e, s - DAY_MINUTES, e - DAY_MINUTES)}
        for ts, te, is_new in triggers:
            for a in edges:
                if not ts - DAY_MINUTES <= a <= te or (not is_new and not (a < end and a + DAY_MINUTES > start)):
                    continue
                if sum(max(0, min(e, a + DAY_MINUTES) - max(s, a)) for s, e in near) > limit:
                    return False
        return True

    def _stretches(self, i: int, weeks: int) -> list[tuple[int, int]]:
        """The stretches of ``weeks`` weeks in a row (``Law.week_of``) that hold item ``i``, in minutes."""
        key = (i, weeks)
        if key not in self.stretches:
            item = self.inst.items[i]
            self.stretches[key] = [(lo, hi) for _, lo, hi in week_stretches(self.inst, (item.start, item.end), weeks)]
        return self.stretches[key]

    def _sundays_in(self, start: int, end: int) -> range:
        """The indices of the Sunday times ``[start, end)`` touches (they are sorted and apart)."""
        return range(bisect.bisect_right(self.sunday_ends, start), bisect.bisect_left(self.sunday_starts, end))

    def _sunday_rest(self, load: _Load, touched: range, every: int) -> bool:
        """No ``every`` Sundays in a row worked, among those that hold the new item."""
        worked = load.sundays | set(touched)
        return not any(
            all(j in worked for j in range(k, k + every)) for t in touched for k in range(t - every + 1, t + 1)
        )

    def add(self, w: int, i: int) -> None:
        item, load = self.inst.items[i], self.loads[w]
        start, end = self.inst.spans[i]
        k = bisect.bisect_left(load.starts, start)
        load.starts.insert(k, start)
        load.ends.insert(k, end)
        load.minutes += item.minutes
        if item.shift_type is not None:
            load.types[item.shift_type] += 1
        day = self.day[i]
        load.days[day].add(item.shift_type)
        weekday = item.local_day.weekday()
        if weekday >= 5:
            load.weekends.add(day - (weekday - 5))
        if self.sundays:
            load.sundays |= set(self._sundays_in(start, end))
        if self.night_item and self.night_item[i]:
            load.nights.append((start, end))
        if self.overtime[w] is not None:
            load.worked[item.local_day] += item.minutes
            week = self.inst.problem.settings.law.week_of(item.local_day)
            load.overtime[week] = self._week_overtime(w, load, week, {})


def _free(spans: list[tuple[int, int]], lo: int, hi: int) -> int:
    """The longest stretch of ``[lo, hi)`` no span (sorted by start) covers."""
    best, free_from = 0, lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        best = max(best, s - free_from)
        free_from = max(free_from, e)
    return max(best, hi - free_from)


def greedy(inst: Instance) -> list[int]:
    """0/1 per candidate pair: kept assignments first, then places by urgency and scarcity to the cheapest
    candidate who still fits. Deterministic."""
    problem = inst.problem
    weights = problem.settings.weights
    step = max(1, round(problem.settings.fairness_step_hours * 60))
    builder = _Builder(inst)
    values = [0] * len(inst.pairs)
    filled = [0] * len(inst.items)
    for k in inst.kept:
        kept = inst.pairs[k]
        builder.add(kept.w, kept.i)
        values[k] = 1
        filled[kept.i] += 1

    w_index = {w.id: k for k, w in enumerate(inst.workers)}
    i_index = {it.id: k for k, it in enumerate(inst.items)}
    pair_of = {(q.w, q.i): p for p, q in enumerate(inst.pairs)}
    wish: dict[int, int] = defaultdict(int)  # pair -> request cost of working it (negative: asked for)
    for r in problem.requests:
        asked = pair_of.get((w_index.get(r.worker_id, -1), i_index.get(r.item_id, -1)))
        if asked is not None:
            wish[asked] += weights.requests * r.weight * (-1 if r.kind == RequestKind.on else 1)

    def urgency(i: int) -> tuple[int, int, int]:
        item = inst.items[i]
        weight = weights.unfilled(item.priority) if item.under_weight is None else item.under_weight
        return (-weight, len(inst.by_item[i]) - item.headcount, inst.spans[i][0])

    for i in sorted(range(len(inst.items)), key=urgency):
        item = inst.items[i]
        if filled[i] >= item.headcount:
            continue

        def cost(p: int, minutes: int = item.minutes) -> tuple[int, int]:
            pair = inst.pairs[p]
            load = builder.loads[pair.w].minutes
            fair = weights.fairness * minutes * (load // step)
            own = (
                weights.travel * pair.travel
                + weights.preference * pair.preference
                + weights.cost * pair.cost
                + wish.get(p, 0)
                + fair
            )
            return own, pair.w

        for p in sorted((p for p in inst.by_item[i] if not values[p]), key=cost):
            if filled[i] >= item.headcount:
                break
            pair = inst.pairs[p]
            if builder.fits(pair.w, i):
                builder.add(pair.w, i)
                values[p] = 1
                filled[i] += 1
    return values
