"""The worker's main flow in a real browser on a phone-sized screen: sign in, answer an offer with a
click, see it coming up in local time; no serious accessibility violation on the way."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from models import tables as t
from models.enums import AvailabilityKind
from models.store import make_engine
from tests.api_helpers import PASSWORD
from tests.browser_fixture import PHONE, screenshot, serious_violations
from tests.test_web_pages import ICS
from tests.web_fixture import ACCOUNTS, OSLO, local


@pytest.fixture
def phone(browser: Browser, live):
    server, seeded = live
    context = browser.new_context(base_url=server.url, bypass_csp=True, **PHONE)  # bypass: to inject axe only
    page = context.new_page()
    yield page, seeded
    context.close()


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))  # signed in: the next step starts on their page


def test_a_worker_accepts_an_offer_on_the_phone(phone, tmp_path: Path) -> None:
    page, _ = phone
    sign_in(page, ACCOUNTS["worker"])
    expect(page.get_by_role("heading", name="Hello, Ada Lund")).to_be_visible()
    offers = page.get_by_role("region", name=re.compile("Offers to answer"))
    offer = offers.get_by_role("article")
    expect(offer).to_have_count(1)
    expect(offer).to_contain_text(re.compile(r"08:00–15:30 CES?T"))
    assert serious_violations(page) == []
    screenshot(page, "worker-phone", tmp_path)
    offer.get_by_role("button", name="Accept").click()
    expect(offer.get_by_role("status")).to_have_text("You accepted this work. It is in your calendar.")
    page.reload()
    expect(offers).to_contain_text("No offers right now.")
    coming = page.get_by_role("region", name="Coming up").get_by_role("article")
    expect(coming).to_have_count(2)
    expect(coming.first.get_by_role("link", name=re.compile("Map of Lia sykehjem"))).to_have_attribute(
        "href", re.compile(r"^https://www\.openstreetmap\.org/\?mlat=63\.43000")
    )
    assert serious_violations(page) == []


def test_the_page_fits_a_phone_without_sideways_scrolling(phone) -> None:
    page, _ = phone
    sign_in(page, ACCOUNTS["worker"])
    expect(page.get_by_role("heading", name="Hello, Ada Lund")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"


def test_signing_out_in_the_browser_ends_the_session(phone) -> None:
    page, _ = phone
    sign_in(page, ACCOUNTS["worker"])
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.goto("/my")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/my"))


def test_a_worker_uploads_busy_times_from_the_phone(phone, tmp_path: Path) -> None:
    page, _ = phone
    sign_in(page, ACCOUNTS["worker"])
    page.get_by_role("link", name="Busy times").click()
    day = local(3, 0)[:10].replace("-", "")
    ics = tmp_path / "my-calendar.ics"
    ics.write_text(ICS.format(day=day))
    page.get_by_label(re.compile(r"\.ics file")).set_input_files(str(ics))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("Imported 1 busy period(s)")
    expect(page.get_by_role("listitem").filter(has_text=re.compile(r"1[01]:00–1[12]:00 CES?T"))).to_have_count(1)
    assert serious_violations(page) == []


def test_a_worker_marks_her_week_on_the_phone(phone, tmp_path: Path) -> None:
    page, _ = phone
    sign_in(page, ACCOUNTS["worker"])
    page.get_by_role("link", name="My week").click()
    expect(page.get_by_role("heading", name=re.compile(r"^My week from"))).to_be_visible()
    tomorrow = local(1, 0)[:10]
    page.goto(f"/my/week?day={tomorrow}")
    night = page.get_by_label(re.compile(r", Night ")).nth(dt.date.fromisoformat(tomorrow).weekday())
    night.select_option(label="Busy")
    page.get_by_role("button", name="Save my week").click()
    expect(page.get_by_role("status")).to_have_text("Your week is saved.")
    expect(page.get_by_label(re.compile(r", Night ")).nth(dt.date.fromisoformat(tomorrow).weekday())).to_have_value(
        "busy"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the week is {width} px wide on a 390 px screen"
    assert serious_violations(page) == []
    screenshot(page, "worker-week", tmp_path)


def test_a_worker_takes_open_work_on_the_phone(phone) -> None:
    page, _ = phone
    sign_in(page, ACCOUNTS["worker"])
    page.get_by_role("link", name="Open work").click()
    place = page.get_by_role("article").filter(has_text="Day shift at Lia sykehjem")
    expect(place).to_contain_text(re.compile(r"08:00–15:30 CES?T"))
    assert serious_violations(page) == []
    place.get_by_role("button", name=re.compile("^Take Day shift")).click()
    expect(page.get_by_role("status")).to_have_text(
        "You are booked on Day shift at Lia sykehjem. It is in your calendar."
    )
    page.get_by_role("link", name="My work").click()
    expect(page.get_by_role("region", name="Coming up").get_by_role("article")).to_have_count(2)


def test_the_week_fits_a_phone_and_shows_booked_work_and_windows_as_entered(phone, tmp_path: Path) -> None:
    """Defect 6 of issue 34: on a 390 px screen the grid read "As entere" and showed none of her work.
    Each day is a card whose blocks fit the screen; a block with finer windows says so in full, and
    the day of her accepted shift lists it."""
    page, _ = phone
    day = dt.date.fromisoformat(local(2, 0)[:10])  # she accepted that day's shift, 08:00–15:30
    engine = make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")  # the live server's database
    with Session(engine) as session:
        ada = session.exec(select(t.Worker).where(t.Worker.ref == "ada")).one()
        at = [dt.datetime.combine(day, dt.time(h), tzinfo=OSLO) for h in (9, 11)]
        session.add(t.Availability(worker_id=ada.id, kind=AvailabilityKind.available, start_utc=at[0], end_utc=at[1]))
        session.commit()
    engine.dispose()
    sign_in(page, ACCOUNTS["worker"])
    page.goto(f"/my/week?day={day.isoformat()}")
    card = page.get_by_role("group", name=day.strftime("%A %d %B"))
    block = card.get_by_label(re.compile(r", Day 08:00–15:30$"))
    expect(block).to_have_value("mixed")
    expect(block.locator("option:checked")).to_have_text("As entered")
    detail = card.locator(".detail")
    expect(detail).to_have_text("free 09:00–11:00")
    assert detail.evaluate("e => e.scrollWidth <= e.clientWidth"), "the windows as entered are cut off"
    for select_ in page.locator("select").all():
        box = select_.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    booked = card.get_by_role("list", name=re.compile("^Booked on"))
    expect(booked).to_have_text("Booked 08:00–15:30: Day shift at Lia sykehjem")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the week is {width} px wide on a 390 px screen"
    assert serious_violations(page) == []


def test_open_work_says_why_work_she_almost_fits_is_not_offered_on_the_phone(phone, tmp_path: Path) -> None:
    page, _ = phone
    tomorrow = dt.date.fromisoformat(local(1, 0)[:10])
    engine = make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    with Session(engine) as session:
        ada = session.exec(select(t.Worker).where(t.Worker.ref == "ada")).one()
        ada.always_available = False
        session.add(ada)
        at = [dt.datetime.combine(tomorrow, dt.time(h), tzinfo=OSLO) for h in (7, 15)]
        session.add(t.Availability(worker_id=ada.id, kind=AvailabilityKind.available, start_utc=at[0], end_utc=at[1]))
        offer = session.exec(select(t.Assignment).where(t.Assignment.worker_id == ada.id)).all()
        for a in offer:
            if a.status == "offered":
                session.delete(a)  # nothing of hers on that shift: only the times keep her from it
        session.commit()
    engine.dispose()
    sign_in(page, ACCOUNTS["worker"])
    page.goto("/my/open")
    expect(page.get_by_role("heading", name="Work you almost fit")).to_be_visible()
    card = page.get_by_role("article").filter(has_text="Not offered to you")
    expect(card).to_contain_text(f"you have not marked {tomorrow:%a} 15:00–15:30 free")
    card.get_by_role("link", name="Change that week").click()
    expect(page.get_by_role("heading", name=re.compile(r"^My week from"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
