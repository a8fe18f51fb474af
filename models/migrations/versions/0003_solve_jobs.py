"""Solve jobs: solves asked for over HTTP, with their state and progress.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 21:23:28.187019
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "solvejob",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column(
            "state", sa.Enum("queued", "running", "succeeded", "failed", "cancelled", name="jobstate"), nullable=False
        ),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("time_limit", sa.Float(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("objective", sa.Integer(), nullable=True),
        sa.Column("bound", sa.Float(), nullable=True),
        sa.Column("progress_seconds", sa.Float(), nullable=True),
        sa.Column("assignments", sa.Integer(), nullable=True),
        sa.Column("unfilled_places", sa.Integer(), nullable=True),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.CheckConstraint("last_day >= first_day", name="solvejob_days_in_order"),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_solvejob_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_solvejob_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_solvejob_state"))
        batch_op.drop_index(batch_op.f("ix_solvejob_organisation_id"))

    op.drop_table("solvejob")
    sa.Enum(name="jobstate").drop(op.get_bind(), checkfirst=True)  # PostgreSQL keeps enum types otherwise
