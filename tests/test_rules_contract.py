"""Contract rules (shift types, totals, runs of days, weekends) and item-weighted cover and requests.

Each rule once on its own: the solver obeys it, the validator catches a roster that breaks it.
"""

from __future__ import annotations

from typing import Any

from models.problem import Problem
from models.solution import Solution, SolveStatus
from solver.solve import SolveOptions, solve
from solver.validator import validate, validate_solution
from tests.factory import at, problem, shift, worker

TYPES = [{"id": "D", "name": "Day"}, {"id": "N", "name": "Night", "forbidden_next": ["D"]}]


def run(p: Problem) -> Solution:
    sol = solve(p, SolveOptions(time_limit=10, workers=1, seed=1))
    assert sol.status == SolveStatus.optimal, sol.message
    assert validate_solution(p, sol) == []
    assert sol.stats.model_objective == sol.objective, "model objective and independent score disagree"
    return sol


def days_worked(sol: Solution, wid: str = "a") -> list[int]:
    return sorted(int(a.item_id.removeprefix("d")) for a in sol.assignments if a.worker_id == wid)


def rules(p: Problem, roster: list[tuple[str, str]]) -> set[str]:
    return {v.rule for v in validate(p, roster)}


def daily(days: list[int], **kw: Any) -> list[dict[str, Any]]:
    """One 8-hour day shift ``d<k>`` on each listed day."""
    return [shift(f"d{k}", k, 8, 8, **kw) for k in days]


def test_forbidden_succession_of_shift_types() -> None:
    shifts = [shift("n0", 0, 0, 8, shift_type="N"), shift("d1", 1, 9, 8, shift_type="D")]
    p = problem([worker("a")], shifts, shift_types=TYPES, settings={"min_rest_hours": 0})
    assert len(run(p).assignments) == 1
    assert "forbidden_succession" in rules(p, [("a", "n0"), ("a", "d1")])
    # the other order is allowed
    shifts = [shift("d0", 0, 0, 8, shift_type="D"), shift("n1", 1, 0, 8, shift_type="N")]
    p = problem([worker("a")], shifts, shift_types=TYPES, settings={"min_rest_hours": 0})
    assert len(run(p).assignments) == 2


def test_max_shifts_per_type_and_zero_means_never() -> None:
    shifts = [shift(f"n{k}", k, 20, 8, shift_type="N") for k in range(3)]
    p = problem([worker("a", max_shifts_per_type={"N": 1})], shifts, shift_types=TYPES)
    assert len(run(p).assignments) == 1
    assert "shift_type_limit" in rules(p, [("a", "n0"), ("a", "n2")])
    p = problem([worker("a", max_shifts_per_type={"N": 0})], shifts, shift_types=TYPES)
    sol = run(p)
    assert sol.assignments == []
    assert "at their limit of shifts of this type" in sol.unfilled[0].reason


def test_max_hours_over_the_horizon() -> None:
    p = problem([worker("a", max_hours=16)], daily([0, 1, 2]))
    assert len(run(p).assignments) == 2
    assert "max_hours" in rules(p, [("a", "d0"), ("a", "d1"), ("a", "d2")])


def test_min_hours_pulls_work_to_a_worker_and_impossible_minimum_is_infeasible() -> None:
    spread = run(problem([worker("a"), worker("b")], daily([0, 2])))
    assert {a.worker_id for a in spread.assignments} == {"a", "b"}  # fairness spreads hours
    p = problem([worker("a", min_hours=16), worker("b")], daily([0, 2]))
    assert days_worked(run(p)) == [0, 2]
    assert "min_hours" in rules(p, [("a", "d0"), ("b", "d2")])
    impossible = problem([worker("a", min_hours=100)], daily([0, 2]))
    sol = solve(impossible, SolveOptions(time_limit=10, workers=1))
    assert sol.status == SolveStatus.infeasible
    assert "minimum hours" in sol.message


def test_min_consecutive_days_inside_the_horizon_edge_runs_exempt() -> None:
    p = problem([worker("a", min_consecutive_days=2)], daily([0, 2, 3, 4, 6, 7]))
    worked = days_worked(run(p))
    assert 0 in worked and 7 in worked  # one-day runs at the horizon's edges may continue outside it
    assert "min_consecutive_days" in rules(p, [("a", "d0"), ("a", "d2"), ("a", "d6"), ("a", "d7")])
    assert rules(p, [("a", "d0"), ("a", "d7")]) == set()
    blocked = problem(
        [
            worker(
                "a", min_consecutive_days=2, availability=[{"kind": "unavailable", "start": at(3, 0), "end": at(4, 0)}]
            )
        ],
        daily([0, 1, 2, 3, 4, 5, 6]),
    )
    assert days_worked(run(blocked)) == [0, 1, 2, 4, 5, 6]
    blocked_twice = problem(
        [
            worker(
                "a",
                min_consecutive_days=2,
                availability=[
                    {"kind": "unavailable", "start": at(1, 0), "end": at(2, 0)},
                    {"kind": "unavailable", "start": at(3, 0), "end": at(4, 0)},
                ],
            )
        ],
        daily([0, 1, 2, 3, 4, 5]),
    )
    assert 2 not in days_worked(run(blocked_twice))  # day 2 alone, between two days off, is too short


def test_min_days_off_between_working_days_edge_runs_exempt() -> None:
    off_day_2 = [{"kind": "unavailable", "start": at(2, 0), "end": at(3, 0)}]
    p = problem([worker("a", min_consecutive_days_off=2, availability=off_day_2)], daily([0, 1, 2, 3, 4]))
    assert len(days_worked(run(p))) == 3  # 0,1,_,3,4 would leave a single day off
    assert "min_days_off" in rules(p, [("a", f"d{k}") for k in (0, 1, 3, 4)])
    off_day_0 = [{"kind": "unavailable", "start": at(0, 0), "end": at(1, 0)}]
    p = problem([worker("a", min_consecutive_days_off=2, availability=off_day_0)], daily([0, 1, 2, 3, 4]))
    assert days_worked(run(p)) == [1, 2, 3, 4]  # the single day off touches the horizon's start: exempt


def test_max_weekends_counts_saturday_or_sunday_once() -> None:
    p = problem([worker("a", max_weekends=1)], daily([5, 6, 12, 13]))  # DAY is a Monday
    worked = days_worked(run(p))
    assert worked in ([5, 6], [12, 13])
    assert "weekends" in rules(p, [("a", "d5"), ("a", "d12")])
    assert "weekends" not in rules(p, [("a", "d5"), ("a", "d6")])


def test_item_weights_trade_over_cover_against_requests() -> None:
    def pool(over_weight: int) -> Problem:
        return problem(
            [worker(w) for w in "abc"],
            [shift("s", 0, 8, 8, headcount=1, max_headcount=3, under_weight=50, over_weight=over_weight)],
            requests=[{"worker_id": w, "item_id": "s", "kind": "on", "weight": 10} for w in "abc"],
            settings={"weights": {"requests": 1, "fairness": 0}},
        )

    cheap = run(pool(5))
    assert len(cheap.assignments) == 3
    assert cheap.terms["cover"].raw == 10 and cheap.terms["requests"].raw == 0
    dear = run(pool(20))
    assert len(dear.assignments) == 1
    assert dear.terms["cover"].raw == 0 and dear.terms["requests"].raw == 20


def test_capacity_is_a_hard_maximum_and_under_weight_replaces_priority() -> None:
    p = problem(
        [worker(w) for w in "abc"],
        [shift("s", 0, 8, 8, headcount=1, max_headcount=2, under_weight=7)],
    )
    assert "headcount" in rules(p, [("a", "s"), ("b", "s"), ("c", "s")])
    assert rules(p, [("a", "s"), ("b", "s")]) == set()
    empty = solve(problem([], [shift("s", 0, 8, 8, headcount=2, under_weight=7)]), SolveOptions(workers=1))
    assert empty.terms["cover"].raw == 14
    assert empty.terms["unfilled_normal"].raw == 0


def test_off_request_keeps_a_worker_off_when_someone_else_can_go() -> None:
    p = problem(
        [worker("a"), worker("b")],
        [shift("s", 0, 8, 8)],
        requests=[{"worker_id": "a", "item_id": "s", "kind": "off", "weight": 1}],
        settings={"weights": {"travel": 0}},
    )
    assert [x.worker_id for x in run(p).assignments] == ["b"]


def test_kept_lone_day_is_extended_not_rejected_under_min_run() -> None:
    p = problem(
        [worker("a", min_consecutive_days=2)],
        daily([0, 1, 2]),
        assignments=[{"worker_id": "a", "item_id": "d1", "status": "accepted"}],
    )
    worked = days_worked(run(p))
    assert 1 in worked and len(worked) >= 2
