"""The health manager's and the farmer's main flows in a real browser: a sick call, then the gap filled
with one click; a multi-day job posted and a day filled; no serious accessibility violation."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from models import tables as t
from models.store import make_engine
from tests.browser_fixture import PHONE, screenshot, serious_violations
from tests.test_browser_worker import sign_in
from tests.web_fixture import ACCOUNTS, local


@pytest.fixture
def desk(browser: Browser, live):
    server, _ = live
    context = browser.new_context(base_url=server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_a_manager_takes_a_sick_call_and_fills_the_gap(desk, tmp_path: Path) -> None:
    page = desk
    sign_in(page, ACCOUNTS["manager"])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Shifts, week of")
    day2 = dt.date.fromisoformat(local(2, 0)[:10])
    if day2.weekday() == 0:  # tomorrow's week does not hold day 2: go one week on
        page.get_by_role("link", name="Next week →").click()
    shift = page.get_by_role("article").filter(has_text="1 needed")
    expect(shift).to_contain_text("Ada Lund")
    assert serious_violations(page) == []
    screenshot(page, "manager-week", tmp_path)
    shift.get_by_role("button", name=re.compile("Ada Lund cannot come")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fill the gap")
    candidates = page.get_by_role("list").filter(has_text="Bo Berg")
    expect(candidates.first).to_contain_text("km from home")
    assert serious_violations(page) == []
    screenshot(page, "manager-fill", tmp_path)
    page.get_by_role("button", name=re.compile("Offer to the 1 best")).click()
    expect(page.get_by_text("Offered to Bo Berg.")).to_be_visible()


def test_a_farmer_posts_a_job_and_fills_a_day(desk, tmp_path: Path) -> None:
    page = desk
    sign_in(page, ACCOUNTS["farmer"])
    expect(page.get_by_role("heading", name="Your jobs")).to_be_visible()
    page.get_by_role("link", name="Post a paid job").click()
    page.get_by_label("What the work is").fill("Strawberry picking")
    page.get_by_label("First day").fill(local(3, 0)[:10])
    page.get_by_label("Last day").fill(local(5, 0)[:10])
    page.get_by_label("Pay per hour (NOK)").fill("190")
    page.get_by_label("People needed each day").fill("1")
    page.get_by_role("button", name="Post the job").click()
    job = page.get_by_role("region", name=re.compile("Strawberry picking"))
    expect(job.get_by_role("row")).to_have_count(4)  # a header and three days
    assert serious_violations(page) == []
    screenshot(page, "farmer-jobs", tmp_path)
    job.get_by_role("link", name="Fill").first.click()
    page.get_by_role("button", name=re.compile("Offer to the 1 best")).click()
    expect(page.get_by_text(re.compile(r"Offered to (Ada Lund|Bo Berg)\."))).to_be_visible()


def test_people_who_share_a_name_are_told_apart_on_a_phone(browser: Browser, live, tmp_path: Path) -> None:
    """Issue 34, defect 3: with two workers named alike, the manager's fill page on a phone names each
    with her id, and the offer says to whom it went."""
    server, _ = live
    engine = make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")  # the live server's database
    with Session(engine) as session:
        bo = session.exec(select(t.Worker).where(t.Worker.ref == "bo")).one()
        bo.name = "Ada Lund"  # ada's own name
        session.add(bo)
        session.commit()
    engine.dispose()
    context = browser.new_context(base_url=server.url, bypass_csp=True, **PHONE)
    page = context.new_page()
    try:
        sign_in(page, ACCOUNTS["manager"])
        day2 = dt.date.fromisoformat(local(2, 0)[:10])
        if day2.weekday() == 0:
            page.get_by_role("link", name="Next week →").click()
        shift = page.get_by_role("article").filter(has_text="1 needed")
        shift.get_by_role("button", name=re.compile("Ada Lund cannot come")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Fill the gap")
        expect(page.get_by_text("Ada Lund (bo)").first).to_be_visible()
        expect(page.get_by_text("Ada Lund (ada)").first).to_be_visible()
        page.get_by_role("button", name=re.compile("Offer to the 1 best")).click()
        expect(page.get_by_text("Offered to Ada Lund (bo).")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert serious_violations(page) == []
    finally:
        context.close()
