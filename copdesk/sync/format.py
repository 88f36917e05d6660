r"""The container of every file exchanged between a district and the hub, read with strict limits.

Layout (all integers big-endian)::

    magic            8 bytes   89 43 50 44 0D 0A 1A 0A   ("\x89CPD\r\n\x1a\n": catches text-mode damage)
    header length    4 bytes   1 .. 8 KiB
    header           JSON (UTF-8, canonical: sorted keys, no spaces), nothing personal
    payload length   8 bytes
    payload          an age file (bundles) or canonical JSON (hub feedback)
    signature        the rest of the file: a minisign signature (text, at most 2 KiB) of every byte before it

The signed part (magic to payload) and the signature can be cut apart and checked with the stock ``minisign -V``
(see :func:`split_for_minisign`). See ``docs/bundle-format.md`` for the full description.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copdesk.errors import CopdeskError
from copdesk.sync import minisign
from copdesk.sync.identity import canonical_json
from copdesk.sync.minisign import PublicKey, SignatureError, SigningKey

MAGIC = b"\x89CPD\r\n\x1a\n"
FORMAT = "copdesk-bundle"
FORMAT_VERSION = 1
#: Features a reader must understand to read a file; a file requiring others was made by a newer copdesk.
KNOWN_FEATURES = frozenset({"age-x25519", "zlib", "minisign-prehashed", "json-lines"})
KINDS = frozenset({"bundle", "feedback"})
KiB = 1024
MiB = 1024 * KiB
_CODE = re.compile(r"^[A-Z0-9]{2,8}$")
_KEY_ID = re.compile(r"^[0-9A-F]{16}$")
_FINGERPRINT = re.compile(r"^([0-9A-F]{4}-){7}[0-9A-F]{4}$")
_FIXED = len(MAGIC) + 4 + 8


@dataclass(frozen=True)
class Limits:
    """What a reader accepts at most (memory use stays within a small multiple of these)."""

    max_file: int = 128 * MiB
    max_header: int = 8 * KiB
    max_plaintext: int = 256 * MiB
    max_manifest: int = 4 * MiB
    max_members: int = 200
    max_records: int = 5_000_000


DEFAULT_LIMITS = Limits()


class BundleError(CopdeskError):
    """A file that cannot be accepted; ``code`` says why (for the registry), the message says it plainly."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def refuse(code: str, message: str) -> BundleError:
    """A :class:`BundleError` (for ``raise refuse(...)``)."""
    return BundleError(code, message)


@dataclass(frozen=True)
class Header:
    """The cleartext header: enough to route the file and check its signature, nothing personal."""

    kind: str
    district: str
    sequence: int
    bundle_id: uuid.UUID
    hub_key: str  # bundles: fingerprint of the hub's encryption key; feedback: of the hub's signing key
    signer: str  # the signing key's minisign key id (hex)
    requires: tuple[str, ...] = ("age-x25519", "zlib", "minisign-prehashed", "json-lines")
    version: int = FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The header as JSON."""
        return {
            "format": FORMAT,
            "version": self.version,
            "requires": list(self.requires),
            "kind": self.kind,
            "district": self.district,
            "sequence": self.sequence,
            "bundle_id": str(self.bundle_id),
            "hub_key": self.hub_key,
            "signer": self.signer,
            **({"extra": self.extra} if self.extra else {}),
        }

    @property
    def trusted_comment(self) -> str:
        """The signed one-line summary (shown by ``minisign -V``)."""
        return f"copdesk {self.kind} district={self.district} sequence={self.sequence} id={self.bundle_id}"

    @property
    def untrusted_comment(self) -> str:
        """The signature's first line (not covered by the signature, so fixed by the format and checked)."""
        return f"copdesk {self.kind} {self.district} {self.sequence}"


def parse_header(raw: bytes) -> Header:
    """Parse and check a header strictly (unknown format versions and features are refused plainly)."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refuse("corrupt", "The file is damaged: its header cannot be read.") from exc
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise refuse("not_a_bundle", "This is not a copdesk bundle.")
    version = value.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise refuse("corrupt", "The file is damaged: its header has no valid format version.")
    if version > FORMAT_VERSION:
        raise refuse(
            "unsupported_format",
            f"The file uses bundle format {version}, made by a newer copdesk; update copdesk to read it.",
        )
    requires = value.get("requires")
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise refuse("corrupt", "The file is damaged: its header lists no valid features.")
    unknown = sorted(set(requires) - KNOWN_FEATURES)
    if unknown:
        raise refuse(
            "unsupported_format",
            f"The file needs features this copdesk does not have ({', '.join(unknown)}); update copdesk to read it.",
        )
    allowed = {"format", "version", "requires", "kind", "district", "sequence", "bundle_id", "hub_key", "signer"}
    extra = value.get("extra", {})
    if set(value) - allowed - {"extra"} or not isinstance(extra, dict):
        raise refuse("corrupt", "The file is damaged: its header has unexpected fields.")
    kind, district, sequence = value.get("kind"), value.get("district"), value.get("sequence")
    hub_key, signer = value.get("hub_key"), value.get("signer")
    if kind not in KINDS:
        raise refuse("corrupt", "The file is damaged: its header names no known kind of file.")
    if not isinstance(district, str) or not _CODE.match(district):
        raise refuse("corrupt", "The file is damaged: its header names no valid district.")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 1 <= sequence < 2**62:
        raise refuse("corrupt", "The file is damaged: its header has no valid sequence number.")
    if not isinstance(hub_key, str) or not _FINGERPRINT.match(hub_key):
        raise refuse("corrupt", "The file is damaged: its header names no valid hub key.")
    if not isinstance(signer, str) or not _KEY_ID.match(signer):
        raise refuse("corrupt", "The file is damaged: its header names no valid signing key.")
    try:
        bundle_id = uuid.UUID(str(value.get("bundle_id")))
    except ValueError as exc:
        raise refuse("corrupt", "The file is damaged: its header has no valid bundle id.") from exc
    return Header(kind, district, sequence, bundle_id, hub_key, signer, tuple(requires), version, extra)


@dataclass(frozen=True)
class Container:
    """A file cut into its parts (structure checked; the signature is checked by :func:`verify`)."""

    data: bytes
    header: Header
    payload_offset: int
    payload_length: int
    signed_length: int
    signature: minisign.Signature

    @property
    def payload(self) -> bytes:
        """The payload bytes (age ciphertext or JSON)."""
        return self.data[self.payload_offset : self.payload_offset + self.payload_length]

    @property
    def sha256(self) -> str:
        """SHA-256 of the whole file (its identity in registries and outboxes)."""
        return hashlib.sha256(self.data).hexdigest()


def build(header: Header, payload: bytes, key: SigningKey) -> bytes:
    """Assemble and sign a file."""
    if header.signer != key.public.key_id_hex:
        raise ValueError("the header must name the signing key")
    raw_header = canonical_json(header.to_json())
    signed = b"".join([MAGIC, struct.pack(">I", len(raw_header)), raw_header, struct.pack(">Q", len(payload)), payload])
    signature = key.sign(signed, header.trusted_comment, header.untrusted_comment)
    return signed + signature.encode("ascii")


def parse(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Container:
    """Cut a file into its parts, refusing anything malformed, truncated or too large."""
    if not data:
        raise refuse("not_a_bundle", "The file is empty.")
    if len(data) > limits.max_file:
        raise refuse("too_large", f"The file is larger than {limits.max_file // MiB} MiB; it is not a copdesk bundle.")
    if len(data) < len(MAGIC) or data[: len(MAGIC)] != MAGIC:
        if MAGIC.startswith(data[: len(MAGIC)]):
            raise refuse("truncated", "The file is cut short: only its first bytes arrived. Copy it again.")
        if data[:4] == MAGIC[:4]:
            raise refuse(
                "corrupt", "The file was damaged in transfer (line endings were changed); send it as a binary file."
            )
        raise refuse("not_a_bundle", "This is not a copdesk bundle.")
    if len(data) < _FIXED:
        raise refuse("truncated", "The file is cut short. Copy it again.")
    (header_length,) = struct.unpack(">I", data[8:12])
    if not 1 <= header_length <= limits.max_header:
        raise refuse("corrupt", "The file is damaged: its header length is impossible.")
    header_end = 12 + header_length
    if len(data) < header_end + 8:
        raise refuse("truncated", "The file is cut short. Copy it again.")
    header = parse_header(data[12:header_end])
    (payload_length,) = struct.unpack(">Q", data[header_end : header_end + 8])
    payload_offset = header_end + 8
    signed_length = payload_offset + payload_length
    if payload_length > limits.max_file or signed_length > len(data):
        raise refuse("truncated", "The file is cut short (its contents end early). Copy it again.")
    tail = data[signed_length:]
    if not tail:
        raise refuse("truncated", "The file is cut short: its signature is missing. Copy it again.")
    if len(tail) > minisign.MAX_SIGNATURE_TEXT:
        raise refuse("corrupt", "The file is damaged: there is unexpected data after its contents.")
    try:
        signature = minisign.parse(tail)
    except SignatureError as exc:
        code = "truncated" if tail.count(b"\n") < 4 else "bad_signature"
        raise refuse(code, f"The file's signature is damaged or cut short ({exc}).") from exc
    if signature.key_id.hex().upper() != header.signer:
        raise refuse("bad_signature", "The file's signature was not made by the key its header names.")
    if signature.untrusted_comment != header.untrusted_comment:
        raise refuse("bad_signature", "The file's signature block was altered.")
    return Container(data, header, payload_offset, payload_length, signed_length, signature)


def verify(container: Container, key: PublicKey) -> None:
    """Check the signature over everything before it, and that it vouches for this header."""
    digest = minisign.blake2b_of(memoryview(container.data)[: container.signed_length])
    try:
        comment = minisign.verify_digest(container.signature, digest, key)
    except SignatureError as exc:
        raise refuse("bad_signature", f"The signature is not valid: {exc}. The file was altered or forged.") from exc
    if comment != container.header.trusted_comment:
        raise refuse("bad_signature", "The signature vouches for another file.")


def read_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read a file from a stick or an e-mail folder, refusing what cannot be a bundle before reading it all."""
    try:
        info = path.stat()
    except OSError as exc:
        raise refuse("not_a_bundle", f"{path.name} cannot be read ({exc.strerror}).") from exc
    if not path.is_file():
        raise refuse("not_a_bundle", f"{path.name} is not a file.")
    if info.st_size == 0:
        raise refuse("not_a_bundle", f"{path.name} is empty.")
    if info.st_size > limits.max_file:
        raise refuse("too_large", f"{path.name} is larger than {limits.max_file // MiB} MiB; it is not a bundle.")
    with open(path, "rb") as handle:
        data = handle.read(limits.max_file + 1)
    if len(data) > limits.max_file:
        raise refuse("too_large", f"{path.name} is larger than {limits.max_file // MiB} MiB; it is not a bundle.")
    return data


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``: temporary file, flush, fsync, rename; then read it back and compare."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    if os.name == "posix":
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    if path.read_bytes() != data:
        raise CopdeskError(f"{path} was not written correctly (the copy on disk differs); try another disk or stick.")


def split_for_minisign(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[bytes, bytes]:
    """The signed part and the signature text, to be checked with ``minisign -V -m PART -x SIG``."""
    container = parse(data, limits)
    return data[: container.signed_length], data[container.signed_length :]
