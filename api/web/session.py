"""Who is signed in to the pages, and forms that only this site can send.

The session cookie holds a token like the API's bearer tokens (``api.services.accounts``): HttpOnly,
``Secure`` (``BEMANNA_SECURE_COOKIES``) and ``SameSite=Lax``; sign-out revokes it in the database.

Every form and htmx request that changes something carries a CSRF token, derived from a random
per-browser cookie with HMAC, so another site can neither read it nor forge it; the cookie is renewed at
sign-in (no fixation). Unsafe requests that the browser marks as cross-site (``Sec-Fetch-Site``) or
whose ``Origin`` is another site are refused outright.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, HTTPException, Request, Response, status
from sqlmodel import Session

from api.core import security
from api.http.deps import SessionDep
from calendars.busy import MAX_BYTES
from models.enums import Role
from models.settings import settings
from models.tables import User

SESSION_COOKIE = "bemanna_session"
CSRF_COOKIE = "bemanna_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE = {"GET", "HEAD", "OPTIONS"}


class SignInFirst(Exception):
    """A page needs a signed-in user; answered with a redirect to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def browser_key(request: Request) -> str:
    """This browser's CSRF cookie, made on its first page (``remember_browser`` sets it)."""
    key = request.cookies.get(CSRF_COOKIE, "")
    if len(key) != 43:  # secrets.token_urlsafe(32)
        key = getattr(request.state, "new_browser_key", "") or secrets.token_urlsafe(32)
        request.state.new_browser_key = key
    return key


def csrf_token(request: Request) -> str:
    return hmac.new(browser_key(request).encode(), b"bemanna-form", hashlib.sha256).hexdigest()


def remember_browser(request: Request, response: Response, renew: bool = False) -> None:
    """Set the CSRF cookie if this response made it (or ``renew``: a fresh one, at sign-in)."""
    if renew:
        request.state.new_browser_key = secrets.token_urlsafe(32)
    key = getattr(request.state, "new_browser_key", "")
    if key:
        response.set_cookie(
            CSRF_COOKIE, key, httponly=True, secure=settings().secure_cookies, samesite="strict", path="/"
        )


def set_session(response: Response, token: str) -> None:
    config = settings()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(config.session_hours * 3600),
        httponly=True,
        secure=config.secure_cookies,
        samesite="lax",
        path="/",
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=settings().secure_cookies, httponly=True)


async def guard_forms(request: Request) -> None:
    """A router dependency of every page: marks the request as a page's (errors answer as HTML) and
    refuses an unsafe one without this site's CSRF token or from another site (403)."""
    request.state.page = True
    if request.method in SAFE:
        return
    if request.headers.get("sec-fetch-site") == "cross-site" or not _same_origin(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this form was sent from another site; open the page again")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form(max_files=1, max_fields=50, max_part_size=MAX_BYTES + 1)  # a calendar upload
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if CSRF_COOKIE not in request.cookies or not sent or not hmac.compare_digest(sent, csrf_token(request)):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "this form has expired or did not come from this site; open the page again"
        )


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None  # an opaque origin ("null") is never this site
    return urlsplit(origin).netloc == request.headers.get("host", "")


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


def signed_in(request: Request, session: Session) -> User | None:
    return security.user_of(session, session_token(request))


def page_user(request: Request, session: SessionDep) -> User:
    """The signed-in user of a page, or a redirect to the sign-in page that comes back here."""
    user = signed_in(request, session)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInFirst(target if request.method in SAFE else "/")
    return user


PageUser = Annotated[User, Depends(page_user)]


def page_for(*roles: Role):  # type: ignore[no-untyped-def]
    """A page dependency admitting only ``roles`` (403 page for the others)."""

    def check(user: PageUser) -> User:
        if user.role not in roles:
            allowed = " or ".join(f"{r.value}s" for r in roles)
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"this page is for {allowed}; you are signed in as a {user.role.value}"
            )
        return user

    return check


def sign_in_url(next_url: str) -> str:
    return "/sign-in?next=" + quote(next_url, safe="/")


def safe_next(value: str | None) -> str:
    """Where to go after signing in: only a path on this site (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"
