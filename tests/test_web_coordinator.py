"""The coordinator's pages over HTTP: the dashboard's numbers and charts' data, starting a plan with
bad input answered on the form, and a plan's page from queued to its result and the offers."""

from __future__ import annotations

import datetime as dt
import json
import re
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.app import create_app
from api.background.jobs import JobRunner
from models import tables as t
from models.enums import AssignmentStatus
from tests.test_web_pages import csrf, page_sign_in
from tests.web_fixture import ACCOUNTS, local, pages_client, seed_web_pool


@pytest.fixture
def coordinator(sqlite_engine: Engine) -> TestClient:
    engine = sqlite_engine
    seed_web_pool(engine)
    client = pages_client(engine)
    page_sign_in(client, ACCOUNTS["coordinator"])
    return client


def test_the_dashboard_counts_the_pool_and_feeds_its_charts(coordinator: TestClient) -> None:
    r = coordinator.get("/pool")
    assert r.status_code == 200
    assert re.search(r"<dt>Open places</dt><dd>1</dd>", r.text)  # day1 needs 2, ada's offer is 1
    why = r.text.split('id="open-heading"')[1].split("</section>")[0]
    assert "Day shift at Lia sykehjem" in why and "1 of 2 places open" in why  # each open item with its reason
    data = json.loads(re.search(r'id="coverage-data">(.*?)</script>', r.text).group(1))  # type: ignore[union-attr]
    assert data["labels"] == ["Centre"] and [s["values"] for s in data["series"]] == [[2], [1]]
    supply = json.loads(re.search(r'id="supply-data">(.*?)</script>', r.text).group(1))  # type: ignore[union-attr]
    assert "Centre · nurse" in supply["labels"]
    r = coordinator.get("/pool", params={"basis": "accepted"})
    assert re.search(r"<dt>Open places</dt><dd>2</dd>", r.text)  # the offer does not count
    r = coordinator.get("/pool", params={"from": "1999-01-01"})
    assert r.status_code == 422


def test_a_plan_with_bad_days_is_answered_on_the_form(coordinator: TestClient) -> None:
    token = csrf(coordinator, "/pool/solve")
    r = coordinator.post("/pool/solve", data={"csrf": token, "first": "2027-03-10", "last": "2027-03-01"})
    assert r.status_code == 422 and "must not be before" in r.text and 'value="2027-03-10"' in r.text
    r = coordinator.post(
        "/pool/solve", data={"csrf": token, "first": "2027-03-01", "last": "2027-03-02", "regions": "nowhere"}
    )
    assert r.status_code == 422 and "No region &#39;nowhere&#39;" in r.text
    with Session(coordinator.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.exec(select(t.SolveJob)).all() == []


def test_a_plan_runs_shows_its_result_and_offers_its_proposals(sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    seed_web_pool(engine)
    app = create_app(engine, runner=JobRunner(engine, poll_seconds=0.1))
    with TestClient(app, base_url="https://testserver") as client:
        page_sign_in(client, ACCOUNTS["coordinator"])
        token = csrf(client, "/pool/solve")
        day = local(1, 0)[:10]
        r = client.post(
            "/pool/solve",
            data={"csrf": token, "first": day, "last": day, "time_limit": "3", "regions": "centre"},
            follow_redirects=False,
        )
        target = r.headers["location"]
        assert r.status_code == 303 and target.startswith("/pool/solve/")
        deadline = time.monotonic() + 60
        while "Done." not in (live := client.get(target + "/live").text):
            assert time.monotonic() < deadline and "No roster" not in live, live
            assert 'hx-trigger="every 1s"' in live  # still polling while it runs
            time.sleep(0.2)
        assert "hx-trigger" not in live  # done: the page stops asking
        page = client.get(target).text
        assert "2 of 2 places filled" in page and "Every place is filled" in page
        assert "Bo Berg" in page and "Ada Lund" in page
        evenly = page[page.index("How evenly the work falls") :]  # issue 34, defect 4: the API's spread, in words
        health = r"<th scope=\"row\">Health workers</th><td>hours</td><td>2</td><td>7\.5</td><td>7\.5</td>"
        assert re.search(health, evenly)
        assert '<th scope="row">At Lia sykehjem</th><td>nights</td>' in evenly
        shown = re.sub(r"<script.*?</script>", "", page, flags=re.S)  # what a person reads
        assert not re.search(r"objective|score points|weighted", shown)
        assert re.search(r"08:00–15:30 CES?T", page)
        assert "Offer 1 proposal(s)" in page
        r = client.post(target + "/offer", data={"csrf": token})
        assert r.status_code == 200 and "1 offer(s) sent" in r.text
    with Session(engine) as session:
        offered = session.exec(select(t.Assignment).where(t.Assignment.status == AssignmentStatus.offered)).all()
        assert len(offered) == 2  # ada's earlier offer and the new one for the second place


def test_plans_are_the_coordinators_and_the_organisations_own(coordinator: TestClient, sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    token = csrf(coordinator, "/pool/solve")
    r = coordinator.post(
        "/pool/solve", data={"csrf": token, "first": "2027-03-01", "last": "2027-03-02"}, follow_redirects=False
    )
    target = r.headers["location"]
    other = pages_client(engine)
    page_sign_in(other, "coord@bergen.no")
    assert other.get(target).status_code == 404
    assert other.get("/pool").status_code == 200 and "Centre" not in other.get("/pool").text
    for role in ("manager", "farmer", "worker"):
        someone = pages_client(engine)
        page_sign_in(someone, ACCOUNTS[role])
        assert someone.get(target).status_code == 403
        assert someone.get("/pool").status_code == 403


def test_the_dashboards_tables_download_as_csv_with_the_session(coordinator: TestClient) -> None:
    day = local(0, 0)[:10]
    last = local(13, 0)[:10]
    r = coordinator.get("/pool/reports/coverage.csv", params={"from": day, "to": last})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    # for Excel under Nordic settings (issue 34 defect 8): the UTF-8 mark, ';' between columns, decimal comma
    assert r.content.startswith("\ufeff".encode())
    assert r.text.lstrip("\ufeff").splitlines()[0] == "region;role;places;filled;open;coverage_pct"
    assert all("." not in line.split(";")[-1] for line in r.text.splitlines()[1:])
    assert "attachment" in r.headers["content-disposition"]
    r = coordinator.get("/pool/reports/supply-demand.csv", params={"from": day, "to": last, "basis": "accepted"})
    assert r.status_code == 200 and "approved_workers" in r.text.splitlines()[0]
    assert coordinator.get("/pool/reports/secrets.csv", params={"from": day, "to": last}).status_code == 404
    r = coordinator.get("/pool/reports/coverage.csv")
    assert r.status_code == 422 and "<html" in r.text and "from: Field required" in r.text


def test_the_approvals_queue_accepts_a_person_and_approves_their_skill(
    coordinator: TestClient, sqlite_engine: Engine
) -> None:
    engine = sqlite_engine
    body = {
        "organisation": "oslo",
        "email": "cia@mail.no",
        "password": "ochre lantern quietly folds",
        "worker": {
            "name": "Cia Dahl",
            "kind": "health",
            "home_lat": 63.4,
            "home_lon": 10.4,
            "region_id": "centre",
            "qualifications": [{"skill": "nurse"}],
        },
    }
    assert coordinator.post("/auth/register", json=body).status_code == 202
    with Session(engine) as session:
        cia = session.exec(select(t.Worker).where(t.Worker.name == "Cia Dahl")).one()
        cia_ref, cia_id = cia.ref, cia.id
        ada = session.exec(select(t.Worker).where(t.Worker.ref == "ada")).one()
        licence = session.exec(select(t.Qualification).where(t.Qualification.worker_id == ada.id)).one()
        licence.valid_until = dt.date.fromisoformat(local(10, 0)[:10])
        session.add(licence)
        session.commit()
    page = coordinator.get("/pool/approvals").text
    assert "Cia Dahl" in page and "claims: Nurse" in page and "Ada Lund: Nurse, valid until" in page
    token = csrf(coordinator, "/pool/approvals")
    r = coordinator.post(f"/pool/approvals/people/{cia_ref}", data={"csrf": token, "decision": "accept"})
    assert r.status_code == 200 and "Cia Dahl is a member now" in r.text
    r = coordinator.post(
        f"/pool/approvals/skills/{cia_ref}/nurse",
        data={"csrf": token, "decision": "approve", "valid_until": "1999-01-01"},
    )
    assert r.status_code == 422 and "Valid until" in r.text
    r = coordinator.post(
        f"/pool/approvals/skills/{cia_ref}/nurse",
        data={"csrf": token, "decision": "approve", "valid_until": "2030-06-30"},
    )
    assert r.status_code == 200 and "Cia Dahl: nurse approved until 30 Jun 2030." in r.text
    assert "No skill is waiting" in r.text
    with Session(engine) as session:
        q = session.exec(select(t.Qualification).where(t.Qualification.worker_id == cia_id)).one()
        assert q.approved and q.valid_until == dt.date(2030, 6, 30)
        assert not session.get(t.Worker, cia_id).pending  # type: ignore[union-attr]
    r = coordinator.post(f"/pool/approvals/people/{cia_ref}", data={"csrf": token, "decision": "turn-down"})
    assert r.status_code == 409 and "a member already" in r.text
    r = coordinator.post(f"/pool/approvals/people/{cia_ref}", data={"csrf": token, "decision": "maybe"})
    assert r.status_code == 422
