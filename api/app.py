"""The FastAPI application: the resource pool as a service.

``create_app`` takes the engine, so tests and ``bemanna serve`` choose the database; the schema is
brought up to date (Alembic) before the first request.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from api import errors
from api.routers import auth, named, places, postings, users, workers
from models.migrate import upgrade
from models.store import make_engine


def create_app(engine: Engine | None = None, *, migrate: bool = True) -> FastAPI:
    engine = engine or make_engine()
    if migrate:
        upgrade(engine)
    app = FastAPI(
        title="Bemanna",
        version="0.1.0",
        description="Municipal resource pool: who goes where, for health shifts and paid farm work.",
    )
    app.state.engine = engine
    errors.install(app)
    app.include_router(auth.router)
    app.include_router(named.regions)
    app.include_router(named.skills)
    app.include_router(places.sites)
    app.include_router(places.farms)
    app.include_router(workers.router)
    app.include_router(users.router)
    app.include_router(postings.shifts)
    app.include_router(postings.jobs)
    return app
