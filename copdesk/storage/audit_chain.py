"""The hash-chained audit trail: append an entry, verify the chain. Every write path goes through here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from copdesk.errors import StorageError
from copdesk.models.audit import AuditEntry
from copdesk.models.base import DatabaseState, utcnow

GENESIS = "0" * 64


def load_state(session: Session, *, for_update: bool = False) -> DatabaseState:
    """The database's single state row (locked for update on PostgreSQL when asked)."""
    with session.no_autoflush:
        state = session.get(DatabaseState, 1, with_for_update=for_update or None)
    if state is None:
        raise StorageError("This database has no copdesk identity row; it was not created by copdesk.")
    return state


def entry_hash(
    seq: int, at: datetime, actor: str, action: str, entity: str, entity_id: str, details: str, prev_hash: str
) -> str:
    """SHA-256 over an entry's fields and the previous entry's hash."""
    canonical = json.dumps(
        [
            seq,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor,
            action,
            entity,
            entity_id,
            details,
            prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append_entry(
    session: Session,
    actor: str,
    action: str,
    entity: str = "",
    entity_id: str = "",
    details: dict[str, Any] | None = None,
    *,
    state: DatabaseState | None = None,
) -> AuditEntry:
    """Add one entry at the head of the chain (in the caller's transaction)."""
    state = state or load_state(session, for_update=True)
    seq = state.audit_seq + 1
    at = utcnow()
    text = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
    digest = entry_hash(seq, at, actor, action, entity, entity_id, text, state.audit_head)
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=text,
        prev_hash=state.audit_head,
        hash=digest,
    )
    session.add(entry)
    state.audit_seq = seq
    state.audit_head = digest
    return entry


@dataclass(frozen=True)
class ChainReport:
    """Result of verifying the audit chain."""

    entries: int
    head: str
    ok: bool
    first_broken_seq: int | None = None
    problem: str = ""


def verify_chain(session: Session, batch: int = 5_000) -> ChainReport:
    """Walk the chain in order and report the first broken link (edited, deleted or reordered entry)."""
    state = load_state(session)
    prev = GENESIS
    expected_seq = 1
    count = 0
    last_seq = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > last_seq).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            break
        for entry in rows:
            count += 1
            if entry.seq != expected_seq:
                return ChainReport(count, prev, False, expected_seq, f"entry {expected_seq} is missing")
            if entry.prev_hash != prev:
                return ChainReport(count, prev, False, entry.seq, f"entry {entry.seq} does not follow its predecessor")
            digest = entry_hash(
                entry.seq,
                entry.at,
                entry.actor,
                entry.action,
                entry.entity,
                entry.entity_id,
                entry.details,
                entry.prev_hash,
            )
            if digest != entry.hash:
                return ChainReport(count, prev, False, entry.seq, f"entry {entry.seq} was altered")
            prev = entry.hash
            expected_seq += 1
            last_seq = entry.seq
    if last_seq != state.audit_seq or prev != state.audit_head:
        return ChainReport(count, prev, False, last_seq + 1, "the newest entries are missing")
    return ChainReport(count, prev, True)
