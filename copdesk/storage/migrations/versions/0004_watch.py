"""Neighbourhood watch (Theekree Pehra): groups, volunteers, duty shifts and assignments, with the group search index.

Revision ID: 0004_watch
Revises: 0003_committees_meetings
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copdesk.storage.fts import create_fts, drop_fts
from copdesk.storage.migrations.columns import sync_columns

revision = "0004_watch"
down_revision = "0003_committees_meetings"
branch_labels = None
depends_on = None

ACTIVE_VOLUNTEER_WHERE = "left_on IS NULL AND deleted_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "watch_groups",
        *sync_columns("watch_groups"),
        sa.Column(
            "beat_id",
            sa.Uuid(),
            sa.ForeignKey("beats.id", name="fk_watch_groups_beat_id_beats"),
            nullable=False,
            index=True,
        ),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("formed_on", sa.Date(), nullable=False),
        sa.Column(
            "leader_person_id",
            sa.Uuid(),
            sa.ForeignKey("people.id", name="fk_watch_groups_leader_person_id_people"),
            index=True,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
    )
    create_fts(op.get_bind(), "watch_groups")
    op.create_table(
        "watch_volunteers",
        *sync_columns("watch_volunteers"),
        sa.Column(
            "group_id",
            sa.Uuid(),
            sa.ForeignKey("watch_groups.id", name="fk_watch_volunteers_group_id_watch_groups"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "person_id",
            sa.Uuid(),
            sa.ForeignKey("people.id", name="fk_watch_volunteers_person_id_people"),
            nullable=False,
            index=True,
        ),
        sa.Column("verification_status", sa.String(24), nullable=False),
        sa.Column("verified_on", sa.Date()),
        sa.Column("verified_by", sa.String(64)),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date()),
        sa.Column("notes", sa.Text(), nullable=False),
    )
    op.create_index(
        "uq_watch_volunteers_active_person",
        "watch_volunteers",
        ["group_id", "person_id"],
        unique=True,
        sqlite_where=sa.text(ACTIVE_VOLUNTEER_WHERE),
        postgresql_where=sa.text(ACTIVE_VOLUNTEER_WHERE),
    )
    op.create_table(
        "watch_shifts",
        *sync_columns("watch_shifts"),
        sa.Column(
            "group_id",
            sa.Uuid(),
            sa.ForeignKey("watch_groups.id", name="fk_watch_shifts_group_id_watch_groups"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "beat_id",
            sa.Uuid(),
            sa.ForeignKey("beats.id", name="fk_watch_shifts_beat_id_beats"),
            nullable=False,
            index=True,
        ),
        sa.Column("shift_date", sa.Date(), nullable=False, index=True),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("volunteers_needed", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint("volunteers_needed >= 1", name=op.f("ck_watch_shifts_volunteers_needed_positive")),
    )
    op.create_table(
        "watch_shift_assignments",
        *sync_columns("watch_shift_assignments"),
        sa.Column(
            "shift_id",
            sa.Uuid(),
            sa.ForeignKey("watch_shifts.id", name="fk_watch_shift_assignments_shift_id_watch_shifts"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "volunteer_id",
            sa.Uuid(),
            sa.ForeignKey("watch_volunteers.id", name="fk_watch_shift_assignments_volunteer_id_watch_volunteers"),
            nullable=False,
            index=True,
        ),
        sa.Column("turned_out", sa.Boolean()),
        sa.UniqueConstraint("shift_id", "volunteer_id", name="uq_watch_shift_assignments_shift_id_volunteer_id"),
    )


def downgrade() -> None:
    op.drop_table("watch_shift_assignments")
    op.drop_table("watch_shifts")
    op.drop_index("uq_watch_volunteers_active_person", table_name="watch_volunteers")
    op.drop_table("watch_volunteers")
    drop_fts(op.get_bind(), "watch_groups")
    op.drop_table("watch_groups")
