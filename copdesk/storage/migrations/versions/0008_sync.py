"""Monthly bundles: district signing keys, outbox and counters; hub keys, enrolments, registry, held files.

Revision ID: 0008_sync
Revises: 0007_months
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copdesk.models.base import UtcDateTime

revision = "0008_sync"
down_revision = "0007_months"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(8), nullable=False),
        sa.Column("hmac_nonce", sa.LargeBinary(), nullable=False),
        sa.Column("hmac_wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("recovery_recipient", sa.String(100), nullable=False),
        sa.Column("hub_profile", sa.Text()),
        sa.Column("hub_signing_key", sa.String(64)),
        sa.Column("hub_fingerprint", sa.String(40)),
        sa.Column("hub_encryption_key", sa.String(100)),
        sa.Column("hub_encryption_fingerprint", sa.String(40)),
        sa.Column("cnic_in_clear", sa.Boolean(), nullable=False),
        sa.Column("contact_details", sa.Boolean(), nullable=False),
        sa.Column("acked_through_seq", sa.BigInteger(), nullable=False),
        sa.Column("highest_sequence", sa.BigInteger(), nullable=False),
        sa.Column("feedback_version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sync_identity"),
    )
    op.create_table(
        "sync_signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(40), nullable=False),
        sa.Column("seed_nonce", sa.LargeBinary(), nullable=False),
        sa.Column("seed_wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("previous_key_id", sa.String(16)),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("retired_at", UtcDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_sync_signing_keys"),
        sa.UniqueConstraint("key_id", name="uq_sync_signing_keys_key_id"),
    )
    op.create_table(
        "sync_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False, index=True),
        sa.Column("times_closed", sa.Integer(), nullable=False),
        sa.Column("from_seq", sa.BigInteger(), nullable=False),
        sa.Column("to_seq", sa.BigInteger(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(120), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("hub_reason", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("acknowledged_at", UtcDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_sync_outbox"),
        sa.UniqueConstraint("bundle_id", name="uq_sync_outbox_bundle_id"),
        sa.UniqueConstraint("sequence", name="uq_sync_outbox_sequence"),
    )
    op.create_table(
        "hub_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_identity"),
    )
    op.create_table(
        "hub_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("public_key", sa.String(100), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("fingerprint", sa.String(40), nullable=False),
        sa.Column("secret_nonce", sa.LargeBinary(), nullable=False),
        sa.Column("secret_wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_keys"),
        sa.UniqueConstraint("fingerprint", name="uq_hub_keys_fingerprint"),
    )
    op.create_table(
        "hub_key_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("time_cost", sa.Integer(), nullable=False),
        sa.Column("memory_kib", sa.Integer(), nullable=False),
        sa.Column("parallelism", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_key_slots"),
        sa.UniqueConstraint("username", name="uq_hub_key_slots_username"),
    )
    op.create_table(
        "hub_districts",
        sa.Column("district_code", sa.String(8), nullable=False),
        sa.Column("covered_through", sa.BigInteger(), nullable=False),
        sa.Column("highest_sequence", sa.BigInteger(), nullable=False),
        sa.Column("replay_floor", sa.BigInteger(), nullable=False),
        sa.Column("feedback_version", sa.BigInteger(), nullable=False),
        sa.Column("enrolled_at", UtcDateTime(), nullable=False),
        sa.Column("last_import_at", UtcDateTime()),
        sa.PrimaryKeyConstraint("district_code", name="pk_hub_districts"),
    )
    op.create_table(
        "hub_district_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "district_code",
            sa.String(8),
            sa.ForeignKey("hub_districts.district_code", name="fk_hub_district_keys_district_code_hub_districts"),
            nullable=False,
            index=True,
        ),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("enrolled_at", UtcDateTime(), nullable=False),
        sa.Column("enrolled_by", sa.String(64), nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("revoked_at", UtcDateTime()),
        sa.Column("revoked_by", sa.String(64)),
        sa.Column("revoke_reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_district_keys"),
        sa.UniqueConstraint("district_code", "key_id", name="uq_hub_district_keys_district_code_key_id"),
    )
    op.create_table(
        "hub_received_bundles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Uuid(), index=True),
        sa.Column("district_code", sa.String(8), index=True),
        sa.Column("sequence", sa.BigInteger()),
        sa.Column("month", sa.String(7)),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("from_seq", sa.BigInteger()),
        sa.Column("to_seq", sa.BigInteger()),
        sa.Column("new_records", sa.Integer(), nullable=False),
        sa.Column("updated_records", sa.Integer(), nullable=False),
        sa.Column("unchanged_records", sa.Integer(), nullable=False),
        sa.Column("conflicting_records", sa.Integer(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("received_by", sa.String(64), nullable=False),
        sa.Column("applied_at", UtcDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_hub_received_bundles"),
    )
    op.create_table(
        "hub_held_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "received_id",
            sa.Integer(),
            sa.ForeignKey("hub_received_bundles.id", name="fk_hub_held_files_received_id_hub_received_bundles"),
            nullable=False,
        ),
        sa.Column("district_code", sa.String(8), nullable=False, index=True),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("from_seq", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_held_files"),
        sa.UniqueConstraint("received_id", name="uq_hub_held_files_received_id"),
    )
    op.create_table(
        "hub_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(8), nullable=False, index=True),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column(
            "received_id",
            sa.Integer(),
            sa.ForeignKey("hub_received_bundles.id", name="fk_hub_conflicts_received_id_hub_received_bundles"),
            nullable=False,
        ),
        sa.Column(
            "other_received_id",
            sa.Integer(),
            sa.ForeignKey("hub_received_bundles.id", name="fk_hub_conflicts_other_received_id_hub_received_bundles"),
        ),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("resolved_at", UtcDateTime()),
        sa.Column("resolved_by", sa.String(64)),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_conflicts"),
    )


def downgrade() -> None:
    for table in (
        "hub_conflicts",
        "hub_held_files",
        "hub_received_bundles",
        "hub_district_keys",
        "hub_districts",
        "hub_key_slots",
        "hub_keys",
        "hub_identity",
        "sync_outbox",
        "sync_signing_keys",
        "sync_identity",
    ):
        op.drop_table(table)
