"""The web app: server-rendered pages (Jinja2, htmx) for every role, on the same services as the API.

Pages live here, apart from the JSON routers (``api.routers``); both call ``api.services``. A page's
errors answer as HTML in words (``install``), the API's stay JSON.
"""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from api.http.errors import invalid_json
from api.web import (
    account,
    answers,
    assets,
    coordinator,
    decide,
    farmer,
    join,
    manager,
    roster,
    setup,
    time_off,
    worker,
)
from api.web.render import page
from api.web.session import SignInFirst, sign_in_url

HEADINGS = {401: "Please sign in", 403: "Not for this account", 404: "Not found", 409: "That did not work"}


def install(app: FastAPI) -> None:
    assets.install(app)
    app.include_router(account.router)
    app.include_router(join.router)
    app.include_router(answers.router)
    app.include_router(time_off.router)  # before /my/{...} pages
    app.include_router(decide.router)
    app.include_router(worker.router)
    app.include_router(roster.router)  # before /pool/{...} pages
    app.include_router(setup.router)
    app.include_router(coordinator.router)
    app.include_router(manager.router)
    app.include_router(farmer.router)

    @app.exception_handler(SignInFirst)
    async def sign_in_first(request: Request, exc: SignInFirst) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": sign_in_url(exc.next_url)})
        return RedirectResponse(sign_in_url(exc.next_url), status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if not getattr(request.state, "page", False):
            return await http_exception_handler(request, exc)
        message = exc.detail if isinstance(exc.detail, str) else "the request could not be handled"
        heading = HEADINGS.get(exc.status_code, "Something went wrong")
        return page(request, "error.html", exc.status_code, heading=heading, message=message[:1].upper() + message[1:])

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        """A page's bad link or form: which field and why, as a page (never the value sent)."""
        if not getattr(request.state, "page", False):
            return invalid_json(exc)
        fields = "; ".join(f"{e['loc'][-1] if e.get('loc') else 'the request'}: {e['msg']}" for e in exc.errors()[:10])
        return page(request, "error.html", 422, heading="Please check the address or the form", message=fields)
