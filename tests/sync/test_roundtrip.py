"""District → hub → district: export, import, acknowledgement, and every way a file can go wrong in transit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from copdesk.errors import PermissionDenied, ValidationError, WorkflowError
from copdesk.models.accounts import Role
from copdesk.models.audit import AuditEntry
from copdesk.models.months import MonthClosing, MonthlyFigures
from copdesk.models.people import Person
from copdesk.models.sync import OutboxBundle, ReceivedBundle, SyncConflict
from copdesk.services.bundles import BundleService, counter_path
from copdesk.services.context import Actor, ServiceContext
from copdesk.storage.backup import backup_to
from copdesk.sync import crypto, format, payload
from tests.sync.conftest import World, fixed_clock


def test_round_trip_district_hub_district(world: World) -> None:
    lhr = world.districts["LHR"]
    ids = lhr.add_people(30)
    lhr.close("2026-01")
    first = lhr.export("2026-01", world.stick)
    assert first.path.exists() and first.sequence == 1 and first.from_seq == 0 and not first.resent
    assert first.records == 34  # 30 people, 2 stations, the month's closing and its figures

    [outcome] = world.hub.import_(first.path)
    assert (outcome.status, outcome.new, outcome.updated, outcome.unchanged, outcome.conflicting) == (
        "accepted",
        34,
        0,
        0,
        0,
    )
    assert world.hub.count(Person) == 30
    with world.hub.ctx.read() as session:
        person = session.get(Person, ids[0])
        assert person is not None
        assert person.district_code == "LHR" and person.version == 1 and person.changed_by == "clerk"
        assert person.cnic is not None and person.cnic.startswith("~") and len(person.cnic) == 15
        assert person.name == "" and person.mobile is None and person.address == "" and person.gender == "female"
        assert session.scalar(select(MonthClosing.state).where(MonthClosing.month == "2026-01")) == "closed"
        assert session.scalar(select(func.count()).select_from(MonthlyFigures)) == 1
        # one audit entry for the bundle, none per record
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "bundle")).all()
        assert actions == ["bundle.accepted"]

    ack = world.hub.feedback("LHR", world.stick)
    result = lhr.apply(ack.path)
    assert (result.version, result.accepted, result.pending, result.rejected) == (1, 1, 0, ())
    assert result.acked_through_seq == first.to_seq
    assert lhr.bundles.outbox()[0].status == "accepted"

    lhr.edit_person(ids[0], gender="male")
    lhr.add_people(5, start=100)
    lhr.close("2026-02")
    second = lhr.export("2026-02", world.stick)
    assert second.sequence == 2 and second.from_seq == first.to_seq
    assert second.records == 8  # one change, five new people, the closing and the figures
    [outcome] = world.hub.import_(second.path)
    assert (outcome.status, outcome.new, outcome.updated) == ("accepted", 7, 1)
    with world.hub.ctx.read() as session:
        person = session.get(Person, ids[0])
        assert person is not None and person.gender == "male" and person.version == 2


def test_same_cnic_gives_the_same_token_and_the_policy_can_send_it_in_clear(world: World) -> None:
    lhr = world.districts["LHR"]
    [pid] = lhr.add_people(1)
    with lhr.ctx.read() as session:
        cnic = session.scalars(select(Person.cnic).where(Person.id == pid)).one()
    lhr.bundles.set_sharing(cnic_in_clear=True, contact_details=True)
    lhr.close("2026-01")
    world.hub.import_(lhr.export("2026-01", world.stick).path)
    with world.hub.ctx.read() as session:
        person = session.get(Person, pid)
        assert person is not None and person.cnic == cnic and person.name == "Person 0"


def test_exporting_again_resends_the_stored_file_and_a_reclosed_month_gets_the_next_number(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(3)
    lhr.close("2026-01")
    first = lhr.export("2026-01", world.stick)
    first.path.unlink()
    again = lhr.export("2026-01", world.stick / "other")
    assert again.resent and again.sequence == first.sequence and again.sha256 == first.sha256
    assert again.path.read_bytes() == (world.stick / "other" / again.path.name).read_bytes()
    with pytest.raises(WorkflowError, match="not closed"):
        lhr.export("2026-02", world.stick)
    lhr.reopen("2026-01")
    with pytest.raises(WorkflowError, match="not closed"):
        lhr.export("2026-01", world.stick)
    lhr.close("2026-01")
    third = lhr.export("2026-01", world.stick)
    assert third.sequence == 2 and not third.resent and third.to_seq > first.to_seq


def test_a_replayed_file_changes_nothing(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(4)
    lhr.close("2026-01")
    bundle = lhr.export("2026-01", world.stick)
    world.hub.import_(bundle.path)
    before = world.hub.snapshot()
    copy = world.stick / "copy" / "renamed.bundle"
    copy.parent.mkdir()
    shutil.copyfile(bundle.path, copy)
    outcomes = world.hub.import_(bundle.path, copy)
    assert [o.status for o in outcomes] == ["duplicate", "duplicate"]
    assert all(o.ok for o in outcomes)
    assert world.hub.snapshot() == before


def test_a_lost_month_is_healed_by_the_next_bundle_and_turns_up_harmlessly(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(2)
    lhr.close("2026-01")
    january = lhr.export("2026-01", world.stick)
    world.hub.import_(january.path)
    lhr.apply(world.hub.feedback("LHR", world.stick).path)
    ids = lhr.add_people(3, start=10)
    lhr.close("2026-02")
    february = lhr.export("2026-02", world.stick)  # lost in the post
    lhr.edit_person(ids[0], address="New address")
    lhr.add_people(2, start=20)
    lhr.close("2026-03")
    march = lhr.export("2026-03", world.stick)
    assert march.from_seq == january.to_seq  # nothing acknowledged since January: it covers February too
    [outcome] = world.hub.import_(march.path)
    assert outcome.status == "accepted"
    assert world.hub.count(Person) == 7
    healed = world.hub.snapshot()
    [late] = world.hub.import_(february.path)
    assert late.status == "accepted" and late.new == 0 and late.updated == 0
    after = world.hub.snapshot()
    assert {k: v for k, v in after.items() if k != "bundles"} == {k: v for k, v in healed.items() if k != "bundles"}


def test_pending_bundle_waits_for_its_predecessor(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(2)
    lhr.close("2026-01")
    january = lhr.export("2026-01", world.stick)
    lhr.apply(_ack_from_scratch(world, january.path))
    lhr.add_people(2, start=10)
    lhr.close("2026-02")
    february = lhr.export("2026-02", world.stick)
    assert february.from_seq == january.to_seq

    [waiting] = world.hub.import_(february.path)
    assert waiting.status == "pending" and waiting.ok and "Waiting for earlier changes" in waiting.reason
    assert world.hub.count(Person) == 0
    [first] = world.hub.import_(january.path)
    assert first.status == "accepted" and first.released == (february.path.name,)
    assert world.hub.count(Person) == 4
    with world.hub.ctx.read() as session:
        statuses = session.scalars(select(ReceivedBundle.status).order_by(ReceivedBundle.sequence)).all()
    assert statuses == ["accepted", "accepted"]


def _ack_from_scratch(world: World, bundle: Path) -> Path:
    """An acknowledgement of ``bundle`` from a scratch copy of the hub (so the real hub has not seen it)."""
    scratch = world.stick / "scratch-hub.db"
    with world.hub.ctx.database.engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    shutil.copyfile(world.hub.path, scratch)
    from tests.sync.conftest import Hub

    other = Hub(scratch)
    try:
        assert other.import_(bundle)[0].status == "accepted"
        return other.feedback("LHR", world.stick / "scratch").path
    finally:
        other.ctx.database.dispose()


def test_two_files_with_one_sequence_number_raise_a_conflict(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(2)
    backup = backup_to(lhr.ctx.database, world.stick / "backup.db")
    lhr.close("2026-01")
    first = lhr.export("2026-01", world.stick / "a")
    # the district restores its backup and loses the number file too: it issues number 1 again
    lhr.close_db()
    shutil.copyfile(backup, lhr.path)
    counter_path(lhr.path).unlink()
    lhr.open()
    lhr.add_people(1, start=50)
    lhr.close("2026-01")
    second = lhr.export("2026-01", world.stick / "b")
    assert second.sequence == first.sequence and second.sha256 != first.sha256

    [one] = world.hub.import_(first.path)
    [two] = world.hub.import_(second.path)
    assert one.status == "accepted"
    assert two.status == "conflict" and not two.ok and "sequence number 1" in two.reason
    conflicts = world.hub.service.conflicts()
    assert [(c.district, c.sequence, c.kind) for c in conflicts] == [("LHR", 1, "sequence")]
    assert world.hub.count(Person) == 2
    world.hub.service.resolve_conflict(conflicts[0].id, "hub-password", "stored")
    assert world.hub.service.conflicts() == []
    assert world.hub.count(Person) == 2


def test_two_pending_files_with_one_number_import_neither(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(1)
    lhr.close("2026-01")
    january = lhr.export("2026-01", world.stick)
    lhr.apply(_ack_from_scratch(world, january.path))
    backup = backup_to(lhr.ctx.database, world.stick / "backup.db")
    lhr.add_people(1, start=10)
    lhr.close("2026-02")
    first = lhr.export("2026-02", world.stick / "a")
    lhr.close_db()
    shutil.copyfile(backup, lhr.path)
    counter_path(lhr.path).unlink()
    lhr.open()
    lhr.add_people(2, start=20)
    lhr.close("2026-02")
    second = lhr.export("2026-02", world.stick / "b")
    assert first.sequence == second.sequence == 2
    assert [o.status for o in world.hub.import_(first.path, second.path)] == ["pending", "conflict"]
    [january_outcome] = world.hub.import_(january.path)
    assert january_outcome.released == ()
    assert world.hub.count(Person) == 1
    with world.hub.ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(SyncConflict)) == 1
        statuses = session.scalars(select(ReceivedBundle.status).order_by(ReceivedBundle.id)).all()
    assert statuses == ["conflict", "conflict", "accepted"]


def test_numbering_continues_after_a_restore_from_the_counter_file_or_the_hub(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(1)
    backup = backup_to(lhr.ctx.database, world.stick / "backup.db")
    lhr.close("2026-01")
    first = lhr.export("2026-01", world.stick)
    world.hub.import_(first.path)
    ack = world.hub.feedback("LHR", world.stick)
    lhr.close_db()
    shutil.copyfile(backup, lhr.path)
    lhr.open()
    lhr.close("2026-01")
    assert lhr.export("2026-01", world.stick / "r1").sequence == 2  # from the file beside the database
    lhr.close_db()
    shutil.copyfile(backup, lhr.path)
    counter_path(lhr.path).unlink()
    lhr.open()
    lhr.apply(ack.path)  # the hub says it has seen number 1
    lhr.close("2026-01")
    assert lhr.export("2026-01", world.stick / "r2").sequence == 2


def test_unenrolled_and_revoked_keys_are_refused_then_a_new_key_reexports(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(3)
    lhr.close("2026-01")
    lhr.bundles.rotate_key(world.stick / "enrol")  # a new key the hub has not seen
    stranger = lhr.export("2026-01", world.stick)
    [outcome] = world.hub.import_(stranger.path)
    assert (outcome.status, outcome.code) == ("rejected", "unknown_key")
    assert "not enrolled" in outcome.reason and not outcome.ok
    assert world.hub.count(Person) == 0

    world.hub.service.enrol(next((world.stick / "enrol").glob("enrolment-LHR-*.json")).read_bytes())
    district = next(d for d in world.hub.service.districts() if d.district_code == "LHR")
    assert [(k.status, k.how) for k in district.keys] == [("retired", "letter"), ("active", "rotation")]
    active = district.keys[1]
    world.hub.service.revoke("LHR", active.fingerprint, "The laptop was stolen.")
    [outcome] = world.hub.import_(stranger.path)
    assert (outcome.status, outcome.code) == ("rejected", "revoked_key")
    assert world.hub.count(Person) == 0

    ack = world.hub.feedback("LHR", world.stick)
    result = lhr.apply(ack.path)
    assert result.rejected and result.rejected[0][0] == stranger.sequence
    files = lhr.bundles.rotate_key(world.stick / "enrol2")
    with pytest.raises(ValidationError, match="fingerprint"):  # the old key is revoked: only a letter will do
        world.hub.service.enrol(files.request.read_bytes())
    world.hub.service.enrol(files.request.read_bytes(), files.fingerprint.lower().replace("-", " "))
    again = lhr.export("2026-01", world.stick)
    assert again.sequence == stranger.sequence + 1 and again.from_seq == 0 and not again.resent
    [outcome] = world.hub.import_(again.path)
    assert outcome.status == "accepted" and world.hub.count(Person) == 3


def test_enrolment_needs_the_letters_fingerprint(world: World) -> None:
    lhr = world.districts["LHR"]
    rotation = lhr.bundles.rotate_key(world.stick / "rotation")
    files = lhr.bundles.write_enrolment(world.stick)  # the same new key, asked for by letter only
    assert files.fingerprint == rotation.fingerprint
    with pytest.raises(ValidationError, match="Confirm the fingerprint"):
        world.hub.service.enrol(files.request.read_bytes())
    with pytest.raises(ValidationError, match="does not match"):
        world.hub.service.enrol(files.request.read_bytes(), "0000-0000-0000-0000-0000-0000-0000-0000")
    with pytest.raises(ValidationError, match="32 letters"):
        world.hub.service.enrol(files.request.read_bytes(), "1234")
    letter = files.letter.read_text()
    assert files.fingerprint in letter and "LHR" in letter
    tampered = files.request.read_bytes().replace(b'"LHR"', b'"ISB"')
    with pytest.raises(ValidationError, match="altered"):
        world.hub.service.enrol(tampered, files.fingerprint)
    with pytest.raises(ValidationError, match="does not match"):  # a typed fingerprint is checked even on rotation
        world.hub.service.enrol(rotation.request.read_bytes(), "0000-0000-0000-0000-0000-0000-0000-0000")
    key = world.hub.service.enrol(files.request.read_bytes(), files.fingerprint)
    assert (key.district_code, key.how, key.status) == ("LHR", "letter", "active")
    assert world.hub.service.enrol(rotation.request.read_bytes()) == key  # already enrolled: nothing changes


def test_a_bundle_for_another_hub_is_refused(world: World, tmp_path: Path) -> None:
    from copdesk.sync import identity
    from copdesk.sync.minisign import SigningKey

    lhr = world.districts["LHR"]
    signing = SigningKey.generate()
    _secret, recipient = crypto.new_age_identity()
    other = identity.HubProfile("other-hub", "Other hub", signing.public.minisign(), recipient, "2026-01-01")
    lhr.bundles.install_hub_profile(identity.write_hub_profile(other, signing))
    lhr.add_people(1)
    lhr.close("2026-01")
    bundle = lhr.export("2026-01", world.stick)
    [outcome] = world.hub.import_(bundle.path)
    assert (outcome.status, outcome.code) == ("rejected", "wrong_hub")
    with pytest.raises(ValidationError, match="does not match"):
        lhr.bundles.install_hub_profile(world.profile.read_bytes(), "0000-0000-0000-0000-0000-0000-0000-0000")


def test_feedback_replays_are_refused_and_an_expired_one_only_warns(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(1)
    lhr.close("2026-01")
    world.hub.import_(lhr.export("2026-01", world.stick).path)
    first = world.hub.feedback("LHR", world.stick)
    second = world.hub.feedback("LHR", world.stick)
    assert lhr.apply(second.path).version == 2
    with pytest.raises(WorkflowError, match="not newer"):
        lhr.apply(first.path)
    with pytest.raises(WorkflowError, match="not newer"):
        lhr.apply(second.path)
    isb = world.districts["ISB"]
    with pytest.raises(format.BundleError, match="for district LHR"):
        isb.apply(first.path)
    later = world.hub.feedback("LHR", world.stick)
    lhr.ctx.clock = lambda: fixed_clock().replace(year=2027, month=6)
    result = lhr.apply(later.path)
    assert result.warnings and "expired" in result.warnings[0]


def test_the_recovery_key_opens_the_districts_own_bundle(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(2)
    lhr.close("2026-01")
    bundle = lhr.export("2026-01", world.stick)
    container = format.parse(bundle.path.read_bytes())
    plain = crypto.decrypt_with([crypto.recovery_identity(lhr.recovery_key, "LHR")], container.payload)
    opened = payload.unpack(plain)
    assert opened.manifest.sequence == 1 and "records/people.jsonl" in opened.members
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt_with([crypto.recovery_identity(world.districts["ISB"].recovery_key, "LHR")], container.payload)


def test_dry_run_writes_nothing(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(3)
    lhr.close("2026-01")
    bundle = lhr.export("2026-01", world.stick)
    before = world.hub.snapshot()
    [outcome] = world.hub.import_(bundle.path, dry_run=True)
    assert (outcome.status, outcome.new) == ("accepted", 7)
    (world.stick / "junk.bundle").write_bytes(b"junk")
    [outcome, junk] = world.hub.import_(bundle.path, world.stick / "junk.bundle", dry_run=True)
    assert junk.status == "rejected"
    assert world.hub.snapshot() == before


def test_folders_are_imported_and_every_file_gets_its_own_answer(world: World) -> None:
    lhr, isb = world.districts["LHR"], world.districts["ISB"]
    lhr.add_people(2)
    isb.add_people(3)
    for district in (lhr, isb):
        district.close("2026-01")
        district.export("2026-01", world.stick)
    (world.stick / "notes.txt").write_text("not a bundle")
    outcomes = world.hub.import_(world.stick)
    assert sorted((o.district, o.status) for o in outcomes) == [("ISB", "accepted"), ("LHR", "accepted")]
    assert world.hub.count(Person) == 5


def test_roles_and_key_access(world: World) -> None:
    lhr = world.districts["LHR"]
    clerk = BundleService(ServiceContext(lhr.ctx.database, Actor("clerk", Role.CLERK), "LHR", clock=fixed_clock))
    with pytest.raises(PermissionDenied):
        clerk.export_month("2026-01", world.stick)
    assert clerk.status().district_code == "LHR"
    lhr.add_people(1)
    lhr.close("2026-01")
    bundle = lhr.export("2026-01", world.stick)
    analyst = world.hub.as_analyst()
    with pytest.raises(PermissionDenied):
        analyst.enrol(b"{}")
    from copdesk.errors import AuthenticationError

    with pytest.raises(AuthenticationError):
        analyst.import_files([bundle.path], "wrong-password")
    [outcome] = analyst.import_files([bundle.path], "analyst-password")
    assert outcome.status == "accepted"
    with world.hub.ctx.read() as session:
        assert session.scalar(select(ReceivedBundle.received_by)) == "analyst"


def test_the_outbox_keeps_every_file(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(1)
    lhr.close("2026-01")
    bundle = lhr.export("2026-01", world.stick)
    with lhr.ctx.read() as session:
        stored = session.scalars(select(OutboxBundle)).one()
        assert stored.data == bundle.path.read_bytes() and stored.status == "sent"
    [entry] = lhr.bundles.outbox()
    assert (entry.sequence, entry.month, entry.records, entry.status) == (1, "2026-01", 5, "sent")


def test_no_personal_data_in_the_header(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(2)
    lhr.close("2026-01")
    data = lhr.export("2026-01", world.stick).path.read_bytes()
    container = format.parse(data)
    cleartext = data[: container.payload_offset] + data[container.signed_length :]
    for secret in (b"Person", b"35202", b"House", b"+92300"):
        assert secret not in cleartext
    assert set(container.header.to_json()) == {
        "format",
        "version",
        "requires",
        "kind",
        "district",
        "sequence",
        "bundle_id",
        "hub_key",
        "signer",
    }


def test_an_old_bundle_superseded_by_what_the_district_confirmed_is_a_replay(world: World) -> None:
    with world.hub.ctx.database.engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    pristine = world.stick / "pristine-hub.db"
    shutil.copyfile(world.hub.path, pristine)
    lhr = world.districts["LHR"]
    bundles = []
    for number, month in enumerate(("2026-01", "2026-02", "2026-03", "2026-04")):
        lhr.add_people(2, start=10 * number)
        lhr.close(month)
        bundle = lhr.export(month, world.stick)
        bundles.append(bundle.path)
        world.hub.import_(bundle.path)
        ack = world.hub.feedback("LHR", world.stick)
        if month != "2026-02":  # February's acknowledgement is lost: March's bundle covers February again
            lhr.apply(ack.path)
    from tests.sync.conftest import Hub

    shutil.copyfile(pristine, world.stick / "other-hub.db")
    other = Hub(world.stick / "other-hub.db")  # a hub that never gets February's file in time
    try:
        outcomes = other.import_(bundles[0], bundles[2], bundles[3])
        assert [o.status for o in outcomes] == ["accepted"] * 3
        before = other.snapshot()
        [late] = other.import_(bundles[1])
        assert (late.status, late.code) == ("rejected", "replay") and "Replay of an old bundle" in late.reason
        after = other.snapshot()
        assert {k: v for k, v in after.items() if k != "bundles"} == {k: v for k, v in before.items() if k != "bundles"}
        assert other.count(Person) == 8
    finally:
        other.ctx.database.dispose()


def test_look_alike_records_and_parents_changed_after_the_month_all_travel(world: World) -> None:
    from datetime import date

    from copdesk.models.organisation import Beat, Station
    from copdesk.models.outreach import OutreachEvent
    from copdesk.storage.bulk import bulk_insert
    from copdesk.storage.recording import SESSION_ACTOR

    lhr = world.districts["LHR"]
    same = {"name": "Ali", "father_name": "", "gender": "male", "cnic": None, "mobile": None, "address": ""}
    with lhr.ctx.database.writer(info={SESSION_ACTOR: "clerk"}) as session:
        bulk_insert(session, Person, [same] * 4)
        station = Station(name="Model Town")
        session.add(station)
        session.flush()
        session.add(Beat(station_id=station.id, name="Beat 1"))
        event = {"kind": "open_court", "title": "Open court", "station_id": station.id, "held_on": date(2026, 1, 9)}
        bulk_insert(session, OutreachEvent, [event] * 3)
    lhr.close("2026-01")
    with lhr.ctx.database.writer(info={SESSION_ACTOR: "dpo"}) as session:  # the station changes after the close
        session.get(Station, station.id).phone = "042-1234567"  # type: ignore[union-attr]
    bundle = lhr.export("2026-01", world.stick)
    [outcome] = world.hub.import_(bundle.path)
    assert outcome.status == "accepted", outcome.reason
    assert world.hub.count(Person) == 4 and world.hub.count(OutreachEvent) == 3 and world.hub.count(Beat) == 1
    with world.hub.ctx.read() as session:
        arrived = session.get(Station, station.id)
        assert arrived is not None and arrived.version == 2 and arrived.phone == "042-1234567"


def test_records_the_database_refuses_reject_the_file_and_change_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import IntegrityError

    from copdesk.sync import importer

    lhr = world.districts["LHR"]
    lhr.add_people(2)
    lhr.close("2026-01")
    bundle = lhr.export("2026-01", world.stick)
    before = world.hub.snapshot()

    def refuse(*_args: object) -> None:
        raise IntegrityError("INSERT", {}, Exception("FOREIGN KEY constraint failed"))

    monkeypatch.setattr(importer, "apply", refuse)
    [outcome] = world.hub.import_(bundle.path)
    assert (outcome.status, outcome.code) == ("rejected", "corrupt") and "do not fit" in outcome.reason
    after = world.hub.snapshot()
    assert after.pop("bundles") == {str(outcome.bundle_id): "rejected"}
    before.pop("bundles")
    assert after == before
    monkeypatch.undo()
    assert world.hub.import_(bundle.path)[0].status == "accepted"
