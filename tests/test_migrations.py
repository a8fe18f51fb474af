"""Schema migrations: fresh databases reach the head, old ones upgrade without losing rows, and the
migrations describe exactly the tables in ``models.tables``."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from models import migrate


def test_fresh_database_is_at_head(engine: Engine) -> None:
    assert migrate.current(engine) == migrate.head()
    assert {"user", "accesstoken", "organisation"} <= set(inspect(engine).get_table_names())


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == [], f"models.tables changed without a migration: {diff}"


def test_database_from_before_migrations_upgrades_and_keeps_rows(empty_engine: Engine) -> None:
    engine = empty_engine
    migrate.upgrade(engine, migrate.BASELINE)  # the tables create_all made before migrations existed ...
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))  # ... and no version table
        conn.execute(
            text(
                "INSERT INTO organisation (ref, name, timezone, settings, created_at) VALUES (:r, :n, 'UTC', '{}', :t)"
            ),
            {"r": "old", "n": "Old", "t": "2026-01-01 00:00:00"},
        )
    assert "user" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM organisation WHERE ref = 'old'")).scalar_one() == "Old"
    assert "user" in inspect(engine).get_table_names()


def test_downgrade_and_upgrade_again(engine: Engine) -> None:
    migrate.downgrade(engine, migrate.BASELINE)
    assert "user" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
