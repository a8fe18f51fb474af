"""Notifications: an outbox of messages written with the change that causes them, one-click answer
links (stored as digests, expiring, single use), and each person's notification preferences.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:13:12.441210
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("claimed_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("failed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "key", name="uq_notification_user_key"),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_user_id"), ["user_id"], unique=False)

    op.create_table(
        "notificationpreference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("muted", sa.JSON(), nullable=False),
        sa.Column("quiet_from", sa.Time(), nullable=True),
        sa.Column("quiet_until", sa.Time(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notificationpreference", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notificationpreference_user_id"), ["user_id"], unique=True)

    op.create_table(
        "actionlink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("actionlink", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actionlink_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actionlink_digest"), ["digest"], unique=True)
        batch_op.create_index(batch_op.f("ix_actionlink_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actionlink_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("actionlink", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actionlink_user_id"))
        batch_op.drop_index(batch_op.f("ix_actionlink_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_actionlink_digest"))
        batch_op.drop_index(batch_op.f("ix_actionlink_assignment_id"))

    op.drop_table("actionlink")
    with op.batch_alter_table("notificationpreference", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notificationpreference_user_id"))

    op.drop_table("notificationpreference")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_user_id"))
        batch_op.drop_index(batch_op.f("ix_notification_sent_at"))
        batch_op.drop_index(batch_op.f("ix_notification_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_notification_due_at"))

    op.drop_table("notification")
