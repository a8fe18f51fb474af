"""The command line as a user meets it: the file round trip, bad input and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from cli.main import app
from models import tables as t
from models.problem import Problem
from models.solution import Solution
from models.store import make_engine
from solver.validator import RULES
from tests.factory import problem, shift, worker

runner = CliRunner()


def base() -> dict[str, Any]:
    return problem([worker("a"), worker("b")], [shift("s1", 1, 7, 8), shift("s2", 1, 9, 8)]).model_dump(mode="json")


def write(tmp_path: Path, data: Any, name: str = "problem.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_generate_solve_validate_round_trip(tmp_path: Path) -> None:
    prob, sol = tmp_path / "p.json", tmp_path / "s.json"
    r = runner.invoke(app, ["generate", "--seed", "2", "--out", str(prob), "--pool-size", "30", "--days", "3"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["solve", str(prob), "--out", str(sol), "--time-limit", "5", "--quiet"])
    assert r.exit_code == 0, r.output
    solution = Solution.model_validate_json(sol.read_text())
    assert solution.assignments
    r = runner.invoke(app, ["validate", str(prob), str(sol)])
    assert r.exit_code == 0, r.output
    assert f"pass all {len(RULES)} hard rules" in r.output


def test_generator_is_seeded() -> None:
    from models.generator import GeneratorConfig, generate

    a, b = generate(GeneratorConfig(seed=4, workers=50)), generate(GeneratorConfig(seed=4, workers=50))
    assert a == b
    assert a != generate(GeneratorConfig(seed=5, workers=50))


def test_validate_reports_broken_rules_with_exit_1(tmp_path: Path) -> None:
    p = base()
    prob = write(tmp_path, p)
    bad = {
        "status": "feasible",
        "assignments": [
            {"worker_id": "a", "item_id": "s1", "start": p["shifts"][0]["start"], "end": p["shifts"][0]["end"]},
            {"worker_id": "a", "item_id": "s2", "start": p["shifts"][1]["start"], "end": p["shifts"][1]["end"]},
            {"worker_id": "ghost", "item_id": "s2", "start": p["shifts"][1]["start"], "end": p["shifts"][1]["end"]},
        ],
    }
    r = runner.invoke(app, ["validate", str(prob), str(write(tmp_path, bad, "s.json"))])
    assert r.exit_code == 1
    assert "[overlap] a: s1 and s2 overlap" in r.output
    assert "unknown_reference" in r.output


def _broken(change: str) -> tuple[dict[str, Any], str]:
    p = base()
    expected = {
        "unknown skill": ("shifts[0].required_skills[0] = 'surgeon': unknown skill 'surgeon'"),
        "unknown site": "shifts[1].site_id = 'nowhere': unknown site 'nowhere'",
        "end before start": "shifts[0].end",
        "negative headcount": "shifts[0].headcount = -2: Input should be greater than or equal to 0",
        "latitude out of range": "sites[0].lat = 123.0: Input should be less than or equal to 90",
        "duplicate ids": "workers[1].id = 'a': duplicate id 'a' in workers",
        "missing field": "workers[0].kind: required field is missing",
        "unknown field": "shifts[0].colour = 'red': Extra inputs are not permitted",
        "bad time zone": "timezone = 'Mars/Olympus': unknown time zone 'Mars/Olympus'",
    }[change]
    if change == "unknown skill":
        p["shifts"][0]["required_skills"] = ["surgeon"]
    elif change == "unknown site":
        p["shifts"][1]["site_id"] = "nowhere"
    elif change == "end before start":
        p["shifts"][0]["end"] = p["shifts"][0]["start"].replace("T07", "T05")
    elif change == "negative headcount":
        p["shifts"][0]["headcount"] = -2
    elif change == "latitude out of range":
        p["sites"][0]["lat"] = 123.0
    elif change == "duplicate ids":
        p["workers"][1]["id"] = "a"
    elif change == "missing field":
        del p["workers"][0]["kind"]
    elif change == "unknown field":
        p["shifts"][0]["colour"] = "red"
    elif change == "bad time zone":
        p["timezone"] = "Mars/Olympus"
    return p, expected


CASES = [
    "unknown skill",
    "unknown site",
    "end before start",
    "negative headcount",
    "latitude out of range",
    "duplicate ids",
    "missing field",
    "unknown field",
    "bad time zone",
]


@pytest.mark.parametrize("change", CASES)
def test_bad_problem_is_rejected_with_field_and_value(tmp_path: Path, change: str) -> None:
    data, expected = _broken(change)
    r = runner.invoke(app, ["solve", str(write(tmp_path, data)), "--out", str(tmp_path / "s.json")])
    assert r.exit_code == 2
    assert expected in r.output.replace("\n", " ") or expected in r.stderr.replace("\n", " ")
    assert "Traceback" not in r.output
    assert not (tmp_path / "s.json").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"workers": [', "not valid JSON: Expecting value at line 1, column 14"),
        ("[1, 2]", "expected a JSON object at the top level, got list"),
        ("", "not valid JSON"),
    ],
)
def test_malformed_json(tmp_path: Path, text: str, expected: str) -> None:
    r = runner.invoke(app, ["validate", str(write(tmp_path, text)), str(write(tmp_path, "{}", "s.json"))])
    assert r.exit_code == 2
    assert expected in r.stderr


def test_missing_file(tmp_path: Path) -> None:
    r = runner.invoke(app, ["solve", str(tmp_path / "nope.json")])
    assert r.exit_code == 2
    assert "nope.json: no such file" in r.stderr


@pytest.mark.parametrize("change", ["unknown site", "duplicate ids"])
def test_load_writes_nothing_on_bad_input(tmp_path: Path, change: str) -> None:
    db = f"sqlite:///{tmp_path / 'pool.sqlite3'}"
    good = write(tmp_path, base(), "good.json")
    assert runner.invoke(app, ["load", str(good), "--org", "kommune", "--db", db]).exit_code == 0
    bad, _ = _broken(change)
    r = runner.invoke(app, ["load", str(write(tmp_path, bad, "bad.json")), "--org", "kommune", "--db", db, "--replace"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["load", str(good), "--org", "kommune", "--db", db])
    assert r.exit_code == 2 and "already exists" in r.stderr
    with Session(make_engine(db)) as s:
        assert s.exec(select(func.count()).select_from(t.Worker)).one() == 2
        assert s.exec(select(func.count()).select_from(t.Organisation)).one() == 1


def test_pinned_work_that_breaks_a_rule_is_kept_and_named_for_a_decision(tmp_path: Path) -> None:
    p = base()
    p["assignments"] = [
        {"worker_id": "a", "item_id": "s1", "pinned": True},
        {"worker_id": "a", "item_id": "s2", "pinned": True},
    ]
    r = runner.invoke(app, ["solve", str(write(tmp_path, p)), "--out", str(tmp_path / "s.json")])
    assert r.exit_code == 0, r.output
    assert "Needs a person's decision" in r.stdout and "[overlap] a: s1 and s2 overlap" in r.stdout
    saved = json.loads((tmp_path / "s.json").read_text())
    assert [c["rule"] for c in saved["kept_conflicts"]] == ["overlap", "hours_per_24h"]  # 16 h in 24 h: AML
    assert saved["set_aside"] == ["a"]


def test_an_item_with_more_pinned_people_than_places_is_a_clear_error(tmp_path: Path) -> None:
    p = base()
    p["assignments"] = [{"worker_id": w["id"], "item_id": "s1", "pinned": True} for w in p["workers"][:2]]
    r = runner.invoke(app, ["solve", str(write(tmp_path, p)), "--out", str(tmp_path / "s.json")])
    assert r.exit_code == 2
    assert "[headcount] s1 has 2 workers" in r.stderr


def test_committed_json_schemas_match_the_models() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs"
    for name, model in (("problem", Problem), ("solution", Solution)):
        committed = json.loads((docs / f"{name}.schema.json").read_text())
        assert committed == model.model_json_schema(), f"run `make schema` to refresh docs/{name}.schema.json"


def test_org_and_user_setup_then_sign_in_over_http(tmp_path: Path) -> None:
    from tests.api_helpers import client_for, sign_in

    db = f"sqlite:///{tmp_path / 'pool.sqlite3'}"
    r = runner.invoke(app, ["org", "create", "trondheim", "--name", "Trondheim kommune", "--db", db])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["org", "create", "trondheim", "--name", "Again", "--db", db]).exit_code == 2
    env = {"BEMANNA_PASSWORD": "a long secret"}
    args = ["user", "add", "Pool@Trondheim.no", "--org", "trondheim", "--role", "coordinator", "--db", db]
    r = runner.invoke(app, args, env=env)
    assert r.exit_code == 0, r.output
    assert "a long secret" not in r.output
    assert runner.invoke(app, args, env=env).exit_code == 2  # email taken
    r = runner.invoke(app, [*args[:2], "x@y.no", "--org", "nowhere", "--role", "manager", "--db", db], env=env)
    assert r.exit_code == 2 and "nowhere" in r.output
    r = runner.invoke(app, ["user", "add", "w@y.no", "--org", "trondheim", "--role", "worker", "--db", db], env=env)
    assert r.exit_code == 2 and "--worker" in r.output
    r = runner.invoke(
        app,
        [*args[:2], "z@y.no", "--org", "trondheim", "--role", "manager", "--db", db],
        env={"BEMANNA_PASSWORD": "short"},
    )
    assert r.exit_code == 2 and "10 characters" in r.output
    client = client_for(make_engine(db))
    me = client.get("/auth/me", headers=sign_in(client, "pool@trondheim.no", "a long secret")).json()
    assert me["organisation"] == "trondheim" and me["role"] == "coordinator"
