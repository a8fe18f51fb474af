"""Error responses: a service's refusal becomes the HTTP answer here (the one place it does), conflicts
from the database become 409 with a message; nothing leaks a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.responses import Response

from api.core.refusals import Refused

log = logging.getLogger("bemanna.api")


SHOWN = ("type", "loc", "msg", "ctx")  # never "input": a 422 must not send the request back (passwords, 20 MB)


def invalid_json(exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422, naming each field and why, without echoing what was sent."""
    errors = [{k: e[k] for k in SHOWN if k in e} for e in exc.errors()[:50]]
    return JSONResponse(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, content={"detail": jsonable_encoder(errors)})


async def answer_refused(request: Request, exc: Refused) -> Response:
    """A rule's no, answered as this app answers an HTTP error: JSON for the API, the error page for a
    page (whichever handler the app holds for ``HTTPException``)."""
    as_http = HTTPException(exc.status_code, exc.detail, exc.headers)
    handlers = request.app.exception_handlers
    handler = next(handlers[cls] for cls in type(as_http).__mro__ if cls in handlers)
    return await handler(request, as_http)


def install(app: FastAPI) -> None:
    app.add_exception_handler(Refused, answer_refused)  # type: ignore[arg-type]

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return invalid_json(exc)

    @app.exception_handler(IntegrityError)
    async def conflict(_request: Request, _exc: IntegrityError) -> JSONResponse:
        return JSONResponse(
            status_code=status.HTTP_409_CONFLICT,
            content={"detail": "the change conflicts with stored data (a duplicate or a row still in use)"},
        )

    @app.exception_handler(OperationalError)
    async def unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        """The database is away or busy (a lock held too long): try again, not an internal error."""
        route = getattr(request.scope.get("route"), "path", "?")
        log.warning("database unavailable (%s) on %s %s", type(exc.orig).__name__, request.method, route)
        return JSONResponse(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            content={"detail": "the database is busy; try again in a moment"},
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The route's template, not the URL: paths, query strings and headers may carry tokens.
        route = getattr(request.scope.get("route"), "path", "?")
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, route)
        return JSONResponse(
            status_code=status.HTTP_500_INTERNAL_SERVER_ERROR, content={"detail": "internal error; it has been logged"}
        )
