"""Data frames a coordinator reads: one function per report, all from a problem and its solution."""

from __future__ import annotations

import pandas as pd

from models.problem import Problem
from models.solution import Solution
from models.work_items import WorkItem, hours_between, work_items
from solver.spread import spread

ROLE_NONE = "general"


def role(item: WorkItem) -> str:
    """Items grouped by the skills they need, e.g. ``nurse`` or ``drivers_licence+home_care_aide``."""
    return "+".join(sorted(item.required_skills)) or ROLE_NONE


def demand(problem: Problem, solution: Solution) -> pd.DataFrame:
    """One row per work item: where, when (local), what it needs and how much of it is filled."""
    filled = pd.Series([a.item_id for a in solution.assignments], dtype="object").value_counts()
    regions = {r.id: r.name for r in problem.regions}
    rows = [
        {
            "item_id": it.id,
            "kind": it.kind.value,
            "place": it.place_name,
            "region": regions.get(it.region_id, it.region_id),
            "role": role(it),
            "priority": it.priority.value,
            "start": it.start.astimezone(problem.tz).replace(tzinfo=None),
            "hours": it.minutes / 60,
            "places": it.headcount,
            "filled": int(filled.get(it.id, 0)),
        }
        for it in work_items(problem)
    ]
    df = pd.DataFrame(
        rows, columns=["item_id", "kind", "place", "region", "role", "priority", "start", "hours", "places", "filled"]
    )
    df["open"] = df["places"] - df["filled"]
    return df


def coverage(problem: Problem, solution: Solution, by: tuple[str, ...] = ("region", "role")) -> pd.DataFrame:
    """Places, filled, open and coverage % per group (default: region and role), with a total row."""
    df = demand(problem, solution)
    grouped = df.groupby(list(by), sort=True)[["places", "filled", "open"]].sum().reset_index()
    total = {col: "All" for col in by} | {c: int(df[c].sum()) for c in ("places", "filled", "open")}
    grouped = pd.concat([grouped, pd.DataFrame([total])], ignore_index=True)
    grouped["coverage_pct"] = (100 * grouped["filled"] / grouped["places"].where(grouped["places"] > 0)).round(1)
    return grouped


def hours_per_worker(problem: Problem, solution: Solution) -> pd.DataFrame:
    """Hours assigned to every worker of the pool (zero for those without work)."""
    hours: dict[str, float] = {}
    for a in solution.assignments:
        hours[a.worker_id] = hours.get(a.worker_id, 0.0) + hours_between(a.start, a.end)
    return pd.DataFrame(
        [{"worker_id": w.id, "kind": w.kind.value, "hours": hours.get(w.id, 0.0)} for w in problem.workers],
        columns=["worker_id", "kind", "hours"],
    )


def hours_by_kind(problem: Problem, solution: Solution) -> pd.DataFrame:
    """Per worker kind: pool size, how many got work, total hours and the spread among those working."""
    df = hours_per_worker(problem, solution)
    working = df[df["hours"] > 0]
    out = (
        df.groupby("kind")
        .agg(in_pool=("worker_id", "count"))
        .join(
            working.groupby("kind").agg(
                working=("worker_id", "count"),
                total_hours=("hours", "sum"),
                mean_hours=("hours", "mean"),
                min_hours=("hours", "min"),
                max_hours=("hours", "max"),
            ),
            how="left",
        )
    )
    return out.fillna(0).round(1).reset_index()


def fairness(problem: Problem, solution: Solution) -> pd.DataFrame:
    """Per worker kind and per place, for hours, nights and weekends: among the people working, the
    fewest, the most, the mean and the Gini coefficient (``solver.spread``)."""
    rows = [
        {**f.model_dump(), "group": "worker kind" if f.group.startswith("kind:") else "place"}
        for f in spread(problem, ((a.worker_id, a.item_id) for a in solution.assignments))
    ]
    return pd.DataFrame(rows, columns=["group", "name", "measure", "people", "fewest", "most", "mean", "gini"])


def unfilled(problem: Problem, solution: Solution) -> pd.DataFrame:
    """Open places with the reason, most urgent first."""
    order = {"critical": 0, "normal": 1, "low": 2}
    rows = [
        {
            "item_id": u.item_id,
            "start": u.start.astimezone(problem.tz).replace(tzinfo=None),
            "priority": u.priority.value,
            "open": u.missing,
            "reason": u.reason,
        }
        for u in solution.unfilled
    ]
    df = pd.DataFrame(rows, columns=["item_id", "start", "priority", "open", "reason"])
    if df.empty:
        return df
    df["_rank"] = df["priority"].map(order)
    return df.sort_values(["_rank", "start"]).drop(columns="_rank").reset_index(drop=True)


def supply_demand(problem: Problem, solution: Solution) -> pd.DataFrame:
    """Per region and skill: approved workers living there against places that need the skill."""
    regions = {r.id: r.name for r in problem.regions}
    supply = pd.DataFrame(
        [
            {"region": regions[w.region_id], "skill": q.skill}
            for w in problem.workers
            for q in w.qualifications
            if q.approved
        ],
        columns=["region", "skill"],
    )
    need = demand(problem, solution)
    items = {it.id: it for it in work_items(problem)}
    need_rows = [
        {"region": row.region, "skill": skill, "places": row.places, "open": row.open}
        for row in need.itertuples()
        for skill in sorted(items[str(row.item_id)].required_skills)
    ]
    needs = pd.DataFrame(need_rows, columns=["region", "skill", "places", "open"])
    left = supply.groupby(["region", "skill"]).size().rename("approved_workers")
    right = needs.groupby(["region", "skill"])[["places", "open"]].sum()
    return left.to_frame().join(right, how="outer").fillna(0).astype(int).reset_index()
