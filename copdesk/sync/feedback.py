"""The hub's acknowledgement file: which bundles of a district it received and how far it has everything.

Same container as a bundle (``kind: "feedback"``), signed with the hub's signing key; the payload is canonical
JSON in clear (it holds no personal data: bundle ids, sequence numbers, statuses and reasons). Its header's
``sequence`` is the feedback version, which must rise at the district (that stops replays); its expiry date only
produces a warning, because district clocks are often wrong.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from copdesk.sync import format
from copdesk.sync.format import Header, Limits, refuse
from copdesk.sync.identity import canonical_json
from copdesk.sync.minisign import PublicKey, SigningKey

FEEDBACK_FORMAT = "copdesk-hub-feedback"
MAX_LISTED = 500


@dataclass(frozen=True)
class BundleReceipt:
    """What the hub did with one bundle."""

    bundle_id: uuid.UUID
    sequence: int
    status: str
    reason: str
    from_seq: int | None
    to_seq: int | None


@dataclass(frozen=True)
class Feedback:
    """An acknowledgement, read and checked."""

    district: str
    version: int
    hub_id: str
    issued_at: datetime
    expires_on: date
    covered_through: int
    highest_sequence: int
    receipts: tuple[BundleReceipt, ...]


def file_name(district: str, version: int) -> str:
    """The acknowledgement's file name: ``copdesk-hub-LHR-ack-000003.ack``."""
    return f"copdesk-hub-{district}-ack-{version:06d}.ack"


def build_feedback(feedback: Feedback, key: SigningKey, hub_fingerprint: str) -> bytes:
    """The signed acknowledgement file."""
    body = {
        "format": FEEDBACK_FORMAT,
        "version": 1,
        "district": feedback.district,
        "feedback_version": feedback.version,
        "hub_id": feedback.hub_id,
        "issued_at": feedback.issued_at.isoformat(),
        "expires_on": feedback.expires_on.isoformat(),
        "covered_through": feedback.covered_through,
        "highest_sequence": feedback.highest_sequence,
        "bundles": [
            {
                "bundle_id": str(r.bundle_id),
                "sequence": r.sequence,
                "status": r.status,
                "reason": r.reason,
                "from": r.from_seq,
                "to": r.to_seq,
            }
            for r in feedback.receipts[-MAX_LISTED:]
        ],
    }
    header = Header(
        kind="feedback",
        district=feedback.district,
        sequence=feedback.version,
        bundle_id=uuid.uuid4(),
        hub_key=hub_fingerprint,
        signer=key.public.key_id_hex,
        requires=("minisign-prehashed",),
    )
    return format.build(header, canonical_json(body), key)


def read_feedback(
    data: bytes, hub_key: PublicKey, hub_fingerprint: str, district: str, limits: Limits = format.DEFAULT_LIMITS
) -> Feedback:
    """Check and read an acknowledgement for ``district`` signed by the hub."""
    container = format.parse(data, limits)
    header = container.header
    if header.kind != "feedback":
        raise refuse("not_a_bundle", "This is a district bundle, not an acknowledgement from the hub.")
    if header.hub_key != hub_fingerprint or header.signer != hub_key.key_id_hex:
        raise refuse("unknown_key", "This acknowledgement was not signed by the hub this district is enrolled with.")
    format.verify(container, hub_key)
    if header.district != district:
        raise refuse("wrong_district", f"This acknowledgement is for district {header.district}, not {district}.")
    try:
        body = json.loads(container.payload.decode("utf-8"))
        if not isinstance(body, dict) or body.get("format") != FEEDBACK_FORMAT:
            raise ValueError("not an acknowledgement")
        if body.get("version") != 1:
            raise refuse("unsupported_format", "This acknowledgement was written by a newer copdesk; update copdesk.")
        if body["district"] != district or body["feedback_version"] != header.sequence:
            raise ValueError("the contents do not match the header")
        receipts = tuple(_receipt(item) for item in body["bundles"])
        return Feedback(
            district=district,
            version=int(body["feedback_version"]),
            hub_id=str(body["hub_id"]),
            issued_at=datetime.fromisoformat(body["issued_at"]),
            expires_on=date.fromisoformat(body["expires_on"]),
            covered_through=_integer(body["covered_through"]),
            highest_sequence=_integer(body["highest_sequence"]),
            receipts=receipts,
        )
    except format.BundleError:
        raise
    except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        raise refuse("corrupt", f"This acknowledgement is damaged ({exc}).") from exc


def _integer(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("a number is missing")
    return value


def _receipt(item: Any) -> BundleReceipt:
    if not isinstance(item, dict):
        raise ValueError("a bundle entry is damaged")
    return BundleReceipt(
        bundle_id=uuid.UUID(str(item["bundle_id"])),
        sequence=_integer(item["sequence"]),
        status=str(item["status"]),
        reason=str(item["reason"]),
        from_seq=None if item.get("from") is None else _integer(item["from"]),
        to_seq=None if item.get("to") is None else _integer(item["to"]),
    )
