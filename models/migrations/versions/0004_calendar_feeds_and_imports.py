"""Calendar feeds and imports: feed tokens (digests), tombstones of deleted work, registered calendar
URLs, the source of imported availability, and uid/sequence/updated_at on shifts, jobs and assignments.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 22:39:21.835736
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendarsource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("checked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("fetched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("busy_periods", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("calendarsource", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendarsource_worker_id"), ["worker_id"], unique=True)

    op.create_table(
        "calendartombstone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("farm_id", sa.Integer(), nullable=True),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("start_utc", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("end_utc", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["farm_id"], ["farm.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("calendartombstone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendartombstone_cancelled_at"), ["cancelled_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendartombstone_farm_id"), ["farm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendartombstone_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendartombstone_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendartombstone_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "feedtoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("worker", "site", "farm", "organisation", name="feedkind"), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("farm_id", sa.Integer(), nullable=True),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'worker' AND worker_id IS NOT NULL AND site_id IS NULL AND farm_id IS NULL)"
            " OR (kind = 'site' AND site_id IS NOT NULL AND worker_id IS NULL AND farm_id IS NULL)"
            " OR (kind = 'farm' AND farm_id IS NOT NULL AND worker_id IS NULL AND site_id IS NULL)"
            " OR (kind = 'organisation' AND worker_id IS NULL AND site_id IS NULL AND farm_id IS NULL)",
            name="feedtoken_one_scope",
        ),
        sa.ForeignKeyConstraint(["farm_id"], ["farm.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feedtoken", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedtoken_digest"), ["digest"], unique=True)
        batch_op.create_index(batch_op.f("ix_feedtoken_farm_id"), ["farm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedtoken_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedtoken_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedtoken_worker_id"), ["worker_id"], unique=False)

    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
    for table in ("assignment", "job", "shift"):
        _revised(table)


def _revised(table: str) -> None:
    """Add uid, sequence and updated_at; rows already there get a fresh uid each, sequence 0, now."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        if table != "assignment":  # assignments had updated_at already
            batch_op.add_column(
                sa.Column(
                    "updated_at",
                    sqlmodel.sql.sqltypes.UTCDateTime(),
                    nullable=False,
                    server_default=sa.text("CURRENT_TIMESTAMP"),
                )
            )
    bind = op.get_bind()
    rows = sa.table(table, sa.column("id", sa.Integer()), sa.column("uid", sa.String()))
    for (row_id,) in bind.execute(sa.select(rows.c.id)).all():
        bind.execute(sa.update(rows).where(rows.c.id == row_id).values(uid=uuid.uuid4().hex))
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column("uid", existing_type=sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False)
        batch_op.alter_column("sequence", server_default=None, existing_type=sa.Integer(), existing_nullable=False)
        if table != "assignment":
            batch_op.alter_column(
                "updated_at",
                server_default=None,
                existing_type=sqlmodel.sql.sqltypes.UTCDateTime(),
                existing_nullable=False,
            )


def downgrade() -> None:
    with op.batch_alter_table("shift", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("sequence")
        batch_op.drop_column("uid")

    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("sequence")
        batch_op.drop_column("uid")

    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.drop_column("source")

    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_column("sequence")
        batch_op.drop_column("uid")

    with op.batch_alter_table("feedtoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedtoken_worker_id"))
        batch_op.drop_index(batch_op.f("ix_feedtoken_site_id"))
        batch_op.drop_index(batch_op.f("ix_feedtoken_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_feedtoken_farm_id"))
        batch_op.drop_index(batch_op.f("ix_feedtoken_digest"))

    op.drop_table("feedtoken")
    sa.Enum(name="feedkind").drop(op.get_bind(), checkfirst=True)  # PostgreSQL keeps enum types otherwise
    with op.batch_alter_table("calendartombstone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendartombstone_worker_id"))
        batch_op.drop_index(batch_op.f("ix_calendartombstone_site_id"))
        batch_op.drop_index(batch_op.f("ix_calendartombstone_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_calendartombstone_farm_id"))
        batch_op.drop_index(batch_op.f("ix_calendartombstone_cancelled_at"))

    op.drop_table("calendartombstone")
    with op.batch_alter_table("calendarsource", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendarsource_worker_id"))

    op.drop_table("calendarsource")
