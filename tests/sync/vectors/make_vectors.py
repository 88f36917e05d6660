"""Write the bundle-format test vectors (run once per format version: ``python -m tests.sync.vectors.make_vectors``).

The keys are derived from fixed strings, so they are the same every run; the age encryption itself is randomised,
so the bundle file changes if this is run again. Committed files are the reference: do not regenerate them for a
released format version.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from copdesk.storage.migrate import script_heads
from copdesk.sync import crypto, format, identity, payload
from copdesk.sync.format import Header
from copdesk.sync.minisign import SigningKey
from copdesk.sync.payload import Manifest, Redactor

HERE = Path(__file__).resolve().parent
DISTRICT_KEY = SigningKey(hashlib.sha256(b"copdesk test vector: district signing key").digest())
HUB_IDENTITY = crypto.age_identity_from_bytes(hashlib.sha256(b"copdesk test vector: hub encryption key").digest())
CNIC_SECRET = hashlib.sha256(b"copdesk test vector: CNIC secret").digest()
BUNDLE_ID = uuid.UUID("5eed0000-0000-4000-8000-000000000001")


def build() -> dict[str, object]:
    """Write the vector files; returns the expected values."""
    table = payload.sync_table("people")
    assert table is not None
    at = datetime(2026, 1, 5, 10, 30, tzinfo=UTC)
    people = []
    for i, (gender, cnic) in enumerate((("female", "35202-1234567-2"), ("male", None))):
        values = {
            "id": uuid.UUID(int=0x5EED0000000040008000000000000100 + i),
            "version": 1 + i,
            "created_at": at,
            "updated_at": at,
            "changed_by": "clerk",
            "deleted_at": None,
            "change_seq": 10 + i,
            "district_code": "LHR",
            "name": "Ayesha Khan" if i == 0 else "Bilal Ahmed",
            "father_name": "Tariq Khan",
            "gender": gender,
            "cnic": cnic,
            "mobile": "+923001234567",
            "address": "12 Mall Road",
        }
        people.append([values[c] for c in table.columns])
    records, _count = payload.encode_rows(table, people, Redactor(CNIC_SECRET))
    month = json.dumps({"month": "2026-01", "state": "closed", "times_closed": 1}, sort_keys=True).encode()
    members = [("month.json", month), ("records/people.jsonl", records)]
    manifest = Manifest(
        district="LHR",
        sequence=7,
        bundle_id=BUNDLE_ID,
        month="2026-01",
        times_closed=1,
        from_seq=9,
        to_seq=11,
        previous_sha256=None,
        acknowledged_sequence=6,
        audit_head="ab" * 32,
        audit_seq=42,
        app_version="0.1.0",
        schema=tuple(sorted(script_heads())),
        created_at="2026-02-01T08:00:00+00:00",
        personal_data=Redactor(CNIC_SECRET).describe(),
        members=tuple(payload.member_of(n, d) for n, d in members),
    )
    recipient = crypto.recipient_of(HUB_IDENTITY)
    ciphertext = crypto.encrypt_to([recipient], payload.pack(manifest, members))
    header = Header(
        "bundle", "LHR", 7, BUNDLE_ID, identity.encryption_fingerprint(recipient), DISTRICT_KEY.public.key_id_hex
    )
    data = format.build(header, ciphertext, DISTRICT_KEY)
    (HERE / "bundle-v1.bundle").write_bytes(data)
    (HERE / "district.pub").write_text(DISTRICT_KEY.public.minisign_file("copdesk test vector district key"))
    (HERE / "hub-identity.txt").write_text(HUB_IDENTITY + "\n")
    expected: dict[str, object] = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "header": header.to_json(),
        "trusted_comment": header.trusted_comment,
        "manifest": {"sequence": 7, "month": "2026-01", "from": 9, "to": 11, "members": [n for n, _d in members]},
        "people": [
            {
                "id": str(row[table.columns.index("id")]),
                "version": row[table.columns.index("version")],
                "gender": row[table.columns.index("gender")],
                "cnic": payload.cnic_token(CNIC_SECRET, "35202-1234567-2") if i == 0 else None,
                "name": "",
            }
            for i, row in enumerate(people)
        ],
    }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    return expected


if __name__ == "__main__":
    build()
