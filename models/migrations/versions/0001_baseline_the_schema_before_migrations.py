"""Baseline: the schema as ``create_all`` made it before migrations existed.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 20:46:41.038440
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_ref"), ["ref"], unique=True)

    op.create_table(
        "region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "ref"),
    )
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "shifttype",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("forbidden_next", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "ref"),
    )
    with op.batch_alter_table("shifttype", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shifttype_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "ref"),
    )
    with op.batch_alter_table("skill", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skill_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "solverun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("objective", sa.Integer(), nullable=True),
        sa.Column("best_bound", sa.Float(), nullable=True),
        sa.Column("wall_seconds", sa.Float(), nullable=False),
        sa.Column("assignments", sa.Integer(), nullable=False),
        sa.Column("unfilled_places", sa.Integer(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("solverun", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_solverun_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "farm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "ref"),
    )
    with op.batch_alter_table("farm", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_farm_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_farm_region_id"), ["region_id"], unique=False)

    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("nursing_home", "home_care", "clinic", name="sitekind"), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "ref"),
    )
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_region_id"), ["region_id"], unique=False)

    op.create_table(
        "worker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sa.Enum("health", "seasonal", "volunteer", name="workerkind"), nullable=False),
        sa.Column("home_lat", sa.Float(), nullable=False),
        sa.Column("home_lon", sa.Float(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("max_travel_km", sa.Float(), nullable=False),
        sa.Column("max_hours_per_7_days", sa.Float(), nullable=False),
        sa.Column("max_consecutive_days", sa.Integer(), nullable=False),
        sa.Column("min_consecutive_days", sa.Integer(), nullable=False),
        sa.Column("min_consecutive_days_off", sa.Integer(), nullable=False),
        sa.Column("max_weekends", sa.Integer(), nullable=True),
        sa.Column("min_hours", sa.Float(), nullable=False),
        sa.Column("max_hours", sa.Float(), nullable=True),
        sa.Column("max_shifts_per_type", sa.JSON(), nullable=False),
        sa.Column("hourly_rate", sa.Float(), nullable=True),
        sa.Column("always_available", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "ref"),
    )
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_worker_region_id"), ["region_id"], unique=False)

    op.create_table(
        "availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("available", "unavailable", "preferred", "undesired", name="availabilitykind"),
            nullable=False,
        ),
        sa.Column("start_utc", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("end_utc", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.CheckConstraint("end_utc > start_utc", name="availability_ends_after_start"),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_availability_start_utc"), ["start_utc"], unique=False)
        batch_op.create_index(batch_op.f("ix_availability_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("farm_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("daily_start", sa.Time(), nullable=False),
        sa.Column("daily_hours", sa.Float(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("pay_per_hour", sa.Float(), nullable=False),
        sa.Column("priority", sa.Enum("critical", "normal", "low", name="priority"), nullable=False),
        sa.CheckConstraint("headcount >= 1", name="job_headcount_positive"),
        sa.CheckConstraint("last_day >= first_day", name="job_last_day_not_before_first"),
        sa.ForeignKeyConstraint(
            ["farm_id"],
            ["farm.id"],
        ),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "ref"),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_farm_id"), ["farm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "qualification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
        ),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("worker_id", "skill_id"),
    )
    with op.batch_alter_table("qualification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qualification_skill_id"), ["skill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_qualification_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("shift_type_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("start_utc", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("end_utc", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("max_headcount", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Enum("critical", "normal", "low", name="priority"), nullable=False),
        sa.Column("under_weight", sa.Integer(), nullable=True),
        sa.Column("over_weight", sa.Integer(), nullable=False),
        sa.CheckConstraint("end_utc > start_utc", name="shift_ends_after_start"),
        sa.CheckConstraint("headcount >= 0", name="shift_headcount_not_negative"),
        sa.CheckConstraint(
            "max_headcount IS NULL OR max_headcount >= headcount", name="shift_capacity_covers_headcount"
        ),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["shift_type_id"],
            ["shifttype.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "ref"),
    )
    with op.batch_alter_table("shift", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shift_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shift_shift_type_id"), ["shift_type_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shift_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shift_start_utc"), ["start_utc"], unique=False)

    op.create_table(
        "shiftrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("item_ref", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("kind", sa.Enum("on", "off", name="requestkind"), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("worker_id", "item_ref"),
    )
    with op.batch_alter_table("shiftrequest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shiftrequest_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "traveloverride",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("place_ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("km", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("worker_id", "place_ref"),
    )
    with op.batch_alter_table("traveloverride", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_traveloverride_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("proposed", "offered", "accepted", "declined", "cancelled", name="assignmentstatus"),
            nullable=False,
        ),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(shift_id IS NOT NULL AND job_id IS NULL AND day IS NULL)"
            " OR (shift_id IS NULL AND job_id IS NOT NULL AND day IS NOT NULL)",
            name="assignment_one_target",
        ),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shift_id"], ["shift.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("worker_id", "job_id", "day"),
        sa.UniqueConstraint("worker_id", "shift_id"),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_job_id"), ["job_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_shift_id"), ["shift_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "jobskill",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
        ),
        sa.PrimaryKeyConstraint("job_id", "skill_id"),
    )
    op.create_table(
        "shiftskill",
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["shift_id"], ["shift.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
        ),
        sa.PrimaryKeyConstraint("shift_id", "skill_id"),
    )


def downgrade() -> None:
    op.drop_table("shiftskill")
    op.drop_table("jobskill")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_worker_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_shift_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_job_id"))

    op.drop_table("assignment")
    with op.batch_alter_table("traveloverride", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_traveloverride_worker_id"))

    op.drop_table("traveloverride")
    with op.batch_alter_table("shiftrequest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shiftrequest_worker_id"))

    op.drop_table("shiftrequest")
    with op.batch_alter_table("shift", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shift_start_utc"))
        batch_op.drop_index(batch_op.f("ix_shift_site_id"))
        batch_op.drop_index(batch_op.f("ix_shift_shift_type_id"))
        batch_op.drop_index(batch_op.f("ix_shift_organisation_id"))

    op.drop_table("shift")
    with op.batch_alter_table("qualification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qualification_worker_id"))
        batch_op.drop_index(batch_op.f("ix_qualification_skill_id"))

    op.drop_table("qualification")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_job_farm_id"))

    op.drop_table("job")
    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_availability_worker_id"))
        batch_op.drop_index(batch_op.f("ix_availability_start_utc"))

    op.drop_table("availability")
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_region_id"))
        batch_op.drop_index(batch_op.f("ix_worker_organisation_id"))

    op.drop_table("worker")
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_region_id"))
        batch_op.drop_index(batch_op.f("ix_site_organisation_id"))

    op.drop_table("site")
    with op.batch_alter_table("farm", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_farm_region_id"))
        batch_op.drop_index(batch_op.f("ix_farm_organisation_id"))

    op.drop_table("farm")
    with op.batch_alter_table("solverun", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_solverun_organisation_id"))

    op.drop_table("solverun")
    with op.batch_alter_table("skill", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_organisation_id"))

    op.drop_table("skill")
    with op.batch_alter_table("shifttype", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shifttype_organisation_id"))

    op.drop_table("shifttype")
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_organisation_id"))

    op.drop_table("region")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_ref"))

    op.drop_table("organisation")
