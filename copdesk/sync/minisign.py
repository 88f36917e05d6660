"""Ed25519 signatures in minisign's format, so that the stock ``minisign -V`` tool checks copdesk files.

A signature is four lines of text::

    untrusted comment: <free text, not signed>
    base64( "ED" + key id (8 bytes) + Ed25519 signature (64 bytes) of BLAKE2b-512(message) )
    trusted comment: <text, signed by the global signature>
    base64( Ed25519 signature (64 bytes) of (the signature above + the trusted comment's bytes) )

copdesk always signs prehashed ("ED", minisign's default since 0.9): the message is hashed with BLAKE2b-512, so
files of any size are signed and checked in bounded memory. Public keys are ``base64("Ed" + key id + 32 bytes)``,
the form ``minisign -P`` takes. The key id of a copdesk key is the first 8 bytes of SHA-256 of the public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MAX_SIGNATURE_TEXT = 2048
PREHASHED = b"ED"
KEY_ALGORITHM = b"Ed"
UNTRUSTED = "untrusted comment: "
TRUSTED = "trusted comment: "


class SignatureError(Exception):
    """A signature that is malformed, made by another key, or does not match."""


def key_id_of(public: bytes) -> bytes:
    """The 8-byte minisign key id copdesk gives a public key."""
    return hashlib.sha256(public).digest()[:8]


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key with its minisign key id."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes")

    @property
    def key_id(self) -> bytes:
        """The 8-byte key id."""
        return key_id_of(self.raw)

    @property
    def key_id_hex(self) -> str:
        """The key id as 16 hexadecimal digits (file order)."""
        return self.key_id.hex().upper()

    def minisign(self) -> str:
        """The public key as ``minisign -P`` takes it."""
        return base64.b64encode(KEY_ALGORITHM + self.key_id + self.raw).decode("ascii")

    def minisign_file(self, comment: str = "copdesk public key") -> str:
        """The contents of a ``minisign.pub`` file."""
        return f"{UNTRUSTED}{comment}\n{self.minisign()}\n"

    @classmethod
    def from_minisign(cls, text: str) -> PublicKey:
        """Parse ``base64("Ed" + key id + key)`` (the key id must be copdesk's for that key)."""
        try:
            raw = base64.b64decode(text.strip().encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise SignatureError("not a minisign public key") from exc
        if len(raw) != 42 or raw[:2] != KEY_ALGORITHM:
            raise SignatureError("not a minisign Ed25519 public key")
        key = cls(raw[10:])
        if key.key_id != raw[2:10]:
            raise SignatureError("the public key's id does not match the key")
        return key

    def verify_raw(self, signature: bytes, message: bytes) -> bool:
        """True when ``signature`` is this key's Ed25519 signature of ``message``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key (its 32-byte seed)."""

    seed: bytes

    def __post_init__(self) -> None:
        if len(self.seed) != 32:
            raise ValueError("an Ed25519 seed is 32 bytes")

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh random key."""
        private = Ed25519PrivateKey.generate()
        return cls(private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, _NO_ENCRYPTION))

    @property
    def public(self) -> PublicKey:
        """The matching public key."""
        raw = self._private().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return PublicKey(raw)

    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    def sign_raw(self, message: bytes) -> bytes:
        """A plain Ed25519 signature of ``message``."""
        return self._private().sign(message)

    def sign(self, chunks: Iterable[bytes] | bytes, trusted_comment: str, untrusted_comment: str = "copdesk") -> str:
        """A minisign signature (prehashed) of the message given whole or in chunks."""
        return self.sign_digest(blake2b_of(chunks), trusted_comment, untrusted_comment)

    def sign_digest(self, digest: bytes, trusted_comment: str, untrusted_comment: str = "copdesk") -> str:
        """A minisign signature from the message's BLAKE2b-512 digest."""
        _check_comment(trusted_comment)
        _check_comment(untrusted_comment)
        private = self._private()
        signature = private.sign(digest)
        global_signature = private.sign(signature + trusted_comment.encode("utf-8"))
        line = base64.b64encode(PREHASHED + self.public.key_id + signature).decode("ascii")
        return (
            f"{UNTRUSTED}{untrusted_comment}\n{line}\n{TRUSTED}{trusted_comment}\n"
            f"{base64.b64encode(global_signature).decode('ascii')}\n"
        )


_NO_ENCRYPTION = serialization.NoEncryption()


@dataclass(frozen=True)
class Signature:
    """A parsed minisign signature."""

    key_id: bytes
    signature: bytes
    trusted_comment: str
    global_signature: bytes
    untrusted_comment: str = ""

    @property
    def key_id_hex(self) -> str:
        """The signing key's id as 16 hexadecimal digits."""
        return self.key_id.hex().upper()


def blake2b_of(chunks: Iterable[bytes] | bytes | memoryview) -> bytes:
    """BLAKE2b-512 of a message given whole or in chunks."""
    digest = hashlib.blake2b(digest_size=64)
    if isinstance(chunks, bytes | bytearray | memoryview):
        digest.update(chunks)
    else:
        for chunk in chunks:
            digest.update(chunk)
    return digest.digest()


def parse(text: bytes | str) -> Signature:
    """Parse a minisign signature strictly (SignatureError otherwise).

    Only prehashed Ed25519 is accepted, in exactly four lines each ending with a line feed, with canonical base64
    (so that no bit of the text can change without the parse failing or the signature no longer matching, except
    in the untrusted comment, which callers compare with what they expect).
    """
    if len(text) > MAX_SIGNATURE_TEXT:
        raise SignatureError("the signature is too long")
    try:
        decoded = text.decode("utf-8") if isinstance(text, bytes) else text
    except UnicodeDecodeError as exc:
        raise SignatureError("the signature is not text") from exc
    lines = decoded.split("\n")
    if len(lines) != 5 or lines[4] != "" or not lines[0].startswith(UNTRUSTED) or not lines[2].startswith(TRUSTED):
        raise SignatureError("the signature is not in minisign's format")
    main = _canonical_b64(lines[1])
    global_signature = _canonical_b64(lines[3])
    if len(main) != 74 or len(global_signature) != 64:
        raise SignatureError("the signature has the wrong length")
    if main[:2] != PREHASHED:
        raise SignatureError("the signature uses an algorithm copdesk does not accept")
    return Signature(main[2:10], main[10:], lines[2][len(TRUSTED) :], global_signature, lines[0][len(UNTRUSTED) :])


def _canonical_b64(line: str) -> bytes:
    try:
        raw = base64.b64decode(line.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise SignatureError("the signature is not valid base64") from exc
    if base64.b64encode(raw).decode("ascii") != line:
        raise SignatureError("the signature's base64 is not in its one canonical form")
    return raw


def verify_digest(signature: Signature, digest: bytes, key: PublicKey) -> str:
    """Check a parsed signature against the message's BLAKE2b-512 digest; returns the trusted comment."""
    if signature.key_id != key.key_id:
        raise SignatureError("the file was signed with another key")
    if not key.verify_raw(signature.signature, digest):
        raise SignatureError("the signature does not match the file")
    if not key.verify_raw(signature.global_signature, signature.signature + signature.trusted_comment.encode()):
        raise SignatureError("the signature's trusted comment was altered")
    return signature.trusted_comment


def verify(text: bytes | str, message: Iterable[bytes] | bytes, key: PublicKey) -> str:
    """Check a signature text against a message; returns the trusted comment."""
    return verify_digest(parse(text), blake2b_of(message), key)


def _check_comment(comment: str) -> None:
    if "\n" in comment or "\r" in comment or len(comment) > 512:
        raise ValueError("a minisign comment is one short line")
