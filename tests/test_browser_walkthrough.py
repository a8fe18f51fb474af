"""The README's walk-through, as people do it in a real browser, from an empty pool: the coordinator
sets it up, two citizens register on their phones and are let in, they mark their week, a manager
posts a shift, the coordinator plans and offers, a worker accepts, calls in sick, and the manager fills
the gap with the other one. Every step is a click or a typed field; nothing is seeded but the pool and
its first coordinator (what ``bemanna org create`` and ``bemanna user add`` make)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from api.app import create_app
from api.background.jobs import JobRunner
from models.enums import Role
from models.store import init_db, make_engine
from tests.api_helpers import PASSWORD, add_org, add_user
from tests.browser_fixture import PHONE, serious_violations
from tests.test_browser_worker import sign_in
from tests.web_fixture import OSLO, serve

MANAGER_PASSWORD = "walnut harbour gently sings"
WORKERS = {"Cia Dahl": "cia@mail.no", "Dan Eik": "dan@mail.no"}


@pytest.fixture
def pages(browser: Browser, tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'walk.sqlite3'}")
    init_db(engine)
    org = add_org(engine, "trondheim")
    add_user(engine, org, "pool@trondheim.no", Role.coordinator)
    app = create_app(engine, migrate=False, runner=JobRunner(engine, poll_seconds=0.1))
    for server in serve(app, engine):
        desk = browser.new_context(base_url=server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
        phone = browser.new_context(base_url=server.url, bypass_csp=True, **PHONE)
        yield desk.new_page(), phone.new_page()
        desk.close()
        phone.close()
    engine.dispose()


def _set_up(desk: Page) -> None:
    sign_in(desk, "pool@trondheim.no")
    desk.get_by_role("link", name="Set-up").click()
    regions = desk.get_by_role("region", name="Regions")
    regions.get_by_label("Short id").fill("centre")
    regions.get_by_label("Name").fill("Sentrum")
    regions.get_by_role("button", name="Add the region").click()
    expect(desk.get_by_role("status")).to_have_text("Sentrum added.")
    skills = desk.get_by_role("region", name="Skills")
    skills.get_by_label("Short id").fill("nurse")
    skills.get_by_label("Name").fill("Nurse")
    skills.get_by_role("button", name="Add the skill").click()
    sites = desk.get_by_role("region", name="Health sites")
    sites.get_by_text("Add a site").click()
    sites.get_by_label("Short id").fill("lia")
    sites.get_by_label("Name").fill("Lia sykehjem")
    sites.get_by_label("Address").fill("Liavegen 1, Trondheim")
    sites.get_by_label("Latitude").fill("63.43")
    sites.get_by_label("Longitude").fill("10.39")
    sites.get_by_role("button", name="Add the site").click()
    expect(desk.get_by_role("status")).to_have_text("Lia sykehjem added.")
    assert serious_violations(desk) == []
    desk.get_by_role("link", name="Accounts of managers, farmers and workers").click()
    desk.get_by_label("E-mail").fill("leder@lia.no")
    desk.get_by_label("Name").fill("Lena Leder")
    desk.get_by_label("Role").select_option("manager")
    desk.get_by_label("First password (they change it)").fill(MANAGER_PASSWORD)
    desk.get_by_label("Lia sykehjem").check()
    desk.get_by_role("button", name="Add the account").click()
    expect(desk.get_by_role("status")).to_contain_text("leder@lia.no can sign in now")


def _register(phone: Page, name: str, email: str) -> None:
    phone.context.clear_cookies()
    phone.goto("/sign-in")
    phone.get_by_role("link", name="Join your municipality's resource pool").click()
    phone.get_by_label("The pool's id").fill("trondheim")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_label("Your name").fill(name)
    phone.get_by_label("E-mail").fill(email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_label("Nurse").check()
    phone.get_by_role("button", name="Register").click()
    expect(phone.get_by_role("status")).to_contain_text("Your registration is received")


def _let_in(desk: Page, name: str) -> None:
    desk.get_by_role("link", name="Approvals").click()
    desk.get_by_role("button", name=f"Accept {name} into the pool").click()
    expect(desk.get_by_role("status").first).to_contain_text(f"{name} is a member now")
    desk.get_by_role("article").filter(has_text=f"{name}: Nurse").get_by_role("button", name="Approve").click()
    expect(desk.get_by_text(f"{name}: nurse approved")).to_be_visible()


def _free_on(phone: Page, email: str, day: dt.date) -> None:
    sign_in(phone, email)
    phone.get_by_role("link", name="My week").click()
    phone.goto(f"/my/week?day={day.isoformat()}")
    phone.get_by_label(f"{day:%A %d %B}, day").select_option(label="Free")
    phone.get_by_role("button", name="Save my week").click()
    expect(phone.get_by_role("status")).to_have_text("Your week is saved.")


def _manager_week(desk: Page, day: dt.date) -> None:
    desk.goto(f"/manage?week={(day - dt.timedelta(days=day.weekday())).isoformat()}")


def test_the_readme_walkthrough_in_the_browser(pages) -> None:
    desk, phone = pages
    day = dt.datetime.now(OSLO).date() + dt.timedelta(days=2)

    _set_up(desk)  # 1. coordinator set-up
    for name, email in WORKERS.items():  # 2. worker registration, let in, and their week
        _register(phone, name, email)
        _let_in(desk, name)
        _free_on(phone, email, day)

    sign_in(desk, "leder@lia.no", MANAGER_PASSWORD)  # 3. postings
    desk.get_by_role("link", name="Post a shift").first.click()
    desk.get_by_label("Site").select_option(label="Lia sykehjem")
    desk.get_by_label("Title").fill("Day shift")
    desk.get_by_label("Day", exact=True).fill(day.isoformat())
    desk.get_by_label(re.compile(r"^Starts")).fill("08:00")
    desk.get_by_label(re.compile(r"^Ends")).fill("15:00")
    desk.get_by_label("Nurse").check()
    desk.get_by_role("button", name="Post the shift").click()
    expect(desk.get_by_role("article").filter(has_text="Day shift")).to_contain_text("1 needed")

    sign_in(desk, "pool@trondheim.no")  # 4. solve
    desk.get_by_role("link", name="Plan a roster").first.click()
    desk.get_by_label("First day").fill(day.isoformat())
    desk.get_by_label("Last day").fill(day.isoformat())
    desk.get_by_label("Seconds of search").fill("3")
    desk.get_by_role("button", name="Start planning").click()
    expect(desk.get_by_role("status").first).to_have_text("Done.", timeout=60_000)
    expect(desk.get_by_text("1 of 1 places filled")).to_be_visible()
    desk.get_by_role("button", name=re.compile(r"Offer 1 proposal")).click()  # 5. offers
    expect(desk.get_by_text("1 offer(s) sent")).to_be_visible()

    chosen = None  # 6. accept: whoever the plan chose finds the offer on their phone
    for name, email in WORKERS.items():
        sign_in(phone, email)
        expect(phone.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()  # signed in: the page is theirs
        offer = phone.get_by_role("region", name=re.compile("Offers to answer")).get_by_role("article")
        if offer.count():
            chosen = name
            expect(offer).to_contain_text(re.compile(r"08:00–15:00 CES?T"))
            offer.get_by_role("button", name="Accept").click()
            expect(offer.get_by_role("status")).to_have_text("You accepted this work. It is in your calendar.")
    assert chosen is not None, "nobody got the offer"
    other = next(n for n in WORKERS if n != chosen)

    sign_in(desk, "leder@lia.no", MANAGER_PASSWORD)  # 7. sick call
    _manager_week(desk, day)
    shift = desk.get_by_role("article").filter(has_text="Day shift")
    expect(shift).to_contain_text(chosen)
    shift.get_by_role("button", name=re.compile(f"{chosen} cannot come")).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Fill the gap")  # 8. fill
    expect(desk.get_by_role("list").filter(has_text=other).first).to_contain_text("km from home")
    desk.get_by_role("button", name=re.compile("Offer to the 1 best")).click()
    expect(desk.get_by_text(f"Offered to {other}.")).to_be_visible()

    sign_in(phone, WORKERS[other])  # the next accept fills the gap
    phone.get_by_role("region", name=re.compile("Offers to answer")).get_by_role("button", name="Accept").click()
    expect(phone.get_by_role("status").first).to_have_text("You accepted this work. It is in your calendar.")
    _manager_week(desk, day)
    shift = desk.get_by_role("article").filter(has_text="Day shift")
    expect(shift).to_contain_text(other)
    expect(shift).not_to_contain_text(chosen)
    assert serious_violations(desk) == [] and serious_violations(phone) == []
