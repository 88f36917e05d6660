r"""What travels inside a bundle: the manifest and the members, packed, compressed and read back strictly.

Plaintext (before age encryption) = zlib stream of::

    "CPDPAYLOAD1\n"
    member*          u16 name length, name (UTF-8), u64 size, bytes
    end              u16 0

The first member is ``manifest.json``; it lists every other member with its size and SHA-256, in order. Members are
``month.json`` (the month's closing status and figures) and ``records/<table>.jsonl``: a first line
``{"table": …, "columns": […], "rows": n}`` and then one JSON array per record, in the columns' order. Records are
serialised generically from the mapper's columns (``search_text`` never travels: the hub recomputes it).

Personal data (see ``__personal_fields__``): CNIC numbers travel as an HMAC-SHA256 token under the district's
secret (``~`` + 14 base32 characters, stable across key rotations) unless the district's policy sends them in
clear; other personal fields are left empty unless the policy sends contact details; a success story travels only
with the recorded consent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import struct
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any, cast

import sqlalchemy as sa

import copdesk.models  # noqa: F401  (registers every table)
from copdesk.models.base import Base, SyncRecord, UtcDateTime
from copdesk.sync.format import DEFAULT_LIMITS, Limits, refuse

PAYLOAD_MAGIC = b"CPDPAYLOAD1\n"
MANIFEST = "manifest.json"
MONTH = "month.json"
MANIFEST_FORMAT = "copdesk-bundle-manifest"
MANIFEST_VERSION = 1
NOT_TRAVELLING = frozenset({"search_text"})
#: Personal fields that travel when another field records consent.
KEEP_WITH_CONSENT: Mapping[tuple[str, str], str] = {("outreach_events", "success_story"): "success_story_consent"}
_MEMBER_NAME = re.compile(r"^(manifest\.json|month\.json|records/[a-z][a-z0-9_]{0,62}\.jsonl)$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
REQUIRED_COLUMNS = ("id", "version", "created_at", "updated_at", "changed_by", "change_seq", "district_code")


# -- tables ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SyncTable:
    """A table of sync records, with the columns that travel and how their values are written and read."""

    model: type[SyncRecord]
    table: sa.Table
    columns: tuple[str, ...]
    encoders: tuple[Callable[[Any], Any], ...]
    decoders: Mapping[str, Callable[[Any], Any]]
    parents: tuple[tuple[str, str], ...]  # (foreign-key column, referred sync table)

    @property
    def name(self) -> str:
        """The table's name."""
        return self.table.name


@cache
def sync_tables() -> tuple[SyncTable, ...]:
    """Every table of sync records, parents before children."""
    by_table: dict[str, type[SyncRecord]] = {
        cast(sa.Table, m.local_table).name: m.class_ for m in Base.registry.mappers if issubclass(m.class_, SyncRecord)
    }
    result = []
    for table in Base.metadata.sorted_tables:
        model = by_table.get(table.name)
        if model is None:
            continue
        columns = tuple(c.name for c in table.columns if c.name not in NOT_TRAVELLING)
        codecs = [_codec(table.c[name]) for name in columns]
        parents = tuple(
            (fk.parent.name, fk.column.table.name)
            for fk in table.foreign_keys
            if fk.column.table.name in by_table and fk.parent.name in columns
        )
        result.append(
            SyncTable(
                model,
                table,
                columns,
                tuple(c[0] for c in codecs),
                {name: codec[1] for name, codec in zip(columns, codecs, strict=True)},
                parents,
            )
        )
    return tuple(result)


@cache
def sync_table(name: str) -> SyncTable | None:
    """The sync table called ``name`` (None if this copdesk has none)."""
    return next((t for t in sync_tables() if t.name == name), None)


def _codec(column: sa.Column[Any]) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    kind = column.type
    nullable = bool(column.nullable)
    name = column.name

    def guard(decode: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def checked(value: Any) -> Any:
            if value is None:
                if nullable:
                    return None
                raise ValueError(f"{name} may not be empty")
            return decode(value)

        return checked

    if isinstance(kind, UtcDateTime):
        return (lambda v: None if v is None else v.astimezone(UTC).isoformat()), guard(_decode_datetime)
    if isinstance(kind, sa.Uuid):
        return (lambda v: None if v is None else str(v)), guard(lambda v: uuid.UUID(_as(str, v, name)))
    if isinstance(kind, sa.DateTime):
        raise TypeError(f"{column.table.name}.{name}: naive datetimes cannot travel")
    if isinstance(kind, sa.Date):
        return (lambda v: None if v is None else v.isoformat()), guard(lambda v: date.fromisoformat(_as(str, v, name)))
    if isinstance(kind, sa.Time):
        return (lambda v: None if v is None else v.isoformat()), guard(lambda v: time.fromisoformat(_as(str, v, name)))
    if isinstance(kind, sa.Boolean):
        return (lambda v: None if v is None else bool(v)), guard(lambda v: _as(bool, v, name))
    if isinstance(kind, sa.Integer):
        return (lambda v: v), guard(lambda v: _as_int(v, name))
    if isinstance(kind, sa.String):
        limit = kind.length

        def text(value: Any) -> str:
            result = _as(str, value, name)
            if limit is not None and len(result) > limit:
                raise ValueError(f"{name} is longer than {limit} characters")
            return result

        return (lambda v: v), guard(text)
    if isinstance(kind, sa.LargeBinary):
        return (lambda v: None if v is None else base64.b64encode(v).decode("ascii")), guard(
            lambda v: base64.b64decode(_as(str, v, name), validate=True)
        )
    raise TypeError(f"{column.table.name}.{name}: type {kind!r} cannot travel in a bundle")


def _as(kind: type, value: Any, name: str) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{name} has the wrong type")
    return value


def _as_int(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not -(2**63) <= value < 2**63:
        raise ValueError(f"{name} is not a whole number")
    return value


def _decode_datetime(value: Any) -> datetime:
    parsed = datetime.fromisoformat(_as(str, value, "timestamp"))
    if parsed.tzinfo is None:
        raise ValueError("a timestamp has no time zone")
    return parsed.astimezone(UTC)


# -- personal data ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Redactor:
    """Applies the district's policy on personal data to each record before it travels."""

    secret: bytes
    cnic_in_clear: bool = False
    contact_details: bool = False

    def describe(self) -> dict[str, str]:
        """What the manifest says about personal data."""
        return {
            "cnic": "clear" if self.cnic_in_clear else "hmac-sha256/v1",
            "contact": "included" if self.contact_details else "withheld",
        }

    def plan(self, table: SyncTable) -> list[tuple[int, Callable[[Any, Sequence[Any]], Any]]]:
        """For one table: (column index, function of (value, row)) for every column to change."""
        steps: list[tuple[int, Callable[[Any, Sequence[Any]], Any]]] = []
        personal = table.model.__personal_fields__ - NOT_TRAVELLING
        for name in sorted(personal):
            if name not in table.columns:
                continue
            index = table.columns.index(name)
            column = table.table.c[name]
            blank: Any = None if column.nullable else ""
            if name == "cnic":
                if not self.cnic_in_clear:
                    steps.append((index, _tokenise(hmac.new(self.secret, digestmod=hashlib.sha256))))
                continue
            if self.contact_details:
                continue
            consent = KEEP_WITH_CONSENT.get((table.name, name))
            if consent is not None and consent in table.columns:
                steps.append((index, _with_consent(table.columns.index(consent), blank)))
            else:
                steps.append((index, _blank(blank)))
        return steps


def _tokenise(keyed: hmac.HMAC) -> Callable[[Any, Sequence[Any]], Any]:
    def step(value: Any, _row: Sequence[Any]) -> Any:
        return _token(keyed, value) if value else None

    return step


def _with_consent(consent_index: int, blank: Any) -> Callable[[Any, Sequence[Any]], Any]:
    def step(value: Any, row: Sequence[Any]) -> Any:
        return value if row[consent_index] else blank

    return step


def _blank(blank: Any) -> Callable[[Any, Sequence[Any]], Any]:
    def step(_value: Any, _row: Sequence[Any]) -> Any:
        return blank

    return step


def cnic_token(secret: bytes, cnic: str) -> str:
    """The CNIC as it travels by default: ``~`` + 14 base32 characters of HMAC-SHA256 (fits the CNIC column)."""
    return _token(hmac.new(secret, digestmod=hashlib.sha256), cnic)


def _token(keyed: hmac.HMAC, cnic: str) -> str:
    mac = keyed.copy()
    mac.update(cnic.encode("utf-8"))
    return "~" + base64.b32encode(mac.digest()[:10]).decode("ascii")[:14]


# -- records members -------------------------------------------------------------------------------------------------
def encode_rows(table: SyncTable, rows: Iterable[Sequence[Any]], redactor: Redactor | None) -> tuple[bytes, int]:
    """The ``records/<table>.jsonl`` member for rows given in ``table.columns`` order; returns (bytes, count)."""
    steps = redactor.plan(table) if redactor else []
    encoders = table.encoders
    lines: list[str] = []
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    count = 0
    for row in rows:
        values = list(row)
        for index, step in steps:
            values[index] = step(values[index], row)
        lines.append(dumps([encode(v) for encode, v in zip(encoders, values, strict=True)]))
        count += 1
    head = dumps({"table": table.name, "columns": list(table.columns), "rows": count})
    return ("\n".join([head, *lines]) + "\n").encode("utf-8"), count


@dataclass(frozen=True)
class Records:
    """Decoded records of one table: column names and rows (tuples of Python values in that order)."""

    table: SyncTable
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def dicts(self) -> Iterator[dict[str, Any]]:
        """The rows as column → value dictionaries."""
        for row in self.rows:
            yield dict(zip(self.columns, row, strict=True))


def decode_rows(name: str, data: bytes, district: str, limits: Limits = DEFAULT_LIMITS) -> Records:
    """Read a records member strictly: known table and columns, right types, the bundle's district only."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse("corrupt", f"The bundle is damaged: {name} is not text.") from exc
    lines = text.split("\n")
    if not lines or lines[-1] != "":
        raise refuse("corrupt", f"The bundle is damaged: {name} does not end properly.")
    lines.pop()
    try:
        head = json.loads(lines[0]) if lines else None
    except json.JSONDecodeError as exc:
        raise refuse("corrupt", f"The bundle is damaged: {name} has no readable first line.") from exc
    if not isinstance(head, dict) or not isinstance(head.get("columns"), list) or not isinstance(head.get("rows"), int):
        raise refuse("corrupt", f"The bundle is damaged: {name} has no valid first line.")
    table_name = head.get("table")
    if f"records/{table_name}.jsonl" != name:
        raise refuse("corrupt", f"The bundle is damaged: {name} says it holds another table.")
    table = sync_table(str(table_name))
    if table is None:
        raise refuse("newer_schema", f"The bundle holds records of a kind this copdesk does not know ({table_name}).")
    columns = tuple(head["columns"])
    if len(set(columns)) != len(columns) or not all(isinstance(c, str) for c in columns):
        raise refuse("corrupt", f"The bundle is damaged: {name} lists a column twice.")
    unknown = sorted(set(columns) - set(table.columns))
    if unknown:
        raise refuse(
            "newer_schema", f"The bundle's {table_name} records have fields this copdesk does not know: {unknown}."
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise refuse("corrupt", f"The bundle is damaged: {name} lacks the fields {missing}.")
    fill = _fill_values(table, columns, name)
    if head["rows"] != len(lines) - 1 or head["rows"] > limits.max_records:
        raise refuse("corrupt", f"The bundle is damaged: {name} does not hold the number of records it says.")
    decoders = [table.decoders[c] for c in columns]
    district_index = columns.index("district_code")
    version_index = columns.index("version")
    all_columns = columns + tuple(fill)
    fill_values = tuple(fill.values())
    rows: list[tuple[Any, ...]] = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            raw = json.loads(line)
            if not isinstance(raw, list) or len(raw) != len(columns):
                raise ValueError("wrong number of fields")
            row = tuple(decode(v) for decode, v in zip(decoders, raw, strict=True))
        except (ValueError, TypeError, json.JSONDecodeError) as exc:
            raise refuse("corrupt", f"The bundle is damaged: {name} line {number}: {exc}.") from exc
        if row[district_index] != district:
            raise refuse("corrupt", f"The bundle holds a record of another district ({name} line {number}).")
        if row[version_index] < 1:
            raise refuse("corrupt", f"The bundle is damaged: {name} line {number} has an impossible version.")
        rows.append(row + fill_values)
    return Records(table, all_columns, rows)


def _fill_values(table: SyncTable, columns: tuple[str, ...], name: str) -> dict[str, Any]:
    """Values for columns an older copdesk did not send: the column's default, or empty when allowed."""
    fill: dict[str, Any] = {}
    for column_name in table.columns:
        if column_name in columns:
            continue
        column = table.table.c[column_name]
        default = column.default
        if default is not None and getattr(default, "is_scalar", False):
            fill[column_name] = default.arg  # type: ignore[attr-defined]
        elif column.nullable:
            fill[column_name] = None
        else:
            raise refuse("corrupt", f"The bundle is damaged: {name} lacks the field {column_name}.")
    return fill


# -- manifest --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    """One member as listed in the manifest."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """The bundle's table of contents and where it stands in the district's history."""

    district: str
    sequence: int
    bundle_id: uuid.UUID
    month: str
    times_closed: int
    from_seq: int
    to_seq: int
    previous_sha256: str | None
    acknowledged_sequence: int
    audit_head: str
    audit_seq: int
    app_version: str
    schema: tuple[str, ...]
    created_at: str
    personal_data: Mapping[str, str]
    members: tuple[Member, ...]

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON."""
        return {
            "format": MANIFEST_FORMAT,
            "version": MANIFEST_VERSION,
            "app_version": self.app_version,
            "schema": list(self.schema),
            "district": self.district,
            "sequence": self.sequence,
            "bundle_id": str(self.bundle_id),
            "month": self.month,
            "times_closed": self.times_closed,
            "range": {"from": self.from_seq, "to": self.to_seq},
            "previous_sha256": self.previous_sha256,
            "acknowledged_sequence": self.acknowledged_sequence,
            "audit": {"head": self.audit_head, "seq": self.audit_seq},
            "created_at": self.created_at,
            "personal_data": dict(self.personal_data),
            "members": [{"name": m.name, "size": m.size, "sha256": m.sha256} for m in self.members],
        }


def _manifest_from_json(value: Any, limits: Limits) -> Manifest:
    def bad(what: str) -> Exception:
        return refuse("corrupt", f"The bundle is damaged: its manifest has no valid {what}.")

    if not isinstance(value, dict) or value.get("format") != MANIFEST_FORMAT:
        raise bad("format")
    if not isinstance(value.get("version"), int) or value["version"] > MANIFEST_VERSION:
        raise refuse("unsupported_format", "The bundle's manifest was written by a newer copdesk; update copdesk.")

    def integer(container: Any, key: str, minimum: int = 0) -> int:
        item = container.get(key) if isinstance(container, dict) else None
        if not isinstance(item, int) or isinstance(item, bool) or item < minimum or item >= 2**62:
            raise bad(key.replace("_", " "))
        return item

    def text(key: str, pattern: str | None = None, optional: bool = False) -> Any:
        item = value.get(key)
        if optional and item is None:
            return None
        if not isinstance(item, str) or len(item) > 200 or (pattern and not re.match(pattern, item)):
            raise bad(key.replace("_", " "))
        return item

    members_raw = value.get("members")
    if not isinstance(members_raw, list) or len(members_raw) > limits.max_members:
        raise bad("list of members")
    members, names, total = [], set(), 0
    for item in members_raw:
        if not isinstance(item, dict) or set(item) != {"name", "size", "sha256"}:
            raise bad("member")
        name, size, digest = item["name"], item["size"], item["sha256"]
        if not isinstance(name, str) or not _MEMBER_NAME.match(name) or name == MANIFEST:
            raise refuse("corrupt", "The bundle is damaged: its manifest lists a member with a forbidden name.")
        if name in names:
            raise refuse("corrupt", f"The bundle is damaged: its manifest lists {name} twice.")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0 or not isinstance(digest, str):
            raise bad("member size")
        if not _SHA256.match(digest):
            raise bad("member hash")
        total += size
        if total > limits.max_plaintext:
            raise refuse("too_large", "The bundle says it unpacks to more than copdesk accepts.")
        names.add(name)
        members.append(Member(name, size, digest))
    schema = value.get("schema")
    if not isinstance(schema, list) or not schema or not all(isinstance(s, str) and len(s) < 100 for s in schema):
        raise bad("schema")
    personal = value.get("personal_data")
    if not isinstance(personal, dict) or not all(isinstance(v, str) for v in personal.values()):
        raise bad("personal data policy")
    audit = value.get("audit")
    range_ = value.get("range")
    try:
        bundle_id = uuid.UUID(text("bundle_id"))
    except ValueError as exc:
        raise bad("bundle id") from exc
    manifest = Manifest(
        district=text("district", r"^[A-Z0-9]{2,8}$"),
        sequence=integer(value, "sequence", 1),
        bundle_id=bundle_id,
        month=text("month", r"^\d{4}-\d{2}$"),
        times_closed=integer(value, "times_closed", 1),
        from_seq=integer(range_, "from"),
        to_seq=integer(range_, "to"),
        previous_sha256=text("previous_sha256", r"^[0-9a-f]{64}$", optional=True),
        acknowledged_sequence=integer(value, "acknowledged_sequence"),
        audit_head=str(audit.get("head")) if isinstance(audit, dict) and isinstance(audit.get("head"), str) else "",
        audit_seq=integer(audit, "seq"),
        app_version=text("app_version"),
        schema=tuple(schema),
        created_at=text("created_at"),
        personal_data=personal,
        members=tuple(members),
    )
    if not _SHA256.match(manifest.audit_head):
        raise bad("audit head")
    if manifest.from_seq > manifest.to_seq:
        raise bad("range")
    if manifest.acknowledged_sequence >= manifest.sequence:
        raise bad("acknowledged sequence")
    return manifest


# -- packing -----------------------------------------------------------------------------------------------------------
def pack(manifest: Manifest, members: Sequence[tuple[str, bytes]], level: int = 6) -> bytes:
    """The compressed payload: the manifest first, then the members in the manifest's order."""
    listed = [(m.name, m.size, m.sha256) for m in manifest.members]
    actual = [(name, len(data), hashlib.sha256(data).hexdigest()) for name, data in members]
    if listed != actual:
        raise ValueError("the manifest does not describe the members")
    compressor = zlib.compressobj(level)
    chunks = [compressor.compress(PAYLOAD_MAGIC)]
    manifest_bytes = json.dumps(manifest.to_json(), sort_keys=True, ensure_ascii=False).encode("utf-8")
    for name, data in [(MANIFEST, manifest_bytes), *members]:
        raw_name = name.encode("utf-8")
        chunks.append(compressor.compress(struct.pack(">H", len(raw_name)) + raw_name + struct.pack(">Q", len(data))))
        chunks.append(compressor.compress(data))
    chunks.append(compressor.compress(struct.pack(">H", 0)))
    chunks.append(compressor.flush())
    return b"".join(chunks)


def member_of(name: str, data: bytes) -> Member:
    """The manifest entry of a member."""
    return Member(name, len(data), hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Payload:
    """A payload read and checked: manifest, and every listed member's bytes (hashes verified)."""

    manifest: Manifest
    members: Mapping[str, bytes]


def unpack(compressed: bytes, limits: Limits = DEFAULT_LIMITS) -> Payload:
    """Decompress (bounded) and read the payload; every member must be listed once, with its size and hash."""
    decompressor = zlib.decompressobj()
    try:
        plain = decompressor.decompress(compressed, limits.max_plaintext + 1)
    except zlib.error as exc:
        raise refuse("corrupt", "The bundle is damaged: its contents cannot be unpacked.") from exc
    if len(plain) > limits.max_plaintext or decompressor.unconsumed_tail:
        raise refuse("too_large", "The bundle unpacks to more than copdesk accepts; it is refused.")
    if not decompressor.eof:
        raise refuse("corrupt", "The bundle is damaged: its contents end early.")
    if decompressor.unused_data:
        raise refuse("corrupt", "The bundle is damaged: there is unexpected data after its contents.")
    view = memoryview(plain)
    if bytes(view[: len(PAYLOAD_MAGIC)]) != PAYLOAD_MAGIC:
        raise refuse("unsupported_format", "The bundle's contents are in a form this copdesk does not know.")
    position = len(PAYLOAD_MAGIC)

    def next_member() -> tuple[str, bytes] | None:
        nonlocal position
        if position + 2 > len(view):
            raise refuse("corrupt", "The bundle is damaged: its contents end early.")
        (name_length,) = struct.unpack(">H", view[position : position + 2])
        position += 2
        if name_length == 0:
            return None
        if name_length > 200 or position + name_length + 8 > len(view):
            raise refuse("corrupt", "The bundle is damaged: a member's name is impossible.")
        try:
            name = bytes(view[position : position + name_length]).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise refuse("corrupt", "The bundle is damaged: a member's name is not text.") from exc
        position += name_length
        (size,) = struct.unpack(">Q", view[position : position + 8])
        position += 8
        if size > len(view) - position:
            raise refuse("corrupt", f"The bundle is damaged: member {name!r} claims more bytes than there are.")
        data = bytes(view[position : position + size])
        position += size
        return name, data

    first = next_member()
    if first is None or first[0] != MANIFEST:
        raise refuse("corrupt", "The bundle is damaged: it does not start with its manifest.")
    if len(first[1]) > limits.max_manifest:
        raise refuse("too_large", "The bundle's manifest is larger than copdesk accepts.")
    try:
        manifest = _manifest_from_json(json.loads(first[1].decode("utf-8")), limits)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refuse("corrupt", "The bundle is damaged: its manifest cannot be read.") from exc
    listed = {m.name: m for m in manifest.members}
    members: dict[str, bytes] = {}
    while (item := next_member()) is not None:
        name, data = item
        entry = listed.get(name)
        if entry is None:
            raise refuse("corrupt", f"The bundle holds a member its manifest does not list ({name[:60]!r}).")
        if name in members:
            raise refuse("corrupt", f"The bundle holds {name} twice.")
        if len(data) != entry.size:
            raise refuse("corrupt", f"The bundle is damaged: {name} does not have the size its manifest says.")
        if hashlib.sha256(data).hexdigest() != entry.sha256:
            raise refuse("corrupt", f"The bundle is damaged: {name} does not match its hash.")
        members[name] = data
    if position != len(view):
        raise refuse("corrupt", "The bundle is damaged: there is unexpected data after its last member.")
    missing = sorted(set(listed) - set(members))
    if missing:
        raise refuse("corrupt", f"The bundle is incomplete: {', '.join(missing[:3])} missing.")
    return Payload(manifest, members)


def record_members(manifest: Manifest) -> list[str]:
    """The records members in manifest order."""
    return [m.name for m in manifest.members if m.name.startswith("records/")]
