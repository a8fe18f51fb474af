"""Joining the pool and being let in, in a real browser: a citizen registers on a phone, the
coordinator approves them and their skill, and reads the roster; the worker's profile and calendar
link; no serious accessibility violation on any of these pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from models import tables as t
from models.enums import Role
from tests.api_helpers import add_user
from tests.browser_fixture import PHONE, screenshot, serious_violations
from tests.test_browser_worker import sign_in
from tests.web_fixture import ACCOUNTS, local

NEW_PASSWORD = "ochre lantern quietly folds"


@pytest.fixture
def browsers(browser: Browser, live):
    server, _ = live
    phone = browser.new_context(base_url=server.url, bypass_csp=True, **PHONE)
    desk = browser.new_context(base_url=server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield phone.new_page(), desk.new_page()
    phone.close()
    desk.close()


def test_a_citizen_registers_and_the_coordinator_lets_them_in(browsers, tmp_path: Path) -> None:
    phone, desk = browsers
    phone.goto("/sign-in")
    phone.get_by_role("link", name="Join your municipality's resource pool").click()
    phone.get_by_label("The pool's id").fill("oslo")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_label("Your name").fill("Cia Dahl")
    phone.get_by_label("E-mail").fill("cia@mail.no")
    phone.get_by_label("Password").fill(NEW_PASSWORD)
    phone.get_by_label("Nurse").check()
    assert serious_violations(phone) == []
    phone.get_by_role("button", name="Register").click()
    expect(phone.get_by_role("status")).to_contain_text("Your registration is received")

    sign_in(desk, ACCOUNTS["coordinator"])
    desk.get_by_role("link", name="Approvals").click()
    person = desk.get_by_role("article").filter(has_text="Cia Dahl")
    expect(person).to_contain_text("claims: Nurse")
    assert serious_violations(desk) == []
    person.get_by_role("button", name="Accept Cia Dahl into the pool").click()
    expect(desk.get_by_role("status").first).to_contain_text("Cia Dahl is a member now")
    skill = desk.get_by_role("article").filter(has_text="Cia Dahl: Nurse")
    skill.get_by_label(re.compile("Valid until")).fill("2030-06-30")
    skill.get_by_role("button", name="Approve").click()
    expect(desk.get_by_text("Cia Dahl: nurse approved until 30 Jun 2030.")).to_be_visible()

    desk.get_by_role("link", name="Roster", exact=True).click()
    expect(desk.locator("canvas[data-drawn]")).to_have_count(2)  # by place and by person
    expect(desk.get_by_role("row").filter(has_text="Ada Lund")).to_contain_text("08:00 Lia sykehjem")
    assert serious_violations(desk) == []
    screenshot(desk, "coordinator-roster", tmp_path)

    sign_in(phone, "cia@mail.no", NEW_PASSWORD)
    phone.get_by_role("link", name="Profile").click()
    expect(phone.get_by_role("row").filter(has_text="Nurse")).to_contain_text("approved until 30 Jun 2030")
    assert serious_violations(phone) == []
    phone.get_by_role("link", name="Calendar").click()
    phone.get_by_role("button", name="Make my calendar link").click()
    expect(phone.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(phone.get_by_role("link", name="Open in your calendar app")).to_have_attribute(
        "href", re.compile("^webcal://")
    )
    assert serious_violations(phone) == []
    screenshot(phone, "worker-calendar", tmp_path)


def test_a_worker_asks_for_time_off_and_the_manager_approves_it(browsers) -> None:
    phone, desk = browsers
    sign_in(phone, ACCOUNTS["worker"])
    phone.get_by_role("link", name="Time off").click()
    phone.get_by_label(re.compile(r"^From")).fill(local(2, 0)[:16])
    phone.get_by_label(re.compile(r"^Until")).fill(local(3, 0)[:16])
    phone.get_by_label(re.compile(r"^Reason")).fill("Ill child")
    phone.get_by_role("button", name="Ask for time off").click()
    expect(phone.get_by_role("status")).to_contain_text("sent to the coordinator and the manager to decide")
    assert serious_violations(phone) == []

    sign_in(desk, ACCOUNTS["manager"])
    desk.get_by_role("link", name="To decide").click()
    request = desk.get_by_role("article").filter(has_text="Ada Lund")
    expect(request).to_contain_text("Reason given: Ill child")
    assert serious_violations(desk) == []
    request.get_by_role("button", name="Approve Ada Lund's time off").click()
    expect(desk.get_by_role("status")).to_have_text("The time off is approved: the work is released and offered on.")
    phone.reload()
    expect(phone.get_by_role("article").first).to_contain_text("Granted")


def test_a_worker_offers_her_shift_and_a_colleague_takes_it_over(browser: Browser, live) -> None:
    server, seeded = live
    with Session(server.engine) as session:
        bo = session.exec(select(t.Worker).where(t.Worker.ref == "bo")).one()
        bo_id = bo.id
    add_user(server.engine, seeded["org"], "bo@oslo.no", Role.worker, worker_id=bo_id)
    ada = browser.new_context(base_url=server.url, bypass_csp=True, **PHONE).new_page()
    colleague = browser.new_context(base_url=server.url, bypass_csp=True, **PHONE).new_page()
    sign_in(ada, ACCOUNTS["worker"])
    coming = ada.get_by_role("region", name="Coming up").get_by_role("article").first
    coming.get_by_role("button", name=re.compile(r"^Offer this work \(Day shift, ")).click()
    expect(ada.get_by_role("status")).to_contain_text("Offered to your colleagues")
    assert serious_violations(ada) == []

    sign_in(colleague, "bo@oslo.no")
    colleague.get_by_role("link", name="Open work").click()
    offered = colleague.get_by_role("article").filter(has_text="Offered by Ada Lund")
    expect(offered).to_contain_text(re.compile(r"08:00–15:30 CES?T"))
    assert serious_violations(colleague) == []
    offered.get_by_role("button", name="Take over Day shift from Ada Lund").click()
    expect(colleague.get_by_role("status")).to_have_text("You took it over. It is in your calendar.")
    ada.reload()
    expect(ada.get_by_role("region", name="Coming up")).to_contain_text("Nothing booked yet.")  # given away
    ada.context.close()
    colleague.context.close()


def test_at_a_place_that_confirms_takes_a_worker_asks_and_the_manager_confirms(browsers, live, tmp_path: Path) -> None:
    phone, desk = browsers
    server, seeded = live
    with Session(server.engine) as session:
        lia = session.exec(select(t.Site).where(t.Site.ref == "lia")).one()
        lia.confirm_takes = True
        session.add(lia)
        bo_id = session.exec(select(t.Worker).where(t.Worker.ref == "bo")).one().id
        session.commit()
    add_user(server.engine, seeded["org"], "bo@oslo.no", Role.worker, worker_id=bo_id)
    sign_in(phone, "bo@oslo.no")
    phone.get_by_role("link", name="Open work").click()
    place = phone.get_by_role("article").filter(has_text="the manager confirms takes").first
    place.get_by_role("button", name=re.compile(r"^Ask for Day shift at Lia sykehjem")).click()
    expect(phone.get_by_role("status")).to_contain_text("its manager confirms takes")
    expect(phone.get_by_role("heading", name="Waiting for a manager")).to_be_visible()
    expect(phone.get_by_role("button", name="Withdraw your ask for Day shift at Lia sykehjem")).to_be_visible()
    assert serious_violations(phone) == []
    screenshot(phone, "worker-asked", tmp_path)

    sign_in(desk, ACCOUNTS["manager"])
    desk.get_by_role("link", name="To decide").click()
    ask = desk.get_by_role("region", name=re.compile(r"^Asks to take open work")).get_by_role("article")
    expect(ask).to_contain_text("Bo Berg: Day shift at Lia sykehjem")
    assert serious_violations(desk) == []
    screenshot(desk, "manager-decide", tmp_path)
    ask.get_by_role("button", name="Confirm Bo Berg").click()
    expect(desk.get_by_role("status")).to_have_text("Confirmed: the worker is booked and told.")
    phone.goto("/my")
    expect(phone.get_by_role("region", name="Coming up")).to_contain_text("Day shift at Lia sykehjem")
