"""The organisation's working-time law over HTTP: anyone in the pool reads it with each rule's section,
only the coordinator changes it, bad input names its field, a contract's override is the coordinator's,
and the next snapshot the solver sees follows it."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.enums import Role
from models.store import load_problem
from tests.api_helpers import two_pools


@pytest.fixture
def api(engine: Engine) -> tuple[TestClient, dict[str, dict[str, str]]]:
    return two_pools(engine, ("manager@oslo.no", Role.manager), {"/regions": ["centre"], "/skills": ["nurse"]})


def test_the_law_is_read_by_all_set_by_the_coordinator_and_reaches_the_snapshot(engine: Engine, api) -> None:
    client, who = api
    coord, manager = who["coord@oslo.no"], who["manager@oslo.no"]
    r = client.get("/organisation/working-time", headers=manager)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["profile"] == "no-aml" and "arbeidsmiljøloven" in body["profile_name"]
    assert {x["parameter"]: (x["rule"], x["says"], x["source"]) for x in body["rules"]} == {
        "daily_rest_hours": ("daily_rest", "11 h", "AML § 10-8 (1)"),
        "weekly_rest_hours": ("weekly_rest", "35 h", "AML § 10-8 (2)"),
        "max_hours_per_24h": ("hours_per_24h", "13 h", "AML § 10-6 (8)"),
        "night_average_hours": ("night_average", "8 h", "AML § 10-11 (6)"),
        "night_reference_weeks": ("night_average", "over 4 weeks", "AML § 10-11 (6)"),
        "sunday_off_every": ("sunday_rest", "one free in every 2", "AML § 10-8 (4)"),
        "total_hours_per_7_days": ("weekly_hours", "48 h", "AML § 10-6 (8)"),
        "ordinary_hours_per_24h": ("overtime_week", "9 h", "AML § 10-4 (1)"),
        "ordinary_hours_per_7_days": ("overtime_week", "40 h", "AML § 10-4 (1)"),
        "overtime_per_7_days": ("overtime_week", "10 h", "AML § 10-6 (4)"),
        "overtime_per_4_weeks": ("overtime_4_weeks", "25 h", "AML § 10-6 (4)"),
        "overtime_per_year": ("overtime_year", "200 h", "AML § 10-6 (4)"),
    }
    assert len(body["rules"]) == 12  # each parameter once
    names = {x["parameter"]: x["name"] for x in body["rules"]}  # what overtime counts from, named as such
    assert (
        names["ordinary_hours_per_7_days"] == "Ordinary hours a week"
        and names["overtime_per_7_days"] != names["ordinary_hours_per_24h"]
    )
    assert body["holiday_calendar"] == "NO"
    assert body["night_time"] == "21:00–06:00 (AML § 10-11 (1))"
    swedish = {"profile": "se-atl", "overrides": {"daily_rest_hours": 9}}
    assert client.put("/organisation/working-time", json=swedish, headers=manager).status_code == 403
    r = client.put("/organisation/working-time", json=swedish, headers=coord)
    assert r.status_code == 200, r.text
    assert {x["parameter"]: x["source"] for x in r.json()["rules"]} == {
        "daily_rest_hours": "the organisation's agreement",
        "weekly_rest_hours": "ATL § 14",
        "night_average_hours": "ATL § 13 a",
        "night_reference_weeks": "ATL § 13 a (at most four months)",
        "ordinary_hours_per_7_days": "ATL § 5",
        "overtime_per_4_weeks": "ATL § 8",
        "overtime_per_year": "ATL § 8",
    }
    with Session(engine) as session:
        law = load_problem(session, "oslo").settings.law
    assert law.profile == "se-atl" and law.overrides.daily_rest_hours == 9
    assert law.holiday_country == "SE"
    r = client.put("/organisation/working-time", json={**swedish, "week_starts": "sunday"}, headers=coord)
    assert r.status_code == 200 and r.json()["week_starts"] == "sunday"
    with Session(engine) as session:
        assert load_problem(session, "oslo").settings.law.week_of(dt.date(2027, 6, 16)) == dt.date(2027, 6, 13)
    bergen = client.get("/organisation/working-time", headers=who["coord@bergen.no"]).json()
    assert bergen["profile"] == "no-aml"  # the other pool is untouched


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"profile": "dk-al"}, "profile"),
        ({"overrides": {"daily_rest_hours": -1}}, "daily_rest_hours"),
        ({"overrides": {"weekly_rest_hours": 1000}}, "weekly_rest_hours"),
        ({"overrides": {"nightly_rest": 5}}, "nightly_rest"),
        ({"overrides": {"sunday_off_every": 1.5}}, "sunday_off_every"),
        ({"overrides": {"night_reference_weeks": 17}}, "night_reference_weeks"),
        ({"holidays": "Narnia"}, "holidays"),
        ({"week_starts": "funday"}, "week_starts"),
        ({"night_from": "23:00", "night_to": "06:00"}, "night_to"),
        ({"overrides": {"overtime_per_year": -5}}, "overtime_per_year"),
    ],
)
def test_bad_law_settings_are_refused_naming_the_field(api, body: dict, field: str) -> None:
    client, who = api
    r = client.put("/organisation/working-time", json=body, headers=who["coord@oslo.no"])
    assert r.status_code == 422 and field in r.text
    assert client.get("/organisation/working-time", headers=who["coord@oslo.no"]).json()["profile"] == "no-aml"


def test_a_contract_s_override_is_set_by_the_coordinator_and_kept_through_the_worker_s_own_edit(
    engine: Engine, api
) -> None:
    from tests.api_helpers import sign_in

    client, who = api
    coord = who["coord@oslo.no"]
    ola = {
        "id": "ola",
        "name": "Ola",
        "kind": "health",
        "home_lat": 63.4,
        "home_lon": 10.4,
        "region_id": "centre",
        "working_time": {"weekly_rest_hours": 28},
    }
    r = client.post("/workers", json=ola, headers=coord)
    assert r.status_code == 201 and r.json()["working_time"]["weekly_rest_hours"] == 28, r.text
    bad = client.put("/workers/ola", json={**ola, "working_time": {"weekly_rest_hours": -5}}, headers=coord)
    assert bad.status_code == 422 and "weekly_rest_hours" in bad.text
    r = client.post(
        "/users",
        json={"email": "ola@x.no", "password": "long enough secret", "role": "worker", "worker": "ola"},
        headers=coord,
    )
    assert r.status_code == 201, r.text
    own = sign_in(client, "ola@x.no", "long enough secret")
    r = client.put("/workers/ola", json={**ola, "working_time": {}}, headers=own)
    assert r.status_code == 200 and r.json()["working_time"]["weekly_rest_hours"] == 28, r.text
    with Session(engine) as session:
        assert load_problem(session, "oslo").workers[0].working_time.weekly_rest_hours == 28
