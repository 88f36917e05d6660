"""Organisation (stations, beats, officers) and people, with the people search index.

Revision ID: 0002_organisation_people
Revises: 0001_platform
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copdesk.storage.fts import create_fts, drop_fts
from copdesk.storage.migrations.columns import sync_columns

revision = "0002_organisation_people"
down_revision = "0001_platform"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stations",
        *sync_columns("stations"),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("name_ur", sa.String(120), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
    )
    op.create_table(
        "beats",
        *sync_columns("beats"),
        sa.Column("station_id", sa.Uuid(), sa.ForeignKey("stations.id", name="fk_beats_station_id_stations"),
                  nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
    )
    op.create_table(
        "officers",
        *sync_columns("officers"),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("rank", sa.String(24), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("gender", sa.String(16), nullable=False),
        sa.Column("station_id", sa.Uuid(), sa.ForeignKey("stations.id", name="fk_officers_station_id_stations"),
                  index=True),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "people",
        *sync_columns("people"),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("father_name", sa.String(120), nullable=False),
        sa.Column("gender", sa.String(16), nullable=False),
        sa.Column("cnic", sa.String(15), index=True),
        sa.Column("mobile", sa.String(16)),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
    )
    create_fts(op.get_bind(), "people")


def downgrade() -> None:
    drop_fts(op.get_bind(), "people")
    for table in ("people", "officers", "beats", "stations"):
        op.drop_table(table)
