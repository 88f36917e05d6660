"""Column sets shared by migrations. Frozen once released: a later change to a mixin gets its own migration."""

from __future__ import annotations

import sqlalchemy as sa

from copdesk.models.base import UtcDateTime


def sync_columns(table: str) -> list[sa.Column[object] | sa.Index | sa.PrimaryKeyConstraint]:
    """The columns of :class:`copdesk.models.base.SyncRecord` as they were in schema 0001/0002."""
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("deleted_at", UtcDateTime()),
        sa.Column("change_seq", sa.BigInteger(), nullable=False, index=True),
        sa.Column("district_code", sa.String(8), nullable=False, index=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]
