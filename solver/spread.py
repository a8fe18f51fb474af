"""How evenly a roster shares the work: hours, nights and weekends per person, per worker kind and per
site, as a coordinator reads them (fewest, most, mean and a Gini coefficient), beside the fairness term
the solver minimises (``solver.objective.term_fairness``, which spreads hours only).

Counted over the people of a group who work at least once in the roster (a pool member who is never
asked is not unevenness among those working). An item is a night when at least 3 of its hours fall
between 21:00 and 06:00 local time (night time in AML § 10-11 (1); 3 hours, as the EU Working Time
Directive 2003/88 counts a night worker). A weekend is counted once however many of its days are
worked, as the ``weekends`` rule counts it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from models.night import night_minutes
from models.problem import Problem
from models.solution import Spread
from models.work_items import WorkItem, work_items

NIGHT_HOURS = 3.0
MEASURES = ("hours", "nights", "weekends")


def night_hours(item: WorkItem, tz: ZoneInfo) -> float:
    """Hours of the item between 21:00 and 06:00 local time."""
    return night_minutes(item.start, item.end, tz) / 60


def is_night(item: WorkItem, tz: ZoneInfo) -> bool:
    return night_hours(item, tz) >= NIGHT_HOURS


def gini(values: list[float]) -> float:
    """0 when everyone has the same, towards 1 when one person has it all (mean absolute difference
    over twice the mean)."""
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return 0.0
    ordered = sorted(values)
    weighted = sum((2 * (k + 1) - n - 1) * x for k, x in enumerate(ordered))
    return weighted / (n * total)


def _measures(items: list[WorkItem], tz: ZoneInfo) -> dict[str, float]:
    saturdays = {
        it.local_day - dt.timedelta(days=it.local_day.weekday() - 5) for it in items if it.local_day.weekday() >= 5
    }
    return {
        "hours": sum(it.minutes for it in items) / 60,
        "nights": float(sum(is_night(it, tz) for it in items)),
        "weekends": float(len(saturdays)),
    }


def spread(problem: Problem, roster: Iterable[tuple[str, str]]) -> list[Spread]:
    """One row per group and measure: every worker kind (``kind:<kind>``), then every site and farm
    (``place:<id>``, counting only the work there), in the problem's order."""
    items = {it.id: it for it in work_items(problem)}
    kinds = {w.id: w.kind.value for w in problem.workers}
    mine: dict[str, list[WorkItem]] = defaultdict(list)
    for w, i in dict.fromkeys(roster):
        if w in kinds and i in items:
            mine[w].append(items[i])
    tz = problem.tz
    groups: dict[str, dict[str, list[WorkItem]]] = defaultdict(lambda: defaultdict(list))
    for w, its in mine.items():
        groups[f"kind:{kinds[w]}"][w] = its
        for it in its:
            groups[f"place:{it.place_id}"][w].append(it)
    names = {f"kind:{k}": k for k in kinds.values()}
    names |= {f"place:{p.id}": p.name or p.id for p in [*problem.sites, *problem.farms]}
    out = []
    for group, name in names.items():
        people = groups.get(group)
        if not people:
            continue
        values = [_measures(its, tz) for its in people.values()]
        for measure in MEASURES:
            xs = [v[measure] for v in values]
            out.append(
                Spread(
                    group=group,
                    name=name,
                    measure=measure,
                    people=len(xs),
                    fewest=round(min(xs), 2),
                    most=round(max(xs), 2),
                    mean=round(sum(xs) / len(xs), 2),
                    gini=round(gini(xs), 3),
                )
            )
    return out
