"""The health manager's and the farmer's pages over HTTP: the week's shifts and a job's days with who
is coming, posting through forms (errors named by field, nothing half-written), a sick call, and
filling the gap with ranked candidates whose reasons are words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import tables as t
from models.enums import AssignmentStatus
from tests.test_web_pages import csrf, page_sign_in
from tests.web_fixture import ACCOUNTS, OSLO, local, pages_client, seed_web_pool


def signed_in(engine: Engine, role: str) -> TestClient:
    client = pages_client(engine)
    page_sign_in(client, ACCOUNTS[role])
    return client


@pytest.fixture
def manager(sqlite_engine: Engine) -> TestClient:
    engine = sqlite_engine
    seed_web_pool(engine)
    return signed_in(engine, "manager")


def week_of(days: int) -> str:
    day = dt.date.fromisoformat(local(days, 0)[:10])
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def test_the_week_shows_each_shift_with_who_is_booked_and_what_is_open(manager: TestClient) -> None:
    text = manager.get("/manage", params={"week": week_of(1)}).text
    assert "Day shift at Lia sykehjem" in text and re.search(r"08:00–15:30 CES?T", text)
    assert "2 needed · 0 booked · offered to Ada Lund" in text and "2 open" in text
    assert "2 of 2 places open" in text and "workers with approved skill" in text  # why, in words
    day2 = manager.get("/manage", params={"week": week_of(2)}).text
    assert "1 needed · 1 booked" in day2 and "Sick call" in day2


def test_a_shift_is_posted_and_edited_through_the_form(manager: TestClient, sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    token = csrf(manager, "/manage/shifts/new")
    day = local(3, 0)[:10]
    form = {
        "csrf": token,
        "site_id": "lia",
        "title": "Night",
        "day": day,
        "start_time": "22:00",
        "end_time": "07:00",
        "headcount": "2",
        "priority": "critical",
        "required_skills": "nurse",
    }
    r = manager.post("/manage/shifts/new", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    with Session(engine) as session:
        night = session.exec(select(t.Shift).where(t.Shift.title == "Night")).one()
        start, end = (v.replace(tzinfo=dt.UTC).astimezone(OSLO) for v in (night.start_utc, night.end_utc))
    assert f"{start:%H:%M}" == "22:00" and f"{end:%H:%M}" == "07:00" and (end - start) == dt.timedelta(hours=9)
    r = manager.post(f"/manage/shifts/{night.ref}/edit", data={**form, "headcount": "3"}, follow_redirects=False)
    assert r.status_code == 303
    with Session(engine) as session:
        assert session.exec(select(t.Shift).where(t.Shift.ref == night.ref)).one().headcount == 3


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"headcount": "-1"}, "People needed: Input should be greater than or equal to 0"),
        ({"start_time": "25:00"}, "The form:"),
        ({"site_id": "sentrum"}, "only at the places you run"),
        ({"site_id": "nowhere"}, "Site: no site"),
        ({"required_skills": "surgeon"}, "Skills: "),
    ],
)
def test_a_bad_shift_form_is_answered_by_field_and_stores_nothing(
    manager: TestClient, sqlite_engine: Engine, change, words
) -> None:
    engine = sqlite_engine
    token = csrf(manager, "/manage/shifts/new")
    form = {
        "csrf": token,
        "site_id": "lia",
        "title": "Bad",
        "day": local(3, 0)[:10],
        "start_time": "08:00",
        "end_time": "15:00",
        "headcount": "1",
        "priority": "normal",
        **change,
    }
    r = manager.post("/manage/shifts/new", data=form)
    assert r.status_code in (403, 422) and words in r.text.replace("&#39;", "'"), r.text[-1500:]
    assert 'value="Bad"' in r.text  # the form keeps what was typed
    with Session(engine) as session:
        assert session.exec(select(t.Shift).where(t.Shift.title == "Bad")).all() == []


def test_a_sick_call_then_the_gap_is_filled_with_reasons_in_words(manager: TestClient, sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    text = manager.get("/manage", params={"week": week_of(2)}).text
    booking = re.search(r"/manage/bookings/(\d+)/cancel", text).group(1)  # type: ignore[union-attr]
    token = csrf(manager, "/manage")
    r = manager.post(f"/manage/bookings/{booking}/cancel", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/manage/shifts/day2/fill"
    page = manager.get("/manage/shifts/day2/fill").text
    assert "1 place(s) open" in page
    assert re.search(r"<strong>Bo Berg</strong>: chosen: 0 km from home, 7.5 h in the 7 days", page)
    assert "<strong>Ada Lund</strong>: declined or was cancelled on this work before" in page
    assert "score" not in page
    r = manager.post("/manage/shifts/day2/fill", data={"csrf": token})
    assert r.status_code == 200 and "Offered to Bo Berg." in r.text
    with Session(engine) as session:
        bo = session.exec(select(t.Worker).where(t.Worker.ref == "bo")).one()
        mine = session.exec(select(t.Assignment).where(t.Assignment.worker_id == bo.id)).one()
        assert mine.status == AssignmentStatus.offered


def test_places_pages_keep_to_their_roles_and_places(engine: Engine) -> None:
    seed_web_pool(engine)
    for role in ("farmer", "worker"):
        assert signed_in(engine, role).get("/manage").status_code == 403
    for role in ("manager", "worker"):
        assert signed_in(engine, role).get("/farm").status_code == 403
    other = pages_client(engine)
    page_sign_in(other, "coord@bergen.no")
    assert other.get("/manage/shifts/day1/fill").status_code == 404  # another pool's shift
    assert "Lia sykehjem" not in other.get("/manage", params={"week": week_of(1)}).text


def _job_form(engine: Engine, headcount: str) -> tuple[TestClient, dict[str, str]]:
    """The farmer signed in on the seeded pool, and a job form for days 3 to 5 from today."""
    seed_web_pool(engine)
    farmer = signed_in(engine, "farmer")
    form = {
        "csrf": csrf(farmer, "/farm/jobs/new"),
        "farm_id": "berg",
        "title": "Strawberry picking",
        "first_day": local(3, 0)[:10],
        "last_day": local(5, 0)[:10],
        "daily_start": "07:00",
        "daily_hours": "6",
        "headcount": headcount,
        "pay_per_hour": "190",
    }
    return farmer, form


def test_a_farmer_posts_a_job_sees_each_day_and_fills_a_day(sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    farmer, form = _job_form(engine, "1")
    token, first = form["csrf"], form["first_day"]
    r = farmer.post("/farm/jobs/new", data={**form, "last_day": local(1, 0)[:10]})
    assert r.status_code == 422 and "Last day:" in r.text
    r = farmer.post("/farm/jobs/new", data=form, follow_redirects=False)
    assert r.status_code == 303
    text = farmer.get("/farm").text
    assert "Strawberry picking at Berg gård" in text and text.count(">Fill</a>") == 3 and "NOK 190 an hour" in text
    with Session(engine) as session:
        job = session.exec(select(t.Job)).one()
    page = farmer.get(f"/farm/jobs/{job.ref}/days/{first}/fill").text
    assert "Strawberry picking at Berg gård" in page and re.search(r"07:00–13:00 CES?T", page)
    r = farmer.post(f"/farm/jobs/{job.ref}/days/{first}/fill", data={"csrf": token})
    assert r.status_code == 200 and "Offered to" in r.text
    assert farmer.get(f"/farm/jobs/{job.ref}/days/2000-01-01/fill").status_code == 422


def test_a_farmer_edits_a_job_and_the_bookings_it_would_break_are_named(sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    farmer, form = _job_form(engine, "2")
    first, last = form["first_day"], form["last_day"]
    assert farmer.post("/farm/jobs/new", data=form, follow_redirects=False).status_code == 303
    with Session(engine) as session:
        job = session.exec(select(t.Job)).one()
        ref = job.ref
        for worker in session.exec(select(t.Worker).where(col(t.Worker.ref).in_(["ada", "bo"]))):
            session.add(
                t.Assignment(
                    organisation_id=job.organisation_id,
                    worker_id=worker.id,
                    job_id=job.id,
                    day=dt.date.fromisoformat(first),
                    status=AssignmentStatus.accepted,
                )
            )
        session.commit()
    page = farmer.get(f"/farm/jobs/{ref}/edit").text
    assert "Edit the job" in page and 'value="Strawberry picking"' in page and 'value="190"' in page
    r = farmer.post(f"/farm/jobs/{ref}/edit", data={**form, "daily_hours": "30"})
    assert r.status_code == 422 and "Hours a day:" in r.text
    r = farmer.post(f"/farm/jobs/{ref}/edit", data={**form, "headcount": "1"})
    assert r.status_code == 409 and "2 workers have accepted" in r.text and "Bo Berg" in r.text  # named
    r = farmer.post(
        f"/farm/jobs/{ref}/edit", data={**form, "title": "Raspberries", "headcount": "3"}, follow_redirects=False
    )
    assert r.status_code == 303
    with Session(engine) as session:
        saved = session.exec(select(t.Job)).one()
        assert (saved.title, saved.headcount, str(saved.last_day)) == ("Raspberries", 3, last)
    assert signed_in(engine, "manager").get(f"/farm/jobs/{ref}/edit").status_code == 403
    other = pages_client(engine)
    page_sign_in(other, "coord@bergen.no")
    assert other.get(f"/farm/jobs/{ref}/edit").status_code == 404
