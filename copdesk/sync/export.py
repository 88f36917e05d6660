"""Building a bundle from a district database: the records changed in a change-sequence range, packed and sealed.

The bundle covers every record whose ``change_seq`` lies in ``(from_seq, to_seq]``: created, changed or deleted
there (a record changed again later travels in a later bundle, at its newer version). Records those refer to that
changed again after ``to_seq`` travel too, at their current version, so that the hub never receives a record
whose parent it cannot have (applying them twice is harmless: the hub keeps the highest version). The month's
closing and figures always travel.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.orm import Session

from copdesk import __version__
from copdesk.models.months import MonthClosing, MonthlyFigures
from copdesk.sync import crypto, format, payload
from copdesk.sync.format import Header, Limits
from copdesk.sync.minisign import SigningKey
from copdesk.sync.payload import Manifest, Redactor, SyncTable

CHUNK = 500


@dataclass(frozen=True)
class BundleSpec:
    """Everything that identifies one bundle."""

    district: str
    sequence: int
    bundle_id: uuid.UUID
    month: str
    times_closed: int
    from_seq: int
    to_seq: int
    previous_sha256: str | None
    acknowledged_sequence: int
    created_at: datetime


@dataclass(frozen=True)
class SealTo:
    """Who can open the bundle and who signs it."""

    signing_key: SigningKey
    hub_recipient: str
    hub_key_fingerprint: str
    recovery_recipient: str


@dataclass(frozen=True)
class BuiltBundle:
    """A finished bundle file."""

    data: bytes
    sha256: str
    records: int
    file_name: str


def file_name(district: str, month: str, sequence: int) -> str:
    """The file name of a bundle (nothing personal): ``copdesk-LHR-2026-03-000005.bundle``."""
    return f"copdesk-{district}-{month}-{sequence:06d}.bundle"


def collect_rows(session: Session, from_seq: int, to_seq: int, month: str) -> dict[str, list[Sequence[Any]]]:
    """The rows of every sync table that the bundle carries, keyed by table, in the tables' column order."""
    tables = payload.sync_tables()
    rows: dict[str, dict[Any, Sequence[Any]]] = {}
    for table in tables:
        columns = [table.table.c[name] for name in table.columns]
        query = (
            select(*columns)
            .where(table.table.c.change_seq > from_seq, table.table.c.change_seq <= to_seq)
            .order_by(table.table.c.change_seq)
        )
        key = table.columns.index("id")
        rows[table.name] = {row[key]: tuple(row) for row in session.execute(query)}
    for model in (MonthClosing, MonthlyFigures):
        found = payload.sync_table(model.__tablename__)
        assert found is not None
        columns = [found.table.c[name] for name in found.columns]
        key = found.columns.index("id")
        for row in session.execute(select(*columns).where(found.table.c.month == month)):
            rows[found.name].setdefault(row[key], tuple(row))
    _add_missing_parents(session, tables, rows, to_seq)
    return {name: list(found.values()) for name, found in rows.items()}


def _add_missing_parents(
    session: Session, tables: Sequence[SyncTable], rows: dict[str, dict[Any, Sequence[Any]]], to_seq: int
) -> None:
    """Add referenced records that changed after ``to_seq`` (the hub would otherwise lack them), transitively."""
    by_name = {t.name: t for t in tables}
    checked: dict[str, set[Any]] = {t.name: set() for t in tables}
    changed = True
    while changed:
        changed = False
        for table in reversed(tables):  # children first, so parents added here are examined in the same pass
            for fk_column, parent_name in table.parents:
                index = table.columns.index(fk_column)
                wanted = {
                    row[index]
                    for row in rows[table.name].values()
                    if row[index] is not None and row[index] not in rows[parent_name]
                } - checked[parent_name]
                if not wanted:
                    continue
                checked[parent_name] |= wanted
                parent = by_name[parent_name]
                columns = [parent.table.c[name] for name in parent.columns]
                ids = sorted(wanted)
                for start in range(0, len(ids), CHUNK):
                    query = select(*columns).where(
                        parent.table.c.id.in_(ids[start : start + CHUNK]), parent.table.c.change_seq > to_seq
                    )
                    key = parent.columns.index("id")
                    for row in session.execute(query):
                        rows[parent_name][row[key]] = tuple(row)
                        changed = True


def month_summary(session: Session, month: str) -> dict[str, Any]:
    """The month's closing status and figures (the ``month.json`` member)."""
    closing = session.scalar(select(MonthClosing).where(MonthClosing.month == month))
    figures = session.scalar(select(MonthlyFigures).where(MonthlyFigures.month == month))
    return {
        "month": month,
        "state": closing.state if closing else "open",
        "times_closed": closing.times_closed if closing else 0,
        "high_water_seq": closing.high_water_seq if closing else None,
        "closed_at": closing.closed_at.isoformat() if closing else None,
        "figures_definition": figures.definition if figures else None,
        "figures": json.loads(figures.figures) if figures else None,
    }


def build_bundle(
    session: Session,
    spec: BundleSpec,
    seal: SealTo,
    redactor: Redactor,
    *,
    audit_head: str,
    audit_seq: int,
    limits: Limits = format.DEFAULT_LIMITS,
    compression_level: int = 6,
) -> BuiltBundle:
    """Build, encrypt and sign the bundle described by ``spec`` from the database in ``session``."""
    rows = collect_rows(session, spec.from_seq, spec.to_seq, spec.month)
    members: list[tuple[str, bytes]] = [
        (payload.MONTH, json.dumps(month_summary(session, spec.month), sort_keys=True).encode("utf-8"))
    ]
    total = 0
    for table in payload.sync_tables():
        found = rows.get(table.name) or []
        if not found:
            continue
        data, count = payload.encode_rows(table, found, redactor)
        members.append((f"records/{table.name}.jsonl", data))
        total += count
    schema = tuple(sorted(MigrationContext.configure(session.connection()).get_current_heads()))
    manifest = Manifest(
        district=spec.district,
        sequence=spec.sequence,
        bundle_id=spec.bundle_id,
        month=spec.month,
        times_closed=spec.times_closed,
        from_seq=spec.from_seq,
        to_seq=spec.to_seq,
        previous_sha256=spec.previous_sha256,
        acknowledged_sequence=spec.acknowledged_sequence,
        audit_head=audit_head,
        audit_seq=audit_seq,
        app_version=__version__,
        schema=schema,
        created_at=spec.created_at.isoformat(),
        personal_data=redactor.describe(),
        members=tuple(payload.member_of(name, data) for name, data in members),
    )
    packed = payload.pack(manifest, members, compression_level)
    ciphertext = crypto.encrypt_to([seal.hub_recipient, seal.recovery_recipient], packed)
    header = Header(
        kind="bundle",
        district=spec.district,
        sequence=spec.sequence,
        bundle_id=spec.bundle_id,
        hub_key=seal.hub_key_fingerprint,
        signer=seal.signing_key.public.key_id_hex,
    )
    data = format.build(header, ciphertext, seal.signing_key)
    if len(data) > limits.max_file:
        raise format.refuse("too_large", "This month's bundle would be larger than the hub accepts.")
    return BuiltBundle(
        data, hashlib.sha256(data).hexdigest(), total, file_name(spec.district, spec.month, spec.sequence)
    )
