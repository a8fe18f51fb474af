"""Benchmark: what the open board and the offer cascade read per request on a municipal pool with a
year behind it (issue 34, defect 7).

Run: ``.venv/bin/python -m benchmarks.board_cascade [--workers 2000] [--samples 12]
[--database sqlite:///…|postgresql+psycopg://…]``. The pool (``models.generator``, seed 7) runs 364
days, from 343 days before today to 21 after (the generator names shifts by month and day, so one run
holds under a year); every place of work that has ended is booked (accepted) by workers with its
skills, so each worker carries most of a year of kept work; the work of the coming days stays open.
The database is built once and kept at ``--database`` (about two minutes for 2,000 workers).

Measured, each on its own fresh session, ``--samples`` times:
- **board**: ``board.board`` for a worker, the open work she may take in the coming 14 days;
- **cascade step**: ``fill.rank_and_offer(offer=False)`` for an open shift of the coming days, the
  ranking an expired or declined offer runs before it offers the place on (the offers it then writes
  are a few rows either way).
Writes ``benchmarks/results/board_cascade.csv`` (one row per run, machine and code on each).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import time
from pathlib import Path

import pandas as pd
from sqlmodel import Session, select

from benchmarks.machine import machine
from models import problem as p
from models import tables as t
from models.enums import Role
from models.generator import GeneratorConfig, generate
from models.store import init_db, make_engine, save_problem
from models.work_items import work_items

OUT = Path(__file__).parent / "results" / "board_cascade.csv"
REF = "pool"


def build(url: str, workers: int, seed: int = 7) -> None:
    """The pool with a year of kept work, stored as organisation ``pool`` (skipped if it is there)."""
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        if session.exec(select(t.Organisation).where(t.Organisation.ref == REF)).first() is not None:
            return
    today = dt.date.today()
    began = time.perf_counter()
    problem = generate(GeneratorConfig(seed=seed, start=today - dt.timedelta(days=343), days=364, workers=workers))
    now = dt.datetime.now(dt.UTC)
    rng = random.Random(seed)
    skilled: dict[frozenset[str], list[str]] = {}
    booked = []
    for item in work_items(problem):
        if item.end > now:
            continue
        need = frozenset(item.required_skills)
        if need not in skilled:
            skilled[need] = [w.id for w in problem.workers if need <= {q.skill for q in w.qualifications if q.approved}]
        for worker in rng.sample(skilled[need], k=min(item.headcount, len(skilled[need]))):
            booked.append({"worker_id": worker, "item_id": item.id, "status": "accepted"})
    problem = p.Problem.model_validate(problem.model_dump() | {"assignments": booked})
    with Session(engine) as session:
        save_problem(session, problem, REF)
        org = session.exec(select(t.Organisation).where(t.Organisation.ref == REF)).one()
        first = session.exec(select(t.Worker).where(t.Worker.organisation_id == org.id)).first()
        assert org.id is not None and first is not None
        session.add(t.User(organisation_id=org.id, email="coord@pool.no", role=Role.coordinator, password_hash="-"))
        session.commit()
    print(f"built {workers} workers, {len(booked)} kept bookings in {time.perf_counter() - began:.0f} s")


def measure(url: str, samples: int, seed: int = 1) -> list[dict]:
    from api.services import board, fill  # the code under test: main's, or the change's

    engine = make_engine(url)
    now = dt.datetime.now(dt.UTC)
    rng = random.Random(seed)
    with Session(engine) as session:
        org = session.exec(select(t.Organisation).where(t.Organisation.ref == REF)).one()
        workers = session.exec(select(t.Worker).where(t.Worker.organisation_id == org.id)).all()
        coming = session.exec(
            select(t.Shift).where(
                t.Shift.organisation_id == org.id,
                t.Shift.start_utc > now + dt.timedelta(days=1),
                t.Shift.start_utc < now + dt.timedelta(days=8),
            )
        ).all()
        chosen_workers = rng.sample(list(workers), samples)
        chosen_shifts = rng.sample(list(coming), samples)
        rows = session.exec(select(t.Shift.id)).all()
        history = len(rows)
    rows = []

    def timed(kind: str, run) -> None:  # type: ignore[no-untyped-def]
        with Session(engine) as session:
            began = time.perf_counter()
            found = run(session)
            rows.append({"kind": kind, "seconds": time.perf_counter() - began, "found": found})

    for w in chosen_workers:
        user = t.User(organisation_id=org.id, email="w@pool.no", role=Role.worker, worker_id=w.id, password_hash="-")
        timed("board", lambda s, user=user: len(board.board(s, user, now)))
    for shift in chosen_shifts:
        timed(
            "cascade step",
            lambda s, shift=shift: len(
                fill.rank_and_offer(s, org.id, fill.Target(s.get(t.Shift, shift.id), shift.ref, None), False).candidates
            ),
        )
    git = ["git", "-C", str(Path(board.__file__).parent)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    if subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout:
        commit += " with changes"
    for r in rows:
        r.update({"workers": len(workers), "shifts": history, "code": commit, "database": url.split(":")[0]})
        r.update(machine())
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2000)
    parser.add_argument("--database", default="sqlite:////tmp/bemanna-board-cascade.sqlite3")
    parser.add_argument("--samples", type=int, default=12)
    args = parser.parse_args()
    build(args.database, args.workers)
    rows = measure(args.database, args.samples)
    frame = pd.DataFrame(rows)
    for kind, group in frame.groupby("kind"):
        s = group["seconds"]
        print(
            f"{kind}: median {statistics.median(s):.2f} s, max {s.max():.2f} s over {len(s)} "
            f"(found {int(group['found'].median())} on the median run)"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(OUT, mode="a", header=not OUT.exists(), index=False)


if __name__ == "__main__":
    main()
