"""``bemanna demo`` end to end on a short time limit: stores the pool and roster, exports, validates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from api.app import create_app
from cli.main import app
from models import tables as t
from models.io import read_problem, read_solution
from models.store import make_engine
from solver.validator import RULES, validate_solution
from tests.test_web_pages import CSRF


def test_demo_stores_roster_and_exports_valid_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    for _ in range(2):  # a second run replaces the demo organisation instead of failing or duplicating it
        r = CliRunner().invoke(app, ["demo", "--db", db, "--time-limit", "4"])
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
    accounts = re.findall(r"^\s+(coordinator|manager|farmer|worker)\s+(\S+@\S+)\s+(\S+)", r.output, re.M)
    assert [a[0] for a in accounts] == ["coordinator", "manager", "farmer", "worker"], r.output
    assert f"bemanna serve --db {db}" in r.output
    pages = TestClient(create_app(make_engine(db)), base_url="https://testserver")
    homes = {"coordinator": "/pool", "manager": "/manage", "farmer": "/farm", "worker": "/my"}
    for role, email, password in accounts:  # each demo account signs in and its home page draws the pool
        pages.cookies.clear()
        token = CSRF.search(pages.get("/sign-in").text).group(1)  # type: ignore[union-attr]
        r = pages.post("/sign-in", data={"email": email, "password": password, "csrf": token})
        assert r.status_code == 200 and r.url.path == homes[role], (role, r.text[-500:])
