"""``bemanna demo`` end to end on a short time limit: stores the pool and roster, exports, validates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from cli.main import app
from models import tables as t
from models.io import read_problem, read_solution
from models.store import make_engine
from solver.validator import RULES, validate_solution


def test_demo_stores_roster_and_exports_valid_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    for _ in range(2):  # a second run replaces the demo organisation instead of failing or duplicating it
        r = CliRunner().invoke(app, ["demo", "--db", db, "--time-limit", "8"])
        assert r.exit_code == 0, r.output
    assert f"independent validator: all {len(RULES)} hard rules hold" in r.output
    problem = read_problem(tmp_path / "bemanna-demo-problem.json")
    solution = read_solution(tmp_path / "bemanna-demo-solution.json")
    assert validate_solution(problem, solution) == []
    with Session(make_engine(db)) as s:
        assert s.exec(select(func.count()).select_from(t.Organisation)).one() == 1
        assert s.exec(select(func.count()).select_from(t.Worker)).one() == 300
        stored = s.exec(select(func.count()).select_from(t.Assignment)).one()
    assert stored == len(solution.assignments) > 0
