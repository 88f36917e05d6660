"""Who signs and who reads: fingerprints, the hub's public profile file, enrolment requests and letters.

- Fingerprint: the first 16 bytes of SHA-256 over ``copdesk-key:<purpose>:<public key>``, written as eight groups
  of four hexadecimal digits (``3F2A-9C1B-…``) to be read out over the phone.
- Hub profile (``hub-profile.json``): the hub's name and id, its Ed25519 signing key (minisign form) and its X25519
  encryption recipient (age form), self-signed with the signing key (an integrity check; trust comes from
  confirming the fingerprint, which the hub prints).
- Enrolment request (``enrolment-<CODE>.json``): the district, its new signing key and fingerprint, signed by that
  key (proof of possession) and, for a rotation, also by the previous key.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from copdesk.errors import ValidationError
from copdesk.sync import minisign
from copdesk.sync.minisign import PublicKey, SignatureError, SigningKey

MAX_SMALL_FILE = 64 * 1024
PROFILE_FORMAT = "copdesk-hub-profile"
ENROLMENT_FORMAT = "copdesk-enrolment"
_HEX = re.compile(r"^[0-9A-F]{32}$")


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value that is signed (sorted keys, no spaces, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint(purpose: str, public: bytes | str) -> str:
    """A key's fingerprint (``XXXX-XXXX-…``, 8 groups of 4 hex digits)."""
    raw = public.encode("ascii") if isinstance(public, str) else public
    digest = hashlib.sha256(b"copdesk-key:" + purpose.encode("ascii") + b":" + raw).hexdigest()[:32].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 32, 4))


def signing_fingerprint(key: PublicKey) -> str:
    """Fingerprint of an Ed25519 signing key."""
    return fingerprint("signing", key.raw)


def encryption_fingerprint(recipient: str) -> str:
    """Fingerprint of an age X25519 recipient."""
    return fingerprint("encryption", recipient)


def normalise_fingerprint(text: str) -> str:
    """A typed fingerprint in canonical form (spaces, dashes and case forgiven); ValidationError if malformed."""
    compact = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if not _HEX.match(compact):
        raise ValidationError(
            "A fingerprint is 32 letters and digits (0-9, A-F), as printed on the enrolment letter.", "fingerprint"
        )
    return "-".join(compact[i : i + 4] for i in range(0, 32, 4))


def _load_small_json(data: bytes, what: str) -> dict[str, Any]:
    if len(data) > MAX_SMALL_FILE:
        raise ValidationError(f"This file is too large to be a {what}.")
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"This file is not a {what}: it is damaged or of another kind.") from exc
    if not isinstance(value, dict):
        raise ValidationError(f"This file is not a {what}.")
    return value


def _text(mapping: dict[str, Any], name: str, what: str, limit: int = 200) -> str:
    value = mapping.get(name)
    if not isinstance(value, str) or not value or len(value) > limit:
        raise ValidationError(f"This {what} is damaged: its {name.replace('_', ' ')} is missing or wrong.")
    return value


# -- the hub profile -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HubProfile:
    """The hub's public identity, as installed at every district."""

    hub_id: str
    name: str
    signing_key: str  # minisign form
    encryption_key: str  # age1…
    created_at: str

    @property
    def signing_public(self) -> PublicKey:
        """The signing key, parsed."""
        return PublicKey.from_minisign(self.signing_key)

    @property
    def fingerprint(self) -> str:
        """The hub's fingerprint (of its signing key): what a district confirms."""
        return signing_fingerprint(self.signing_public)

    @property
    def encryption_fingerprint(self) -> str:
        """Fingerprint of the encryption key (named in every bundle's header)."""
        return encryption_fingerprint(self.encryption_key)

    def body(self) -> dict[str, Any]:
        """The signed fields."""
        return {
            "format": PROFILE_FORMAT,
            "version": 1,
            "hub_id": self.hub_id,
            "name": self.name,
            "signing_key": self.signing_key,
            "encryption_key": self.encryption_key,
            "created_at": self.created_at,
        }


def write_hub_profile(profile: HubProfile, key: SigningKey) -> bytes:
    """The profile file, self-signed."""
    if key.public.minisign() != profile.signing_key:
        raise ValueError("the profile must be signed with its own signing key")
    body = profile.body()
    signature = key.sign(canonical_json(body), f"copdesk hub profile {profile.hub_id}")
    text = json.dumps({"profile": body, "signature": signature}, indent=1, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def read_hub_profile(data: bytes) -> HubProfile:
    """Parse and check a hub profile file (ValidationError with a plain message otherwise)."""
    what = "hub profile"
    outer = _load_small_json(data, what)
    body = outer.get("profile")
    if not isinstance(body, dict) or body.get("format") != PROFILE_FORMAT:
        raise ValidationError("This file is not a copdesk hub profile.")
    if body.get("version") != 1:
        raise ValidationError("This hub profile was written by a newer copdesk; update copdesk to install it.")
    profile = HubProfile(
        hub_id=_text(body, "hub_id", what),
        name=_text(body, "name", what),
        signing_key=_text(body, "signing_key", what),
        encryption_key=_text(body, "encryption_key", what),
        created_at=_text(body, "created_at", what),
    )
    if not profile.encryption_key.startswith("age1"):
        raise ValidationError("This hub profile is damaged: its encryption key is not an age key.")
    try:
        minisign.verify(str(outer.get("signature", "")), canonical_json(body), profile.signing_public)
    except SignatureError as exc:
        raise ValidationError(f"This hub profile is damaged or was altered ({exc}).") from exc
    return profile


# -- enrolment requests --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnrolmentRequest:
    """A district's request to have a signing key registered at the hub."""

    district: str
    signing_key: PublicKey
    created_at: str
    previous_key: PublicKey | None
    rotation_signature: str | None
    body: bytes  # the signed canonical body

    @property
    def fingerprint(self) -> str:
        """Fingerprint of the key to register."""
        return signing_fingerprint(self.signing_key)

    def signed_by_previous(self, previous: PublicKey) -> bool:
        """True when the rotation signature is ``previous``'s signature of this request."""
        if self.rotation_signature is None or self.previous_key is None or previous != self.previous_key:
            return False
        try:
            minisign.verify(self.rotation_signature, self.body, previous)
        except SignatureError:
            return False
        return True


def write_enrolment_request(
    district: str, key: SigningKey, created_at: datetime, previous: SigningKey | None = None
) -> bytes:
    """The request file, signed by the new key and (for a rotation) by the previous one."""
    body = {
        "format": ENROLMENT_FORMAT,
        "version": 1,
        "district": district,
        "signing_key": key.public.minisign(),
        "fingerprint": signing_fingerprint(key.public),
        "created_at": created_at.isoformat(timespec="seconds"),
        "previous_key": previous.public.minisign() if previous else None,
    }
    canonical = canonical_json(body)
    outer: dict[str, Any] = {
        "request": body,
        "signature": key.sign(canonical, f"copdesk enrolment {district}"),
        "rotation_signature": previous.sign(canonical, f"copdesk key rotation {district}") if previous else None,
    }
    return (json.dumps(outer, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def read_enrolment_request(data: bytes) -> EnrolmentRequest:
    """Parse an enrolment request and check that the new key signed it."""
    what = "enrolment request"
    outer = _load_small_json(data, what)
    body = outer.get("request")
    if not isinstance(body, dict) or body.get("format") != ENROLMENT_FORMAT:
        raise ValidationError("This file is not a copdesk enrolment request.")
    if body.get("version") != 1:
        raise ValidationError("This enrolment request was written by a newer copdesk; update the hub.")
    try:
        key = PublicKey.from_minisign(_text(body, "signing_key", what))
        previous_text = body.get("previous_key")
        previous = PublicKey.from_minisign(previous_text) if isinstance(previous_text, str) else None
    except SignatureError as exc:
        raise ValidationError(f"This enrolment request is damaged ({exc}).") from exc
    canonical = canonical_json(body)
    try:
        minisign.verify(str(outer.get("signature", "")), canonical, key)
    except SignatureError as exc:
        raise ValidationError(f"This enrolment request is damaged or was altered ({exc}).") from exc
    if body.get("fingerprint") != signing_fingerprint(key):
        raise ValidationError("This enrolment request is damaged: its fingerprint does not match its key.")
    rotation = outer.get("rotation_signature")
    return EnrolmentRequest(
        district=_text(body, "district", what, 8),
        signing_key=key,
        created_at=_text(body, "created_at", what),
        previous_key=previous,
        rotation_signature=rotation if isinstance(rotation, str) else None,
        body=canonical,
    )


def enrolment_letter(district_code: str, district_name: str, key: PublicKey, created_at: datetime) -> str:
    """The printable enrolment letter: the fingerprint the hub confirms by phone or post."""
    line = "=" * 72
    return "\n".join(
        [
            line,
            "COPDESK - ENROLMENT OF A DISTRICT SIGNING KEY",
            line,
            "",
            f"District:          {district_name} ({district_code})",
            f"Date:              {created_at:%d %B %Y}",
            f"Key id (minisign): {key.key_id_hex}",
            "",
            "Fingerprint of the district's signing key:",
            "",
            f"        {signing_fingerprint(key)}",
            "",
            "Send the enrolment request file to the federal hub (USB stick or e-mail) and this letter by post,",
            "or read the fingerprint to the hub by phone. The hub registers the key only when the fingerprint",
            "it sees matches this letter. Bundles signed with any other key are refused.",
            "",
            "",
            "Signature: ______________________      Name and rank: ______________________",
            "",
            "Office stamp:",
            "",
            line,
            "",
        ]
    )
