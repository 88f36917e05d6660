"""Fast bulk insertion of new records (demo data, spreadsheet imports, benchmarks).

Rows are stamped exactly as the flush hook would stamp them (id, version 1, timestamps, author, consecutive
change-sequence numbers, district, normalised search text) and written with one ``executemany`` per batch; the
audit trail gets one entry per batch naming the table and the number of rows, instead of one per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from copdesk.models.base import SyncRecord, utcnow
from copdesk.storage.audit_chain import append_entry, load_state
from copdesk.storage.fts import search_text_of
from copdesk.storage.recording import SESSION_ACTOR


def bulk_insert(
    session: Session,
    model: type[SyncRecord],
    rows: Iterable[Mapping[str, Any]],
    *,
    search_values: Any = None,
) -> list[uuid.UUID]:
    """Insert new ``model`` records from plain column dictionaries; returns their ids in order.

    ``search_values`` (optional) maps a row to the values its ``search_text`` is made from; by default the row's
    own ``__search_fields__`` values are used.
    """
    batch = [dict(row) for row in rows]
    if not batch:
        return []
    state = load_state(session, for_update=True)
    actor = str(session.info.get(SESSION_ACTOR, "system"))
    now = utcnow()
    fields = model.__search_fields__
    columns = set(model.__table__.columns.keys())
    derived = any(name not in columns for name in fields)  # e.g. a property such as Person.cnic_compact
    ids: list[uuid.UUID] = []
    for row in batch:
        state.change_seq += 1
        row.setdefault("id", uuid.uuid4())
        row.setdefault("district_code", state.district_code)
        row.update(version=1, created_at=now, updated_at=now, changed_by=actor, change_seq=state.change_seq)
        row.setdefault("deleted_at", None)
        if fields:
            if search_values:
                values = search_values(row)
            elif derived:
                record = model(**{k: v for k, v in row.items() if k in columns})
                values = [getattr(record, name) for name in fields]
            else:
                values = [row.get(name) for name in fields]
            row["search_text"] = search_text_of(*values)
        ids.append(row["id"])
    session.execute(insert(model.__table__), batch)
    append_entry(session, actor, "bulk_create", model.__tablename__, "", {"rows": len(batch)}, state=state)
    return ids
