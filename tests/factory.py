"""Tiny hand-made problems for rule-by-rule tests. Times are local (Europe/Oslo) wall-clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models.problem import Problem

DAY = dt.date(2027, 6, 14)  # a Monday, CEST (UTC+2)
HOME = (60.80, 11.07)


def at(day: int, hour: float) -> str:
    t = dt.datetime.combine(DAY + dt.timedelta(days=day), dt.time()) + dt.timedelta(hours=hour)
    return t.isoformat()


def worker(wid: str, skills: tuple[str, ...] = ("nurse",), **kw: Any) -> dict[str, Any]:
    w: dict[str, Any] = {
        "id": wid,
        "name": f"Worker {wid}",
        "kind": "health",
        "home_lat": HOME[0],
        "home_lon": HOME[1],
        "region_id": "r1",
        "always_available": True,
        "max_hours_per_7_days": 60,
        "max_consecutive_days": 7,
        "qualifications": [{"skill": s, "approved": True} for s in skills],
    }
    w.update(kw)
    return w


def shift(sid: str, day: int, start: float, hours: float, skills: tuple[str, ...] = ("nurse",), **kw: Any) -> dict:
    s: dict[str, Any] = {
        "id": sid,
        "site_id": "site1",
        "start": at(day, start),
        "end": at(day, start + hours),
        "required_skills": list(skills),
    }
    s.update(kw)
    return s


def problem(workers: list[dict], shifts: list[dict] | None = None, **kw: Any) -> Problem:
    data: dict[str, Any] = {
        "name": "test",
        "skills": [{"id": s} for s in ("nurse", "assistant_nurse", "drivers_licence", "tractor_licence")],
        "regions": [{"id": "r1", "name": "Region 1"}],
        "sites": [{"id": "site1", "name": "Site 1", "lat": HOME[0], "lon": HOME[1], "region_id": "r1"}],
        "farms": [{"id": "farm1", "name": "Farm 1", "lat": HOME[0] + 0.05, "lon": HOME[1], "region_id": "r1"}],
        "workers": workers,
        "shifts": shifts or [],
    }
    data.update(kw)
    return Problem.model_validate(data)
