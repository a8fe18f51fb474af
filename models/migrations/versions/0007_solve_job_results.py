"""A solve job keeps what a person reads of it: the phase running now, the search's course over time
(for the live chart), and its result in words (filled and open places with reasons, each goal).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phase", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("trace", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.drop_column("result")
        batch_op.drop_column("trace")
        batch_op.drop_column("phase")
