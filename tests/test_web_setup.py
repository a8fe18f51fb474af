"""The coordinator sets up a pool through the pages: regions, skills, sites, farms and accounts, each
form refused by field without storing anything, and the new accounts signing in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import tables as t
from tests.test_web_pages import csrf, page_sign_in
from tests.web_fixture import ACCOUNTS, pages_client, seed_web_pool

STRONG = "ochre lantern quietly folds"


@pytest.fixture
def coordinator(sqlite_engine: Engine) -> TestClient:
    seed_web_pool(sqlite_engine)
    client = pages_client(sqlite_engine)
    page_sign_in(client, ACCOUNTS["coordinator"])
    return client


def test_regions_skills_sites_and_farms_are_added_through_the_forms(
    coordinator: TestClient, sqlite_engine: Engine
) -> None:
    token = csrf(coordinator, "/pool/setup")
    r = coordinator.post("/pool/setup/regions", data={"csrf": token, "id": "north", "name": "Nordbyen"})
    assert r.status_code == 200 and "Nordbyen added." in r.text
    r = coordinator.post("/pool/setup/regions", data={"csrf": token, "id": "north", "name": "Again"})
    assert r.status_code == 409 and "exists already" in r.text
    r = coordinator.post("/pool/setup/skills", data={"csrf": token, "id": "bad id!", "name": "Bad"})
    assert r.status_code == 422 and "Short id:" in r.text
    site = {
        "csrf": token,
        "id": "moa",
        "name": "Moa sykehjem",
        "kind": "nursing_home",
        "region_id": "north",
        "address": "Moavegen 2",
        "lat": "63.5",
        "lon": "10.5",
    }
    r = coordinator.post("/pool/setup/sites", data={**site, "lat": "95"})
    assert r.status_code == 422 and "Latitude:" in r.text and 'value="Moa sykehjem"' in r.text
    r = coordinator.post("/pool/setup/sites", data={**site, "region_id": "nowhere"})
    assert r.status_code == 422 and "Region: unknown region" in r.text
    r = coordinator.post("/pool/setup/sites", data=site)
    assert r.status_code == 200 and "Moa sykehjem added." in r.text and "Moavegen 2" in r.text
    farm = {k: v for k, v in site.items() if k != "kind"} | {"id": "lund", "name": "Lund gård"}
    assert coordinator.post("/pool/setup/farms", data=farm).status_code == 200
    assert coordinator.post("/pool/setup/secrets", data=farm).status_code == 404
    with Session(sqlite_engine) as session:
        assert session.exec(select(t.Site).where(t.Site.ref == "moa")).one().address == "Moavegen 2"
        assert session.exec(select(t.Farm).where(t.Farm.ref == "lund")).one().name == "Lund gård"
        assert session.exec(select(t.Region).where(t.Region.ref == "north")).one().name == "Nordbyen"


def test_set_up_is_edited_and_what_nothing_uses_is_removed(coordinator: TestClient, sqlite_engine: Engine) -> None:
    token = csrf(coordinator, "/pool/setup")
    r = coordinator.post("/pool/setup/regions/centre/rename", data={"csrf": token, "name": "Sentrum"})
    assert r.status_code == 200 and "The region centre is now called Sentrum." in r.text
    r = coordinator.post("/pool/setup/regions/centre/rename", data={"csrf": token, "name": ""})
    assert r.status_code == 422 and "Name:" in r.text
    r = coordinator.post("/pool/setup/regions/centre/remove", data={"csrf": token})
    assert r.status_code == 409 and "Region &#39;centre&#39; still has sites; move or remove them first" in r.text
    r = coordinator.get("/pool/setup/sites/lia")
    assert r.status_code == 200 and 'value="Lia sykehjem"' in r.text and 'value="Liavegen 1, Oslo"' in r.text
    edited = {
        "csrf": token,
        "name": "Lia bo- og behandlingssenter",
        "kind": "nursing_home",
        "region_id": "centre",
        "address": "Liavegen 3",
        "lat": "63.43",
        "lon": "10.39",
        "confirm_takes": "on",
    }
    assert 'name="confirm_takes" type="checkbox">' in r.text  # not checked yet
    r = coordinator.post("/pool/setup/sites/lia", data={**edited, "lat": "91"})
    assert r.status_code == 422 and "Latitude:" in r.text and 'value="Liavegen 3"' in r.text  # the form as sent
    r = coordinator.post("/pool/setup/sites/lia", data=edited)
    assert r.status_code == 200 and "Lia bo- og behandlingssenter is saved." in r.text
    assert 'name="confirm_takes" type="checkbox" checked>' in coordinator.get("/pool/setup/sites/lia").text
    r = coordinator.post("/pool/setup/sites/lia/remove", data={"csrf": token})
    assert r.status_code == 409 and "still has shifts" in r.text
    r = coordinator.post("/pool/setup/sites/sentrum/remove", data={"csrf": token})
    assert r.status_code == 200 and "The site sentrum is removed." in r.text
    r = coordinator.post("/pool/setup/skills/picker/remove", data={"csrf": token})
    assert r.status_code == 200 and "The skill picker is removed." in r.text
    assert coordinator.post("/pool/setup/farms/nowhere/remove", data={"csrf": token}).status_code == 404
    assert coordinator.post("/pool/setup/secrets/lia/remove", data={"csrf": token}).status_code == 404
    assert coordinator.post("/pool/setup/sites/lia/rename", data={"csrf": token, "name": "X"}).status_code == 404
    assert coordinator.post("/pool/setup/farms/berg/remove").status_code == 403  # no form token
    with Session(sqlite_engine) as session:
        lia = session.exec(select(t.Site).where(t.Site.ref == "lia")).one()
        assert (lia.name, lia.address, lia.confirm_takes) == ("Lia bo- og behandlingssenter", "Liavegen 3", True)
        assert session.exec(select(t.Site).where(t.Site.ref == "sentrum")).first() is None
        assert session.exec(select(t.Region).where(t.Region.ref == "centre")).one().name == "Sentrum"
        assert session.exec(select(t.Farm).where(t.Farm.ref == "berg")).one() is not None


def test_another_pools_set_up_is_not_found(coordinator: TestClient) -> None:
    token = csrf(coordinator, "/pool/setup")
    # bergen's region 'west' is not oslo's to see or change
    assert coordinator.get("/pool/setup/sites/west").status_code == 404
    assert coordinator.post("/pool/setup/regions/west/remove", data={"csrf": token}).status_code == 404
    assert coordinator.post("/pool/setup/regions/west/rename", data={"csrf": token, "name": "Mine"}).status_code == 404


def test_accounts_are_added_and_removed_and_sign_in(coordinator: TestClient, sqlite_engine: Engine) -> None:
    token = csrf(coordinator, "/pool/users")
    body = {
        "csrf": token,
        "email": "kari@oslo.no",
        "name": "Kari",
        "role": "manager",
        "password": STRONG,
        "sites": "lia",
    }
    r = coordinator.post("/pool/users", data={**body, "password": "password1"})
    assert (
        r.status_code == 422
        and "Password:" in r.text
        and 'value="kari@oslo.no"' in r.text
        and "password1" not in r.text
    )
    r = coordinator.post("/pool/users", data={**body, "role": "farmer"})
    assert r.status_code == 422 and "only a manager runs sites" in r.text
    r = coordinator.post("/pool/users", data=body)
    assert r.status_code == 200 and "kari@oslo.no can sign in now" in r.text
    kari = pages_client(sqlite_engine)
    page_sign_in(kari, "kari@oslo.no", STRONG)
    assert "Day shift at Lia sykehjem" in kari.get("/manage").text or kari.get("/manage").status_code == 200
    with Session(sqlite_engine) as session:
        kari_id = session.exec(select(t.User).where(t.User.email == "kari@oslo.no")).one().id
        me = session.exec(select(t.User).where(t.User.email == ACCOUNTS["coordinator"])).one().id
    r = coordinator.post(f"/pool/users/{me}/remove", data={"csrf": token})
    assert r.status_code == 409 and "your own account" in r.text
    r = coordinator.post(f"/pool/users/{kari_id}/remove", data={"csrf": token})
    assert r.status_code == 200 and "kari@oslo.no" not in r.text.split("Add an account")[0]
    assert kari.get("/manage", follow_redirects=False).status_code == 303  # signed out with the account


def test_the_working_time_law_is_shown_and_changed_on_the_setup_page(coordinator: TestClient) -> None:
    page = coordinator.get("/pool/setup")
    assert "arbeidsmiljøloven" in page.text and "AML § 10-8 (2)" in page.text
    token = csrf(coordinator, "/pool/setup")
    r = coordinator.post("/pool/law", data={"csrf": token, "profile": "se-atl", "weekly_rest_hours": "-3"})
    assert r.status_code == 422 and "Weekly rest (hours):" in r.text and 'value="-3"' in r.text
    assert "arbeidsmiljøloven" in coordinator.get("/pool/setup").text  # nothing stored
    r = coordinator.post(
        "/pool/law", data={"csrf": token, "profile": "se-atl", "daily_rest_hours": "9", "weekly_rest_hours": ""}
    )
    assert r.status_code == 200 and "now follows Swedish Working Hours Act" in r.text
    assert "ATL § 14" in r.text and "the organisation&#39;s agreement" in r.text
    r = coordinator.post("/pool/law", data={"csrf": token, "profile": "dk-al"})
    assert r.status_code == 422 and "Law:" in r.text
    r = coordinator.post("/pool/law", data={"csrf": token, "profile": "no-aml", "holidays": "XX"})
    assert r.status_code == 422 and "Public holidays of:" in r.text and "no public-holiday calendar" in r.text
    r = coordinator.post(
        "/pool/law", data={"csrf": token, "profile": "custom", "holidays": "no", "sunday_off_every": "3"}
    )
    assert r.status_code == 200 and "one free in every 3" in r.text and 'value="NO"' in r.text
    r = coordinator.post("/pool/law", data={"csrf": token, "profile": "no-aml", "night_max_hours_per_24h": "8"})
    assert r.status_code == 200 and "Strenuous night work" in r.text and "Night workers&#39; hours" in r.text
    r = coordinator.post("/pool/law", data={"csrf": token, "profile": "no-aml", "night_reference_weeks": "9"})
    assert r.status_code == 422 and "Night average over (weeks):" in r.text
    r = coordinator.post("/pool/law", data={"csrf": token, "profile": "no-aml", "overtime_per_4_weeks": "20"})
    assert r.status_code == 200 and "Overtime in 4 weeks" in r.text and 'value="20"' in r.text
    assert "AML § 10-6 (4)" in r.text and "AML § 10-4 (1)" in r.text  # the act's other overtime numbers
    r = coordinator.post("/pool/law", data={"csrf": token, "profile": "no-aml", "overtime_per_year": "9000"})
    assert r.status_code == 422 and "Overtime in a year:" in r.text
    r = coordinator.post("/pool/law", data={"csrf": token, "profile": "no-aml", "week_starts": "sunday"})
    assert r.status_code == 200 and '<option value="sunday" selected>' in r.text
    r = coordinator.post("/pool/law", data={"csrf": token, "profile": "no-aml", "week_starts": "funday"})
    assert r.status_code == 422 and "Weeks start on:" in r.text
    agreed = {"csrf": token, "profile": "no-aml", "night_from": "22:00", "night_to": "07:00"}
    r = coordinator.post("/pool/law", data=agreed)
    assert r.status_code == 200 and "22:00–07:00 (the organisation&#39;s agreement)" in r.text
    r = coordinator.post("/pool/law", data={**agreed, "night_to": "05:00"})
    assert r.status_code == 422 and "Night ends:" in r.text and "holds 00:00 to 06:00" in r.text


def test_the_law_form_offers_every_parameter() -> None:
    from api.web.setup import LAW_FORM, LAW_LABELS
    from models.law import PARAMETERS

    assert sorted(name for name, _ in LAW_FORM) == sorted(PARAMETERS)
    assert set(PARAMETERS) <= set(LAW_LABELS)
