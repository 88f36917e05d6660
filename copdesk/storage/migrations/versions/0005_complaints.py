"""Public complaints, their history, the yearly tracking-number counter, and the complaints search index.

Revision ID: 0005_complaints
Revises: 0004_watch
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copdesk.models.base import UtcDateTime
from copdesk.storage.fts import create_fts, drop_fts
from copdesk.storage.migrations.columns import sync_columns

revision = "0005_complaints"
down_revision = "0004_watch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        *sync_columns("complaints"),
        sa.Column("tracking_no", sa.String(24), nullable=False, unique=True, index=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column(
            "complainant_person_id",
            sa.Uuid(),
            sa.ForeignKey("people.id", name="fk_complaints_complainant_person_id_people"),
            index=True,
        ),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(24), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column(
            "station_id",
            sa.Uuid(),
            sa.ForeignKey("stations.id", name="fk_complaints_station_id_stations"),
            nullable=False,
        ),
        sa.Column("against_police", sa.Boolean(), nullable=False),
        sa.Column(
            "against_station_id",
            sa.Uuid(),
            sa.ForeignKey("stations.id", name="fk_complaints_against_station_id_stations"),
        ),
        sa.Column(
            "assigned_officer_id",
            sa.Uuid(),
            sa.ForeignKey("officers.id", name="fk_complaints_assigned_officer_id_officers"),
            index=True,
        ),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("escalated_at", UtcDateTime()),
        sa.Column("resolved_on", sa.Date()),
        sa.Column("fir_no", sa.String(32)),
        sa.Column("closure_category", sa.String(24)),
        sa.Column("closed_on", sa.Date()),
        sa.Column("feedback", sa.String(24)),
        sa.Column("feedback_remarks", sa.Text(), nullable=False),
        sa.Column("feedback_on", sa.Date()),
        sa.Column("reopened_count", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Index("ix_complaints_live", "deleted_at", "received_on", "tracking_no"),
        sa.Index("ix_complaints_status_live", "status", "deleted_at", "received_on", "tracking_no"),
        sa.Index("ix_complaints_station_live", "station_id", "deleted_at", "received_on", "tracking_no"),
        sa.Index("ix_complaints_category_live", "category", "deleted_at", "received_on", "tracking_no"),
        sa.Index("ix_complaints_status_due", "status", "deleted_at", "due_on"),
        sa.Index("ix_complaints_resolved", "deleted_at", "resolved_on", "due_on", "received_on"),
    )
    create_fts(op.get_bind(), "complaints")
    op.create_table(
        "complaint_events",
        *sync_columns("complaint_events"),
        sa.Column(
            "complaint_id",
            sa.Uuid(),
            sa.ForeignKey("complaints.id", name="fk_complaint_events_complaint_id_complaints"),
            nullable=False,
            index=True,
        ),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("from_status", sa.String(24)),
        sa.Column("to_status", sa.String(24), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_table(
        "complaint_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_complaint_counters"),
    )


def downgrade() -> None:
    op.drop_table("complaint_counters")
    op.drop_table("complaint_events")
    drop_fts(op.get_bind(), "complaints")
    op.drop_table("complaints")
