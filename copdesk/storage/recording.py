"""Stamping, sequencing and auditing every change, once, for every model.

A ``before_flush`` hook gives each new or changed :class:`SyncRecord` its version, timestamps, author and the
next change-sequence number, and appends one audit entry per change (personal values redacted). Deletion of a
sync record is refused: records are soft-deleted by setting ``deleted_at``.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from copdesk.errors import StorageError
from copdesk.models.accounts import Account
from copdesk.models.base import SyncRecord, utcnow
from copdesk.storage.audit_chain import append_entry, load_state
from copdesk.storage.fts import search_text_of

#: Session info key naming the account that makes the changes.
SESSION_ACTOR = "copdesk_actor"
#: Session flag used by bundle import: records arrive already stamped by their origin; keep them as they are.
SYNC_APPLY = "copdesk_sync_apply"
_STAMP_FIELDS = frozenset({"version", "created_at", "updated_at", "changed_by", "change_seq", "district_code"})
_ACCOUNT_SECRET_FIELDS = frozenset({"password_hash", "failed_logins", "locked_until", "last_login_at"})
_MAX_VALUE_CHARS = 200


def _audit_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


def _changes(obj: Any, personal: frozenset[str], hidden: frozenset[str]) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in hidden:
            continue
        history = state.attrs[name].history
        if not history.has_changes():
            continue
        new = history.added[0] if history.added else None
        changed[name] = "(personal data)" if name in personal else _audit_value(new)
    return changed


@event.listens_for(Session, "before_flush")
def _stamp_and_audit(session: Session, _flush_context: Any, _instances: Any) -> None:
    new = [o for o in session.new if isinstance(o, SyncRecord | Account)]
    dirty = [
        o
        for o in session.dirty
        if isinstance(o, SyncRecord | Account) and session.is_modified(o, include_collections=False)
    ]
    removed = [o for o in session.deleted if isinstance(o, SyncRecord)]
    if removed:
        raise StorageError("Records are never erased; they are marked deleted so that the hub learns of it.")
    if not new and not dirty:
        return
    for obj in (*new, *dirty):
        fields = getattr(obj, "__search_fields__", None)
        if fields:
            obj.search_text = search_text_of(*(getattr(obj, name) for name in fields))
    actor = str(session.info.get(SESSION_ACTOR, "system"))
    applying = bool(session.info.get(SYNC_APPLY))
    state = load_state(session, for_update=True)
    now = utcnow()
    for obj in new:
        if isinstance(obj, SyncRecord) and not applying:
            state.change_seq += 1
            if obj.id is None:
                obj.id = uuid.uuid4()
            obj.version = 1
            obj.created_at = now
            obj.updated_at = now
            obj.changed_by = actor
            obj.change_seq = state.change_seq
            if not obj.district_code:
                if not state.district_code:
                    raise StorageError("This record needs a district, and this database has none.")
                obj.district_code = state.district_code
        if not applying:
            _audit(session, state, actor, "create", obj)
    for obj in dirty:
        if isinstance(obj, SyncRecord) and not applying:
            was_deleted = inspect(obj).attrs["deleted_at"].history.deleted
            state.change_seq += 1
            obj.version = obj.version + 1
            obj.updated_at = now
            obj.changed_by = actor
            obj.change_seq = state.change_seq
            action = "delete" if obj.deleted_at is not None and not (was_deleted and was_deleted[0]) else "update"
        else:
            action = "update"
        if not applying:
            _audit(session, state, actor, action, obj)


def _audit(session: Session, state: Any, actor: str, action: str, obj: Any) -> None:
    if isinstance(obj, Account):
        details = _changes(obj, frozenset(), _ACCOUNT_SECRET_FIELDS)
        if not details:
            return
        entity, entity_id = "account", obj.username
    else:
        details = _changes(obj, obj.__personal_fields__, _STAMP_FIELDS)
        entity, entity_id = obj.__tablename__, str(obj.id)
    append_entry(session, actor, action, entity, entity_id, details, state=state)
