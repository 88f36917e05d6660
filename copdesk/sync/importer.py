"""Reading a bundle at the hub, in the order that keeps strangers out, then applying its records.

:func:`open_bundle` checks, before anything is decrypted, that the file is well formed, meant for this hub and
signed by an enrolled, unrevoked key of the district its header names; then it decrypts, checks every member's
size and hash, then the schema, then decodes the records strictly. :func:`plan` compares the records with the
hub's (new / updated / unchanged / conflicting) and :func:`apply` writes them in the caller's transaction:
insert if new, update if the incoming version is higher, leave alone otherwise. Same id and version with
different content is a conflict. The rule is idempotent and the result does not depend on arrival order.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from copdesk.storage.fts import search_text_of
from copdesk.sync import crypto, format, payload
from copdesk.sync.format import Container, Limits, refuse
from copdesk.sync.minisign import PublicKey
from copdesk.sync.payload import Manifest, Records, SyncTable

CHUNK = 500
#: Test hook: called with a stage name inside the import transaction ("applied"), e.g. to kill the process there.
HOOK: Callable[[str], None] | None = None


@dataclass(frozen=True)
class KeyLookup:
    """What the hub knows of a district signing key."""

    public_key: PublicKey
    status: str  # "active", "retired" or "revoked"


#: Finds a district's key by (district code, key id); None when the hub does not know it.
KeyLookupFunction = Callable[[str, str], KeyLookup | None]


@dataclass(frozen=True)
class OpenedBundle:
    """A bundle whose signature, hashes and schema have been checked, with its records decoded."""

    container: Container
    manifest: Manifest
    month: Mapping[str, Any]
    records: tuple[Records, ...]

    @property
    def district(self) -> str:
        """The district that sent it."""
        return self.manifest.district

    @property
    def record_count(self) -> int:
        """How many records it carries."""
        return sum(len(r.rows) for r in self.records)


def check_signature(container: Container, lookup: KeyLookupFunction, hub_encryption_keys: Sequence[str]) -> None:
    """Refuse a file not meant for this hub or not signed by an enrolled, unrevoked key (nothing is decrypted)."""
    header = container.header
    if header.kind != "bundle":
        raise refuse("not_a_bundle", "This is a hub acknowledgement, not a district bundle.")
    if header.hub_key not in hub_encryption_keys:
        raise refuse("wrong_hub", "This bundle was made for another hub (its hub key is not this hub's).")
    key = lookup(header.district, header.signer)
    if key is None:
        raise refuse(
            "unknown_key",
            f"This bundle is signed with a key that is not enrolled for district {header.district}; "
            "the district must enrol its key first.",
        )
    if key.status == "revoked":
        raise refuse(
            "revoked_key",
            f"This bundle is signed with a revoked key of district {header.district}; the district must export "
            "again with its new key.",
        )
    format.verify(container, key.public_key)


def open_bundle(
    data: bytes,
    lookup: KeyLookupFunction,
    hub_identities: Mapping[str, str],
    limits: Limits = format.DEFAULT_LIMITS,
) -> OpenedBundle:
    """Check and open a bundle; ``hub_identities`` maps the hub's encryption-key fingerprints to age identities."""
    container = format.parse(data, limits)
    check_signature(container, lookup, list(hub_identities))
    identity = hub_identities[container.header.hub_key]
    try:
        packed = crypto.decrypt_with([identity], container.payload)
    except crypto.CryptoError as exc:
        raise refuse("corrupt", "The bundle's encrypted contents cannot be opened; the file is damaged.") from exc
    opened = payload.unpack(packed, limits)
    manifest = opened.manifest
    header = container.header
    if (manifest.district, manifest.sequence, manifest.bundle_id) != (
        header.district,
        header.sequence,
        header.bundle_id,
    ):
        raise refuse("corrupt", "The bundle is damaged: its manifest does not match its header.")
    unknown = sorted(set(manifest.schema) - known_revisions())
    if unknown:
        raise refuse(
            "newer_schema",
            f"The bundle was made by a newer copdesk (database schema {', '.join(unknown)}); update the hub first.",
        )
    try:
        month = json.loads(opened.members[payload.MONTH].decode("utf-8")) if payload.MONTH in opened.members else {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refuse("corrupt", "The bundle is damaged: its month summary cannot be read.") from exc
    if not isinstance(month, dict):
        raise refuse("corrupt", "The bundle is damaged: its month summary cannot be read.")
    records = tuple(
        payload.decode_rows(name, opened.members[name], manifest.district, limits)
        for name in payload.record_members(manifest)
    )
    if sum(len(r.rows) for r in records) > limits.max_records:
        raise refuse("too_large", "The bundle holds more records than copdesk accepts.")
    order = {t.name: i for i, t in enumerate(payload.sync_tables())}
    return OpenedBundle(container, manifest, month, tuple(sorted(records, key=lambda r: order[r.table.name])))


@cache
def known_revisions() -> frozenset[str]:
    """Every schema revision this copdesk knows."""
    from alembic.script import ScriptDirectory

    from copdesk.storage.migrate import _config

    return frozenset(r.revision for r in ScriptDirectory.from_config(_config()).walk_revisions())


# -- comparing and applying ------------------------------------------------------------------------------------------
@dataclass
class TablePlan:
    """What applying one table's records would do."""

    records: Records
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """The dry run of a bundle against the hub: counts, and the rows to write."""

    tables: tuple[TablePlan, ...]

    @property
    def new(self) -> int:
        """Records the hub does not have."""
        return sum(len(t.inserts) for t in self.tables)

    @property
    def updated(self) -> int:
        """Records the bundle has in a newer version."""
        return sum(len(t.updates) for t in self.tables)

    @property
    def unchanged(self) -> int:
        """Records the hub has in the same or a newer version."""
        return sum(t.unchanged for t in self.tables)

    @property
    def conflicting(self) -> int:
        """Records with the same id and version as the hub's but other content."""
        return sum(len(t.conflicts) for t in self.tables)

    def conflict_summary(self, limit: int = 5) -> str:
        """A short description of the conflicting records (table and id; nothing personal)."""
        items = [f"{t.records.table.name} {record_id}" for t in self.tables for record_id in t.conflicts]
        more = f" and {len(items) - limit} more" if len(items) > limit else ""
        return ", ".join(items[:limit]) + more


def plan(session: Session, bundle: OpenedBundle) -> Plan:
    """Compare the bundle's records with the hub's, without writing anything."""
    return Plan(tuple(_plan_table(session, records) for records in bundle.records))


def _plan_table(session: Session, records: Records) -> TablePlan:
    table = records.table
    result = TablePlan(records)
    id_index = records.columns.index("id")
    version_index = records.columns.index("version")
    district_index = records.columns.index("district_code")
    incoming: dict[uuid.UUID, tuple[Any, ...]] = {}
    for row in records.rows:
        previous = incoming.get(row[id_index])
        if previous is not None and previous[version_index] >= row[version_index]:
            if previous[version_index] == row[version_index] and previous != row:
                raise refuse("corrupt", f"The bundle holds two different copies of one {table.name} record.")
            continue
        incoming[row[id_index]] = row
    stored: dict[uuid.UUID, tuple[int, str]] = {}
    ids = list(incoming)
    t = table.table
    for start in range(0, len(ids), CHUNK):
        query = select(t.c.id, t.c.version, t.c.district_code).where(t.c.id.in_(ids[start : start + CHUNK]))
        for record_id, version, district in session.execute(query):
            stored[record_id] = (version, district)
    same_version: list[uuid.UUID] = []
    for record_id, row in incoming.items():
        found = stored.get(record_id)
        if found is None:
            result.inserts.append(_with_search_text(table, records.columns, row))
        elif found[1] != row[district_index]:
            raise refuse("corrupt", f"The bundle holds a {table.name} record that belongs to another district.")
        elif row[version_index] > found[0]:
            result.updates.append(_with_search_text(table, records.columns, row))
        elif row[version_index] == found[0]:
            same_version.append(record_id)
        else:
            result.unchanged += 1
    if same_version:
        columns = [t.c[name] for name in records.columns]
        encoders = [table.encoders[table.columns.index(name)] for name in records.columns]
        for start in range(0, len(same_version), CHUNK):
            query = select(*columns).where(t.c.id.in_(same_version[start : start + CHUNK]))
            for stored_row in session.execute(query):
                record_id = stored_row[id_index]
                mine = [encode(v) for encode, v in zip(encoders, stored_row, strict=True)]
                theirs = [encode(v) for encode, v in zip(encoders, incoming[record_id], strict=True)]
                if mine == theirs:
                    result.unchanged += 1
                else:
                    result.conflicts.append(record_id)
    return result


def _with_search_text(table: SyncTable, columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    """The row as a dictionary, with the hub's ``search_text``.

    At the hub only plain, non-personal search fields are indexed (hub roles may not see personal data, and most
    of it does not travel): the tracking number and description of a complaint, a watch group's name; not a
    person's name or CNIC.
    """
    values = dict(zip(columns, row, strict=True))
    if "search_text" in table.table.c:
        fields = _hub_search_fields(table.name)
        values["search_text"] = search_text_of(*(values.get(name) for name in fields)) if fields else ""
    return values


@cache
def _hub_search_fields(name: str) -> tuple[str, ...]:
    table = payload.sync_table(name)
    assert table is not None
    personal = table.model.__personal_fields__
    return tuple(n for n in table.model.__search_fields__ if n in table.columns and n not in personal)


def apply(session: Session, bundle_plan: Plan) -> None:
    """Write a plan in the caller's transaction (tables parents first; updates before inserts in each)."""
    for table_plan in bundle_plan.tables:
        if table_plan.conflicts:
            raise ValueError("a plan with conflicts cannot be applied")
        t = table_plan.records.table.table
        if table_plan.updates:
            columns = [name for name in table_plan.updates[0] if name != "id"]
            statement = (
                update(t)
                .where(t.c.id == bindparam("_id"))
                .values({name: bindparam(f"_{name}") for name in columns})
                .execution_options(synchronize_session=False)
            )
            rows = [{f"_{name}": value for name, value in row.items()} for row in table_plan.updates]
            session.connection().execute(statement, rows)
        if table_plan.inserts:
            session.connection().execute(insert(t), table_plan.inserts)
    if HOOK is not None:
        HOOK("applied")
