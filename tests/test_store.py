"""Storage round-trips on SQLite and PostgreSQL, and all-or-nothing writes."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from models import tables as t
from models.generator import GeneratorConfig, generate
from models.problem import Problem
from models.store import StoreError, load_problem, save_problem, save_solution
from solver.solve import SolveOptions, solve
from solver.validator import validate_solution
from tests.factory import problem, shift, worker


def small() -> Problem:
    return generate(GeneratorConfig(seed=5, workers=40, farms=4, days=4))


def round_trip(engine: Engine, p: Problem, ref: str = "x") -> Problem:
    """Store ``p``, load it back, and check nothing changed on the way."""
    with Session(engine) as s:
        save_problem(s, p, ref)
        s.commit()
    with Session(engine) as s:
        back = load_problem(s, ref)
    assert back.model_dump(mode="json") == p.model_dump(mode="json")
    return back


def test_problem_round_trip_is_exact(engine: Engine) -> None:
    p = small()
    p.assignments = []
    back = round_trip(engine, p, "kommune")
    assert back.shifts[0].start.tzinfo is not None


def test_travel_overrides_and_assignments_round_trip(engine: Engine) -> None:
    p = problem(
        [worker("a"), worker("b")],
        [shift("s1", 1, 7, 8), shift("s2", 2, 7, 8)],
        jobs=[{"id": "j", "farm_id": "farm1", "title": "Packing", "first_day": "2027-06-14", "last_day": "2027-06-15"}],
        travel=[{"worker_id": "a", "place_id": "farm1", "km": 12.5}],
        assignments=[
            {"worker_id": "a", "item_id": "s1", "status": "accepted"},
            {"worker_id": "b", "item_id": "j@2027-06-15", "pinned": True},
            {"worker_id": "b", "item_id": "s2", "status": "declined"},
        ],
        settings={"min_rest_hours": 9, "weights": {"travel": 3}},
    )
    round_trip(engine, p)


def test_working_time_rules_shift_types_and_requests_round_trip(engine: Engine) -> None:
    p = problem(
        [
            worker(
                "a",
                min_consecutive_days=2,
                min_consecutive_days_off=2,
                max_weekends=1,
                min_hours=8,
                max_hours=40,
                max_shifts_per_type={"N": 0, "D": 3},
                working_time={"daily_rest_hours": 9, "weekly_rest_hours": 28},
            ),
            worker("b"),
        ],
        [
            shift("s1", 1, 7, 8, shift_type="D", headcount=0, max_headcount=2, under_weight=100, over_weight=1),
            shift("s2", 1, 22, 8, shift_type="N"),
        ],
        shift_types=[{"id": "D", "name": "Day"}, {"id": "N", "name": "Night", "forbidden_next": ["D"]}],
        requests=[
            {"worker_id": "a", "item_id": "s1", "kind": "on", "weight": 3},
            {"worker_id": "b", "item_id": "s2", "kind": "off"},
        ],
        settings={"law": {"profile": "se-atl", "overrides": {"max_hours_per_24h": 12.5}}},
    )
    back = round_trip(engine, p)
    assert back.workers[0].working_time.daily_rest_hours == 9 and back.settings.law.profile == "se-atl"


def test_solution_is_stored_and_kept_assignments_survive(engine: Engine) -> None:
    p = problem(
        [worker("a"), worker("b")],
        [shift("s1", 1, 7, 8), shift("s2", 2, 7, 8, headcount=2)],
        assignments=[{"worker_id": "a", "item_id": "s1", "status": "accepted"}],
    )
    with Session(engine) as s:
        save_problem(s, p, "x")
        s.commit()
    with Session(engine) as s:
        snapshot = load_problem(s, "x")
    sol = solve(snapshot, SolveOptions(time_limit=5, workers=1))
    assert validate_solution(snapshot, sol) == []
    for _ in range(2):  # solving twice replaces proposals instead of piling them up
        with Session(engine) as s:
            save_solution(s, "x", sol)
            s.commit()
    with Session(engine) as s:
        rows = s.exec(select(t.Assignment)).all()
        assert sorted(r.status.value for r in rows) == ["accepted", "proposed", "proposed"]
        assert s.exec(select(func.count()).select_from(t.SolveRun)).one() == 2
        again = load_problem(s, "x")
    assert {(a.worker_id, a.item_id) for a in again.assignments} == {(a.worker_id, a.item_id) for a in sol.assignments}


def test_existing_organisation_is_not_overwritten_silently(engine: Engine) -> None:
    p = small()
    with Session(engine) as s:
        save_problem(s, p, "kommune")
        s.commit()
    with Session(engine) as s, pytest.raises(StoreError, match="already exists"):
        save_problem(s, p, "kommune")
    with Session(engine) as s:
        save_problem(s, problem([worker("z")]), "kommune", replace=True)
        s.commit()
    with Session(engine) as s:
        assert [w.id for w in load_problem(s, "kommune").workers] == ["z"]


def test_failed_write_leaves_nothing_behind(engine: Engine) -> None:
    p = small()
    p.shifts[3].headcount = -1  # bypasses validation; the database CHECK rejects it mid-write
    with Session(engine) as s, pytest.raises(IntegrityError):
        save_problem(s, p, "broken")
        s.commit()
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(t.Organisation)).one() == 0
        assert s.exec(select(func.count()).select_from(t.Worker)).one() == 0


def test_database_enforces_one_target_per_assignment(engine: Engine) -> None:
    p = problem([worker("a")], [shift("s1", 1, 7, 8)])
    with Session(engine) as s:
        org = save_problem(s, p, "x")
        s.commit()
        wid = s.exec(select(t.Worker.id)).one()
        s.add(t.Assignment(organisation_id=org.id, worker_id=wid))
        with pytest.raises(IntegrityError):
            s.commit()
