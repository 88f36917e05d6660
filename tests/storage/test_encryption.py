"""Encryption at rest: personal data never reaches the disk in clear, not in the file, the WAL or a backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from copdesk.errors import NotADatabase, StorageError
from copdesk.models.people import Gender, Person
from copdesk.services.setup import create_hub
from copdesk.storage import keyslots
from copdesk.storage.backup import backup_to
from copdesk.storage.database import Database, open_district_engine
from copdesk.storage.keyslots import KeySlotFile
from copdesk.storage.recording import SESSION_ACTOR

CNIC = "35202-7654321-3"
CNIC_DIGITS = "3520276543213"
MOBILE = "+923451234567"
MOBILE_DIGITS = "923451234567"
MOBILE_LOCAL = "03451234567"
NAME = "Zarghuna Qizilbash Xylander"
FATHER = "ظفراللہ قزلباش"
ADDRESS = "House 77 Zamzama Lane Qadirabad"
SQLITE_HEADER = b"SQLite format 3\x00"


def _needles() -> dict[str, bytes]:
    """Every spelling of the record's personal data we look for, as bytes."""
    found: dict[str, bytes] = {
        "cnic": CNIC.encode(),
        "cnic digits": CNIC_DIGITS.encode(),
        "mobile": MOBILE.encode(),
        "mobile digits": MOBILE_DIGITS.encode(),
        "mobile local": MOBILE_LOCAL.encode(),
        "address": ADDRESS.encode(),
        "surname (search text)": b"qizilbash",
    }
    for label, value in (("name", NAME), ("father", FATHER)):
        found[f"{label} utf-8"] = value.encode("utf-8")
        found[f"{label} utf-16-le"] = value.encode("utf-16-le")
        found[f"{label} utf-16-be"] = value.encode("utf-16-be")
    return found


UTF8_NEEDLES = {"cnic", "cnic digits", "mobile", "mobile local", "address", "name utf-8", "father utf-8"}


def _found(blob: bytes) -> set[str]:
    return {label for label, needle in _needles().items() if needle in blob}


def _add_person(database: Database, district_code: str | None = None) -> None:
    with database.writer(info={SESSION_ACTOR: "clerk"}) as session:
        person = Person(
            name=NAME,
            father_name=FATHER,
            gender=Gender.MALE.value,
            cnic=CNIC,
            mobile=MOBILE,
            address=ADDRESS,
        )
        if district_code is not None:
            person.district_code = district_code
        session.add(person)


def _count_people(database: Database) -> int:
    with database.reader() as session:
        return len(session.scalars(select(Person).where(Person.cnic == CNIC, Person.name == NAME)).all())


def test_personal_data_is_not_in_the_database_file_or_its_wal(district_db: Database) -> None:
    assert district_db.path is not None
    db_file = district_db.path
    wal = db_file.with_name(db_file.name + "-wal")
    _add_person(district_db)
    assert _count_people(district_db) == 1  # the record is there, readable with the key

    # The connection is still open (pooled), so the change sits in the WAL: it must exist and hold data.
    assert wal.exists(), "no WAL file: the test could not look at the journal"
    assert wal.stat().st_size > 0
    assert _found(wal.read_bytes()) == set()
    assert SQLITE_HEADER not in wal.read_bytes()[:32]

    assert _found(db_file.read_bytes()) == set()
    assert not db_file.read_bytes().startswith(SQLITE_HEADER)

    # After a checkpoint the pages are in the main file: still nothing in clear.
    with district_db.engine.connect() as connection:
        busy, _log, moved = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
    assert busy == 0 and moved >= 0
    assert _found(db_file.read_bytes()) == set()
    assert _count_people(district_db) == 1


def test_the_key_file_holds_no_personal_data_and_no_key(district_db: Database) -> None:
    assert district_db.path is not None and district_db.key is not None
    _add_person(district_db)
    key_file = KeySlotFile.path_for(district_db.path).read_bytes()
    assert _found(key_file) == set()
    for form in (district_db.key, district_db.key.hex().encode(), district_db.key.hex().upper().encode()):
        assert form not in key_file
    for name in (district_db.path.name, district_db.path.name + "-wal"):
        blob = (district_db.path.parent / name).read_bytes()
        assert district_db.key not in blob and district_db.key.hex().encode() not in blob


def test_a_backup_is_encrypted_and_opens_with_the_same_key(district_db: Database, tmp_path: Path) -> None:
    assert district_db.key is not None
    _add_person(district_db)
    target = backup_to(district_db, tmp_path / "copy.db")
    blob = target.read_bytes()
    assert len(blob) > 0
    assert not blob.startswith(SQLITE_HEADER)
    assert _found(blob) == set()
    assert not target.with_name(target.name + ".partial").exists()
    for leftover in target.parent.glob(target.name + "-*"):  # no journal of the copy left in clear either
        assert _found(leftover.read_bytes()) == set()

    copy = open_district_engine(target, district_db.key)
    try:
        assert _count_people(copy) == 1
        with copy.reader() as session:
            person = session.scalars(select(Person).where(Person.cnic == CNIC)).one()
            assert (person.name, person.father_name, person.mobile) == (NAME, FATHER, MOBILE)
    finally:
        copy.dispose()
    with pytest.raises(NotADatabase):
        open_district_engine(target, keyslots.generate_database_key())


def test_a_backup_into_a_missing_folder_succeeds_or_fails_plainly(district_db: Database, tmp_path: Path) -> None:
    """The district driver is sqlcipher3, whose errors are not sqlite3's: they must still become StorageError."""
    assert district_db.key is not None
    target = tmp_path / "missing-folder" / "copy.db"
    try:
        backup_to(district_db, target)
    except StorageError:
        assert not target.exists()
        return
    copy = open_district_engine(target, district_db.key)
    copy.dispose()


def test_a_backup_onto_a_file_path_fails_plainly(district_db: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"a file where a folder should be")
    with pytest.raises(StorageError):
        backup_to(district_db, blocker / "copy.db")
    assert not (blocker / "copy.db.partial").exists()


def test_no_file_in_the_data_folders_holds_personal_data(district_db: Database, tmp_path: Path) -> None:
    """Database, WAL, shared memory, key file, backups, logs: nothing anywhere under the test folder."""
    _add_person(district_db)
    backup_to(district_db, tmp_path / "copy.db")
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    assert len(files) >= 4
    leaks = {str(p.relative_to(tmp_path)): _found(p.read_bytes()) for p in files}
    assert {name: labels for name, labels in leaks.items() if labels} == {}


def test_control_the_same_record_in_a_plain_sqlite_hub_is_found(tmp_path: Path) -> None:
    """The byte search works: without encryption the values are on disk, in the file or its WAL."""
    hub_path = tmp_path / "hub.db"
    ctx = create_hub(
        hub_path,
        admin_username="admin",
        admin_name="Hub Admin",
        admin_password="test-password",
        kdf=keyslots.OWASP_FLOOR_KDF,
    )
    try:
        _add_person(ctx.database, district_code="LHR")
        assert _count_people(ctx.database) == 1
        wal = hub_path.with_name(hub_path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0
        assert _found(hub_path.read_bytes() + wal.read_bytes()) >= UTF8_NEEDLES
        assert hub_path.read_bytes().startswith(SQLITE_HEADER)

        with ctx.database.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        assert _found(hub_path.read_bytes()) >= UTF8_NEEDLES

        target = backup_to(ctx.database, tmp_path / "hub-copy.db")
        assert _found(target.read_bytes()) >= UTF8_NEEDLES
    finally:
        ctx.database.dispose()
