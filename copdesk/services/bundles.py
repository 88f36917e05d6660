"""The district's side of the monthly exchange: identity, export of closed months, outbox, acknowledgements.

The signing key and the CNIC secret live in the encrypted district database, wrapped once more under a key
derived from the database key: only someone signed in (or holding the recovery sheet) can use them, and only a
district officer may (policy). Bundle sequence numbers never go back: the highest number issued is also kept in a
small file beside the database (``<db>.bundles``) and learned from the hub's acknowledgements, so numbering
continues above it after a restore from backup.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from copdesk.domain.months import Month
from copdesk.domain.reference import district as reference_district
from copdesk.errors import AuthenticationError, ValidationError, WorkflowError
from copdesk.models.months import MonthState
from copdesk.models.sync import KeyStatus, OutboxBundle, OutboxStatus, SyncIdentity, SyncSigningKey
from copdesk.services.context import Service, requires
from copdesk.services.months import closing_of
from copdesk.storage.audit_chain import append_entry, load_state
from copdesk.storage.keyslots import KeySlotFile
from copdesk.sync import crypto, feedback, format, identity
from copdesk.sync.export import BundleSpec, SealTo, build_bundle
from copdesk.sync.minisign import PublicKey, SigningKey
from copdesk.sync.payload import Redactor

COUNTER_SUFFIX = ".bundles"
COUNTER_FORMAT = "copdesk-bundle-counter"
_HMAC_LABEL = "sync-hmac"
#: Hub statuses that mean the bundle must be made again (with the current key, from the last acknowledgement).
_REDO = frozenset({OutboxStatus.REJECTED, OutboxStatus.CONFLICT})


@dataclass(frozen=True)
class SyncStatusView:
    """Where the district stands with the hub."""

    district_code: str
    key_id: str
    fingerprint: str
    hub_name: str | None
    hub_fingerprint: str | None
    acked_through_seq: int
    highest_sequence: int
    feedback_version: int
    cnic_in_clear: bool
    contact_details: bool


@dataclass(frozen=True)
class EnrolmentFiles:
    """The enrolment request (for the hub) and the printable letter (fingerprint to confirm)."""

    request: Path
    letter: Path
    fingerprint: str
    key_id: str


@dataclass(frozen=True)
class ExportResult:
    """A bundle written to disk."""

    path: Path
    bundle_id: uuid.UUID
    sequence: int
    month: str
    from_seq: int
    to_seq: int
    records: int
    size: int
    sha256: str
    resent: bool


@dataclass(frozen=True)
class OutboxEntryView:
    """One bundle in the outbox."""

    bundle_id: uuid.UUID
    sequence: int
    month: str
    times_closed: int
    from_seq: int
    to_seq: int
    records: int
    size: int
    file_name: str
    status: str
    hub_reason: str
    created_at: datetime
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class FeedbackResult:
    """What applying a hub acknowledgement changed."""

    version: int
    accepted: int
    pending: int
    rejected: tuple[tuple[int, str], ...]  # (sequence, reason) of bundles the hub refused
    acked_through_seq: int
    warnings: tuple[str, ...]


# -- helpers usable outside the service (district setup, demo) ----------------------------------------------------
def provision_identity(session: Session, database_key: bytes, district_code: str, recovery_key: str) -> None:
    """Give a new district database its sync identity: signing key, CNIC secret, recovery recipient.

    Call inside the setup transaction, while the recovery key is known (it is never stored).
    """
    if session.get(SyncIdentity, 1) is not None:
        raise WorkflowError("This district already has its bundle identity.")
    kek = crypto.district_kek(database_key)
    hmac_secret = crypto.wrap(kek, secrets.token_bytes(32), _HMAC_LABEL)
    session.add(
        SyncIdentity(
            id=1,
            district_code=district_code,
            hmac_nonce=hmac_secret.nonce,
            hmac_wrapped=hmac_secret.data,
            recovery_recipient=crypto.recovery_recipient(recovery_key, district_code),
            cnic_in_clear=False,
            contact_details=False,
            acked_through_seq=0,
            highest_sequence=0,
            feedback_version=0,
        )
    )
    _add_signing_key(session, kek, SigningKey.generate(), previous=None)
    session.flush()


def _add_signing_key(session: Session, kek: bytes, key: SigningKey, previous: str | None) -> SyncSigningKey:
    public = key.public
    sealed = crypto.wrap(kek, key.seed, f"sync-signing:{public.key_id_hex}")
    row = SyncSigningKey(
        key_id=public.key_id_hex,
        public_key=public.minisign(),
        fingerprint=identity.signing_fingerprint(public),
        seed_nonce=sealed.nonce,
        seed_wrapped=sealed.data,
        status=KeyStatus.ACTIVE,
        previous_key_id=previous,
    )
    session.add(row)
    return row


def counter_path(db_path: Path) -> Path:
    """The file beside the database that remembers the highest bundle number issued."""
    return db_path.with_name(db_path.name + COUNTER_SUFFIX)


def read_counter(db_path: Path | None, district_code: str) -> int:
    """The highest bundle number recorded beside the database (0 when there is no usable file)."""
    if db_path is None:
        return 0
    path = counter_path(db_path)
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    if not isinstance(value, dict) or value.get("format") != COUNTER_FORMAT or value.get("district") != district_code:
        return 0
    number = value.get("highest_issued")
    return number if isinstance(number, int) and not isinstance(number, bool) and number >= 0 else 0


def write_counter(db_path: Path | None, district_code: str, highest: int) -> None:
    """Record the highest bundle number issued (atomically; never lowers it)."""
    if db_path is None:
        return
    highest = max(highest, read_counter(db_path, district_code))
    body = {"format": COUNTER_FORMAT, "district": district_code, "highest_issued": highest}
    format.write_atomically(counter_path(db_path), (json.dumps(body) + "\n").encode("utf-8"))


class BundleService(Service):
    """Monthly bundles at the district: identity, export, outbox and acknowledgements."""

    # -- internals -------------------------------------------------------------------------------------------------
    def _district(self) -> str:
        if not self.ctx.district_code or self.ctx.database.kind != "district":
            raise ValidationError("Bundles are made in a district database.")
        return self.ctx.district_code

    def _kek(self) -> bytes:
        key = self.ctx.database.key
        if key is None:
            raise WorkflowError("The database key is not available; sign in again.")
        return crypto.district_kek(key)

    def _identity(self, session: Session) -> SyncIdentity:
        found = session.get(SyncIdentity, 1)
        if found is None:
            raise WorkflowError(
                "This district has no bundle identity yet: a district officer sets it up with the recovery sheet "
                "(copdesk bundle setup)."
            )
        return found

    def _active_key(self, session: Session) -> SyncSigningKey:
        key = session.scalar(select(SyncSigningKey).where(SyncSigningKey.status == KeyStatus.ACTIVE))
        if key is None:
            raise WorkflowError("This district has no active signing key; make a new one (copdesk bundle rotate-key).")
        return key

    def _signing_key(self, row: SyncSigningKey) -> SigningKey:
        seed = crypto.unwrap(
            self._kek(), crypto.Wrapped(row.seed_nonce, row.seed_wrapped), f"sync-signing:{row.key_id}"
        )
        return SigningKey(seed)

    def _redactor(self, found: SyncIdentity) -> Redactor:
        secret = crypto.unwrap(self._kek(), crypto.Wrapped(found.hmac_nonce, found.hmac_wrapped), _HMAC_LABEL)
        return Redactor(secret, found.cnic_in_clear, found.contact_details)

    def _view(self, session: Session) -> SyncStatusView:
        found = self._identity(session)
        key = self._active_key(session)
        name = None
        if found.hub_profile:
            name = identity.read_hub_profile(found.hub_profile.encode("utf-8")).name
        return SyncStatusView(
            found.district_code,
            key.key_id,
            key.fingerprint,
            name,
            found.hub_fingerprint,
            found.acked_through_seq,
            found.highest_sequence,
            found.feedback_version,
            found.cnic_in_clear,
            found.contact_details,
        )

    def _enrolment_files(self, session: Session, out_dir: Path, previous: SigningKey | None) -> EnrolmentFiles:
        district = self._district()
        key = self._signing_key(self._active_key(session))
        now = self.ctx.now()
        request = identity.write_enrolment_request(district, key, now, previous)
        letter = identity.enrolment_letter(district, reference_district(district).name_en, key.public, now)
        suffix = key.public.key_id_hex[:8].lower()
        request_path = out_dir / f"enrolment-{district}-{suffix}.json"
        letter_path = out_dir / f"enrolment-letter-{district}-{suffix}.txt"
        format.write_atomically(request_path, request)
        format.write_atomically(letter_path, letter.encode("utf-8"))
        return EnrolmentFiles(
            request_path, letter_path, identity.signing_fingerprint(key.public), key.public.key_id_hex
        )

    # -- identity --------------------------------------------------------------------------------------------------
    @requires("bundle.manage")
    def set_up(self, recovery_key: str) -> SyncStatusView:
        """Create the district's bundle identity (checked against the recovery sheet's key)."""
        district = self._district()
        path = self.ctx.database.path
        if path is None:
            raise WorkflowError("Bundles are made in a district database file.")
        try:
            opened = KeySlotFile.load(path).unlock_with_recovery_key(recovery_key)
        except AuthenticationError:
            raise AuthenticationError(
                "That recovery key does not open this database; check the recovery sheet."
            ) from None
        if opened != self.ctx.database.key:
            raise AuthenticationError("That recovery key belongs to another database.")
        with self.ctx.write() as session:
            provision_identity(session, opened, district, recovery_key)
            append_entry(session, self.ctx.actor.username, "bundle.setup", "bundle", district)
        with self.ctx.read() as session:
            return self._view(session)

    @requires("bundle.manage")
    def install_hub_profile(self, profile: bytes, confirmed_fingerprint: str | None = None) -> SyncStatusView:
        """Install the hub's public profile (checks the fingerprint when one is typed in from the hub's letter)."""
        parsed = identity.read_hub_profile(profile)
        if confirmed_fingerprint is not None and identity.normalise_fingerprint(confirmed_fingerprint) != (
            parsed.fingerprint
        ):
            raise ValidationError(
                "The fingerprint you typed does not match this hub profile: do not install it; call the hub.",
                "fingerprint",
            )
        with self.ctx.write() as session:
            found = self._identity(session)
            if found.hub_fingerprint and found.hub_fingerprint != parsed.fingerprint:
                waiting = session.scalar(
                    select(func.count()).select_from(OutboxBundle).where(OutboxBundle.status == OutboxStatus.SENT)
                )
                if waiting:
                    raise WorkflowError(
                        "Another hub's profile is installed and bundles made for it are not yet acknowledged; "
                        "apply the hub's acknowledgement first."
                    )
            found.hub_profile = profile.decode("utf-8")
            found.hub_signing_key = parsed.signing_key
            found.hub_fingerprint = parsed.fingerprint
            found.hub_encryption_key = parsed.encryption_key
            found.hub_encryption_fingerprint = parsed.encryption_fingerprint
            append_entry(
                session,
                self.ctx.actor.username,
                "bundle.hub_profile",
                "hub",
                parsed.hub_id,
                {"fingerprint": parsed.fingerprint},
            )
            return self._view(session)

    @requires("bundle.manage")
    def write_enrolment(self, out_dir: Path) -> EnrolmentFiles:
        """Write the enrolment request for the hub and the printable enrolment letter."""
        with self.ctx.read() as session:
            self._identity(session)
            return self._enrolment_files(session, out_dir, previous=None)

    @requires("bundle.manage")
    def rotate_key(self, out_dir: Path) -> EnrolmentFiles:
        """Replace the signing key: the new key's enrolment request is signed by the old one.

        Bundles not yet accepted by the hub are made again with the new key when their month is exported again.
        """
        with self.ctx.write() as session:
            self._identity(session)
            old_row = self._active_key(session)
            old = self._signing_key(old_row)
            old_row.status = KeyStatus.RETIRED
            old_row.retired_at = self.ctx.now()
            session.flush()
            new_row = _add_signing_key(session, self._kek(), SigningKey.generate(), previous=old_row.key_id)
            session.flush()
            append_entry(
                session,
                self.ctx.actor.username,
                "bundle.rotate_key",
                "bundle",
                new_row.key_id,
                {"previous": old_row.key_id, "fingerprint": new_row.fingerprint},
            )
            return self._enrolment_files(session, out_dir, previous=old)

    @requires("bundle.manage")
    def set_sharing(self, *, cnic_in_clear: bool, contact_details: bool) -> SyncStatusView:
        """Set what personal data travels (policy): CNIC numbers in clear, private persons' contact details."""
        with self.ctx.write() as session:
            found = self._identity(session)
            found.cnic_in_clear = bool(cnic_in_clear)
            found.contact_details = bool(contact_details)
            append_entry(
                session,
                self.ctx.actor.username,
                "bundle.sharing",
                "bundle",
                found.district_code,
                {"cnic_in_clear": found.cnic_in_clear, "contact_details": found.contact_details},
            )
            return self._view(session)

    @requires("bundle.view")
    def status(self) -> SyncStatusView:
        """The district's bundle identity and counters."""
        self._district()
        with self.ctx.read() as session:
            return self._view(session)

    @requires("bundle.view")
    def outbox(self) -> list[OutboxEntryView]:
        """Every bundle written, newest first."""
        self._district()
        with self.ctx.read() as session:
            rows = session.scalars(select(OutboxBundle).order_by(OutboxBundle.sequence.desc())).all()
            return [
                OutboxEntryView(
                    r.bundle_id,
                    r.sequence,
                    r.month,
                    r.times_closed,
                    r.from_seq,
                    r.to_seq,
                    r.records,
                    r.size,
                    r.file_name,
                    r.status,
                    r.hub_reason,
                    r.created_at,
                    r.acknowledged_at,
                )
                for r in rows
            ]

    # -- export ------------------------------------------------------------------------------------------------------
    @requires("bundle.export")
    def export_month(self, month: str, out_dir: Path) -> ExportResult:
        """Write the bundle of a closed month to ``out_dir`` (the outbox's copy if it was already made)."""
        parsed = Month.parse(month)
        district = self._district()
        out_dir = Path(out_dir)
        with self.ctx.write() as session:
            found = self._identity(session)
            if not found.hub_encryption_key or not found.hub_encryption_fingerprint:
                raise WorkflowError("Install the hub's profile first (copdesk bundle setup --hub-profile FILE).")
            closing = closing_of(session, district, parsed)
            if closing is None or closing.state != MonthState.CLOSED:
                raise WorkflowError(f"{parsed.label} is not closed; only closed months are sent to the hub.")
            key_row = self._active_key(session)
            stored = session.scalar(
                select(OutboxBundle)
                .where(
                    OutboxBundle.month == str(parsed),
                    OutboxBundle.times_closed == closing.times_closed,
                    OutboxBundle.key_id == key_row.key_id,
                    OutboxBundle.status.not_in(sorted(_REDO)),
                )
                .order_by(OutboxBundle.sequence.desc())
                .limit(1)
            )
            if stored is not None:
                result = ExportResult(
                    out_dir / stored.file_name,
                    stored.bundle_id,
                    stored.sequence,
                    stored.month,
                    stored.from_seq,
                    stored.to_seq,
                    stored.records,
                    stored.size,
                    stored.sha256,
                    resent=True,
                )
                data = stored.data
            else:
                result, data = self._make_bundle(
                    session, found, key_row, str(parsed), closing.times_closed, out_dir, closing.high_water_seq
                )
        format.write_atomically(result.path, data)
        self._check_written(result)
        return result

    def _make_bundle(
        self,
        session: Session,
        found: SyncIdentity,
        key_row: SyncSigningKey,
        month: str,
        times_closed: int,
        out_dir: Path,
        high_water_seq: int,
    ) -> tuple[ExportResult, bytes]:
        district = found.district_code
        db_path = self.ctx.database.path
        last_local = session.scalar(select(func.max(OutboxBundle.sequence))) or 0
        sequence = max(found.highest_sequence, last_local, read_counter(db_path, district)) + 1
        previous = session.scalar(select(OutboxBundle.sha256).where(OutboxBundle.sequence == last_local))
        acknowledged = (
            session.scalar(select(func.max(OutboxBundle.sequence)).where(OutboxBundle.status == OutboxStatus.ACCEPTED))
            or 0
        )
        from_seq = min(found.acked_through_seq, high_water_seq)
        state = load_state(session)
        spec = BundleSpec(
            district=district,
            sequence=sequence,
            bundle_id=uuid.uuid4(),
            month=month,
            times_closed=times_closed,
            from_seq=from_seq,
            to_seq=high_water_seq,
            previous_sha256=previous,
            acknowledged_sequence=min(acknowledged, sequence - 1),
            created_at=self.ctx.now(),
        )
        seal = SealTo(
            signing_key=self._signing_key(key_row),
            hub_recipient=str(found.hub_encryption_key),
            hub_key_fingerprint=str(found.hub_encryption_fingerprint),
            recovery_recipient=found.recovery_recipient,
        )
        built = build_bundle(
            session, spec, seal, self._redactor(found), audit_head=state.audit_head, audit_seq=state.audit_seq
        )
        write_counter(db_path, district, sequence)  # before the commit: a number is never issued twice
        session.add(
            OutboxBundle(
                bundle_id=spec.bundle_id,
                sequence=sequence,
                month=month,
                times_closed=times_closed,
                from_seq=spec.from_seq,
                to_seq=spec.to_seq,
                key_id=key_row.key_id,
                file_name=built.file_name,
                size=len(built.data),
                sha256=built.sha256,
                records=built.records,
                data=built.data,
                status=OutboxStatus.SENT,
                hub_reason="",
                created_by=self.ctx.actor.username,
            )
        )
        found.highest_sequence = sequence
        append_entry(
            session,
            self.ctx.actor.username,
            "bundle.export",
            "bundle",
            str(spec.bundle_id),
            {"month": month, "sequence": sequence, "records": built.records, "from": spec.from_seq, "to": spec.to_seq},
        )
        result = ExportResult(
            out_dir / built.file_name,
            spec.bundle_id,
            sequence,
            month,
            spec.from_seq,
            spec.to_seq,
            built.records,
            len(built.data),
            built.sha256,
            resent=False,
        )
        return result, built.data

    def _check_written(self, result: ExportResult) -> None:
        """Read the written file back: same hash, well formed, our signature valid."""
        data = format.read_file(result.path)
        container = format.parse(data)
        if container.sha256 != result.sha256:
            raise WorkflowError(f"{result.path} differs from the bundle made; write it again.")
        with self.ctx.read() as session:
            key = session.scalar(select(SyncSigningKey).where(SyncSigningKey.key_id == container.header.signer))
            if key is None:
                raise WorkflowError("The bundle was signed with a key this district does not have.")
            format.verify(container, PublicKey.from_minisign(key.public_key))

    # -- acknowledgements ------------------------------------------------------------------------------------------
    @requires("bundle.apply_feedback")
    def apply_feedback(self, path: Path) -> FeedbackResult:
        """Check and apply the hub's acknowledgement: the next export starts after what the hub confirmed."""
        district = self._district()
        data = format.read_file(Path(path))
        warnings: list[str] = []
        with self.ctx.write() as session:
            found = self._identity(session)
            if not found.hub_signing_key or not found.hub_fingerprint:
                raise WorkflowError(
                    "Install the hub's profile first: without it the acknowledgement cannot be checked."
                )
            hub_key = PublicKey.from_minisign(found.hub_signing_key)
            received = feedback.read_feedback(data, hub_key, found.hub_fingerprint, district)
            if received.version <= found.feedback_version:
                raise WorkflowError(
                    f"This acknowledgement (number {received.version}) is not newer than the last one applied "
                    f"(number {found.feedback_version}); nothing was changed."
                )
            if received.expires_on < self.ctx.today():
                warnings.append(
                    f"This acknowledgement expired on {received.expires_on:%d %B %Y}; it was applied anyway. "
                    "Check the computer's date, and ask the hub for a newer one if it is really old."
                )
            receipts = {r.bundle_id: r for r in received.receipts}
            accepted = pending = 0
            rejected: list[tuple[int, str]] = []
            now = self.ctx.now()
            for entry in session.scalars(select(OutboxBundle).where(OutboxBundle.bundle_id.in_(list(receipts)))):
                receipt = receipts[entry.bundle_id]
                status = receipt.status if receipt.status in set(OutboxStatus) else OutboxStatus.REJECTED
                entry.status = status
                entry.hub_reason = receipt.reason[:1000]
                entry.acknowledged_at = now
                if status == OutboxStatus.ACCEPTED:
                    accepted += 1
                elif status == OutboxStatus.PENDING:
                    pending += 1
                elif status in _REDO:
                    rejected.append((entry.sequence, receipt.reason))
            session.flush()
            confirmed = (
                session.scalar(
                    select(func.max(OutboxBundle.to_seq)).where(OutboxBundle.status == OutboxStatus.ACCEPTED)
                )
                or 0
            )
            found.acked_through_seq = min(confirmed, received.covered_through)
            found.highest_sequence = max(found.highest_sequence, received.highest_sequence)
            found.feedback_version = received.version
            write_counter(self.ctx.database.path, district, found.highest_sequence)
            append_entry(
                session,
                self.ctx.actor.username,
                "bundle.feedback",
                "hub",
                received.hub_id,
                {"version": received.version, "accepted": accepted, "pending": pending, "rejected": len(rejected)},
            )
            return FeedbackResult(
                received.version, accepted, pending, tuple(rejected), found.acked_through_seq, tuple(warnings)
            )
