"""Confirmed takes and swaps: a place may ask that takes from the open board and swaps wait for its
manager's yes; the asks to take, and a swap's decision.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 21:26:45.472680
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "takerequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.CheckConstraint(
            "(shift_id IS NOT NULL AND job_id IS NULL AND day IS NULL)"
            " OR (shift_id IS NULL AND job_id IS NOT NULL AND day IS NOT NULL)",
            name="take_request_one_target",
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shift_id"], ["shift.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("takerequest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_takerequest_job_id"), ["job_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_takerequest_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_takerequest_shift_id"), ["shift_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_takerequest_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_takerequest_worker_id"), ["worker_id"], unique=False)

    with op.batch_alter_table("farm", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirm_takes", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirm_takes", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("swap", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default="")
        )
        batch_op.create_foreign_key("fk_swap_decided_by_user", "user", ["decided_by"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("swap", schema=None) as batch_op:
        batch_op.drop_constraint("fk_swap_decided_by_user", type_="foreignkey")
        batch_op.drop_column("note")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")

    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("confirm_takes")

    with op.batch_alter_table("farm", schema=None) as batch_op:
        batch_op.drop_column("confirm_takes")

    with op.batch_alter_table("takerequest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_takerequest_worker_id"))
        batch_op.drop_index(batch_op.f("ix_takerequest_state"))
        batch_op.drop_index(batch_op.f("ix_takerequest_shift_id"))
        batch_op.drop_index(batch_op.f("ix_takerequest_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_takerequest_job_id"))

    op.drop_table("takerequest")
