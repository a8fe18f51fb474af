"""Runs of days as networks (solver.runs): the state space stays small, and long horizons solve exactly.

The brute-force property in test_properties.py checks that networks and clauses allow the same rosters;
these tests cover what tiny pools cannot: horizons far longer than any run limit.
"""

from __future__ import annotations

from dataclasses import replace

from models.solution import SolveStatus
from solver.runs import RunState, steps
from solver.solve import SolveOptions, solve
from solver.validator import validate_solution
from tests.factory import at, problem, shift, worker


def reachable(min_on: int, max_on: int | None, min_off: int) -> set[RunState]:
    start = {RunState(True, 1, min_on > 1), RunState(False, 1, min_off > 1)}
    seen, todo = set(start), list(start)
    while todo:
        for nxt in steps(todo.pop(), min_on, max_on, min_off):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_states_grow_with_the_limits_not_the_horizon() -> None:
    # No maximum the horizon can reach: working runs are counted only up to the minimum.
    assert max(s.length for s in reachable(3, None, 2) if s.working) == 3
    assert len(reachable(3, None, 2)) <= 2 * (3 + 2)
    # A maximum is counted exactly, and never exceeded.
    assert max(s.length for s in reachable(2, 6, 2) if s.working) == 6
    assert all(not s.working or s.length <= 6 for s in reachable(2, 6, 2))


def test_off_run_shorter_than_minimum_only_from_the_start() -> None:
    mid_off = RunState(False, 1, False)
    assert all(not s.working for s in steps(mid_off, 2, None, 3))  # must stay off
    start_off = RunState(False, 1, True)
    assert any(s.working for s in steps(start_off, 2, None, 3))  # the horizon's first days are exempt


def test_long_horizon_with_min_runs_solves_to_the_same_optimum_in_both_forms() -> None:
    """150 daily shifts, one worker with runs of 3-366 days on and at least 2 off, away on scattered days:
    each single day away costs a neighbouring day, and gaps under 3 days cannot be worked at all."""
    days = 150
    shifts = [shift(f"d{k}", k, 8, 8, headcount=1, under_weight=10) for k in range(days)]
    away = [k for k in range(days) if k % 7 == 3 or k % 11 == 0]
    unavailable = [{"kind": "unavailable", "start": at(k, 0), "end": at(k + 1, 0)} for k in away]
    ws = [
        worker(
            "a",
            max_consecutive_days=366,
            min_consecutive_days=3,
            min_consecutive_days_off=2,
            availability=unavailable,
        )
    ]
    p = problem(ws, shifts, settings={"min_rest_hours": 0, "coverage_first": False})
    networks = SolveOptions(time_limit=30, workers=1, seed=0)
    results = [solve(p, options) for options in (networks, replace(networks, small_model_pairs=0))]
    for sol in results:
        assert sol.status == SolveStatus.optimal, sol.message
        assert validate_solution(p, sol) == []
    assert results[0].objective == results[1].objective
    worked = {int(a.item_id.removeprefix("d")) for a in results[0].assignments}
    assert 0 < len(worked) < days - len(away) - 1  # the pattern binds: not every free day can be worked
    assert results[0].stats.model_objective == results[0].objective
