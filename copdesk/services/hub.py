"""The hub's side of the monthly exchange: its keys, district enrolments, importing bundles, acknowledgements.

Hub keys: an Ed25519 signing key and an X25519 (age) encryption key, their secrets wrapped (AES-256-GCM) under a
random keyring key; the keyring key is wrapped once per hub account allowed to use it, under argon2id of that
account's password (``hub_key_slots``). ``init_keys`` makes the first slot for the administrator;
``grant_key_access`` adds one for another account (an analyst who imports). Importing and writing
acknowledgements need the signed-in account's password again to open its slot.

Import of one file: checks without decrypting (format, hub, enrolled and unrevoked key, signature), then the
contents (hashes, schema, records), then in one transaction: duplicate / conflict / replay / pending / apply.
Records are applied with the ``SYNC_APPLY`` flag: they keep their district's id, version, timestamps and change
sequence and are not audited one by one (one audit entry per bundle).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from copdesk.domain.reference import district as reference_district
from copdesk.errors import AuthenticationError, NotFound, PermissionDenied, ValidationError, WorkflowError
from copdesk.models.accounts import Account, Role
from copdesk.models.sync import (
    DistrictKey,
    EnrolledDistrict,
    HeldFile,
    HubIdentity,
    HubKey,
    HubKeySlot,
    KeyStatus,
    ReceiptStatus,
    ReceivedBundle,
    SyncConflict,
)
from copdesk.services.accounts import password_hasher
from copdesk.services.context import Service, ServiceContext, requires
from copdesk.storage.audit_chain import append_entry
from copdesk.storage.keyslots import KdfParams
from copdesk.storage.recording import SYNC_APPLY
from copdesk.sync import crypto, feedback, format, identity, importer
from copdesk.sync.format import BundleError, Limits
from copdesk.sync.importer import KeyLookup, OpenedBundle
from copdesk.sync.minisign import PublicKey, SigningKey

FEEDBACK_VALID = timedelta(days=90)
_MISFIT = BundleError(
    "corrupt",
    "The bundle's records do not fit the hub's (a record refers to one the hub does not have, or breaks a "
    "uniqueness rule); nothing was imported.",
)
BUNDLE_SUFFIX = ".bundle"
_STATUS_RANK = {
    ReceiptStatus.ACCEPTED: 5,
    ReceiptStatus.PENDING: 4,
    ReceiptStatus.CONFLICT: 3,
    ReceiptStatus.REJECTED: 2,
    ReceiptStatus.DUPLICATE: 1,
}
_LIVE = (ReceiptStatus.ACCEPTED, ReceiptStatus.PENDING, ReceiptStatus.CONFLICT)


@dataclass(frozen=True)
class HubProfileView:
    """The hub's public identity."""

    hub_id: uuid.UUID
    name: str
    fingerprint: str
    encryption_fingerprint: str
    signing_key: str
    key_id: str


@dataclass(frozen=True)
class DistrictKeyView:
    """A district key registered at the hub."""

    district_code: str
    key_id: str
    fingerprint: str
    status: str
    how: str
    enrolled_at: datetime
    revoked_at: datetime | None
    revoke_reason: str


@dataclass(frozen=True)
class DistrictProgressView:
    """An enrolled district and how far the hub has its records."""

    district_code: str
    covered_through: int
    highest_sequence: int
    feedback_version: int
    last_import_at: datetime | None
    keys: tuple[DistrictKeyView, ...]
    pending: int


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file given to ``import_files``."""

    file_name: str
    status: str  # accepted, duplicate, pending, rejected, conflict
    reason: str = ""
    code: str = ""
    district: str | None = None
    sequence: int | None = None
    bundle_id: uuid.UUID | None = None
    month: str | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicting: int = 0
    released: tuple[str, ...] = field(default_factory=tuple)  # held files applied because this one arrived

    @property
    def ok(self) -> bool:
        """True for accepted, duplicate and pending (the exit code is 0 only when every file is ok)."""
        return self.status in (ReceiptStatus.ACCEPTED, ReceiptStatus.DUPLICATE, ReceiptStatus.PENDING)


@dataclass(frozen=True)
class FeedbackFile:
    """An acknowledgement written for a district."""

    path: Path
    district: str
    version: int
    bundles: int
    covered_through: int


@dataclass(frozen=True)
class ReceivedView:
    """One row of the registry of received files."""

    id: int
    file_name: str
    status: str
    reason: str
    district: str | None
    sequence: int | None
    bundle_id: uuid.UUID | None
    month: str | None
    received_at: datetime
    new: int
    updated: int
    unchanged: int
    conflicting: int


@dataclass(frozen=True)
class ConflictView:
    """Something an analyst must decide."""

    id: int
    district: str
    sequence: int
    kind: str
    detail: str
    status: str
    file_name: str
    created_at: datetime


@dataclass(frozen=True)
class _Keyring:
    signing: SigningKey
    signing_fingerprint: str
    identities: dict[str, str]  # encryption-key fingerprint -> age identity


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files given, and the ``*.bundle`` files directly inside folders given, in name order."""
    result: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            result.extend(sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(BUNDLE_SUFFIX)))
        else:
            result.append(path)
    return result


class HubService(Service):
    """Keys, enrolments, bundle import and acknowledgements at the federal hub."""

    limits: Limits = format.DEFAULT_LIMITS

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        #: The keyring opened by this service (kept while it lives, so a screen need not derive the key again).
        self._unlocked: tuple[str, bytes, _Keyring] | None = None

    # -- internals -------------------------------------------------------------------------------------------------
    def _hub(self) -> None:
        if self.ctx.database.kind != "hub":
            raise ValidationError("This is done in the hub database.")

    def _check_password(self, session: Session, username: str, password: str) -> Account:
        account = session.scalar(select(Account).where(Account.username == username))
        if account is None or not account.password_hash:
            raise AuthenticationError(f"There is no hub account called {username}.")
        try:
            password_hasher().verify(account.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise AuthenticationError(f"Wrong password for {username}.") from None
        return account

    def _keyring(self, session: Session, password: str) -> _Keyring:
        username = self.ctx.actor.username
        cached = self._unlocked
        if cached is not None and cached[0] == username and hmac.compare_digest(cached[1], _digest(password)):
            return cached[2]
        keyring = self._open_keyring(session, username, password)
        self._unlocked = (username, _digest(password), keyring)
        return keyring

    def _open_keyring(self, session: Session, username: str, password: str) -> _Keyring:
        slot = session.scalar(select(HubKeySlot).where(HubKeySlot.username == username))
        if slot is None:
            if session.scalar(select(HubKey.id).limit(1)) is None:
                raise WorkflowError(
                    "The hub has no keys yet: the hub administrator creates them (copdesk hub init-keys)."
                )
            raise PermissionDenied(
                "Your account cannot use the hub keys; ask the hub administrator to grant access (copdesk hub keys "
                "grant)."
            )
        password_slot = crypto.PasswordSlot(
            slot.salt, slot.nonce, slot.wrapped, slot.time_cost, slot.memory_kib, slot.parallelism
        )
        ring_key = crypto.unwrap_with_password(password, password_slot, f"hub-keyring:{username}")
        signing: SigningKey | None = None
        signing_fingerprint = ""
        identities: dict[str, str] = {}
        for row in session.scalars(select(HubKey).order_by(HubKey.id)):
            secret = crypto.unwrap(
                ring_key, crypto.Wrapped(row.secret_nonce, row.secret_wrapped), f"hub-key:{row.fingerprint}"
            )
            if row.purpose == "signing" and row.status == KeyStatus.ACTIVE:
                signing, signing_fingerprint = SigningKey(secret), row.fingerprint
            elif row.purpose == "encryption":
                identities[row.fingerprint] = secret.decode("ascii")
        if signing is None:
            raise WorkflowError("The hub has no active signing key.")
        return _Keyring(signing, signing_fingerprint, identities)

    def _profile(self, session: Session) -> identity.HubProfile:
        hub = session.get(HubIdentity, 1)
        signing = session.scalar(select(HubKey).where(HubKey.purpose == "signing", HubKey.status == KeyStatus.ACTIVE))
        encryption = session.scalar(
            select(HubKey).where(HubKey.purpose == "encryption", HubKey.status == KeyStatus.ACTIVE)
        )
        if hub is None or signing is None or encryption is None:
            raise WorkflowError("The hub has no keys yet: the hub administrator creates them (copdesk hub init-keys).")
        return identity.HubProfile(
            str(hub.hub_id), hub.name, signing.public_key, encryption.public_key, hub.created_at.isoformat()
        )

    def _profile_view(self, session: Session) -> HubProfileView:
        profile = self._profile(session)
        return HubProfileView(
            uuid.UUID(profile.hub_id),
            profile.name,
            profile.fingerprint,
            profile.encryption_fingerprint,
            profile.signing_key,
            profile.signing_public.key_id_hex,
        )

    # -- keys ------------------------------------------------------------------------------------------------------
    @requires("hub.keys")
    def init_keys(self, password: str, hub_name: str, *, kdf: KdfParams | None = None) -> HubProfileView:
        """Create the hub's signing and encryption keys, usable under the administrator's password."""
        self._hub()
        name = (hub_name or "").strip()
        if not 3 <= len(name) <= 120:
            raise ValidationError("Give the hub a name of 3 to 120 characters.", "hub_name")
        with self.ctx.write() as session:
            if session.scalar(select(HubKey.id).limit(1)) is not None:
                raise WorkflowError("The hub already has its keys.")
            self._check_password(session, self.ctx.actor.username, password)
            ring_key = secrets.token_bytes(32)
            signing = SigningKey.generate()
            age_identity, recipient = crypto.new_age_identity()
            hub_id = uuid.uuid4()
            session.add(HubIdentity(id=1, hub_id=hub_id, name=name, created_at=self.ctx.now()))
            for purpose, public, key_id, fingerprint, secret in (
                (
                    "signing",
                    signing.public.minisign(),
                    signing.public.key_id_hex,
                    identity.signing_fingerprint(signing.public),
                    signing.seed,
                ),
                ("encryption", recipient, "", identity.encryption_fingerprint(recipient), age_identity.encode("ascii")),
            ):
                sealed = crypto.wrap(ring_key, secret, f"hub-key:{fingerprint}")
                session.add(
                    HubKey(
                        purpose=purpose,
                        public_key=public,
                        key_id=key_id,
                        fingerprint=fingerprint,
                        secret_nonce=sealed.nonce,
                        secret_wrapped=sealed.data,
                        status=KeyStatus.ACTIVE,
                    )
                )
            self._add_slot(session, self.ctx.actor.username, password, ring_key, kdf)
            session.flush()
            append_entry(
                session,
                self.ctx.actor.username,
                "hub.init_keys",
                "hub",
                str(hub_id),
                {"fingerprint": identity.signing_fingerprint(signing.public)},
            )
            return self._profile_view(session)

    def _add_slot(
        self, session: Session, username: str, password: str, ring_key: bytes, kdf: KdfParams | None = None
    ) -> None:
        slot = crypto.wrap_with_password(password, ring_key, f"hub-keyring:{username}", kdf)
        existing = session.scalar(select(HubKeySlot).where(HubKeySlot.username == username))
        if existing is not None:
            session.delete(existing)
            session.flush()
        session.add(
            HubKeySlot(
                username=username,
                salt=slot.salt,
                nonce=slot.nonce,
                wrapped=slot.wrapped,
                time_cost=slot.time_cost,
                memory_kib=slot.memory_kib,
                parallelism=slot.parallelism,
            )
        )

    @requires("hub.keys")
    def grant_key_access(
        self, own_password: str, username: str, their_password: str, *, kdf: KdfParams | None = None
    ) -> None:
        """Let another hub account use the hub keys (its current password is needed to make its slot)."""
        self._hub()
        with self.ctx.write() as session:
            account = self._check_password(session, username.strip(), their_password)
            if Role(account.role) not in (Role.HUB_ANALYST, Role.HUB_ADMIN):
                raise ValidationError(f"{username} is not a hub account.", "username")
            slot = session.scalar(select(HubKeySlot).where(HubKeySlot.username == self.ctx.actor.username))
            if slot is None:
                raise PermissionDenied("Your account cannot use the hub keys, so it cannot grant them.")
            ring_key = crypto.unwrap_with_password(
                own_password,
                crypto.PasswordSlot(
                    slot.salt, slot.nonce, slot.wrapped, slot.time_cost, slot.memory_kib, slot.parallelism
                ),
                f"hub-keyring:{self.ctx.actor.username}",
            )
            self._add_slot(session, account.username, their_password, ring_key, kdf)
            append_entry(session, self.ctx.actor.username, "hub.grant_keys", "account", account.username)

    @requires("hub.view")
    def profile(self) -> HubProfileView:
        """The hub's public identity (fingerprints to read to the districts)."""
        self._hub()
        with self.ctx.read() as session:
            return self._profile_view(session)

    @requires("hub.keys")
    def write_profile(self, out_dir: Path, password: str) -> Path:
        """Write the public profile file that district setup installs (``hub-profile.json``)."""
        self._hub()
        with self.ctx.read() as session:
            profile = self._profile(session)
            keyring = self._keyring(session, password)
        path = Path(out_dir) / "hub-profile.json"
        format.write_atomically(path, identity.write_hub_profile(profile, keyring.signing))
        identity.read_hub_profile(path.read_bytes())
        return path

    # -- enrolment -------------------------------------------------------------------------------------------------
    @requires("hub.enrol")
    def enrol(self, request: bytes, confirmed_fingerprint: str | None = None) -> DistrictKeyView:
        """Register a district's signing key: confirmed by the letter's fingerprint, or signed by its previous key."""
        self._hub()
        parsed = identity.read_enrolment_request(request)
        try:
            reference_district(parsed.district)
        except Exception as exc:
            raise ValidationError(f"The request names an unknown district ({parsed.district}).") from exc
        with self.ctx.write() as session:
            district = session.get(EnrolledDistrict, parsed.district)
            if district is None:
                district = EnrolledDistrict(
                    district_code=parsed.district,
                    covered_through=0,
                    highest_sequence=0,
                    replay_floor=0,
                    feedback_version=0,
                    enrolled_at=self.ctx.now(),
                )
                session.add(district)
                session.flush()
            key_id = parsed.signing_key.key_id_hex
            existing = session.scalar(
                select(DistrictKey).where(DistrictKey.district_code == parsed.district, DistrictKey.key_id == key_id)
            )
            if existing is not None:
                if existing.status == KeyStatus.REVOKED:
                    raise WorkflowError("This key was revoked; the district must make a new key and enrol it.")
                return _key_view(existing)
            if confirmed_fingerprint and identity.normalise_fingerprint(confirmed_fingerprint) != parsed.fingerprint:
                raise ValidationError(
                    "The fingerprint you typed does not match this request: do not enrol the key; call the district.",
                    "fingerprint",
                )
            how = ""
            previous = None
            if parsed.previous_key is not None:
                previous = session.scalar(
                    select(DistrictKey).where(
                        DistrictKey.district_code == parsed.district,
                        DistrictKey.key_id == parsed.previous_key.key_id_hex,
                    )
                )
                if (
                    previous is not None
                    and previous.status != KeyStatus.REVOKED
                    and parsed.signed_by_previous(PublicKey.from_minisign(previous.public_key))
                ):
                    how = "rotation"
            if not how:
                if not confirmed_fingerprint:
                    raise ValidationError(
                        "Confirm the fingerprint printed on the district's enrolment letter (by phone or post) "
                        "before enrolling the key.",
                        "fingerprint",
                    )
                if identity.normalise_fingerprint(confirmed_fingerprint) != parsed.fingerprint:
                    raise ValidationError(
                        "The fingerprint you typed does not match this request: do not enrol the key; call the "
                        "district.",
                        "fingerprint",
                    )
                how = "letter"
            if how == "rotation" and previous is not None and previous.status == KeyStatus.ACTIVE:
                previous.status = KeyStatus.RETIRED
            row = DistrictKey(
                district_code=parsed.district,
                key_id=key_id,
                public_key=parsed.signing_key.minisign(),
                fingerprint=parsed.fingerprint,
                status=KeyStatus.ACTIVE,
                enrolled_at=self.ctx.now(),
                enrolled_by=self.ctx.actor.username,
                how=how,
                revoke_reason="",
            )
            session.add(row)
            session.flush()
            append_entry(
                session,
                self.ctx.actor.username,
                "hub.enrol",
                "district",
                parsed.district,
                {"key_id": key_id, "fingerprint": parsed.fingerprint, "how": how},
            )
            return _key_view(row)

    @requires("hub.enrol")
    def revoke(self, district_code: str, key: str, reason: str) -> DistrictKeyView:
        """Revoke a district key (by fingerprint or key id): its bundles are refused from now on."""
        self._hub()
        if len((reason or "").strip()) < 5:
            raise ValidationError("Give the reason for revoking the key.", "reason")
        wanted = "".join(ch for ch in (key or "").upper() if ch.isalnum())
        with self.ctx.write() as session:
            rows = session.scalars(select(DistrictKey).where(DistrictKey.district_code == district_code)).all()
            match = [r for r in rows if wanted in (r.key_id, r.fingerprint.replace("-", ""))]
            if not match:
                raise NotFound(f"District {district_code} has no key {key}.")
            row = match[0]
            row.status = KeyStatus.REVOKED
            row.revoked_at = self.ctx.now()
            row.revoked_by = self.ctx.actor.username
            row.revoke_reason = reason.strip()
            append_entry(
                session,
                self.ctx.actor.username,
                "hub.revoke",
                "district",
                district_code,
                {"key_id": row.key_id, "reason": reason.strip()},
            )
            return _key_view(row)

    @requires("hub.view")
    def districts(self) -> list[DistrictProgressView]:
        """Every enrolled district with its keys and progress."""
        self._hub()
        with self.ctx.read() as session:
            keys: dict[str, list[DistrictKeyView]] = {}
            for row in session.scalars(select(DistrictKey).order_by(DistrictKey.id)):
                keys.setdefault(row.district_code, []).append(_key_view(row))
            pending: dict[str, int] = {}
            for code in session.scalars(
                select(ReceivedBundle.district_code).where(ReceivedBundle.status == ReceiptStatus.PENDING)
            ):
                pending[str(code)] = pending.get(str(code), 0) + 1
            return [
                DistrictProgressView(
                    d.district_code,
                    d.covered_through,
                    d.highest_sequence,
                    d.feedback_version,
                    d.last_import_at,
                    tuple(keys.get(d.district_code, ())),
                    pending.get(d.district_code, 0),
                )
                for d in session.scalars(select(EnrolledDistrict).order_by(EnrolledDistrict.district_code))
            ]

    @requires("hub.view")
    def received(self, district_code: str | None = None, limit: int = 100) -> list[ReceivedView]:
        """The newest entries of the registry of received files."""
        self._hub()
        with self.ctx.read() as session:
            query = select(ReceivedBundle).order_by(ReceivedBundle.id.desc()).limit(max(1, min(limit, 1000)))
            if district_code:
                query = query.where(ReceivedBundle.district_code == district_code)
            return [_received_view(r) for r in session.scalars(query)]

    @requires("hub.view")
    def conflicts(self, include_resolved: bool = False) -> list[ConflictView]:
        """Conflicts for an analyst to decide."""
        self._hub()
        with self.ctx.read() as session:
            query = select(SyncConflict, ReceivedBundle.file_name).join(
                ReceivedBundle, ReceivedBundle.id == SyncConflict.received_id
            )
            if not include_resolved:
                query = query.where(SyncConflict.status == "open")
            return [
                ConflictView(c.id, c.district_code, c.sequence, c.kind, c.detail, c.status, name, c.created_at)
                for c, name in session.execute(query.order_by(SyncConflict.id))
            ]

    # -- import ----------------------------------------------------------------------------------------------------
    @requires("hub.import")
    def import_files(self, paths: Sequence[Path], password: str, *, dry_run: bool = False) -> list[ImportOutcome]:
        """Import bundle files (and the ``*.bundle`` files of folders), each wholly or not at all."""
        self._hub()
        with self.ctx.read() as session:
            keyring = self._keyring(session, password)
        return [self._import_one(path, keyring, dry_run) for path in expand_paths(paths)]

    def _lookup(self, session: Session) -> importer.KeyLookupFunction:
        def lookup(district: str, key_id: str) -> KeyLookup | None:
            row = session.scalar(
                select(DistrictKey).where(DistrictKey.district_code == district, DistrictKey.key_id == key_id)
            )
            return None if row is None else KeyLookup(PublicKey.from_minisign(row.public_key), row.status)

        return lookup

    def _import_one(self, path: Path, keyring: _Keyring, dry_run: bool) -> ImportOutcome:
        name = path.name[:255]
        try:
            data = format.read_file(path, self.limits)
        except BundleError as exc:
            return self._reject(name, b"", exc, dry_run)
        digest = hashlib.sha256(data).hexdigest()
        refused: BundleError | None = None
        with self.ctx.read() as session:
            seen = session.scalar(
                select(ReceivedBundle).where(ReceivedBundle.sha256 == digest, ReceivedBundle.status.in_(_LIVE)).limit(1)
            )
            if seen is not None:
                return _duplicate(name, seen)
            try:
                opened = importer.open_bundle(data, self._lookup(session), keyring.identities, self.limits)
            except BundleError as exc:
                refused = exc
        if refused is not None:
            return self._reject(name, data, refused, dry_run)
        if dry_run:
            with self.ctx.read() as session:
                return self._decide(session, opened, name, digest, dry_run=True)
        try:
            with self.ctx.write() as session:
                session.info[SYNC_APPLY] = True
                outcome = self._decide(session, opened, name, digest, dry_run=False)
        except IntegrityError:
            return self._reject(name, data, _MISFIT, dry_run)
        if outcome.status == ReceiptStatus.ACCEPTED:
            released = self._release_pending(opened.district, keyring)
            if released:
                outcome = _replace(outcome, released=tuple(released))
        return outcome

    def _decide(
        self, session: Session, opened: OpenedBundle, name: str, digest: str, *, dry_run: bool
    ) -> ImportOutcome:
        """Classify a checked bundle and (unless dry) record and apply it, in the caller's transaction."""
        manifest = opened.manifest
        district = session.get(EnrolledDistrict, manifest.district)
        if district is None:  # the key lookup found a key, so the district exists; be safe anyway
            raise NotFound(f"District {manifest.district} is not enrolled.")
        same = session.scalars(
            select(ReceivedBundle).where(
                ReceivedBundle.district_code == manifest.district,
                ReceivedBundle.status.in_(_LIVE),
                (ReceivedBundle.sequence == manifest.sequence) | (ReceivedBundle.bundle_id == manifest.bundle_id),
            )
        ).all()
        if any(r.sha256 == digest for r in same):
            return _duplicate(name, next(r for r in same if r.sha256 == digest))
        if same:
            other = same[0]
            reason = (
                f"Another file with district {manifest.district} and sequence number {manifest.sequence} was "
                f"received before ({other.file_name}); neither is imported until an analyst decides."
                if other.status != ReceiptStatus.ACCEPTED
                else f"Another file with district {manifest.district} and sequence number {manifest.sequence} was "
                f"already imported ({other.file_name}); this one is held until an analyst decides."
            )
            if not dry_run:
                row = self._register(session, opened, name, digest, ReceiptStatus.CONFLICT, reason)
                self._hold(session, row, opened)
                if other.status == ReceiptStatus.PENDING:
                    other.status = ReceiptStatus.CONFLICT
                    other.reason = reason
                session.add(
                    SyncConflict(
                        district_code=manifest.district,
                        sequence=manifest.sequence,
                        kind="sequence",
                        received_id=row.id,
                        other_received_id=other.id,
                        detail=reason,
                        status="open",
                        created_at=self.ctx.now(),
                        resolution="",
                    )
                )
                self._audit(session, row)
            return _outcome(name, opened, ReceiptStatus.CONFLICT, reason, "conflict")
        if manifest.sequence <= district.replay_floor:
            reason = (
                f"Replay of an old bundle: sequence number {manifest.sequence} is older than what district "
                f"{manifest.district} has since confirmed (up to {district.replay_floor}); nothing was changed."
            )
            if not dry_run:
                row = self._register(session, opened, name, digest, ReceiptStatus.REJECTED, reason)
                self._audit(session, row)
            return _outcome(name, opened, ReceiptStatus.REJECTED, reason, "replay")
        bundle_plan = importer.plan(session, opened)
        if bundle_plan.conflicting:
            reason = (
                f"{bundle_plan.conflicting} record(s) have the same version at the hub but different content "
                f"({bundle_plan.conflict_summary()}); the bundle is held until an analyst decides."
            )
            if not dry_run:
                row = self._register(session, opened, name, digest, ReceiptStatus.CONFLICT, reason, bundle_plan)
                self._hold(session, row, opened)
                session.add(
                    SyncConflict(
                        district_code=manifest.district,
                        sequence=manifest.sequence,
                        kind="records",
                        received_id=row.id,
                        other_received_id=None,
                        detail=reason,
                        status="open",
                        created_at=self.ctx.now(),
                        resolution="",
                    )
                )
                self._audit(session, row)
            return _outcome(name, opened, ReceiptStatus.CONFLICT, reason, "conflict", bundle_plan)
        if manifest.from_seq > district.covered_through:
            missing = [s for s in range(district.highest_sequence + 1, manifest.sequence)][-1000:]
            which = ""
            if missing:
                span = f"{missing[0]} to {missing[-1]}" if len(missing) > 1 else str(missing[0])
                which = f" (bundle {span} not received yet?)"
            reason = (
                f"Waiting for earlier changes of district {manifest.district} (after {district.covered_through}, "
                f"up to {manifest.from_seq}){which}; it is applied as soon as they arrive."
            )
            if not dry_run:
                row = self._register(session, opened, name, digest, ReceiptStatus.PENDING, reason, bundle_plan)
                self._hold(session, row, opened)
                district.highest_sequence = max(district.highest_sequence, manifest.sequence)
                self._audit(session, row)
            return _outcome(name, opened, ReceiptStatus.PENDING, reason, "pending", bundle_plan)
        if not dry_run:
            row = self._register(session, opened, name, digest, ReceiptStatus.ACCEPTED, "", bundle_plan)
            self._apply(session, district, opened, bundle_plan, row)
        return _outcome(name, opened, ReceiptStatus.ACCEPTED, "", "", bundle_plan)

    def _apply(
        self,
        session: Session,
        district: EnrolledDistrict,
        opened: OpenedBundle,
        bundle_plan: importer.Plan,
        row: ReceivedBundle,
    ) -> None:
        manifest = opened.manifest
        importer.apply(session, bundle_plan)
        row.applied_at = self.ctx.now()
        district.covered_through = max(district.covered_through, manifest.to_seq)
        district.highest_sequence = max(district.highest_sequence, manifest.sequence)
        district.replay_floor = max(district.replay_floor, manifest.acknowledged_sequence)
        district.last_import_at = self.ctx.now()
        self._audit(session, row)

    def _register(
        self,
        session: Session,
        opened: OpenedBundle,
        name: str,
        digest: str,
        status: str,
        reason: str,
        bundle_plan: importer.Plan | None = None,
    ) -> ReceivedBundle:
        manifest = opened.manifest
        row = ReceivedBundle(
            bundle_id=manifest.bundle_id,
            district_code=manifest.district,
            sequence=manifest.sequence,
            month=manifest.month,
            sha256=digest,
            size=len(opened.container.data),
            file_name=name,
            status=status,
            reason=reason,
            from_seq=manifest.from_seq,
            to_seq=manifest.to_seq,
            new_records=bundle_plan.new if bundle_plan else 0,
            updated_records=bundle_plan.updated if bundle_plan else 0,
            unchanged_records=bundle_plan.unchanged if bundle_plan else 0,
            conflicting_records=bundle_plan.conflicting if bundle_plan else 0,
            received_at=self.ctx.now(),
            received_by=self.ctx.actor.username,
        )
        session.add(row)
        session.flush()
        return row

    def _hold(self, session: Session, row: ReceivedBundle, opened: OpenedBundle) -> None:
        session.add(
            HeldFile(
                received_id=row.id,
                district_code=opened.manifest.district,
                sequence=opened.manifest.sequence,
                from_seq=opened.manifest.from_seq,
                data=opened.container.data,
            )
        )

    def _audit(self, session: Session, row: ReceivedBundle) -> None:
        append_entry(
            session,
            self.ctx.actor.username,
            f"bundle.{row.status}",
            "bundle",
            str(row.bundle_id or ""),
            {
                "district": row.district_code,
                "sequence": row.sequence,
                "new": row.new_records,
                "updated": row.updated_records,
                "unchanged": row.unchanged_records,
                "conflicting": row.conflicting_records,
                "reason": row.reason[:200],
            },
        )

    def _reject(self, name: str, data: bytes, error: BundleError, dry_run: bool) -> ImportOutcome:
        header = None
        if data:
            try:
                header = format.parse(data, self.limits).header
            except BundleError:
                header = None
        outcome = ImportOutcome(
            file_name=name,
            status=ReceiptStatus.REJECTED,
            reason=error.message,
            code=error.code,
            district=header.district if header else None,
            sequence=header.sequence if header else None,
            bundle_id=header.bundle_id if header else None,
        )
        if not dry_run:
            with self.ctx.write() as session:
                row = ReceivedBundle(
                    bundle_id=outcome.bundle_id,
                    district_code=outcome.district,
                    sequence=outcome.sequence,
                    sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data),
                    file_name=name,
                    status=ReceiptStatus.REJECTED,
                    reason=f"{error.code}: {error.message}",
                    new_records=0,
                    updated_records=0,
                    unchanged_records=0,
                    conflicting_records=0,
                    received_at=self.ctx.now(),
                    received_by=self.ctx.actor.username,
                )
                session.add(row)
                session.flush()
                self._audit(session, row)
        return outcome

    def _release_pending(self, district_code: str, keyring: _Keyring) -> list[str]:
        """Apply held pending bundles of the district whose earlier changes are now all here."""
        released: list[str] = []
        while True:
            with self.ctx.write() as session:
                session.info[SYNC_APPLY] = True
                district = session.get(EnrolledDistrict, district_code)
                assert district is not None
                candidate = session.execute(
                    select(HeldFile, ReceivedBundle)
                    .join(ReceivedBundle, ReceivedBundle.id == HeldFile.received_id)
                    .where(
                        HeldFile.district_code == district_code,
                        ReceivedBundle.status == ReceiptStatus.PENDING,
                        HeldFile.from_seq <= district.covered_through,
                    )
                    .order_by(HeldFile.from_seq, HeldFile.sequence)
                    .limit(1)
                ).first()
                if candidate is None:
                    return released
                held, row = candidate
                try:
                    opened = importer.open_bundle(held.data, self._lookup(session), keyring.identities, self.limits)
                except BundleError as exc:
                    row.status = ReceiptStatus.REJECTED
                    row.reason = f"{exc.code}: {exc.message}"
                    session.delete(held)
                    self._audit(session, row)
                    continue
                bundle_plan = importer.plan(session, opened)
                row.new_records, row.updated_records = bundle_plan.new, bundle_plan.updated
                row.unchanged_records, row.conflicting_records = bundle_plan.unchanged, bundle_plan.conflicting
                if bundle_plan.conflicting:
                    row.status = ReceiptStatus.CONFLICT
                    row.reason = (
                        f"{bundle_plan.conflicting} record(s) have the same version at the hub but different content "
                        f"({bundle_plan.conflict_summary()}); held until an analyst decides."
                    )
                    session.add(
                        SyncConflict(
                            district_code=district_code,
                            sequence=row.sequence or 0,
                            kind="records",
                            received_id=row.id,
                            other_received_id=None,
                            detail=row.reason,
                            status="open",
                            created_at=self.ctx.now(),
                            resolution="",
                        )
                    )
                    self._audit(session, row)
                    continue
                row.status = ReceiptStatus.ACCEPTED
                row.reason = ""
                session.delete(held)
                try:
                    with session.begin_nested():
                        self._apply(session, district, opened, bundle_plan, row)
                except IntegrityError:
                    row.status = ReceiptStatus.REJECTED
                    row.reason = f"{_MISFIT.code}: {_MISFIT.message}"
                    self._audit(session, row)
                    continue
                released.append(row.file_name)

    @requires("hub.import")
    def resolve_conflict(self, conflict_id: int, password: str, keep: str) -> ConflictView:
        """Decide a conflict: keep the hub's records or take the file's.

        ``keep="stored"`` refuses the held file; ``keep="incoming"`` applies it, its records replacing the hub's
        where they disagree.
        """
        self._hub()
        if keep not in ("stored", "incoming"):
            raise ValidationError('Say which to keep: "stored" (the hub\'s) or "incoming" (the file\'s).', "keep")
        with self.ctx.read() as session:
            keyring = self._keyring(session, password)
        with self.ctx.write() as session:
            session.info[SYNC_APPLY] = True
            conflict = session.get(SyncConflict, conflict_id)
            if conflict is None or conflict.status != "open":
                raise NotFound(f"There is no open conflict number {conflict_id}.")
            row = session.get(ReceivedBundle, conflict.received_id)
            held = session.scalar(select(HeldFile).where(HeldFile.received_id == conflict.received_id))
            assert row is not None
            if keep == "incoming" and held is not None:
                district = session.get(EnrolledDistrict, conflict.district_code)
                assert district is not None
                opened = importer.open_bundle(held.data, self._lookup(session), keyring.identities, self.limits)
                if opened.manifest.from_seq > district.covered_through:
                    raise WorkflowError(
                        "This file still waits for earlier changes of the district; it cannot be applied yet."
                    )
                bundle_plan = _force(importer.plan(session, opened))
                row.status = ReceiptStatus.ACCEPTED
                row.reason = f"applied by {self.ctx.actor.username} after a conflict"
                self._apply(session, district, opened, bundle_plan, row)
            else:
                row.status = ReceiptStatus.REJECTED
                row.reason = f"refused by {self.ctx.actor.username} after a conflict"
                self._audit(session, row)
            if held is not None:
                session.delete(held)
            conflict.status = "resolved"
            conflict.resolved_at = self.ctx.now()
            conflict.resolved_by = self.ctx.actor.username
            conflict.resolution = keep
            session.flush()
            name = row.file_name
            view = ConflictView(
                conflict.id,
                conflict.district_code,
                conflict.sequence,
                conflict.kind,
                conflict.detail,
                conflict.status,
                name,
                conflict.created_at,
            )
        if keep == "incoming":
            self._release_pending(view.district, keyring)
        return view

    # -- acknowledgements ------------------------------------------------------------------------------------------
    @requires("hub.feedback")
    def write_feedback(self, district_code: str, password: str, out_dir: Path) -> FeedbackFile:
        """Write the signed acknowledgement of a district's bundles (its version rises each time)."""
        self._hub()
        with self.ctx.read() as session:
            keyring = self._keyring(session, password)
            hub = session.get(HubIdentity, 1)
            assert hub is not None
        with self.ctx.write() as session:
            district = session.get(EnrolledDistrict, district_code)
            if district is None:
                raise NotFound(f"District {district_code} is not enrolled at this hub.")
            best: dict[uuid.UUID, ReceivedBundle] = {}
            for row in session.scalars(
                select(ReceivedBundle)
                .where(ReceivedBundle.district_code == district_code, ReceivedBundle.bundle_id.is_not(None))
                .order_by(ReceivedBundle.id)
            ):
                assert row.bundle_id is not None
                current = best.get(row.bundle_id)
                if current is None or _STATUS_RANK.get(ReceiptStatus(row.status), 0) >= _STATUS_RANK.get(
                    ReceiptStatus(current.status), 0
                ):
                    best[row.bundle_id] = row
            receipts = tuple(
                feedback.BundleReceipt(r.bundle_id, r.sequence or 0, r.status, r.reason[:500], r.from_seq, r.to_seq)  # type: ignore[arg-type]
                for r in sorted(best.values(), key=lambda r: (r.sequence or 0, r.id))
                if r.sequence
            )
            district.feedback_version += 1
            now = self.ctx.now()
            content = feedback.Feedback(
                district=district_code,
                version=district.feedback_version,
                hub_id=str(hub.hub_id),
                issued_at=now,
                expires_on=(now + FEEDBACK_VALID).date(),
                covered_through=district.covered_through,
                highest_sequence=district.highest_sequence,
                receipts=receipts,
            )
            data = feedback.build_feedback(content, keyring.signing, keyring.signing_fingerprint)
            append_entry(
                session,
                self.ctx.actor.username,
                "hub.feedback",
                "district",
                district_code,
                {"version": content.version, "bundles": len(receipts), "covered_through": content.covered_through},
            )
        path = Path(out_dir) / feedback.file_name(district_code, content.version)
        format.write_atomically(path, data)
        feedback.read_feedback(path.read_bytes(), keyring.signing.public, keyring.signing_fingerprint, district_code)
        return FeedbackFile(path, district_code, content.version, len(receipts), content.covered_through)


def rewrap_key_slot(session: Session, username: str, old_password: str, new_password: str) -> bool:
    """Re-wrap an account's slot of the hub keys after its password changed (in the caller's transaction).

    For ``AccountService.change_own_password`` at the hub; returns False when the account has no slot.
    """
    slot = session.scalar(select(HubKeySlot).where(HubKeySlot.username == username))
    if slot is None:
        return False
    label = f"hub-keyring:{username}"
    password_slot = crypto.PasswordSlot(
        slot.salt, slot.nonce, slot.wrapped, slot.time_cost, slot.memory_kib, slot.parallelism
    )
    ring_key = crypto.unwrap_with_password(old_password, password_slot, label)
    new = crypto.wrap_with_password(new_password, ring_key, label)
    slot.salt, slot.nonce, slot.wrapped = new.salt, new.nonce, new.wrapped
    slot.time_cost, slot.memory_kib, slot.parallelism = new.time_cost, new.memory_kib, new.parallelism
    append_entry(session, username, "hub.rewrap_keys", "account", username)
    return True


def drop_key_slot(session: Session, username: str) -> bool:
    """Remove an account's slot of the hub keys (after a password reset or when it is disabled).

    For ``AccountService.reset_password`` / ``disable`` at the hub: the old password must no longer open the keys;
    the administrator grants access again with ``grant_key_access``. Returns False when there was no slot.
    """
    slot = session.scalar(select(HubKeySlot).where(HubKeySlot.username == username))
    if slot is None:
        return False
    session.delete(slot)
    append_entry(session, username, "hub.drop_keys", "account", username)
    return True


def _digest(password: str) -> bytes:
    return hashlib.sha256(b"copdesk keyring cache:" + password.encode("utf-8")).digest()


def _force(bundle_plan: importer.Plan) -> importer.Plan:
    """A plan where the conflicting records are overwritten with the incoming ones."""
    tables = []
    for table_plan in bundle_plan.tables:
        if table_plan.conflicts:
            conflicted = set(table_plan.conflicts)
            records = table_plan.records
            id_index = records.columns.index("id")
            for row in records.rows:
                if row[id_index] in conflicted:
                    table_plan.updates.append(importer._with_search_text(records.table, records.columns, row))
                    conflicted.discard(row[id_index])
            table_plan.conflicts = []
        tables.append(table_plan)
    return importer.Plan(tuple(tables))


def _outcome(
    name: str,
    opened: OpenedBundle,
    status: str,
    reason: str = "",
    code: str = "",
    bundle_plan: importer.Plan | None = None,
) -> ImportOutcome:
    manifest = opened.manifest
    return ImportOutcome(
        file_name=name,
        status=status,
        reason=reason,
        code=code,
        district=manifest.district,
        sequence=manifest.sequence,
        bundle_id=manifest.bundle_id,
        month=manifest.month,
        new=bundle_plan.new if bundle_plan else 0,
        updated=bundle_plan.updated if bundle_plan else 0,
        unchanged=bundle_plan.unchanged if bundle_plan else 0,
        conflicting=bundle_plan.conflicting if bundle_plan else 0,
    )


def _duplicate(name: str, seen: ReceivedBundle) -> ImportOutcome:
    return ImportOutcome(
        file_name=name,
        status=ReceiptStatus.DUPLICATE,
        reason=f"Already received ({seen.file_name}, {seen.status}); nothing was changed.",
        code="duplicate",
        district=seen.district_code,
        sequence=seen.sequence,
        bundle_id=seen.bundle_id,
        month=seen.month,
    )


def _replace(outcome: ImportOutcome, **changes: object) -> ImportOutcome:
    from dataclasses import replace

    return replace(outcome, **changes)  # type: ignore[arg-type]


def _key_view(row: DistrictKey) -> DistrictKeyView:
    return DistrictKeyView(
        row.district_code,
        row.key_id,
        row.fingerprint,
        row.status,
        row.how,
        row.enrolled_at,
        row.revoked_at,
        row.revoke_reason,
    )


def _received_view(row: ReceivedBundle) -> ReceivedView:
    return ReceivedView(
        row.id,
        row.file_name,
        row.status,
        row.reason,
        row.district_code,
        row.sequence,
        row.bundle_id,
        row.month,
        row.received_at,
        row.new_records,
        row.updated_records,
        row.unchanged_records,
        row.conflicting_records,
    )
