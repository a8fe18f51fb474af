"""Benchmark: calendar feeds of a busy pool, fetched over HTTP as a calendar client fetches them.

A worker with a year of accepted shifts (one a day), and an organisation with 10 sites posting three
shifts a day for a year (10,950 events), on SQLite. Measures, each as the median of several runs, a
first fetch (read, fingerprint, render), a repeated fetch of an unchanged feed (read, fingerprint; the
rendering comes from the cache) and a conditional fetch answered 304.

Run: ``.venv/bin/python -m benchmarks.feed_render [--repeat 5]``. Writes
``benchmarks/results/feed_render.csv``; the table in ``benchmarks/README.md`` comes from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import tempfile
import time
from pathlib import Path

import icalendar
import pandas as pd
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.app import create_app
from api.core.security import new_user
from api.routers.calendars import RENDERED
from models import problem as p
from models.enums import AssignmentStatus, Role
from models.store import make_engine, save_problem
from models.tables import Worker

OUT = Path(__file__).parent / "results" / "feed_render.csv"
FIRST = dt.date(2027, 1, 1)
DAYS = 365
SITES = 10
PASSWORD = "benchmark password"


def pool() -> p.Problem:
    sites = [
        {"id": f"s{k}", "name": f"Site {k}", "lat": 63.4 + k / 100, "lon": 10.4, "region_id": "r"} for k in range(SITES)
    ]
    shifts = []
    for day in range(DAYS):
        date = FIRST + dt.timedelta(days=day)
        for k in range(SITES):
            for name, start, hours in (("Day", 7, 8), ("Evening", 15, 7), ("Night", 22, 9)):
                begin = dt.datetime.combine(date, dt.time(start))
                shifts.append(
                    {
                        "id": f"{name.lower()}-s{k}-{day}",
                        "site_id": f"s{k}",
                        "title": f"{name} shift",
                        "start": begin.isoformat(),
                        "end": (begin + dt.timedelta(hours=hours)).isoformat(),
                        "required_skills": ["nurse"],
                        "headcount": 2,
                    }
                )
    worker = {
        "id": "ada",
        "name": "Ada",
        "kind": "health",
        "home_lat": 63.4,
        "home_lon": 10.4,
        "region_id": "r",
        "always_available": True,
        "qualifications": [{"skill": "nurse", "approved": True}],
    }
    accepted = [
        p.Assignment(worker_id="ada", item_id=f"day-s0-{day}", status=AssignmentStatus.accepted) for day in range(DAYS)
    ]
    return p.Problem.model_validate(
        {
            "name": "bench",
            "skills": [{"id": "nurse"}],
            "regions": [{"id": "r", "name": "R"}],
            "sites": sites,
            "workers": [worker],
            "shifts": shifts,
            "assignments": [a.model_dump() for a in accepted],
        }
    )


def median_ms(fetch: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fetch()  # type: ignore[operator]
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.sqlite3")
        client = TestClient(create_app(engine))
        with Session(engine) as session:
            org = save_problem(session, pool(), "bench")
            ada = session.exec(select(Worker)).one()
            assert org.id is not None
            session.add(new_user(org.id, "pool@bench.no", Role.coordinator, PASSWORD))
            session.add(new_user(org.id, "ada@bench.no", Role.worker, PASSWORD, worker_id=ada.id))
            session.commit()
        rows = []
        for email, kind in (("ada@bench.no", "worker"), ("pool@bench.no", "organisation")):
            token = client.post("/auth/token", data={"username": email, "password": PASSWORD}).json()["access_token"]
            url = client.post(
                "/calendars/feeds", json={"kind": kind}, headers={"Authorization": f"Bearer {token}"}
            ).json()["url"]
            first = client.get(url)
            events = len(icalendar.Calendar.from_ical(first.content).walk("VEVENT"))
            etag = first.headers["etag"]
            rows.append(
                {
                    "feed": kind,
                    "events": events,
                    "bytes": len(first.content),
                    "first_fetch_ms": median_ms(lambda u=url: (RENDERED._bodies.clear(), client.get(u)), args.repeat),
                    "repeat_fetch_ms": median_ms(lambda u=url: client.get(u), args.repeat),
                    "not_modified_ms": median_ms(
                        lambda u=url, e=etag: client.get(u, headers={"If-None-Match": e}), args.repeat
                    ),
                    "python": platform.python_version(),
                    "icalendar": icalendar.__version__,
                    "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
                }
            )
            print(f"{kind}: {events} events, {len(first.content) / 1e6:.2f} MB, first {rows[-1]['first_fetch_ms']} ms")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(OUT, index=False)
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
