"""Monthly bundles: the district's signing identity and outbox, and the hub's keys, enrolments and registry.

These tables are bookkeeping of one database; they are not :class:`SyncRecord` s and never travel. Secrets are
stored wrapped (AES-256-GCM): at the district under a key derived from the database key, at the hub under the
hub keyring key, itself wrapped once per hub account that may use it (see ``copdesk/sync/crypto.py``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from copdesk.models.base import Base, UtcDateTime, utcnow


class KeyStatus(StrEnum):
    """Life of a signing key: active, retired (replaced by a signed rotation), revoked (refused)."""

    ACTIVE = "active"
    RETIRED = "retired"
    REVOKED = "revoked"


class OutboxStatus(StrEnum):
    """Where a sent bundle stands, as far as the district knows from the hub's acknowledgements."""

    SENT = "sent"  # written, no acknowledgement yet
    ACCEPTED = "accepted"
    PENDING = "pending"
    REJECTED = "rejected"
    CONFLICT = "conflict"
    DUPLICATE = "duplicate"


class ReceiptStatus(StrEnum):
    """What the hub did with a received file."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    PENDING = "pending"
    REJECTED = "rejected"
    CONFLICT = "conflict"


# -- district side -----------------------------------------------------------------------------------------------
class SyncIdentity(Base):
    """The district's sync settings and counters (one row, id 1)."""

    __tablename__ = "sync_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(8), nullable=False)
    #: The per-district HMAC secret for CNIC numbers, wrapped under the database key (stable across rotations).
    hmac_nonce: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    hmac_wrapped: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    #: age recipient derived from the recovery key: the district can open its own bundles with the recovery sheet.
    recovery_recipient: Mapped[str] = mapped_column(String(100), nullable=False)
    #: The installed hub profile (JSON as received) and its keys.
    hub_profile: Mapped[str | None] = mapped_column(Text)
    hub_signing_key: Mapped[str | None] = mapped_column(String(64))
    hub_fingerprint: Mapped[str | None] = mapped_column(String(40))
    hub_encryption_key: Mapped[str | None] = mapped_column(String(100))
    hub_encryption_fingerprint: Mapped[str | None] = mapped_column(String(40))
    #: Policy: send CNIC numbers in clear (default: an HMAC) and private persons' contact details (default: not).
    cnic_in_clear: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    contact_details: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: The change sequence up to which the hub confirmed having everything: the next bundle starts after it.
    acked_through_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    #: The highest bundle sequence number known to have been issued (here or, before a restore, learned from acks).
    highest_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    #: Version of the last hub file applied (must rise).
    feedback_version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class SyncSigningKey(Base):
    """A district signing key (Ed25519); its seed wrapped under the database key."""

    __tablename__ = "sync_signing_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)  # minisign key id, hex
    public_key: Mapped[str] = mapped_column(String(64), nullable=False)  # base64 of the raw 32 bytes
    fingerprint: Mapped[str] = mapped_column(String(40), nullable=False)
    seed_nonce: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    seed_wrapped: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=KeyStatus.ACTIVE)
    previous_key_id: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OutboxBundle(Base):
    """A bundle written by this district: the file itself is kept, so exporting the month again re-sends it."""

    __tablename__ = "sync_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bundle_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, unique=True)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, unique=True)
    month: Mapped[str] = mapped_column(String(7), nullable=False, index=True)
    times_closed: Mapped[int] = mapped_column(Integer, nullable=False)
    from_seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    to_seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    key_id: Mapped[str] = mapped_column(String(16), nullable=False)
    file_name: Mapped[str] = mapped_column(String(120), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    records: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=OutboxStatus.SENT)
    hub_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


# -- hub side ----------------------------------------------------------------------------------------------------
class HubIdentity(Base):
    """The hub's name and id (one row, id 1)."""

    __tablename__ = "hub_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class HubKey(Base):
    """One of the hub's key pairs (signing: Ed25519, encryption: X25519), its secret under the keyring key."""

    __tablename__ = "hub_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)  # "signing" or "encryption"
    public_key: Mapped[str] = mapped_column(String(100), nullable=False)
    key_id: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    fingerprint: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    secret_nonce: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    secret_wrapped: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=KeyStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class HubKeySlot(Base):
    """The hub keyring key wrapped under one hub account's password (argon2id + AES-256-GCM)."""

    __tablename__ = "hub_key_slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    nonce: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    time_cost: Mapped[int] = mapped_column(Integer, nullable=False)
    memory_kib: Mapped[int] = mapped_column(Integer, nullable=False)
    parallelism: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class EnrolledDistrict(Base):
    """A district enrolled at the hub, with how far its records are covered."""

    __tablename__ = "hub_districts"

    district_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    #: Every change of the district up to this change sequence has been applied (contiguously).
    covered_through: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    #: Highest bundle sequence number received (accepted or pending).
    highest_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    #: Bundles numbered at or below this, not yet received, are replays: the district confirmed the ack past them.
    replay_floor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    #: Version of the last hub file (acknowledgement) written for the district.
    feedback_version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    last_import_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DistrictKey(Base):
    """A district signing key registered at the hub."""

    __tablename__ = "hub_district_keys"
    __table_args__ = (UniqueConstraint("district_code", "key_id", name="uq_hub_district_keys_district_code_key_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(
        ForeignKey("hub_districts.district_code", name="fk_hub_district_keys_district_code_hub_districts"),
        nullable=False,
        index=True,
    )
    key_id: Mapped[str] = mapped_column(String(16), nullable=False)
    public_key: Mapped[str] = mapped_column(String(64), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=KeyStatus.ACTIVE)
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    enrolled_by: Mapped[str] = mapped_column(String(64), nullable=False)
    how: Mapped[str] = mapped_column(String(16), nullable=False)  # "letter" or "rotation"
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revoke_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ReceivedBundle(Base):
    """Every file the hub was given, with what it did with it (the registry)."""

    __tablename__ = "hub_received_bundles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bundle_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    district_code: Mapped[str | None] = mapped_column(String(8), index=True)
    sequence: Mapped[int | None] = mapped_column(BigInteger)
    month: Mapped[str | None] = mapped_column(String(7))
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    from_seq: Mapped[int | None] = mapped_column(BigInteger)
    to_seq: Mapped[int | None] = mapped_column(BigInteger)
    new_records: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_records: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    unchanged_records: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    conflicting_records: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    received_by: Mapped[str] = mapped_column(String(64), nullable=False)
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class HeldFile(Base):
    """A verified bundle kept until it can be applied (pending) or an analyst decides (conflict)."""

    __tablename__ = "hub_held_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_id: Mapped[int] = mapped_column(
        ForeignKey("hub_received_bundles.id", name="fk_hub_held_files_received_id_hub_received_bundles"),
        nullable=False,
        unique=True,
    )
    district_code: Mapped[str] = mapped_column(String(8), nullable=False, index=True)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    from_seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class SyncConflict(Base):
    """Something an analyst must decide: two files with one sequence number, or records that disagree."""

    __tablename__ = "hub_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(8), nullable=False, index=True)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # "sequence" or "records"
    received_id: Mapped[int] = mapped_column(
        ForeignKey("hub_received_bundles.id", name="fk_hub_conflicts_received_id_hub_received_bundles"),
        nullable=False,
    )
    other_received_id: Mapped[int | None] = mapped_column(
        ForeignKey("hub_received_bundles.id", name="fk_hub_conflicts_other_received_id_hub_received_bundles")
    )
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str] = mapped_column(Text, nullable=False, default="")
