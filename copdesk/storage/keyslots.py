"""Key slots: the district database key, wrapped once per account and once for the recovery key.

The database is encrypted with a random 256-bit key that never changes. The key-slot file beside the database
(``district.db.keys``) holds that key wrapped (AES-256-GCM) under a key derived from each account's password
with argon2id, plus one slot wrapped under the recovery key printed on the recovery sheet. Changing a password
or removing an account rewrites one slot; the database itself is never re-encrypted.

The file also keeps each slot's failed-login counter, so an account locks after repeated wrong passwords even
though the database cannot be opened to record them. The file holds no personal data.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from copdesk.errors import AccountLocked, AuthenticationError, NotADatabase, ValidationError

FORMAT = "copdesk-keyslots"
FORMAT_VERSION = 1
SUFFIX = ".keys"
RECOVERY_SLOT = "recovery"
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
# Crockford-style alphabet without look-alikes (no I, L, O, U): easy to copy from paper.
_RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost parameters; both presets are at or above OWASP's floor (19 MiB, t=2, p=1)."""

    time_cost: int = 3
    memory_kib: int = 65_536
    parallelism: int = 4

    def check_floor(self) -> None:
        """Refuse parameters below OWASP's minimum recommendation for argon2id."""
        if self.memory_kib < 19_456 or self.time_cost < 2 or self.parallelism < 1:
            raise ValueError("argon2id parameters below OWASP's floor (19 MiB, t=2, p=1)")


DEFAULT_KDF = KdfParams()
#: The OWASP floor itself: used by the tests to stay fast, still a legal setting.
OWASP_FLOOR_KDF = KdfParams(time_cost=2, memory_kib=19_456, parallelism=1)


@dataclass
class Slot:
    """One wrapped copy of the database key."""

    name: str
    kdf: str  # "argon2id" for passwords, "hkdf-sha256" for the recovery key
    salt: str
    nonce: str
    wrapped: str
    time_cost: int = 0
    memory_kib: int = 0
    parallelism: int = 0
    failed_logins: int = 0
    locked_until: str | None = None

    def locked_now(self, now: datetime) -> bool:
        """True while the slot is locked after too many wrong passwords."""
        return bool(self.locked_until) and datetime.fromisoformat(str(self.locked_until)) > now


def account_slot_name(username: str) -> str:
    """Slot name for an account."""
    return f"account:{username}"


def generate_database_key() -> bytes:
    """A fresh random 256-bit database key."""
    return secrets.token_bytes(32)


def generate_recovery_key() -> str:
    """A 260-bit recovery key shown as 13 groups of 4 characters (printed on the recovery sheet)."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(52))
    return "-".join(chars[i : i + 4] for i in range(0, 52, 4))


def normalise_recovery_key(text: str) -> str:
    """Canonical form of a typed recovery key (case, spaces, dashes and look-alike letters forgiven)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"}))
    if len(cleaned) != 52 or any(ch not in _RECOVERY_ALPHABET for ch in cleaned):
        raise AuthenticationError("That is not a recovery key: it has 13 groups of 4 letters and digits.")
    return "-".join(cleaned[i : i + 4] for i in range(0, 52, 4))


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short to protect the key slot."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", "password")


@dataclass
class KeySlotFile:
    """The key-slot file of one district database."""

    path: Path
    database_id: str
    slots: dict[str, Slot] = field(default_factory=dict)

    # -- file -----------------------------------------------------------------------------------------------
    @staticmethod
    def path_for(db_path: Path) -> Path:
        """The key-slot file that belongs to ``db_path``."""
        return db_path.with_name(db_path.name + SUFFIX)

    @classmethod
    def create(cls, db_path: Path, database_id: str) -> KeySlotFile:
        """A new, empty key-slot file for a new database (not yet saved)."""
        return cls(path=cls.path_for(db_path), database_id=database_id)

    @classmethod
    def load(cls, db_path: Path) -> KeySlotFile:
        """Read the key-slot file beside ``db_path``."""
        path = cls.path_for(db_path)
        if not path.exists():
            raise NotADatabase(
                f"The key file {path.name} is missing next to the database; without it the database cannot "
                "be opened. Restore it from a backup, or open the database with the recovery sheet."
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("wrong format")
            if int(data.get("version", 0)) > FORMAT_VERSION:
                raise NotADatabase(f"{path.name} was written by a newer copdesk; update copdesk to open it.")
            if not isinstance(data.get("slots"), dict):
                raise ValueError("slots are not a mapping")
            slots = {name: _checked_slot(name, slot) for name, slot in data["slots"].items()}
            return cls(path=path, database_id=str(data["database_id"]), slots=slots)
        except NotADatabase:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
            raise NotADatabase(f"The key file {path.name} is damaged or not a copdesk key file.") from exc

    def save(self) -> None:
        """Write the file atomically (temporary file, flush, fsync, rename)."""
        payload = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "database_id": self.database_id,
            "slots": {name: asdict(slot) for name, slot in sorted(self.slots.items())},
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)

    # -- slots ----------------------------------------------------------------------------------------------
    def usernames(self) -> list[str]:
        """Accounts that have a slot."""
        return sorted(n.split(":", 1)[1] for n in self.slots if n.startswith("account:"))

    def has_account(self, username: str) -> bool:
        """True when ``username`` has a slot."""
        return account_slot_name(username) in self.slots

    def set_password(self, username: str, password: str, database_key: bytes, kdf: KdfParams | None = None) -> None:
        """Create or replace the account's slot so that ``password`` unwraps ``database_key``."""
        kdf = kdf or DEFAULT_KDF
        kdf.check_floor()
        name = account_slot_name(username)
        salt = secrets.token_bytes(16)
        kek = _argon2(password, salt, kdf)
        self.slots[name] = self._wrap(name, "argon2id", salt, kek, database_key, kdf)

    def set_recovery_key(self, recovery_key: str, database_key: bytes) -> None:
        """Create or replace the recovery slot."""
        salt = secrets.token_bytes(16)
        kek = _hkdf(normalise_recovery_key(recovery_key), salt)
        self.slots[RECOVERY_SLOT] = self._wrap(RECOVERY_SLOT, "hkdf-sha256", salt, kek, database_key, None)

    def remove_account(self, username: str) -> None:
        """Delete the account's slot (its password no longer opens the database)."""
        self.slots.pop(account_slot_name(username), None)

    def unlock(self, username: str, password: str, now: datetime | None = None) -> bytes:
        """Unwrap the database key with an account's password.

        Failed attempts are counted in the file; after ``MAX_FAILED_LOGINS`` the slot is locked for
        ``LOCKOUT``. Unknown user names and wrong passwords give the same message.
        """
        now = now or datetime.now(UTC)
        slot = self.slots.get(account_slot_name(username))
        if slot is None:
            raise AuthenticationError("Wrong user name or password.")
        if slot.locked_now(now):
            raise AccountLocked(_locked_message(slot))
        kek = _argon2(password, _b64d(slot.salt), KdfParams(slot.time_cost, slot.memory_kib, slot.parallelism))
        try:
            key = self._unwrap(slot, kek, account_slot_name(username))
        except AuthenticationError:
            slot.failed_logins += 1
            if slot.failed_logins >= MAX_FAILED_LOGINS:
                slot.locked_until = (now + LOCKOUT).isoformat()
                slot.failed_logins = 0
                self.save()
                raise AccountLocked(_locked_message(slot)) from None
            self.save()
            raise
        if slot.failed_logins or slot.locked_until:
            slot.failed_logins = 0
            slot.locked_until = None
            self.save()
        return key

    def unlock_with_recovery_key(self, recovery_key: str) -> bytes:
        """Unwrap the database key with the recovery key from the recovery sheet."""
        slot = self.slots.get(RECOVERY_SLOT)
        if slot is None:
            raise AuthenticationError("This database has no recovery key.")
        kek = _hkdf(normalise_recovery_key(recovery_key), _b64d(slot.salt))
        try:
            return self._unwrap(slot, kek, RECOVERY_SLOT)
        except AuthenticationError:
            raise AuthenticationError("That recovery key does not open this database.") from None

    # -- internals ------------------------------------------------------------------------------------------
    def _aad(self, name: str) -> bytes:
        return f"{FORMAT}:{FORMAT_VERSION}:{self.database_id}:{name}".encode()

    def _wrap(self, name: str, kdf_name: str, salt: bytes, kek: bytes, key: bytes, kdf: KdfParams | None) -> Slot:
        nonce = secrets.token_bytes(12)
        wrapped = AESGCM(kek).encrypt(nonce, key, self._aad(name))
        return Slot(
            name=name,
            kdf=kdf_name,
            salt=_b64e(salt),
            nonce=_b64e(nonce),
            wrapped=_b64e(wrapped),
            time_cost=kdf.time_cost if kdf else 0,
            memory_kib=kdf.memory_kib if kdf else 0,
            parallelism=kdf.parallelism if kdf else 0,
        )

    def _unwrap(self, slot: Slot, kek: bytes, name: str) -> bytes:
        """Unwrap with the name the slot was looked up by (a slot copied under another name does not open)."""
        try:
            return AESGCM(kek).decrypt(_b64d(slot.nonce), _b64d(slot.wrapped), self._aad(name))
        except InvalidTag:
            raise AuthenticationError("Wrong user name or password.") from None


def _locked_message(slot: Slot) -> str:
    until = datetime.fromisoformat(str(slot.locked_until)).astimezone()
    return (
        f"Too many wrong passwords: this account is locked until {until:%H:%M}. "
        "Try again later or ask the district officer."
    )


def _argon2(password: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _hkdf(recovery_key: str, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"copdesk recovery slot").derive(
        recovery_key.encode("ascii")
    )


def _b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _checked_slot(name: str, fields: object) -> Slot:
    """A slot read from the file, refused (ValueError) when any field is damaged."""
    if not isinstance(fields, dict):
        raise ValueError("a slot is not a mapping")
    slot = Slot(**fields)
    if slot.name != name:
        raise ValueError("a slot is filed under another name")
    if len(_b64d(slot.salt)) != 16 or len(_b64d(slot.nonce)) != 12 or len(_b64d(slot.wrapped)) != 48:
        raise ValueError("a slot has damaged key material")
    if slot.kdf == "argon2id":
        KdfParams(slot.time_cost, slot.memory_kib, slot.parallelism).check_floor()
    elif slot.kdf != "hkdf-sha256":
        raise ValueError("a slot names an unknown key derivation")
    if slot.locked_until is not None:
        datetime.fromisoformat(str(slot.locked_until))
    if not isinstance(slot.failed_logins, int) or slot.failed_logins < 0:
        raise ValueError("a slot has a damaged failed-login counter")
    return slot


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
