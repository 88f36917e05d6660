"""Standard cryptography for bundles, with no home-made ciphers.

- payload encryption: the age format (X25519 recipients) through ``pyrage``;
- the district's recovery recipient: an age X25519 identity derived (HKDF-SHA256) from the recovery key on the
  recovery sheet, so a district can open its own bundles with the sheet alone;
- secrets at rest: AES-256-GCM (``cryptography``) under a key derived from the district database key (HKDF) or,
  at the hub, under the keyring key, itself wrapped per hub account under argon2id of the account's password.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pyrage
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from copdesk.errors import AuthenticationError
from copdesk.storage import keyslots

_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


class CryptoError(Exception):
    """Decryption or unwrapping failed (wrong key, damaged data)."""


# -- age -----------------------------------------------------------------------------------------------------------
def encrypt_to(recipients: list[str], plaintext: bytes) -> bytes:
    """Encrypt ``plaintext`` in the age format to every X25519 recipient (``age1…``)."""
    parsed = [pyrage.x25519.Recipient.from_str(r) for r in recipients]
    return bytes(pyrage.encrypt(plaintext, parsed))


def decrypt_with(identities: list[str], ciphertext: bytes) -> bytes:
    """Decrypt an age file with any of the X25519 identities (``AGE-SECRET-KEY-1…``)."""
    parsed = [pyrage.x25519.Identity.from_str(i) for i in identities]
    try:
        return bytes(pyrage.decrypt(ciphertext, parsed))
    except pyrage.DecryptError as exc:
        raise CryptoError("the encrypted content cannot be opened with this key, or it is damaged") from exc


def new_age_identity() -> tuple[str, str]:
    """A fresh X25519 identity and its recipient: ``(AGE-SECRET-KEY-1…, age1…)``."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def recipient_of(identity: str) -> str:
    """The ``age1…`` recipient of an identity."""
    return str(pyrage.x25519.Identity.from_str(identity).to_public())


def recovery_identity(recovery_key: str, district_code: str) -> str:
    """The age identity a district's recovery key opens its bundles with (derived, never stored)."""
    canonical = keyslots.normalise_recovery_key(recovery_key)
    scalar = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"copdesk bundle recovery identity", info=district_code.encode()
    ).derive(canonical.encode("ascii"))
    return age_identity_from_bytes(scalar)


def age_identity_from_bytes(secret: bytes) -> str:
    """The age X25519 identity (``AGE-SECRET-KEY-1…``) whose secret scalar is ``secret`` (32 bytes)."""
    if len(secret) != 32:
        raise ValueError("an X25519 secret is 32 bytes")
    return _bech32_encode("age-secret-key-", secret).upper()


def recovery_recipient(recovery_key: str, district_code: str) -> str:
    """The public ``age1…`` recipient of :func:`recovery_identity` (stored at the district)."""
    identity = recovery_identity(recovery_key, district_code)
    scalar = _bech32_decode("age-secret-key-", identity.lower())
    public = X25519PrivateKey.from_private_bytes(scalar).public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _bech32_encode("age", raw)


# -- wrapping secrets ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Wrapped:
    """A secret wrapped with AES-256-GCM."""

    nonce: bytes
    data: bytes


def wrap(kek: bytes, secret: bytes, label: str) -> Wrapped:
    """Wrap ``secret`` under ``kek``; ``label`` is bound as associated data (a wrapped value cannot be moved)."""
    nonce = secrets.token_bytes(12)
    return Wrapped(nonce, AESGCM(kek).encrypt(nonce, secret, label.encode()))


def unwrap(kek: bytes, wrapped: Wrapped, label: str) -> bytes:
    """Unwrap what :func:`wrap` made (CryptoError on a wrong key, label or damaged data)."""
    try:
        return AESGCM(kek).decrypt(wrapped.nonce, wrapped.data, label.encode())
    except (InvalidTag, ValueError) as exc:
        raise CryptoError("a stored key cannot be unwrapped") from exc


def district_kek(database_key: bytes) -> bytes:
    """The key that wraps the district's sync secrets, derived from the database key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"copdesk sync secrets").derive(database_key)


@dataclass(frozen=True)
class PasswordSlot:
    """A key wrapped under argon2id of a password."""

    salt: bytes
    nonce: bytes
    wrapped: bytes
    time_cost: int
    memory_kib: int
    parallelism: int


def wrap_with_password(password: str, secret: bytes, label: str, kdf: keyslots.KdfParams | None = None) -> PasswordSlot:
    """Wrap ``secret`` under argon2id(``password``) (copdesk's current key-derivation cost unless given)."""
    kdf = kdf or keyslots.DEFAULT_KDF
    kdf.check_floor()
    salt = secrets.token_bytes(16)
    kek = _argon2(password, salt, kdf.time_cost, kdf.memory_kib, kdf.parallelism)
    sealed = wrap(kek, secret, label)
    return PasswordSlot(salt, sealed.nonce, sealed.data, kdf.time_cost, kdf.memory_kib, kdf.parallelism)


def unwrap_with_password(password: str, slot: PasswordSlot, label: str) -> bytes:
    """Unwrap a :class:`PasswordSlot` (AuthenticationError on a wrong password)."""
    keyslots.KdfParams(slot.time_cost, slot.memory_kib, slot.parallelism).check_floor()
    kek = _argon2(password, slot.salt, slot.time_cost, slot.memory_kib, slot.parallelism)
    try:
        return unwrap(kek, Wrapped(slot.nonce, slot.wrapped), label)
    except CryptoError:
        raise AuthenticationError("Wrong password: the hub keys cannot be opened with it.") from None


def _argon2(password: str, salt: bytes, time_cost: int, memory_kib: int, parallelism: int) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=32,
        type=Type.ID,
    )


# -- bech32 (BIP 173), the text encoding of age keys ---------------------------------------------------------------
def _polymod(values: list[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate(_BECH32_GENERATOR):
            if (top >> i) & 1:
                check ^= generator
    return check


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | list[int], source: int, target: int, pad: bool) -> list[int]:
    accumulator, bits, out, top = 0, 0, [], (1 << target) - 1
    for value in data:
        accumulator = (accumulator << source) | value
        bits += source
        while bits >= target:
            bits -= target
            out.append((accumulator >> bits) & top)
    if pad and bits:
        out.append((accumulator << (target - bits)) & top)
    elif not pad and (bits >= source or (accumulator << (target - bits)) & top):
        raise ValueError("bad bech32 padding")
    return out


def _bech32_encode(hrp: str, data: bytes) -> str:
    words = _convert_bits(data, 8, 5, pad=True)
    checksum = _polymod(_hrp_expand(hrp) + words + [0] * 6) ^ 1
    words += [(checksum >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32_CHARSET[w] for w in words)


def _bech32_decode(hrp: str, text: str) -> bytes:
    prefix, _, body = text.rpartition("1")
    if prefix != hrp or len(body) < 6:
        raise ValueError("not a bech32 string with the expected prefix")
    words = [_BECH32_CHARSET.index(c) for c in body]
    if _polymod(_hrp_expand(hrp) + words) != 1:
        raise ValueError("bad bech32 checksum")
    return bytes(_convert_bits(words[:-6], 5, 8, pad=False))
