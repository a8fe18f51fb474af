"""Templates and the words and formats every page shares: local times with the zone named, hours, money.

Every time a person reads is in the organisation's zone, and says which (``Mon 14 Jun 08:00–15:30
CEST``); the database keeps UTC.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.web.session import csrf_token, remember_browser
from models.rows import utc

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

# Only this site's own files; Chart.js writes canvas sizes through the CSSOM, which CSP allows.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
    " frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # personal data: not kept by shared caches or the back button
}


def when(value: dt.datetime, tz: ZoneInfo) -> str:
    """``Mon 14 Jun 2027, 08:00 CEST``."""
    local = utc(value).astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def span(start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> str:
    """``Mon 14 Jun 2027, 08:00–15:30 CEST``; the end's day is named when it is another day."""
    a, b = utc(start).astimezone(tz), utc(end).astimezone(tz)
    head = f"{a:%a} {a.day} {a:%b %Y, %H:%M}"
    tail = f"{b:%H:%M}" if a.date() == b.date() else f"{b:%a} {b.day} {b:%b}, {b:%H:%M}"
    zone = a.tzname() if a.tzname() == b.tzname() else f"{a.tzname()}/{b.tzname()}"
    return f"{head}–{tail} {zone}"


def day(value: dt.date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def hours(value: float) -> str:
    whole, minutes = divmod(round(value * 60), 60)
    return f"{whole} h" if not minutes else f"{whole} h {minutes:02d} min"


def money(value: float) -> str:
    return f"NOK {value:,.0f}".replace(",", "\u202f")


for name, function in {"when": when, "span": span, "day": day, "hours": hours, "money": money}.items():
    templates.env.filters[name] = function


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A rendered page with this browser's CSRF token, and the headers every page carries."""
    response = templates.TemplateResponse(
        request, template, {"csrf": csrf_token(request), **context}, status_code=status_code
    )
    remember_browser(request, response)
    response.headers.update(SECURITY_HEADERS)
    return response
