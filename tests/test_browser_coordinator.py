"""The coordinator's main flow in a real browser: the dashboard with its charts, a plan started with a
few clicks and watched live, its result read and its proposals offered; no serious accessibility
violation on the way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from api.app import create_app
from api.background.jobs import JobRunner
from models.store import init_db, make_engine
from tests.browser_fixture import screenshot, serious_violations
from tests.test_browser_worker import sign_in
from tests.web_fixture import ACCOUNTS, local, seed_web_pool, serve


@pytest.fixture
def desk(browser: Browser, tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    init_db(engine)
    seed_web_pool(engine)
    app = create_app(engine, migrate=False, runner=JobRunner(engine, poll_seconds=0.1))
    for server in serve(app, engine):
        context = browser.new_context(base_url=server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
    engine.dispose()


def test_the_coordinator_plans_watches_and_offers(desk, tmp_path: Path) -> None:
    page = desk
    sign_in(page, ACCOUNTS["coordinator"])
    expect(page.get_by_role("heading", level=1)).to_contain_text("The pool")
    expect(page.locator("canvas[data-drawn]")).to_have_count(3)  # the charts drew
    assert serious_violations(page) == []
    screenshot(page, "coordinator-dashboard", tmp_path)

    page.get_by_role("link", name="Plan a roster").first.click()
    day = local(1, 0)[:10]
    page.get_by_label("First day").fill(day)
    page.get_by_label("Last day").fill(day)
    page.get_by_label("Seconds of search").fill("3")
    page.get_by_role("button", name="Start planning").click()
    expect(page).to_have_url(re.compile(r"/pool/solve/\d+$"))
    expect(page.get_by_role("status").first).to_have_text("Done.", timeout=60_000)
    # the course came in by htmx's swaps, with no reload: its chart drew (issue 34 defect 4: it did not)
    expect(page.locator("canvas[data-chart='course'][data-drawn]")).to_have_count(1)
    expect(page.get_by_text(re.compile(r"Now: [12] places filled, [\d ]+ km, "))).to_be_visible()
    expect(page.get_by_text("2 of 2 places filled")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("Pay at hourly rates")
    assert serious_violations(page) == []
    screenshot(page, "coordinator-plan", tmp_path)
    page.get_by_role("button", name=re.compile(r"Offer 1 proposal")).click()
    expect(page.get_by_text("1 offer(s) sent")).to_be_visible()


def test_the_coordinator_sets_the_working_time_law_in_the_browser(desk) -> None:
    """The setup page's law form on a phone: the Swedish act chosen, weeks from Sunday and the
    agreement's overtime cap saved; the table then says each rule with its source, nothing runs off
    the screen and no serious accessibility violation."""
    page = desk
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, ACCOUNTS["coordinator"])
    page.goto("/pool/setup")
    expect(page.get_by_text("AML § 10-6 (4)").first).to_be_visible()  # the Norwegian act's overtime caps
    page.get_by_text("Change the law or the organisation's agreement").click()
    page.get_by_label("Law", exact=True).select_option("se-atl")
    page.get_by_label("Weeks start on").select_option("sunday")
    page.get_by_label("Most overtime in 4 weeks in a row (hours)").fill("30")
    page.get_by_role("button", name="Save the working-time law").click()
    expect(page.get_by_text("The pool now follows Swedish Working Hours Act")).to_be_visible()
    expect(page.get_by_text("ATL § 14").first).to_be_visible()
    expect(page.locator("#law-week-starts")).to_have_value("sunday")
    expect(page.locator("#law-overtime_per_4_weeks")).to_have_value("30")
    # the tables scroll inside their own box; their hidden "Edit <name>" words once widened the page
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []
