"""Community committees, their members, meetings and the parts of a meeting, with the committee search index.

Revision ID: 0003_committees_meetings
Revises: 0002_organisation_people
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copdesk.models.base import UtcDateTime
from copdesk.storage.fts import create_fts, drop_fts
from copdesk.storage.migrations.columns import sync_columns

revision = "0003_committees_meetings"
down_revision = "0002_organisation_people"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, referred: str, *, nullable: bool = False) -> sa.Column[object]:
    """A UUID foreign key column, indexed, with its constraint named by the project's convention."""
    return sa.Column(
        column,
        sa.Uuid(),
        sa.ForeignKey(f"{referred}.id", name=f"fk_{table}_{column}_{referred}"),
        nullable=nullable,
        index=True,
    )


def upgrade() -> None:
    op.create_table(
        "committees",
        *sync_columns("committees"),
        sa.Column("type", sa.String(24), nullable=False, index=True),
        sa.Column("name", sa.String(160), nullable=False),
        _fk("committees", "station_id", "stations"),
        sa.Column("notification_ref", sa.String(120), nullable=False),
        sa.Column("formed_on", sa.Date(), nullable=False),
        sa.Column("dissolved_on", sa.Date()),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
    )
    create_fts(op.get_bind(), "committees")
    op.create_table(
        "committee_members",
        *sync_columns("committee_members"),
        _fk("committee_members", "committee_id", "committees"),
        _fk("committee_members", "person_id", "people"),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("category", sa.String(24), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date()),
    )
    op.create_table(
        "meetings",
        *sync_columns("meetings"),
        _fk("meetings", "committee_id", "committees"),
        sa.Column("held_on", sa.Date(), nullable=False, index=True),
        sa.Column("start_time", sa.Time()),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("status", sa.String(24), nullable=False, index=True),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("closed_at", UtcDateTime()),
        sa.Column("reopen_reason", sa.Text(), nullable=False),
        sa.Index("ix_meetings_held", "deleted_at", "status", "held_on"),
    )
    op.create_table(
        "action_items",
        *sync_columns("action_items"),
        _fk("action_items", "committee_id", "committees"),
        _fk("action_items", "meeting_id", "meetings"),
        sa.Column("text", sa.Text(), nullable=False),
        _fk("action_items", "owner_member_id", "committee_members", nullable=True),
        _fk("action_items", "owner_officer_id", "officers", nullable=True),
        sa.Column("owner_text", sa.String(160), nullable=False),
        sa.Column("due_on", sa.Date()),
        sa.Column("status", sa.String(24), nullable=False, index=True),
        sa.Column("completed_on", sa.Date()),
    )
    op.create_table(
        "meeting_agenda_items",
        *sync_columns("meeting_agenda_items"),
        _fk("meeting_agenda_items", "meeting_id", "meetings"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _fk("meeting_agenda_items", "carried_from_action_id", "action_items", nullable=True),
    )
    op.create_table(
        "meeting_member_attendance",
        *sync_columns("meeting_member_attendance"),
        _fk("meeting_member_attendance", "meeting_id", "meetings"),
        _fk("meeting_member_attendance", "member_id", "committee_members"),
        sa.Column("status", sa.String(24), nullable=False),
        sa.UniqueConstraint("meeting_id", "member_id", name="uq_meeting_member_attendance_member"),
    )
    op.create_table(
        "meeting_officer_attendance",
        *sync_columns("meeting_officer_attendance"),
        _fk("meeting_officer_attendance", "meeting_id", "meetings"),
        _fk("meeting_officer_attendance", "officer_id", "officers"),
        sa.UniqueConstraint("meeting_id", "officer_id", name="uq_meeting_officer_attendance_officer"),
    )
    op.create_table(
        "meeting_guests",
        *sync_columns("meeting_guests"),
        _fk("meeting_guests", "meeting_id", "meetings"),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("gender", sa.String(16), nullable=False),
        sa.Column("designation", sa.String(120), nullable=False),
    )
    op.create_table(
        "meeting_decisions",
        *sync_columns("meeting_decisions"),
        _fk("meeting_decisions", "meeting_id", "meetings"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_table(
        "meeting_disputes",
        *sync_columns("meeting_disputes"),
        _fk("meeting_disputes", "meeting_id", "meetings"),
        sa.Column("parties", sa.Text(), nullable=False),
        sa.Column("nature", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "meeting_disputes",
        "meeting_decisions",
        "meeting_guests",
        "meeting_officer_attendance",
        "meeting_member_attendance",
        "meeting_agenda_items",
        "action_items",
        "meetings",
        "committee_members",
    ):
        op.drop_table(table)
    drop_fts(op.get_bind(), "committees")
    op.drop_table("committees")
