"""Text that tries to become markup on someone else's page (issue 34, defect 0): a manager, a farmer, a
worker and a person who registered a minute ago put hostile text into every field they control, then
every page of every role is opened in a real browser. No element and no request may come from that
text; it shows as the text it is. And htmx refuses to act for markup the server's templates did not
write, even if some text did become markup."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.api_helpers import PASSWORD
from tests.browser_fixture import PHONE
from tests.test_browser_worker import sign_in
from tests.web_fixture import ACCOUNTS, OSLO

# Closes a script block, an attribute and a tag; asks htmx to post as the reader; runs script on error.
HOSTILE = (
    "</script><b data-evil hx-post=/pool/users hx-trigger=load>x</b>"
    "<img src=x onerror=alert(1) data-evil>\"'><i data-evil>"
)
MARK = "data-evil"
SKIP = re.compile(r"^/(sign-out|docs|assets/|static/|openapi)|\.csv(\?|$)|\.ics(\?|$)")
MOST_PAGES = 60  # per role: the navigation's pages and the pages they link to


def _api(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    r = client.post("/auth/token", data={"username": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return client


def _local(days: int, hour: int) -> str:
    day = dt.datetime.now(OSLO).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour)).isoformat()


def _plant(base: str) -> None:
    """Hostile text in the fields a manager, a farmer, a worker and a new registrant control."""
    manager = _api(base, ACCOUNTS["manager"])
    r = manager.post(
        "/shifts",
        json={
            "id": "evil-shift",
            "site_id": "lia",
            "title": HOSTILE,
            "start": _local(1, 16),
            "end": _local(1, 22),
            "required_skills": ["nurse"],
        },
    )
    assert r.status_code == 201, r.text
    farmer = _api(base, ACCOUNTS["farmer"])
    first = (dt.datetime.now(OSLO).date() + dt.timedelta(days=1)).isoformat()
    r = farmer.post(
        "/jobs", json={"id": "evil-job", "farm_id": "berg", "title": HOSTILE, "first_day": first, "last_day": first}
    )
    assert r.status_code == 201, r.text
    worker = _api(base, ACCOUNTS["worker"])
    profile = worker.get("/workers/ada").json()
    r = worker.put("/workers/ada", json={**profile, "name": HOSTILE})
    assert r.status_code == 200, r.text
    r = worker.post("/time-off", json={"start": _local(2, 0), "end": _local(3, 0), "reason": HOSTILE})
    assert r.status_code == 201, r.text  # over her accepted work: it waits for the manager
    newcomer = {
        "organisation": "oslo",
        "email": "new@oslo.no",
        "password": "a long enough passphrase 42",
        "worker": {
            "name": HOSTILE,
            "kind": "health",
            "region_id": "centre",
            "home_lat": 63.43,
            "home_lon": 10.39,
            "qualifications": [{"skill": "nurse"}],
        },
    }
    r = httpx.post(f"{base}/auth/register", json=newcomer, timeout=30)
    assert r.status_code == 202, r.text


def _crawl(page: Page, base: str) -> list[str]:
    """Every page the role's navigation reaches, and the pages those link to (one step), as visited."""
    start = [a for a in page.eval_on_selector_all("nav a[href]", "els => els.map(e => e.getAttribute('href'))")]
    seen: list[str] = []
    queue = [*start]
    while queue and len(seen) < MOST_PAGES:
        href = queue.pop(0)
        path = urlsplit(href).path + (f"?{urlsplit(href).query}" if urlsplit(href).query else "")
        if not path.startswith("/") or SKIP.search(path) or path in seen:
            continue
        seen.append(path)
        page.goto(base + path)
        page.wait_for_load_state("load")
        _clean(page, path)
        if href in start:
            links = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
            queue += [h for h in links if h.startswith("/") and h not in seen]
    return seen


def _clean(page: Page, where: str) -> None:
    found = page.locator(f"[{MARK}]").count()
    assert found == 0, f"{where}: {found} element(s) made from stored text"


def _watch(page: Page) -> dict[str, list[Any]]:
    seen: dict[str, list[Any]] = {"posts": [], "dialogs": [], "images": []}
    page.on("request", lambda r: seen["posts"].append(r.url) if r.method != "GET" else None)
    page.on("request", lambda r: seen["images"].append(r.url) if urlsplit(r.url).path == "/x" else None)
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    return seen


@contextmanager
def _signed_in(browser: Browser, base: str, role: str, **screen: Any) -> Iterator[tuple[Page, dict[str, list[Any]]]]:
    """A page signed in as ``role`` (a desk's screen unless ``screen`` says otherwise), and what it sends."""
    context = browser.new_context(base_url=base, **(screen or {"viewport": {"width": 1280, "height": 900}}))
    try:
        page = context.new_page()
        sign_in(page, ACCOUNTS[role])
        yield page, _watch(page)
    finally:
        context.close()


@pytest.mark.parametrize("role", ["coordinator", "manager", "farmer", "worker"])
def test_hostile_text_stays_text_on_every_page(browser: Browser, live, role: str) -> None:
    server, _ = live
    _plant(server.url)
    with _signed_in(browser, server.url, role) as (page, watched):
        visited = _crawl(page, server.url)
        page.wait_for_timeout(500)  # time for a load trigger to fire, had any element been made
    assert len(visited) >= 3, visited
    assert watched["posts"] == [], f"requests sent by stored text: {watched['posts']}"
    assert watched["images"] == [] and watched["dialogs"] == []


def test_the_roster_shows_hostile_titles_as_text(browser: Browser, live) -> None:
    """The defect as reported: the coordinator's roster with a manager's hostile shift title; the title
    reads as text in the timeline's data, and no account was made."""
    server, _ = live
    _plant(server.url)
    with _signed_in(browser, server.url, "coordinator") as (page, watched):
        page.goto("/pool/roster")
        page.wait_for_load_state("load")
        _clean(page, "/pool/roster")
        data = page.evaluate("JSON.parse(document.getElementById('by-place').textContent)")
        page.wait_for_timeout(500)
    labels = [b["label"] for s in data["sets"] for b in s["bars"]]
    assert any(HOSTILE in label for label in labels)  # the JSON block held, and kept the text whole
    assert watched["posts"] == []
    users = _api(server.url, ACCOUNTS["coordinator"]).get("/users").json()
    assert not any(u.get("email") == "evil@x.no" for u in (users if isinstance(users, list) else users["items"]))


def test_htmx_refuses_markup_its_templates_did_not_write(browser: Browser, live) -> None:
    """Defence in depth: should some text ever become markup, htmx sends nothing for it. An element
    made in the page (as injected markup would be) asks htmx to post on load; no request leaves, while
    the page's own htmx (the offer card's accept) still works."""
    server, _ = live
    with _signed_in(browser, server.url, "worker", **PHONE) as (page, watched):
        page.goto("/my")
        page.wait_for_load_state("load")
        page.evaluate(
            """() => {
                const el = document.createElement('div');
                el.setAttribute('hx-post', '/pool/users');
                el.setAttribute('hx-trigger', 'load');
                el.setAttribute('data-hx-token', 'a guess');
                document.querySelector('main').appendChild(el);
                htmx.process(el);
            }"""
        )
        page.wait_for_timeout(500)
        assert watched["posts"] == []
        page.get_by_role("button", name="Accept").first.click()
        page.get_by_text(re.compile("accepted", re.I)).first.wait_for()
        assert any(urlsplit(u).path.endswith("/accept") for u in watched["posts"])
