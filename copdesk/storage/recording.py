"""Stamping, sequencing and auditing every change, once, for every model.

A ``before_flush`` hook gives each new or changed :class:`SyncRecord` its version, timestamps, author and the
next change-sequence number, and appends one audit entry per change (personal values redacted). Deletion of a
sync record is refused: records are soft-deleted by setting ``deleted_at``.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from copdesk.domain.months import Month
from copdesk.errors import StorageError, WorkflowError
from copdesk.models.accounts import Account
from copdesk.models.base import Base, SyncRecord, utcnow
from copdesk.models.months import MonthClosing, MonthState
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
    if not applying and state.district_code:
        _refuse_changes_in_closed_months(session, state.district_code, [*new, *dirty])
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
            deletion = inspect(obj).attrs["deleted_at"].history
            became_deleted = bool(deletion.added and deletion.added[0] is not None) and not (
                deletion.deleted and deletion.deleted[0] is not None
            )
            state.change_seq += 1
            obj.version = obj.version + 1
            obj.updated_at = now
            obj.changed_by = actor
            obj.change_seq = state.change_seq
            action = "delete" if became_deleted else "update"
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


def _dates_touched(session: Session, obj: Any, depth: int = 0) -> set[date]:
    """The calendar days whose months a change to ``obj`` touches (for month locking)."""
    cls = type(obj)
    touched: set[date] = set()
    field = getattr(cls, "__month_field__", None)
    if field:
        touched.update(_values(obj, field, changed_only=False))
    for name in getattr(cls, "__month_dated_fields__", ()):
        touched.update(_values(obj, name, changed_only=True))
    parent_spec = getattr(cls, "__month_parent__", None)
    if parent_spec and depth < 3:
        fk_attribute, class_name = parent_spec
        parent_cls = _mapped_class(class_name)
        for parent_id in _values(obj, fk_attribute, changed_only=False):
            with session.no_autoflush:
                parent = session.get(parent_cls, parent_id)
            if parent is not None:
                touched.update(_dates_touched(session, parent, depth + 1))
    return touched


def _values(obj: Any, name: str, *, changed_only: bool) -> list[Any]:
    history = inspect(obj).attrs[name].history
    if changed_only and not history.has_changes() and inspect(obj).persistent:
        return []
    values = [*history.added, *history.deleted] if history.has_changes() else [getattr(obj, name)]
    return [v for v in values if v is not None]


def _mapped_class(name: str) -> type[Any]:
    for mapper in Base.registry.mappers:
        if mapper.class_.__name__ == name:
            return mapper.class_
    raise LookupError(f"no mapped class {name}")


def _refuse_changes_in_closed_months(session: Session, district_code: str, objects: list[Any]) -> None:
    touched: set[str] = set()
    for obj in objects:
        if isinstance(obj, SyncRecord):
            touched.update(f"{d.year:04d}-{d.month:02d}" for d in _dates_touched(session, obj) if isinstance(d, date))
    if not touched:
        return
    with session.no_autoflush:
        closed = sorted(
            session.scalars(
                select(MonthClosing.month).where(
                    MonthClosing.district_code == district_code,
                    MonthClosing.state == MonthState.CLOSED,
                    MonthClosing.month.in_(sorted(touched)),
                )
            )
        )
    if closed:
        label = Month.parse(closed[0]).label
        raise WorkflowError(
            f"{label} is closed, so its records cannot be changed. A district officer can reopen the month "
            "(giving the reason) if something must be corrected."
        )
