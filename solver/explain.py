"""Why an item stays unfilled, in words a manager understands.

It walks the same funnel the solver prunes with (skill -> distance -> availability -> not declined),
then asks the independent validator what stops each remaining candidate from taking the item on top
of their roster. The first empty stage of the funnel is the reason.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from models.enums import AssignmentStatus
from models.problem import Problem, Worker
from models.work_items import WorkItem, horizon
from solver import catalogue
from solver.eligibility import Calendar, is_qualified
from solver.travel import travel_for
from solver.validator import outside_by_worker, schedule_violations

BUSY_WORDS = catalogue.BUSY_WORDS


def skills_text(skills: Iterable[str], problem: Problem | None = None) -> str:
    """The skills in words, by the names the pool gave them (their ids where it gave none)."""
    named = {k.id: k.name or k.id for k in problem.skills} if problem is not None else {}
    names = sorted(named.get(s, s) for s in skills)
    if not names:
        return "any skill"
    quoted = [f"'{s}'" for s in names]
    if len(quoted) == 1:
        return f"skill {quoted[0]}"
    return f"skills {', '.join(quoted[:-1])} and {quoted[-1]}"


def when_text(item: WorkItem, problem: Problem) -> str:
    tz = problem.tz
    start, end = item.start.astimezone(tz), item.end.astimezone(tz)
    return f"on {start:%a %Y-%m-%d} {start:%H:%M}–{end:%H:%M}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Explainer:
    """Explains open places of one roster; built once per solution."""

    def __init__(
        self,
        problem: Problem,
        items: dict[str, WorkItem],
        roster: Iterable[tuple[str, str]],
        idle_words: str = "could still take it (search stopped at its time limit)",
    ) -> None:
        """``idle_words``: what is said of people who fit but are not on the item; for a solver's roster
        the search ran out of time, for the work people accepted so far they can still be offered it."""
        self.problem = problem
        self.idle_words = idle_words
        self.items = items
        self.travel = travel_for(problem)
        self.days = horizon(list(items.values()))
        self.outside = outside_by_worker(problem)
        self.calendars = {w.id: Calendar(w) for w in problem.workers}
        self.rostered: dict[str, list[WorkItem]] = defaultdict(list)
        self.on_item: dict[str, set[str]] = defaultdict(set)
        for w, i in roster:
            self.rostered[w].append(items[i])
            self.on_item[i].add(w)
        self.refused = {
            (a.worker_id, a.item_id)
            for a in problem.assignments
            if a.status in (AssignmentStatus.declined, AssignmentStatus.cancelled)
        }

    def why(self, item: WorkItem, missing: int) -> str:
        p = self.problem
        places = "place" if item.headcount == 1 else "places"
        head = f"{missing} of {item.headcount} {places} open {when_text(item, p)} at {item.place_name}: "
        skill = skills_text(item.required_skills, p)
        qualified = [w for w in p.workers if is_qualified(w, item, p.tz) and w.id not in self.on_item[item.id]]
        if not qualified:
            pending = sum(1 for w in p.workers if item.required_skills <= {q.skill for q in w.qualifications})
            more = f" ({_plural(pending, 'worker')} hold it unapproved or expired)" if pending else ""
            return head + f"no other worker holds an approved, valid {skill}{more}."
        in_range = [w for w in qualified if self.travel.km(w, item) <= w.max_travel_km]
        if not in_range:
            nearest = min(self.travel.km(w, item) for w in qualified)
            return head + (
                f"{_plural(len(qualified), 'worker')} with approved {skill}, but none lives within their travel"
                f" radius (nearest {nearest:.0f} km away)."
            )
        free = [w for w in in_range if self.calendars[w.id].is_available(item.start, item.end)]
        if not free:
            return head + (
                f"{_plural(len(in_range), 'worker')} with approved {skill} live within range, but none is"
                f" available {when_text(item, p)}."
            )
        willing = [w for w in free if (w.id, item.id) not in self.refused]
        if not willing:
            return head + f"every qualified, available worker in range ({len(free)}) declined or was cancelled."
        busy = Counter(self._blocker(w, item) for w in willing)
        idle = busy.pop(None, 0)
        funnel = (
            f"{_plural(len(qualified), 'worker')} with approved {skill}, {len(in_range)} in range,"
            f" {len(willing)} available"
        )
        rest = p.settings.min_rest_hours
        parts = [f"{n} {BUSY_WORDS[rule].format(rest=rest)}" for rule, n in busy.most_common() if rule]
        if idle:
            parts.append(f"{idle} {self.idle_words}")
        return head + funnel + ": " + "; ".join(parts) + "."

    def _blocker(self, worker: Worker, item: WorkItem) -> str | None:
        mine = self.rostered.get(worker.id, [])
        outside = self.outside.get(worker.id, [])
        rules = [v.rule for v in schedule_violations(self.problem, worker, [*mine, item], self.days, outside)]
        for rule in BUSY_WORDS:  # most concrete reason first
            if rule in rules:
                return rule
        return None
