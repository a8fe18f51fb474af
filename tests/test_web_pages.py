"""The pages over HTTP: signing in with CSRF-protected forms, roles and organisations kept apart, the
worker's offers answered through the same service as the API, times local with the zone named, and
no asset from a CDN (``/docs`` included)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import tables as t
from models.enums import AssignmentStatus
from tests.api_helpers import PASSWORD, sign_in
from tests.web_fixture import ACCOUNTS, local, pages_client, seed_web_pool

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


@pytest.fixture
def site(sqlite_engine: Engine) -> tuple[TestClient, dict]:
    engine = sqlite_engine
    seeded = seed_web_pool(engine)
    client = pages_client(engine)
    return client, seeded


def csrf(client: TestClient, path: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, r.text
    found = CSRF.search(r.text)
    assert found, "the page's form carries no CSRF token"
    return found.group(1)


def page_sign_in(client: TestClient, email: str, password: str = PASSWORD, next_url: str = "/") -> None:
    token = csrf(client, "/sign-in")
    r = client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf": token, "next": next_url},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def test_a_visitor_is_sent_to_sign_in_and_comes_back_after(site) -> None:
    client, _ = site
    r = client.get("/my", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/sign-in?next=/my"
    token = csrf(client, "/sign-in?next=/my")
    r = client.post(
        "/sign-in",
        data={"email": ACCOUNTS["worker"], "password": PASSWORD, "csrf": token, "next": "/my"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/my"
    cookie = r.headers["set-cookie"]
    assert "bemanna_session=" in cookie and "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie
    r = client.get("/my")
    assert r.status_code == 200 and "Ada Lund" in r.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_sign_in_never_redirects_off_the_site(site, target: str) -> None:
    client, _ = site
    token = csrf(client, "/sign-in")
    r = client.post(
        "/sign-in",
        data={"email": ACCOUNTS["worker"], "password": PASSWORD, "csrf": token, "next": target},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_a_wrong_password_is_answered_on_the_page_without_a_session(site) -> None:
    client, _ = site
    token = csrf(client, "/sign-in")
    r = client.post("/sign-in", data={"email": ACCOUNTS["worker"], "password": "wrong password", "csrf": token})
    assert r.status_code == 401 and "Wrong email or password" in r.text
    assert "bemanna_session" not in client.cookies
    assert 'value="ada@oslo.no"' in r.text and "wrong password" not in r.text  # the password is not sent back


def test_forms_without_this_sites_token_or_from_another_site_are_refused(site) -> None:
    client, seeded = site
    page_sign_in(client, ACCOUNTS["worker"])
    offer = seeded["offer"]
    r = client.post(f"/my/offers/{offer}/accept", data={})
    assert r.status_code == 403 and "<html" in r.text and "did not come from this site" in r.text
    r = client.post(f"/my/offers/{offer}/accept", data={"csrf": "0" * 64})
    assert r.status_code == 403
    token = csrf(client, "/my")
    r = client.post(f"/my/offers/{offer}/accept", data={"csrf": token}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and "another site" in r.text
    r = client.post(f"/my/offers/{offer}/accept", data={"csrf": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.get(t.Assignment, offer).status == AssignmentStatus.offered  # type: ignore[union-attr]


def test_a_new_session_gets_a_new_form_key(site) -> None:
    client, _ = site
    before = csrf(client, "/sign-in")
    page_sign_in(client, ACCOUNTS["worker"])
    assert csrf(client, "/my") != before


def test_the_worker_accepts_an_offer_on_the_page_and_sees_it_coming_up(site) -> None:
    client, seeded = site
    page_sign_in(client, ACCOUNTS["worker"])
    r = client.get("/my")
    assert "Offers to answer" in r.text and "Day shift at Lia sykehjem" in r.text
    assert re.search(r"08:00–15:30 CES?T", r.text), "times are local with the zone named"
    assert "Liavegen 1, Oslo" in r.text and "openstreetmap.org/?mlat=63.43000" in r.text
    token = CSRF.search(r.text).group(1)  # type: ignore[union-attr]
    r = client.post(f"/my/offers/{seeded['offer']}/accept", data={"csrf": token}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "You accepted this work" in r.text and "<html" not in r.text
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.get(t.Assignment, seeded["offer"]).status == AssignmentStatus.accepted  # type: ignore[union-attr]
    r = client.get("/my")
    assert "No offers right now" in r.text and r.text.count("Day shift at Lia sykehjem") == 2
    r = client.post(f"/my/offers/{seeded['offer']}/accept", data={"csrf": token})  # again, without htmx
    assert r.status_code == 409 and "accepted, not offered" in r.text


def test_a_declined_offer_leaves_the_page(site) -> None:
    client, seeded = site
    page_sign_in(client, ACCOUNTS["worker"])
    token = csrf(client, "/my")
    r = client.post(f"/my/offers/{seeded['offer']}/decline", data={"csrf": token})
    assert r.status_code == 200 and "You declined this offer" in r.text and "No offers right now" in r.text


@pytest.mark.parametrize("role", ["coordinator", "manager", "farmer"])
def test_the_workers_pages_are_only_for_workers(site, role: str) -> None:
    client, seeded = site
    page_sign_in(client, ACCOUNTS[role])
    assert client.get("/my").status_code == 403
    r = client.post(f"/my/offers/{seeded['offer']}/accept", data={"csrf": csrf(client, "/account/password")})
    assert r.status_code == 403 and "for workers" in r.text


def test_another_organisations_offer_is_not_found(site, sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    client, seeded = site
    page_sign_in(client, "eve@bergen.no")
    r = client.post(f"/my/offers/{seeded['offer']}/accept", data={"csrf": csrf(client, "/my")})
    assert r.status_code == 404 and "no assignment" in r.text.lower()
    with Session(engine) as session:
        assert session.get(t.Assignment, seeded["offer"]).status == AssignmentStatus.offered  # type: ignore[union-attr]


def test_changing_the_password_checks_it_and_signs_out_every_other_session(site) -> None:
    client, _ = site
    bearer = sign_in(client, ACCOUNTS["worker"])
    page_sign_in(client, ACCOUNTS["worker"])
    token = csrf(client, "/account/password")
    r = client.post("/account/password", data={"csrf": token, "current_password": "nope", "new_password": "x"})
    assert r.status_code == 422 and "not your current password" in r.text and 'aria-invalid="true"' in r.text
    r = client.post(
        "/account/password", data={"csrf": token, "current_password": PASSWORD, "new_password": "password1"}
    )
    assert r.status_code == 422 and "new_password" in r.text
    fresh = "ochre lantern quietly folds"
    r = client.post("/account/password", data={"csrf": token, "current_password": PASSWORD, "new_password": fresh})
    assert r.status_code == 200 and "Your password is changed" in r.text
    assert client.get("/my").status_code == 200  # this session stays
    assert client.get("/auth/me", headers=bearer).status_code == 401  # the others end
    sign_in(client, ACCOUNTS["worker"], fresh)


def test_the_api_changes_a_password_too(site) -> None:
    client, _ = site
    bearer = sign_in(client, ACCOUNTS["manager"])
    r = client.post("/auth/password", json={"current_password": "wrong", "new_password": "x" * 12}, headers=bearer)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "current_password"]
    fresh = "ochre lantern quietly folds"
    r = client.post("/auth/password", json={"current_password": PASSWORD, "new_password": fresh}, headers=bearer)
    assert r.status_code == 204
    assert client.get("/auth/me", headers=bearer).status_code == 200  # the token used stays signed in


def test_sign_out_ends_the_session_in_the_database(site) -> None:
    client, _ = site
    page_sign_in(client, ACCOUNTS["worker"])
    stolen = client.cookies.get("bemanna_session")
    token = csrf(client, "/my")
    r = client.post("/sign-out", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/sign-in"
    client.cookies.set("bemanna_session", stolen)  # type: ignore[arg-type]
    assert client.get("/my", follow_redirects=False).status_code == 303


def test_pages_carry_a_strict_content_security_policy(site) -> None:
    client, _ = site
    r = client.get("/sign-in")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store"
    assert "<script>" not in r.text and " on" not in re.sub(r"\s+", " ", r.text).split("<body")[1].split(">")[0]


def test_docs_and_pages_load_nothing_from_another_host(site) -> None:
    client, _ = site
    for path in ("/docs", "/sign-in"):
        text = client.get(path).text
        assert not re.search(r"(src|href)=[\"']?https?://", text), f"{path} loads from another host"
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "htmx.min.js", "chart.umd.min.js"):
        r = client.get(f"/assets/{name}")
        assert r.status_code == 200 and len(r.content) > 10_000, name
    assert client.get("/assets/..%2Fpackage.json").status_code == 404
    assert client.get("/assets/package.json").status_code == 404


def test_the_worker_makes_a_calendar_link_with_webcal_and_a_qr_code(site) -> None:
    client, _ = site
    page_sign_in(client, ACCOUNTS["worker"])
    r = client.get("/my/calendar")
    assert r.status_code == 200 and "Make my calendar link" in r.text
    r = client.post("/my/calendar", data={"csrf": CSRF.search(r.text).group(1)})  # type: ignore[union-attr]
    https = re.search(r'value="(https://testserver/calendars/workers/[^"]+\.ics)"', r.text).group(1)  # type: ignore[union-attr]
    assert f'href="webcal://{https.split("://")[1]}"' in r.text and 'src="data:image/svg+xml' in r.text
    feed = client.get(https.replace("https://testserver", ""))
    assert feed.status_code == 200 and "BEGIN:VCALENDAR" in feed.text and "Day shift" in feed.text
    again = client.get("/my/calendar").text
    assert "You made a link on" in again and https not in again  # the secret is not shown twice
    client.post("/my/calendar", data={"csrf": CSRF.search(again).group(1)})  # type: ignore[union-attr]
    assert client.get(https.replace("https://testserver", "")).status_code == 404  # the old link stopped


def test_a_citizen_registers_on_the_page_and_waits_for_approval(site, sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    client, _ = site
    r = client.get("/register", params={"pool": "nowhere"})
    assert r.status_code == 404 and "There is no pool" in r.text
    r = client.get("/register", params={"pool": "oslo"})
    assert r.status_code == 200 and "Join Oslo pool" in r.text and 'value="63.4' in r.text  # near the region's places
    form = {
        "csrf": CSRF.search(r.text).group(1),  # type: ignore[union-attr]
        "pool": "oslo",
        "name": "Cia Dahl",
        "email": "cia@mail.no",
        "password": "password1",
        "kind": "health",
        "region_id": "centre",
        "home_lat": "63.42",
        "home_lon": "10.40",
        "max_travel_km": "25",
        "skills": ["nurse"],
    }
    r = client.post("/register", data=form)
    assert r.status_code == 422 and "Password:" in r.text and 'value="Cia Dahl"' in r.text
    r = client.post("/register", data={**form, "password": "ochre lantern quietly folds", "home_lat": "123"})
    assert r.status_code == 422 and "Latitude: Input should be less than or equal to 90" in r.text
    r = client.post("/register", data={**form, "password": "ochre lantern quietly folds"})
    assert r.status_code == 202 and "Your registration is received" in r.text
    page_sign_in(client, "cia@mail.no", "ochre lantern quietly folds")
    home = client.get("/my").text
    assert "waiting for the coordinator" in home
    profile = client.get("/my/profile").text
    assert "Cia Dahl" in profile and "Nurse" in profile and "waiting for the coordinator&#39;s approval" in profile
    with Session(engine) as session:
        cia = session.exec(select(t.Worker).where(t.Worker.name == "Cia Dahl")).one()
        assert cia.pending and cia.max_travel_km == 25 and cia.hourly_rate is None


ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:dentist@test\r\n"
    "DTSTART:{day}T090000Z\r\nDTEND:{day}T100000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_the_worker_imports_busy_times_from_a_file_and_saves_a_calendar_address(site, monkeypatch) -> None:
    from calendars import fetch

    monkeypatch.setattr(fetch, "RESOLVE", lambda host: ["10.0.0.5"] if host == "127.0.0.1" else ["93.184.215.14"])
    client, _ = site
    page_sign_in(client, ACCOUNTS["worker"])
    token = csrf(client, "/my/busy")
    day = local(3, 0)[:10].replace("-", "")
    r = client.post(
        "/my/busy/file", data={"csrf": token}, files={"file": ("cal.ics", ICS.format(day=day), "text/calendar")}
    )
    assert r.status_code == 200 and "Imported 1 busy period(s) from 1 event(s)" in r.text
    assert re.search(r"<li>\w{3} \d+ \w{3} \d{4}, 1[01]:00–1[12]:00 CES?T</li>", r.text)  # local, zone named
    r = client.post(
        "/my/busy/file", data={"csrf": token}, files={"file": ("cal.ics", b"not a calendar", "text/calendar")}
    )
    assert r.status_code == 422 and "The file could not be used" in r.text and "Imported" not in r.text
    r = client.post("/my/busy/url", data={"csrf": token, "url": "http://127.0.0.1/cal.ics"})
    assert r.status_code == 422 and "Calendar address:" in r.text
    r = client.post(
        "/my/busy/url", data={"csrf": token, "url": "webcal://calendar.example.com/private/secret-token.ics"}
    )
    assert r.status_code == 200 and "address is saved" in r.text
    assert "://calendar.example.com/..." in r.text and "secret-token" not in r.text  # the token stays hidden
    r = client.post("/my/busy/file", files={"file": ("cal.ics", ICS.format(day=day), "text/calendar")})
    assert r.status_code == 403  # an upload without the form's token
