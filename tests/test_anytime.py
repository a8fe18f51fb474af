"""The solver's anytime contract (``solver.solve.solve``): phases hand their roster on, no early return
while time is left, ``unknown`` only at the deadline with what was tried, and the CLI's no-roster path."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model
from typer.testing import CliRunner

import solver.solve as solve_module
from cli.main import app
from models.generator import GeneratorConfig, generate
from models.io import write_json
from models.solution import SolveStatus
from solver.solve import SolveOptions, solve
from solver.validator import validate_solution
from tests.factory import problem, shift, worker


def small_pool(seed: int = 4, workers: int = 40, days: int = 4):  # type: ignore[no-untyped-def]
    return generate(GeneratorConfig(seed=seed, workers=workers, days=days))


def quality_finds_nothing(real_run: Any) -> Any:
    """``solver.solve._run`` whose quality phase ends at once with nothing found, as a CP-SAT run does
    that has not finished presolve when its time is up."""

    def run(v: Any, options: Any, deadline: float, phase: str, t0: float, progress: Any, **kw: Any) -> Any:
        if phase != "quality":
            return real_run(v, options, deadline, phase, t0, progress, **kw)
        return _NeverFinds(), cp_model.UNKNOWN, solve_module._Reporter(phase, t0, progress, None)

    return run


def test_a_quality_run_that_finds_nothing_hands_the_earlier_roster_to_the_neighbourhood_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CP-SAT's quality run finds nothing (as on a slow machine or a large pool): the neighbourhood search
    still starts, from phase 1's roster, and the result keeps every rule."""
    monkeypatch.setattr(solve_module, "_run", quality_finds_nothing(solve_module._run))
    p = small_pool()
    sol = solve(p, SolveOptions(time_limit=4, workers=1, small_model_pairs=0))
    names = [phase.name for phase in sol.stats.phases]
    assert names == ["construction", "coverage", "quality", "neighbourhood search"]
    assert sol.status == SolveStatus.feasible
    assert sol.stats.quality_improved is True  # the neighbourhood search improved the handed-on roster
    assert validate_solution(p, sol) == []
    assert sol.stats.wall_seconds >= 3.8


def test_phase_one_roster_is_kept_when_nothing_later_improves_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the construction and with every later phase finding nothing, phase 1's roster is the result."""
    real_improve = solve_module.improve

    def no_search(inst: Any, v: Any, values: Any, objective: int, deadline: float, **kw: Any):  # type: ignore[no-untyped-def]
        return real_improve(inst, v, values, objective, time.perf_counter(), **kw)

    monkeypatch.setattr(solve_module, "_run", quality_finds_nothing(solve_module._run))
    monkeypatch.setattr(solve_module, "improve", no_search)
    p = small_pool()
    sol = solve(p, SolveOptions(time_limit=3, workers=1, small_model_pairs=0, construct=False))
    assert sol.status == SolveStatus.feasible and sol.assignments
    assert sol.stats.phases[0].name == "coverage"
    assert sol.stats.coverage_proven
    assert validate_solution(p, sol) == []


REAL_SOLVER = cp_model.CpSolver


class _NeverFinds:
    """A stand-in CP-SAT that searches until its time limit or a stop and finds nothing."""

    def __init__(self) -> None:
        self.parameters = REAL_SOLVER().parameters
        self._stop = threading.Event()
        self.objective_value = float("nan")
        self.best_objective_bound = float("nan")

    def stop_search(self) -> None:
        self._stop.set()

    def solve(self, model: Any, callback: Any = None) -> int:
        self._stop.wait(self.parameters.max_time_in_seconds)
        return cp_model.UNKNOWN


def test_no_roster_means_unknown_at_the_deadline_with_what_was_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    """A minimum the greedy construction cannot meet, and a CP-SAT that finds nothing: the solve uses
    the whole limit (no phase gives up early) and says what ran."""
    monkeypatch.setattr(solve_module.cp_model, "CpSolver", _NeverFinds)
    p = problem([worker("a", min_hours=16)], [shift(f"s{d}", d, 7, 8) for d in range(3)])
    began = time.perf_counter()
    sol = solve(p, SolveOptions(time_limit=2.0, workers=1))
    took = time.perf_counter() - began
    assert sol.status == SolveStatus.unknown and sol.objective is None and not sol.assignments
    assert 1.9 <= took < 3.0
    for words in ("construction", "coverage", "no roster", "raise the time limit"):
        assert words in sol.message


def test_no_early_return_while_time_is_left() -> None:
    """A roster not proven optimal is returned only at the deadline (the demo's quality goals need more
    than a few seconds to prove)."""
    p = small_pool(seed=2, workers=60, days=5)
    sol = solve(p, SolveOptions(time_limit=3, workers=1))
    assert sol.status in (SolveStatus.optimal, SolveStatus.feasible)
    if sol.status == SolveStatus.feasible:
        assert sol.stats.wall_seconds >= 2.9
    assert validate_solution(p, sol) == []


def test_a_stop_ends_the_search_early_with_the_best_roster() -> None:
    p = small_pool(seed=2, workers=60, days=5)
    began = time.perf_counter()
    sol = solve(p, SolveOptions(time_limit=60, workers=1), stop=lambda: time.perf_counter() - began > 1.5)
    assert time.perf_counter() - began < 10
    assert sol.status in (SolveStatus.optimal, SolveStatus.feasible) and sol.assignments
    assert validate_solution(p, sol) == []


def test_every_roster_found_is_told_in_places_km_and_nok() -> None:
    """The live course speaks a coordinator's terms (issue 34, defect 4): each roster a phase finds comes
    with its places filled, km and NOK, reckoned as the result's own terms reckon them."""
    from models.work_items import work_items

    p = small_pool()
    places = sum(it.headcount for it in work_items(p))
    seen: list[solve_module.Progress] = []
    sol = solve(p, SolveOptions(time_limit=4, workers=1, small_model_pairs=0), seen.append)
    assert {e.phase for e in seen} >= {"construction", "quality"}
    assert all(e.course is not None and 0 <= e.course.filled <= places for e in seen)
    final = solve_module.Course(
        places - sum(u.missing for u in sol.unfilled), sol.terms["travel"].raw, sol.terms["cost"].raw
    )
    assert final in [e.course for e in seen]


def test_the_construction_gives_the_first_roster() -> None:
    """The greedy roster, completed by the model, is the first roster: right after the model is built."""
    p = small_pool()
    sol_first = solve(p, SolveOptions(time_limit=2, workers=1))
    assert sol_first.stats.phases[0].name == "construction"
    assert sol_first.stats.first_solution_seconds is not None
    assert sol_first.stats.first_solution_seconds <= sol_first.stats.build_seconds + 1.5
    assert validate_solution(p, sol_first) == []


def test_the_message_says_which_phases_ran_and_what_the_bound_is_worth() -> None:
    p = small_pool()
    sol = solve(p, SolveOptions(time_limit=3, workers=1))
    assert "construction" in sol.message and "coverage" in sol.message
    assert "bound" in sol.message or "proven optimal" in sol.message
    assert sol.stats.quality_start is not None and sol.stats.quality_improved is not None


def test_the_cli_says_what_ran_when_there_is_no_roster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``bemanna solve`` without a roster: exit 1, a message naming what ran, the file written, no traceback."""
    monkeypatch.setattr(solve_module.cp_model, "CpSolver", _NeverFinds)
    p = problem([worker("a", min_hours=16)], [shift(f"s{d}", d, 7, 8) for d in range(3)])
    write_json(p, tmp_path / "p.json")
    out = tmp_path / "s.json"
    result = CliRunner().invoke(app, ["solve", str(tmp_path / "p.json"), "--out", str(out), "--time-limit", "1"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "no roster" in result.output
    assert json.loads(out.read_text())["status"] == "unknown"


def test_the_demo_without_a_roster_prints_a_message_instead_of_crashing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crash of issue 21: ``bemanna demo`` with no roster in its time formatted None and died."""
    monkeypatch.setattr(solve_module.cp_model, "CpSolver", _NeverFinds)
    monkeypatch.setattr(solve_module, "greedy", lambda inst: [0] * len(inst.pairs))
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    result = CliRunner().invoke(app, ["demo", "--db", db, "--time-limit", "1"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "no roster" in result.output
