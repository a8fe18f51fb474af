"""Offer deadlines: when an offer was made, when it runs out unanswered (the cascade then offers the
place to the next candidate), and when it did.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 18:37:05.552878
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("offer_expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("expired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_assignment_offer_expires_at"), ["offer_expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_offer_expires_at"))
        batch_op.drop_column("expired_at")
        batch_op.drop_column("offer_expires_at")
        batch_op.drop_column("offered_at")
