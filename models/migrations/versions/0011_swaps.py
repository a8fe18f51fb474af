"""Swaps: a worker's accepted work offered to colleagues, until one takes it over.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 19:10:15.670374
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "swap",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("taker_id", sa.Integer(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("taken_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["giver_id"], ["worker.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["taker_id"], ["worker.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("swap", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_swap_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_swap_giver_id"), ["giver_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_swap_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_swap_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("swap", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_swap_state"))
        batch_op.drop_index(batch_op.f("ix_swap_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_swap_giver_id"))
        batch_op.drop_index(batch_op.f("ix_swap_assignment_id"))

    op.drop_table("swap")
