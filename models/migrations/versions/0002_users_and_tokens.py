"""Users of the HTTP API, their bearer tokens (stored as digests) and the places managers and farmers run.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("role", sa.Enum("coordinator", "manager", "farmer", "worker", name="role"), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_email"), ["email"], unique=True)
        batch_op.create_index(batch_op.f("ix_user_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_user_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "accesstoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("accesstoken", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accesstoken_digest"), ["digest"], unique=True)
        batch_op.create_index(batch_op.f("ix_accesstoken_user_id"), ["user_id"], unique=False)

    op.create_table(
        "placeaccess",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("farm_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("(site_id IS NULL) <> (farm_id IS NULL)", name="placeaccess_one_place"),
        sa.ForeignKeyConstraint(["farm_id"], ["farm.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "farm_id"),
        sa.UniqueConstraint("user_id", "site_id"),
    )
    with op.batch_alter_table("placeaccess", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placeaccess_farm_id"), ["farm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placeaccess_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placeaccess_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("placeaccess", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placeaccess_user_id"))
        batch_op.drop_index(batch_op.f("ix_placeaccess_site_id"))
        batch_op.drop_index(batch_op.f("ix_placeaccess_farm_id"))

    op.drop_table("placeaccess")
    with op.batch_alter_table("accesstoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accesstoken_user_id"))
        batch_op.drop_index(batch_op.f("ix_accesstoken_digest"))

    op.drop_table("accesstoken")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_worker_id"))
        batch_op.drop_index(batch_op.f("ix_user_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_user_email"))

    op.drop_table("user")
    sa.Enum(name="role").drop(op.get_bind(), checkfirst=True)  # PostgreSQL keeps enum types otherwise
