"""Month closing and monthly figures.

Revision ID: 0007_months
Revises: 0006_outreach_training
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copdesk.models.base import UtcDateTime
from copdesk.storage.migrations.columns import sync_columns

revision = "0007_months"
down_revision = "0006_outreach_training"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "month_closings",
        *sync_columns("month_closings"),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=False),
        sa.Column("closed_by", sa.String(64), nullable=False),
        sa.Column("high_water_seq", sa.BigInteger(), nullable=False),
        sa.Column("times_closed", sa.Integer(), nullable=False),
        sa.Column("reopened_at", UtcDateTime()),
        sa.Column("reopened_by", sa.String(64)),
        sa.Column("reopen_reason", sa.Text(), nullable=False),
        sa.UniqueConstraint("district_code", "month", name="uq_month_closings_district_code_month"),
    )
    op.create_table(
        "monthly_figures",
        *sync_columns("monthly_figures"),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("definition", sa.String(32), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("computed_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("district_code", "month", name="uq_monthly_figures_district_code_month"),
    )


def downgrade() -> None:
    op.drop_table("monthly_figures")
    op.drop_table("month_closings")
