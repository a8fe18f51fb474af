"""Shared fixtures: databases (SQLite always; PostgreSQL when the server answers) and small problems."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from models.store import init_db, make_engine
from tests.browser_fixture import browser_type_launch_args, live  # noqa: F401 - real-browser fixtures
from tests.pool_fixture import pool  # noqa: F401 - a fixture for the API hardening tests
from tests.smtp_fixture import smtp  # noqa: F401 - a real SMTP server on loopback

POSTGRES_URL = os.environ.get("BEMANNA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_engine(migrate: bool = True) -> Iterator[Engine]:
    """A private schema on the test server, dropped afterwards, so parallel runs never collide."""
    admin = make_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as e:
        if os.environ.get("CI"):
            raise  # in CI the server is part of the machine: absence is a failure, not a skip
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {e.orig}")
    schema = f"bemanna_test_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        if migrate:
            init_db(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file brought to the latest schema by the migrations, once per test process: each test
    starts from a copy (the same schema, without running every migration again)."""
    path = tmp_path_factory.mktemp("migrated") / "template.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    init_db(eng)
    eng.dispose()
    return path


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (whatever its journal mode left beside the file)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _engine(kind: str, tmp_path, migrate: bool, request: pytest.FixtureRequest) -> Iterator[Engine]:
    if kind == "sqlite":
        path = tmp_path / "test.sqlite3"
        if migrate:
            _copy_sqlite(request.getfixturevalue("migrated_sqlite"), path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        yield from _postgres_engine(migrate)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """A database at the latest schema."""
    yield from _engine(request.param, tmp_path, True, request)


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """A database with no tables at all."""
    yield from _engine(request.param, tmp_path, False, request)


@pytest.fixture
def sqlite_engine(tmp_path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A SQLite database at the latest schema, for tests of pages whose queries the API's tests already
    run on both databases (the services are the same)."""
    yield from _engine("sqlite", tmp_path, True, request)
