"""Time off: a worker's request to be away, granted at once or decided by a person where it overlaps
accepted work.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:59:04.255919
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "timeoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("start_utc", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("end_utc", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.CheckConstraint("end_utc > start_utc", name="timeoff_ends_after_start"),
        sa.ForeignKeyConstraint(["decided_by"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("timeoff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_timeoff_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_timeoff_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_timeoff_worker_id"), ["worker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("timeoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timeoff_worker_id"))
        batch_op.drop_index(batch_op.f("ix_timeoff_state"))
        batch_op.drop_index(batch_op.f("ix_timeoff_organisation_id"))

    op.drop_table("timeoff")
