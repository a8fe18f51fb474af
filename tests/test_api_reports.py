"""Reports over HTTP: coverage and supply against demand, as JSON and CSV, counting accepted or planned work."""

from __future__ import annotations

import csv
import io

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import problem as p
from models.enums import AssignmentStatus, Role
from models.store import save_problem
from reports.export import spreadsheet_csv
from tests.api_helpers import add_org, add_user, client_for, sign_in
from tests.factory import problem, shift, worker

DAYS = "from=2027-06-14&to=2027-06-20"


def setup(engine: Engine) -> tuple:
    prob = problem(
        [worker("a"), worker("b"), worker("c", skills=("assistant_nurse",))],
        [shift("s0", 0, 7, 8, headcount=2), shift("s1", 1, 7, 8), shift("late", 9, 7, 8)],
    )
    states = [("a", "s0", AssignmentStatus.accepted), ("b", "s0", AssignmentStatus.offered)]
    prob = prob.model_copy(
        update={"assignments": [p.Assignment(worker_id=w, item_id=i, status=s) for w, i, s in states]}
    )
    with Session(engine) as session:
        org = save_problem(session, prob, "oslo")
        session.commit()
        assert org.id is not None
        add_user(engine, org.id, "coord@oslo.no", Role.coordinator)
        add_user(engine, org.id, "manager@oslo.no", Role.manager)
    add_user(engine, add_org(engine, "bergen"), "coord@bergen.no", Role.coordinator)
    client = client_for(engine)
    return client, sign_in(client, "coord@oslo.no")


def test_coverage_counts_accepted_or_planned_work(engine: Engine) -> None:
    client, coord = setup(engine)
    rows = client.get(f"/reports/coverage?{DAYS}", headers=coord).json()
    total = next(r for r in rows if r["region"] == "All")
    assert (total["places"], total["filled"], total["open"]) == (3, 1, 2)  # "late" is outside the window
    assert total["coverage_pct"] == 33.3
    planned = client.get(f"/reports/coverage?{DAYS}&basis=planned", headers=coord).json()
    assert next(r for r in planned if r["region"] == "All")["filled"] == 2


def test_supply_demand_and_csv(engine: Engine) -> None:
    client, coord = setup(engine)
    rows = client.get(f"/reports/supply-demand?{DAYS}", headers=coord).json()
    by_skill = {r["skill"]: r for r in rows}
    assert by_skill["nurse"]["approved_workers"] == 2 and by_skill["nurse"]["places"] == 3
    assert by_skill["assistant_nurse"]["approved_workers"] == 1 and by_skill["assistant_nurse"]["places"] == 0
    r = client.get(f"/reports/supply-demand?{DAYS}&format=csv", headers=coord)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["skill"] for row in parsed} == {"nurse", "assistant_nurse"}


def test_report_access_and_bad_input(engine: Engine) -> None:
    client, coord = setup(engine)
    assert client.get(f"/reports/coverage?{DAYS}", headers=sign_in(client, "manager@oslo.no")).status_code == 403
    bergen = client.get(f"/reports/coverage?{DAYS}", headers=sign_in(client, "coord@bergen.no")).json()
    assert next(r for r in bergen if r["region"] == "All")["places"] == 0  # Bergen's own, empty pool
    r = client.get("/reports/coverage?from=2027-06-20&to=2027-06-14", headers=coord)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "to"]
    assert client.get("/reports/coverage?from=2027-06-14", headers=coord).status_code == 422
    assert client.get(f"/reports/coverage?{DAYS}&format=xml", headers=coord).status_code == 422


def test_fairness_report_per_kind_and_place_as_json_and_csv(engine: Engine) -> None:
    client, coord = setup(engine)
    rows = client.get(f"/reports/fairness?{DAYS}&basis=planned", headers=coord).json()
    hours = next(r for r in rows if r["group"] == "worker kind" and r["measure"] == "hours")
    assert (hours["name"], hours["people"], hours["fewest"], hours["most"], hours["gini"]) == ("health", 2, 8, 8, 0)
    assert next(r for r in rows if r["group"] == "place")["name"] == "Site 1"
    accepted = client.get(f"/reports/fairness?{DAYS}", headers=coord).json()
    assert next(r for r in accepted if r["measure"] == "hours")["people"] == 1
    r = client.get(f"/reports/fairness?{DAYS}&format=csv", headers=coord)
    assert r.status_code == 200 and "gini" in r.text.splitlines()[0]
    manager = sign_in(client, "manager@oslo.no")
    assert client.get(f"/reports/fairness?{DAYS}", headers=manager).status_code == 403


def test_a_spreadsheet_download_keeps_letters_and_never_runs_a_formula() -> None:
    text = spreadsheet_csv(pd.DataFrame({"name": ["Åse Ødegård", "=1+2", "@SUM(A1)"], "share": [12.5, 3.0, 1.0]}))
    assert text.startswith("\ufeff")
    assert text[1:].splitlines() == ["name;share", "Åse Ødegård;12,5", "'=1+2;3,0", "'@SUM(A1);1,0"]
