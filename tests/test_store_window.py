"""A snapshot of some days, read from the rows those days need (``load_snapshot(days=...)``), is the
window of the whole snapshot: the same work, bookings, kept work around it and overtime before it, so
the board, gap filling and the law on a booking can stop reading an organisation's whole history."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import problem as p
from models import tables as t
from models.generator import GeneratorConfig, generate
from models.store import load_snapshot, save_problem
from models.window import AROUND, window
from models.work_items import work_items

START = dt.date(2027, 1, 4)


def _history(seed: int) -> p.Problem:
    """Twelve weeks of a small pool in which a few workers carry most of the work: accepted, pinned,
    proposed, declined and offered bookings, enough that weeks of overtime lie before late windows."""
    problem = generate(GeneratorConfig(seed=seed, start=START, days=84, workers=12, sites=3, farms=2, areas=1))
    rng = random.Random(seed)
    statuses = ["accepted"] * 6 + ["proposed", "declined", "offered"]
    out = []
    for item in work_items(problem):
        for worker in rng.sample(problem.workers, k=rng.randint(0, min(item.headcount, 2))):
            status = rng.choice(statuses)
            out.append({"worker_id": worker.id, "item_id": item.id, "status": status, "pinned": rng.random() < 0.1})
    return p.Problem.model_validate(problem.model_dump() | {"assignments": out})


def _seen(problem: p.Problem, first: dt.date, last: dt.date) -> dict[str, Any]:
    """What a check of ``first`` to ``last`` reads: everything but availability far from those days."""
    lo = dt.datetime.combine(first, dt.time(), tzinfo=problem.tz) - AROUND
    hi = dt.datetime.combine(last, dt.time(), tzinfo=problem.tz) + AROUND
    dumped = problem.model_dump(mode="json")
    for worker, model in zip(dumped["workers"], problem.workers, strict=True):
        worker["availability"] = [
            a for a, m in zip(worker["availability"], model.availability, strict=True) if m.end > lo and m.start < hi
        ]
    for key in ("assignments", "requests", "outside_work"):
        dumped[key] = sorted(dumped[key], key=repr)
    return dumped


@pytest.mark.parametrize("seed", [1, 2])
def test_a_snapshot_of_some_days_is_the_window_of_the_whole(engine: Engine, seed: int) -> None:
    with Session(engine) as session:
        save_problem(session, _history(seed), "gen")
        session.commit()
        whole = load_snapshot(session, "gen").problem
        ids = [w.id for w in session.exec(select(t.Worker).order_by(t.Worker.id)).all()][:3]
        some = load_snapshot(session, "gen", workers=ids).problem
        overtime = 0
        for offset in (3, 40, 70):
            first = START + dt.timedelta(days=offset)
            last = first + dt.timedelta(days=13)
            expected = window(whole, first, last)
            assert _seen(load_snapshot(session, "gen", days=(first, last)).problem, first, last) == _seen(
                expected, first, last
            )
            assert _seen(load_snapshot(session, "gen", workers=ids, days=(first, last)).problem, first, last) == _seen(
                window(some, first, last), first, last
            )
            overtime += sum(bool(w.earlier_overtime_hours) for w in expected.workers)
        assert overtime, "no window had overtime before it: the history did not test the reckoning"


def test_the_board_of_one_worker_read_alone_is_the_board_of_the_whole(engine: Engine) -> None:
    """The open board reads her alone, with the places others keep counted as taken: what she may take,
    and how many places are open, are those of the organisation's whole snapshot."""
    from models.store import kept_elsewhere
    from solver.fill import near_misses, takeable

    with Session(engine) as session:
        save_problem(session, _history(3), "gen")
        session.commit()
        whole = load_snapshot(session, "gen").problem
        rows = session.exec(select(t.Worker).order_by(t.Worker.id)).all()
        found = 0
        for offset in (40,):
            first = START + dt.timedelta(days=offset)
            last = first + dt.timedelta(days=14)
            part_of_whole = window(whole, first, last)
            for row in rows:
                assert row.id is not None
                alone = load_snapshot(session, "gen", workers=[row.id], days=(first, last)).problem
                others = kept_elsewhere(session, "gen", (first, last), [row.id])
                mine = [(item.id, n) for item, n in takeable(alone, row.ref, others)]
                assert mine == [(item.id, n) for item, n in takeable(part_of_whole, row.ref)]
                near = [(m.item.id, m.open_places) for m in near_misses(alone, row.ref, others)]
                assert near == [(m.item.id, m.open_places) for m in near_misses(part_of_whole, row.ref)]
                found += len(mine)
        assert found, "nobody could take anything: the comparison saw no open place"
