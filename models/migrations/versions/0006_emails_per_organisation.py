"""An e-mail is unique within an organisation, not across the database: one person may be in two
municipalities' pools, and no coordinator learns which e-mails another pool has.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_email"))
        batch_op.create_index(batch_op.f("ix_user_email"), ["email"], unique=False)
        batch_op.create_unique_constraint("uq_user_organisation_email", ["organisation_id", "email"])


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint("uq_user_organisation_email", type_="unique")
        batch_op.drop_index(batch_op.f("ix_user_email"))
        batch_op.create_index(batch_op.f("ix_user_email"), ["email"], unique=True)
