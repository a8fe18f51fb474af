"""The FastAPI application: the resource pool as a service.

``create_app`` takes the engine, so tests and ``bemanna serve`` choose the database; the schema is
brought up to date (Alembic) before the first request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from api import web
from api.background.calendar_refresh import CalendarRefresher
from api.background.jobs import JobRunner
from api.background.offer_deadlines import Deadlines
from api.background.sender import Sender
from api.core.throttle import Throttle
from api.http import errors, redact
from api.http.guard import Guard
from api.routers import (
    assignments,
    auth,
    busy_times,
    calendars,
    contact,
    fill,
    named,
    open_places,
    places,
    postings,
    preferences,
    reports,
    solve_jobs,
    swaps,
    time_off,
    users,
    workers,
    working_time,
)
from models.migrate import upgrade
from models.settings import settings
from models.store import make_engine


def create_app(
    engine: Engine | None = None,
    *,
    migrate: bool = True,
    runner: JobRunner | None = None,
    sender: Sender | None = None,
) -> FastAPI:
    """The app; ``runner`` (default: a process-pool ``JobRunner``) runs solve jobs while the app is up,
    a ``CalendarRefresher`` re-imports registered calendar URLs, and ``sender`` (default: the configured
    channels) delivers the outbox."""
    engine = engine or make_engine()
    if migrate:
        upgrade(engine)
    jobs = runner or JobRunner(engine)
    calendars_refresher = CalendarRefresher(engine)
    notifier = sender or Sender(engine)
    deadlines = Deadlines(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redact.install()  # again: a server may have configured its loggers after create_app
        jobs.start()
        calendars_refresher.start()
        notifier.start()
        deadlines.start()
        app.state.runner = jobs
        app.state.calendars = calendars_refresher
        app.state.notifier = notifier
        try:
            yield
        finally:
            deadlines.stop()
            notifier.stop()
            calendars_refresher.stop()
            jobs.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Bemanna",
        version="0.1.0",
        description="Municipal resource pool: who goes where, for health shifts and paid farm work.",
        docs_url=None,  # served by api.web.assets from vendored files, not a CDN
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.throttle = Throttle(settings().rate_limit_storage)
    app.add_middleware(Guard)  # bounded bodies, storable text and numbers: before any route runs
    errors.install(app)
    redact.install()  # feed URLs carry their key: access logs show it masked
    app.include_router(auth.router)
    app.include_router(named.regions)
    app.include_router(named.skills)
    app.include_router(places.sites)
    app.include_router(places.farms)
    app.include_router(contact.router)
    app.include_router(workers.router)
    app.include_router(users.router)
    app.include_router(fill.router)  # before /shifts/{ref} routes, which have no /fill
    app.include_router(postings.shifts)
    app.include_router(postings.jobs)
    app.include_router(solve_jobs.router)
    app.include_router(assignments.router)
    app.include_router(open_places.router)
    app.include_router(open_places.asks)
    app.include_router(time_off.router)
    app.include_router(swaps.router)
    app.include_router(preferences.router)
    app.include_router(reports.router)
    app.include_router(calendars.router)
    app.include_router(busy_times.router)
    app.include_router(working_time.router)
    web.install(app)  # the pages, /docs and the front-end files
    return app
