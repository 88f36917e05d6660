"""Outreach events and COP training of officers (sessions and attendance), with their search indexes.

Revision ID: 0006_outreach_training
Revises: 0005_complaints
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copdesk.storage.fts import create_fts, drop_fts
from copdesk.storage.migrations.columns import sync_columns

revision = "0006_outreach_training"
down_revision = "0005_complaints"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outreach_events",
        *sync_columns("outreach_events"),
        sa.Column("kind", sa.String(24), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column(
            "station_id",
            sa.Uuid(),
            sa.ForeignKey("stations.id", name="fk_outreach_events_station_id_stations"),
            nullable=False,
            index=True,
        ),
        sa.Column("held_on", sa.Date(), nullable=False, index=True),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("men", sa.Integer(), nullable=False),
        sa.Column("women", sa.Integer(), nullable=False),
        sa.Column("youth", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("success_story", sa.Text(), nullable=False),
        sa.Column("success_story_consent", sa.Boolean(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "men >= 0 AND women >= 0 AND youth >= 0", name=op.f("ck_outreach_events_attendance_not_negative")
        ),
    )
    op.create_table(
        "training_sessions",
        *sync_columns("training_sessions"),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False, index=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("trainer", sa.String(120), nullable=False),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_training_sessions_duration_positive")),
    )
    op.create_table(
        "training_attendances",
        *sync_columns("training_attendances"),
        sa.Column(
            "session_id",
            sa.Uuid(),
            sa.ForeignKey("training_sessions.id", name="fk_training_attendances_session_id_training_sessions"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "officer_id",
            sa.Uuid(),
            sa.ForeignKey("officers.id", name="fk_training_attendances_officer_id_officers"),
            nullable=False,
            index=True,
        ),
        sa.UniqueConstraint("session_id", "officer_id", name="uq_training_attendances_session_id"),
    )
    create_fts(op.get_bind(), "outreach_events")
    create_fts(op.get_bind(), "training_sessions")


def downgrade() -> None:
    drop_fts(op.get_bind(), "training_sessions")
    drop_fts(op.get_bind(), "outreach_events")
    for table in ("training_attendances", "training_sessions", "outreach_events"):
        op.drop_table(table)
