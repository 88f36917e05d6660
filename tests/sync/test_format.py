"""The reader refuses every damaged, forged, truncated, oversized or strange file with a clear message."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import tracemalloc
import uuid
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copdesk.sync import crypto, format, identity, importer, payload
from copdesk.sync.format import BundleError, Header, Limits
from copdesk.sync.importer import KeyLookup
from copdesk.sync.minisign import SigningKey
from copdesk.sync.payload import Manifest, Redactor

DISTRICT_KEY = SigningKey(bytes(range(32)))
HUB_IDENTITY, HUB_RECIPIENT = crypto.new_age_identity()
HUB_FPR = identity.encryption_fingerprint(HUB_RECIPIENT)
PERSON_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")


def _people_rows(district: str = "LHR", count: int = 2) -> bytes:
    table = payload.sync_table("people")
    assert table is not None
    rows = []
    for i in range(count):
        values: dict[str, Any] = {
            "id": uuid.UUID(int=PERSON_ID.int + i),
            "version": 1,
            "created_at": _at(),
            "updated_at": _at(),
            "changed_by": "clerk",
            "deleted_at": None,
            "change_seq": i + 1,
            "district_code": district,
            "name": f"Person {i}",
            "father_name": "",
            "gender": "male",
            "cnic": "35202-1234567-1",
            "mobile": None,
            "address": "",
        }
        rows.append([values[c] for c in table.columns])
    data, _count = payload.encode_rows(table, rows, Redactor(b"k" * 32))
    return data


def _at() -> Any:
    from datetime import UTC, datetime

    return datetime(2026, 1, 5, 10, tzinfo=UTC)


def make_bundle(
    members: list[tuple[str, bytes]] | None = None,
    *,
    schema: tuple[str, ...] | None = None,
    header: Header | None = None,
    manifest_changes: dict[str, Any] | None = None,
    packed: bytes | None = None,
    key: SigningKey = DISTRICT_KEY,
) -> bytes:
    """A small, valid bundle (or one altered as asked, then properly signed)."""
    members = members if members is not None else [("records/people.jsonl", _people_rows())]
    bundle_id = uuid.UUID("11111111-1111-4111-8111-111111111111")
    manifest = Manifest(
        district="LHR",
        sequence=1,
        bundle_id=bundle_id,
        month="2026-01",
        times_closed=1,
        from_seq=0,
        to_seq=2,
        previous_sha256=None,
        acknowledged_sequence=0,
        audit_head="0" * 64,
        audit_seq=0,
        app_version="test",
        schema=schema or (sorted(importer.known_revisions())[0],),
        created_at="2026-02-01T00:00:00+00:00",
        personal_data={"cnic": "hmac-sha256/v1"},
        members=tuple(payload.member_of(n, d) for n, d in members),
    )
    if manifest_changes:
        manifest = replace(manifest, **manifest_changes)
    if packed is None:
        packed = payload.pack(manifest, members) if not manifest_changes else _pack_unchecked(manifest, members)
    ciphertext = crypto.encrypt_to([HUB_RECIPIENT], packed)
    header = header or Header("bundle", "LHR", 1, bundle_id, HUB_FPR, key.public.key_id_hex)
    return format.build(header, ciphertext, key)


def _pack_unchecked(manifest: Manifest, members: list[tuple[str, bytes]]) -> bytes:
    return _frames([("manifest.json", json.dumps(manifest.to_json()).encode()), *members])


def _frames(members: list[tuple[str, bytes]], magic: bytes = payload.PAYLOAD_MAGIC) -> bytes:
    raw = magic
    for name, data in members:
        raw += struct.pack(">H", len(name.encode())) + name.encode() + struct.pack(">Q", len(data)) + data
    return zlib.compress(raw + struct.pack(">H", 0))


def lookup(status: str = "active") -> importer.KeyLookupFunction:
    def find(district: str, key_id: str) -> KeyLookup | None:
        if district == "LHR" and key_id == DISTRICT_KEY.public.key_id_hex:
            return KeyLookup(DISTRICT_KEY.public, status)
        return None

    return find


def open_(data: bytes, limits: Limits = format.DEFAULT_LIMITS, status: str = "active") -> importer.OpenedBundle:
    return importer.open_bundle(data, lookup(status), {HUB_FPR: HUB_IDENTITY}, limits)


def refused(data: bytes, **kwargs: Any) -> BundleError:
    with pytest.raises(BundleError) as caught:
        open_(data, **kwargs)
    return caught.value


GOOD = make_bundle()


def test_a_good_bundle_opens() -> None:
    opened = open_(GOOD)
    assert opened.manifest.sequence == 1 and opened.record_count == 2
    [records] = opened.records
    row = next(records.dicts())
    assert row["id"] == PERSON_ID and row["cnic"].startswith("~") and row["district_code"] == "LHR"


def test_every_single_bit_flip_is_refused() -> None:
    assert len(GOOD) < 6000
    for position in range(len(GOOD)):
        damaged = bytearray(GOOD)
        damaged[position] ^= 1 << (position % 8)
        with pytest.raises(BundleError):
            open_(bytes(damaged))


@settings(max_examples=150, deadline=None)
@given(position=st.integers(0, len(GOOD) - 1), bit=st.integers(0, 7))
def test_any_bit_flip_is_refused(position: int, bit: int) -> None:
    damaged = bytearray(GOOD)
    damaged[position] ^= 1 << bit
    with pytest.raises(BundleError):
        open_(bytes(damaged))


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=4096))
def test_random_bytes_are_refused_plainly(data: bytes) -> None:
    error = refused(data)
    assert error.code in {"not_a_bundle", "truncated", "corrupt", "bad_signature", "unsupported_format"}
    assert error.message[0].isupper() and error.message.endswith(".")


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(0, len(GOOD) - 1), junk=st.binary(max_size=64))
def test_cut_or_padded_files_are_refused(cut: int, junk: bytes) -> None:
    refused(GOOD[:cut])
    refused(GOOD + b"\n" + junk)
    refused(GOOD[:cut] + junk + GOOD[cut + len(junk) :] if junk and GOOD[cut : cut + len(junk)] != junk else b"")


def test_truncated_and_empty_files_say_so(tmp_path: Path) -> None:
    assert refused(GOOD[:5]).code == "truncated"
    assert refused(GOOD[:200]).code == "truncated"
    assert "cut short" in refused(GOOD[:-30]).message
    assert refused(b"").message == "The file is empty."
    empty = tmp_path / "empty.bundle"
    empty.write_bytes(b"")
    with pytest.raises(BundleError, match="is empty"):
        format.read_file(empty)
    with pytest.raises(BundleError, match="not a file"):
        format.read_file(tmp_path)
    crlf = GOOD.replace(b"\r\n", b"\r\r\n", 1)
    assert "line endings" in refused(crlf).message


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.bundle"
    with open(huge, "wb") as handle:
        handle.truncate(format.DEFAULT_LIMITS.max_file + 1)  # sparse: no disk space used
    tracemalloc.start()
    try:
        with pytest.raises(BundleError) as caught:
            format.read_file(huge)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "too_large" and "larger than 128 MiB" in caught.value.message
    assert peak < 1_000_000


def test_a_compression_bomb_is_stopped_within_the_limit() -> None:
    bomb = _frames([("manifest.json", b"{}"), ("records/people.jsonl", bytes(50 * 1024 * 1024))])
    assert len(bomb) < 100_000
    data = make_bundle(packed=bomb)
    limits = Limits(max_plaintext=1024 * 1024)
    tracemalloc.start()
    try:
        error = refused(data, limits=limits)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "too_large"
    assert peak < 8 * 1024 * 1024


def test_forged_sizes_duplicates_and_unlisted_members_are_refused() -> None:
    rows = _people_rows()
    manifest_members = (payload.member_of("records/people.jsonl", rows),)
    base = {"members": manifest_members}
    # a member whose framed size differs from the manifest's
    longer = rows + b"[]\n"
    assert "size" in refused(make_bundle([("records/people.jsonl", longer)], manifest_changes=base)).message
    # the same member twice
    twice = [("records/people.jsonl", rows), ("records/people.jsonl", rows)]
    assert "twice" in refused(make_bundle(twice, manifest_changes=base)).message
    # a member the manifest does not list
    extra = [("records/people.jsonl", rows), ("month.json", b"{}")]
    assert "does not list" in refused(make_bundle(extra, manifest_changes=base)).message
    # a listed member that is missing
    missing = {"members": (*manifest_members, payload.member_of("month.json", b"{}"))}
    assert "incomplete" in refused(make_bundle([("records/people.jsonl", rows)], manifest_changes=missing)).message
    # a member whose content does not match its hash
    other = rows.replace(b"LHR", b"LHR", 1)[:-1] + b" "
    forged_hash = {"members": (payload.Member("records/people.jsonl", len(other), "0" * 64),)}
    assert "hash" in refused(make_bundle([("records/people.jsonl", other)], manifest_changes=forged_hash)).message
    # a size larger than everything that follows
    claim = payload.PAYLOAD_MAGIC
    name = b"manifest.json"
    claim += struct.pack(">H", len(name)) + name + struct.pack(">Q", 2**40) + b"{}"
    assert "claims more bytes" in refused(make_bundle(packed=zlib.compress(claim))).message


@pytest.mark.parametrize("name", ["../etc/passwd", "/abs/path.jsonl", "records/../../x.jsonl", "records/A.jsonl"])
def test_member_names_from_the_file_are_never_trusted(name: str) -> None:
    changes = {"members": (payload.member_of(name, b"x"),)}
    assert "forbidden name" in refused(make_bundle([(name, b"x")], manifest_changes=changes)).message


def test_newer_format_features_and_schema_are_refused_plainly() -> None:
    newer = Header("bundle", "LHR", 1, uuid.uuid4(), HUB_FPR, DISTRICT_KEY.public.key_id_hex, version=2)
    error = refused(make_bundle(header=newer))
    assert error.code == "unsupported_format" and "newer copdesk" in error.message
    feature = Header(
        "bundle", "LHR", 1, uuid.uuid4(), HUB_FPR, DISTRICT_KEY.public.key_id_hex, requires=("quantum-safe",)
    )
    assert "quantum-safe" in refused(make_bundle(header=feature)).message
    error = refused(make_bundle(schema=("9999_future",)))
    assert error.code == "newer_schema" and "9999_future" in error.message
    rockets = b'{"columns":["id"],"rows":0,"table":"rockets"}\n'
    error = refused(make_bundle([("records/rockets.jsonl", rockets)]))
    assert error.code == "newer_schema" and "rockets" in error.message
    rows = _people_rows().replace(b'"columns":["', b'"columns":["hair_colour","', 1)
    assert refused(make_bundle([("records/people.jsonl", rows)])).code == "newer_schema"
    bad_payload = _frames([("manifest.json", b"{}")], magic=b"CPDPAYLOAD9\n")
    assert refused(make_bundle(packed=bad_payload)).code == "unsupported_format"


def test_records_are_checked_strictly() -> None:
    other_district = _people_rows(district="ISB")
    assert "another district" in refused(make_bundle([("records/people.jsonl", other_district)])).message
    wrong_type = _people_rows().replace(b',1,"', b',"1","', 1)
    assert refused(make_bundle([("records/people.jsonl", wrong_type)])).code == "corrupt"
    wrong_count = _people_rows().replace(b'"rows":2', b'"rows":3')
    assert "number of records" in refused(make_bundle([("records/people.jsonl", wrong_count)])).message
    lines = _people_rows().split(b"\n")
    long_name = lines[1].replace(b'"male"', b'"' + b"x" * 500 + b'"')
    too_long = b"\n".join([lines[0], long_name, lines[2], b""])
    assert "longer than" in refused(make_bundle([("records/people.jsonl", too_long)])).message


def test_strangers_are_refused_before_anything_is_decrypted(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_decryption(*_args: object) -> bytes:
        raise AssertionError("decrypted a file from a stranger")

    monkeypatch.setattr(crypto, "decrypt_with", no_decryption)
    stranger = SigningKey.generate()
    forged = make_bundle(key=stranger)
    assert refused(forged).code == "unknown_key"
    assert refused(GOOD, status="revoked").code == "revoked_key"
    other_hub = make_bundle(
        header=Header("bundle", "LHR", 1, uuid.uuid4(), "0" * 4 + "-0000" * 7, DISTRICT_KEY.public.key_id_hex)
    )
    assert refused(other_hub).code == "wrong_hub"
    # a forger who names the enrolled key but signs with their own
    impostor = _swap_signature(forged, DISTRICT_KEY.public.key_id)
    assert refused(impostor).code == "bad_signature"


def _swap_signature(data: bytes, key_id: bytes) -> bytes:
    container = format.parse(data)
    header = replace(container.header, signer=key_id.hex().upper())
    raw_header = identity.canonical_json(header.to_json())
    signed = b"".join(
        [
            format.MAGIC,
            struct.pack(">I", len(raw_header)),
            raw_header,
            struct.pack(">Q", container.payload_length),
            container.payload,
        ]
    )
    lines = data[container.signed_length :].decode().split("\n")
    main = base64.b64decode(lines[1])
    lines[1] = base64.b64encode(main[:2] + key_id + main[10:]).decode()
    lines[0] = f"untrusted comment: {header.untrusted_comment}"
    return signed + "\n".join(lines).encode()


def test_the_signature_covers_exactly_the_signed_part() -> None:
    signed, signature = format.split_for_minisign(GOOD)
    assert signed + signature == GOOD
    assert signature.startswith(b"untrusted comment: copdesk bundle LHR 1\n")
    assert hashlib.sha256(GOOD).hexdigest() == format.parse(GOOD).sha256
