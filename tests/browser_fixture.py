"""Real-browser fixtures (registered in ``conftest.py``): Debian's Chromium driven by Playwright, a live
server on a seeded pool, an axe-core accessibility check and screenshots.

Playwright's own browser download cannot work on these machines, so the tests launch the system's
``chromium`` (``make test`` installs it when missing). Without it they skip with the reason, except
with ``CI=true``, where a missing browser fails the run.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from api.app import create_app
from models.store import init_db, make_engine
from tests.web_fixture import LiveServer, seed_web_pool, serve

AXE = Path(__file__).parent.parent / "api" / "web" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SCREENSHOTS = os.environ.get("BEMANNA_SCREENSHOTS")  # a folder: keep the screenshots (make screenshots)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    reason = "Debian's chromium is not installed (make test installs it; apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; with CI=true the browser tests must run")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's launch options: the system's Chromium, headless, no network chatter."""
    return {"executable_path": chromium(), "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, dict[str, Any]]]:
    """The seeded pool (``tests.web_fixture``) on SQLite, served on a loopback port."""
    engine: Engine = make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    init_db(engine)
    seeded = seed_web_pool(engine)
    yield from ((server, seeded) for server in serve(create_app(engine, migrate=False), engine))
    engine.dispose()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands, one line each."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run npm ci --prefix api/web/assets")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))")
    found = json.loads(result)["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page: Any, name: str, tmp_path: Path) -> Path:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
