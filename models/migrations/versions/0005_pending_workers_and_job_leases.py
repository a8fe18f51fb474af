"""Pending workers (a citizen's registration waits for the coordinator) and solve-job leases (the
server running a job renews its lease; only an expired lease is taken over by another server).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.add_column(sa.Column("runner", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("runner")
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.drop_column("pending")
