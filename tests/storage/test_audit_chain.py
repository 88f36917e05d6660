"""The hash-chained audit trail: one entry per change, personal values redacted, and any tampering detected."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from copdesk.errors import StorageError
from copdesk.models.audit import AuditEntry
from copdesk.models.base import DatabaseState, utcnow
from copdesk.models.organisation import Station
from copdesk.models.people import Person
from copdesk.services.auth import login_district
from copdesk.services.context import ServiceContext
from copdesk.services.people import PeopleService, PersonDraft
from copdesk.storage.audit_chain import GENESIS, ChainReport, entry_hash, verify_chain
from copdesk.storage.database import Database
from copdesk.storage.recording import SESSION_ACTOR

CNIC = "35202-7654321-3"
CNIC_DIGITS = "3520276543213"
MOBILE = "+923451234567"
NAME = "Zarghuna Qizilbash"
FATHER = "Ghulam Qizilbash"
ADDRESS = "House 77, Zamzama Lane"
NEW_CNIC = "61101-1122334-5"
NEW_NAME = "Zarghuna Bibi Qizilbash"
NEW_ADDRESS = "Flat 9, Blue Area"


def _verify(database: Database) -> ChainReport:
    with database.reader() as session:
        return verify_chain(session)


def _verify_small_batches(database: Database) -> ChainReport:
    with database.reader() as session:
        return verify_chain(session, batch=3)


def _entries(database: Database, after_seq: int = 0) -> list[AuditEntry]:
    with database.reader() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.seq > after_seq).order_by(AuditEntry.seq)))


def _head_seq(database: Database) -> int:
    with database.reader() as session:
        state = session.get(DatabaseState, 1)
        assert state is not None
        return state.audit_seq


def _sql(database: Database, statement: str, **params: object) -> None:
    with database.engine.begin() as connection:
        connection.execute(text(statement), params)


def _new_person(database: Database, actor: str = "clerk", **values: object) -> uuid.UUID:
    fields: dict[str, object] = {"name": NAME, "gender": "male", "cnic": CNIC, "mobile": MOBILE}
    fields.update(values)
    with database.writer(info={SESSION_ACTOR: actor}) as session:
        person = Person(**fields)
        session.add(person)
        session.flush()
        return person.id


def _edit_person(database: Database, person_id: uuid.UUID, actor: str = "clerk", **values: object) -> None:
    with database.writer(info={SESSION_ACTOR: actor}) as session:
        person = session.get(Person, person_id)
        assert person is not None
        for name, value in values.items():
            setattr(person, name, value)


@pytest.fixture
def busy_db(district_db: Database, district_db_path: Path) -> tuple[Database, int]:
    """The district database after creates, an update, a soft delete and a login; with the entry count before."""
    before = _head_seq(district_db)
    first = _new_person(district_db)
    second = _new_person(district_db, name="Second Person", cnic=None, mobile=None)
    _edit_person(district_db, first, actor="officer", address=ADDRESS)
    _edit_person(district_db, second, actor="officer", deleted_at=utcnow())
    ctx = login_district(district_db_path, "clerk", "test-password")
    ctx.database.dispose()
    return district_db, before


# --- an intact chain -----------------------------------------------------------------------------------------


def test_an_intact_chain_verifies_and_counts_every_entry(busy_db: tuple[Database, int]) -> None:
    database, before = busy_db
    assert before > 0  # the template's own history (district created, accounts, stations)
    report = _verify(database)
    with database.reader() as session:
        rows = session.scalar(select(func.count()).select_from(AuditEntry))
        state = session.get(DatabaseState, 1)
    assert state is not None
    assert report == ChainReport(entries=rows, head=state.audit_head, ok=True)
    assert report.entries == state.audit_seq == before + 5
    assert [(e.actor, e.action) for e in _entries(database, before)] == [
        ("clerk", "create"),
        ("clerk", "create"),
        ("officer", "update"),
        ("officer", "delete"),
        ("clerk", "login"),
    ]
    assert _verify_small_batches(database) == report  # the walk is the same across batch boundaries


def test_the_chain_is_linked_from_genesis(busy_db: tuple[Database, int]) -> None:
    database, _before = busy_db
    entries = _entries(database)
    assert entries[0].seq == 1 and entries[0].prev_hash == GENESIS
    for earlier, later in zip(entries, entries[1:], strict=False):
        assert later.seq == earlier.seq + 1
        assert later.prev_hash == earlier.hash
    assert len({e.hash for e in entries}) == len(entries)


def test_a_new_database_chain_is_ok(district_db: Database) -> None:
    assert _verify(district_db).ok


# --- tampering -----------------------------------------------------------------------------------------------


def _middle(database: Database) -> int:
    seq = _head_seq(database) // 2
    assert 1 < seq < _head_seq(database) - 1
    return seq


def test_an_edited_entry_is_reported_at_its_seq(busy_db: tuple[Database, int]) -> None:
    database, _before = busy_db
    seq = _middle(database)
    _sql(database, "UPDATE audit_entries SET details = :d WHERE seq = :s", d='{"name": "someone else"}', s=seq)
    report = _verify(database)
    assert not report.ok
    assert report.first_broken_seq == seq
    assert "altered" in report.problem and str(seq) in report.problem
    assert _verify_small_batches(database).first_broken_seq == seq


@pytest.mark.parametrize(
    ("column", "value", "word"),
    [
        ("actor", "mallory", "altered"),
        ("action", "login", "altered"),
        ("entity", "stations", "altered"),
        ("entity_id", "00000000-0000-0000-0000-000000000000", "altered"),
        ("at", "2001-01-01 00:00:00.000000", "altered"),
        ("hash", "f" * 64, "altered"),
        ("prev_hash", "e" * 64, "does not follow"),
    ],
)
def test_any_edited_column_is_reported_at_its_seq(
    busy_db: tuple[Database, int], column: str, value: str, word: str
) -> None:
    database, _before = busy_db
    seq = _middle(database)
    _sql(database, f"UPDATE audit_entries SET {column} = :v WHERE seq = :s", v=value, s=seq)
    report = _verify(database)
    assert (report.ok, report.first_broken_seq) == (False, seq)
    assert word in report.problem


def test_a_deleted_middle_entry_is_reported(busy_db: tuple[Database, int]) -> None:
    database, _before = busy_db
    seq = _middle(database)
    _sql(database, "DELETE FROM audit_entries WHERE seq = :s", s=seq)
    report = _verify(database)
    assert (report.ok, report.first_broken_seq) == (False, seq)
    assert "missing" in report.problem and str(seq) in report.problem


def test_a_deleted_first_entry_is_reported(busy_db: tuple[Database, int]) -> None:
    database, _before = busy_db
    _sql(database, "DELETE FROM audit_entries WHERE seq = 1")
    report = _verify(database)
    assert (report.ok, report.first_broken_seq) == (False, 1)
    assert "missing" in report.problem


def test_swapped_seq_values_are_reported_at_the_first_swapped_seq(busy_db: tuple[Database, int]) -> None:
    database, _before = busy_db
    first = _middle(database)
    second = first + 2
    _sql(database, "UPDATE audit_entries SET seq = -1 WHERE seq = :a", a=first)
    _sql(database, "UPDATE audit_entries SET seq = :a WHERE seq = :b", a=first, b=second)
    _sql(database, "UPDATE audit_entries SET seq = :b WHERE seq = -1", b=second)
    report = _verify(database)
    assert (report.ok, report.first_broken_seq) == (False, first)


def test_swapped_contents_are_reported_at_the_first_swapped_seq(busy_db: tuple[Database, int]) -> None:
    database, _before = busy_db
    first = _middle(database)
    second = first + 1
    rows = {e.seq: e for e in _entries(database) if e.seq in (first, second)}
    for target, source in ((first, rows[second]), (second, rows[first])):
        _sql(
            database,
            "UPDATE audit_entries SET actor = :actor, action = :action, entity = :entity, entity_id = :entity_id, "
            "details = :details WHERE seq = :seq",
            actor=source.actor,
            action=source.action,
            entity=source.entity,
            entity_id=source.entity_id,
            details=source.details,
            seq=target,
        )
    assert (rows[first].action, rows[first].details) != (rows[second].action, rows[second].details)
    report = _verify(database)
    assert (report.ok, report.first_broken_seq) == (False, first)
    assert "altered" in report.problem


def test_a_deleted_newest_entry_is_reported(busy_db: tuple[Database, int]) -> None:
    database, _before = busy_db
    newest = _head_seq(database)
    _sql(database, "DELETE FROM audit_entries WHERE seq = :s", s=newest)
    report = _verify(database)
    assert not report.ok
    assert report.problem == "the newest entries are missing"
    assert report.first_broken_seq == newest
    assert report.entries == newest - 1


def test_an_emptied_audit_table_is_reported(busy_db: tuple[Database, int]) -> None:
    database, _before = busy_db
    _sql(database, "DELETE FROM audit_entries")
    report = _verify(database)
    assert (report.ok, report.entries, report.first_broken_seq) == (False, 0, 1)


def _rehash(database: Database, seq: int, details: str, prev_hash: str | None = None) -> str:
    entry = next(e for e in _entries(database) if e.seq == seq)
    prev = entry.prev_hash if prev_hash is None else prev_hash
    digest = entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.entity, entry.entity_id, details, prev)
    _sql(
        database,
        "UPDATE audit_entries SET details = :d, prev_hash = :p, hash = :h WHERE seq = :s",
        d=details,
        p=prev,
        h=digest,
        s=seq,
    )
    return digest


def test_an_edited_and_rehashed_entry_breaks_the_next_link(busy_db: tuple[Database, int]) -> None:
    database, _before = busy_db
    seq = _middle(database)
    _rehash(database, seq, '{"note": "nothing happened here"}')
    report = _verify(database)
    assert (report.ok, report.first_broken_seq) == (False, seq + 1)
    assert "does not follow" in report.problem


def test_a_rewritten_tail_is_caught_by_the_state_head(busy_db: tuple[Database, int]) -> None:
    """Re-hashing every entry from the edit to the end still disagrees with the head kept in database_state."""
    database, _before = busy_db
    seq = _middle(database)
    prev = _rehash(database, seq, '{"note": "rewritten"}')
    for later in range(seq + 1, _head_seq(database) + 1):
        entry = next(e for e in _entries(database) if e.seq == later)
        prev = _rehash(database, later, entry.details, prev_hash=prev)
    report = _verify(database)
    assert not report.ok
    assert report.first_broken_seq is not None and report.first_broken_seq > seq


# --- what gets written ---------------------------------------------------------------------------------------


def _details(entry: AuditEntry) -> dict[str, object]:
    data = json.loads(entry.details)
    assert isinstance(data, dict)
    return data


def test_personal_values_are_redacted_in_the_audit_trail(
    clerk: ServiceContext, officer: ServiceContext, district_db: Database
) -> None:
    before = _head_seq(district_db)
    people = PeopleService(clerk)
    created = people.create(PersonDraft(NAME, FATHER, "male", CNIC, "0345-1234567", ADDRESS))
    people.update(created.id, created.version, PersonDraft(NEW_NAME, FATHER, "female", NEW_CNIC, None, NEW_ADDRESS))
    PeopleService(officer).delete(created.id)

    entries = [e for e in _entries(district_db, before) if e.entity == "people"]
    assert [(e.action, e.actor, e.entity_id) for e in entries] == [
        ("create", "clerk", str(created.id)),
        ("update", "clerk", str(created.id)),
        ("delete", "officer", str(created.id)),
    ]
    create, update, delete = (_details(e) for e in entries)
    for field in ("name", "father_name", "cnic", "mobile", "address", "search_text"):
        assert create[field] == "(personal data)", field
    assert create["gender"] == "male"
    for field in ("name", "cnic", "mobile", "address", "search_text"):
        assert update[field] == "(personal data)", field
    assert update["gender"] == "female"
    assert "father_name" not in update  # unchanged fields are not listed
    assert "deleted_at" in delete and delete["deleted_at"] not in (None, "(personal data)")

    secrets = [CNIC, CNIC_DIGITS, NEW_CNIC, NEW_CNIC.replace("-", ""), "3451234567", NAME, NEW_NAME, FATHER]
    secrets += [ADDRESS, NEW_ADDRESS, "qizilbash", "Qizilbash", "Zamzama", "Blue Area"]
    for entry in _entries(district_db):
        row = " ".join((entry.actor, entry.action, entry.entity, entry.entity_id, entry.details))
        for secret in secrets:
            assert secret not in row, (entry.seq, secret)


def test_every_change_gets_exactly_one_entry_with_its_action(district_db: Database) -> None:
    def changes_since(seq: int) -> list[tuple[str, str, str]]:
        return [(e.action, e.entity, e.entity_id) for e in _entries(district_db, seq)]

    seq = _head_seq(district_db)
    person_id = _new_person(district_db)
    assert changes_since(seq) == [("create", "people", str(person_id))]

    seq = _head_seq(district_db)
    _edit_person(district_db, person_id, name=NEW_NAME)
    assert changes_since(seq) == [("update", "people", str(person_id))]

    seq = _head_seq(district_db)
    _edit_person(district_db, person_id, address=ADDRESS, gender="female", father_name=FATHER)
    assert changes_since(seq) == [("update", "people", str(person_id))]  # several fields, still one entry

    seq = _head_seq(district_db)
    _edit_person(district_db, person_id, name=NEW_NAME)  # the same value: no change, no entry
    assert changes_since(seq) == []

    seq = _head_seq(district_db)
    _edit_person(district_db, person_id, deleted_at=utcnow())
    assert changes_since(seq) == [("delete", "people", str(person_id))]

    seq = _head_seq(district_db)
    _edit_person(district_db, person_id, deleted_at=None)  # restored
    assert changes_since(seq) == [("update", "people", str(person_id))]

    seq = _head_seq(district_db)
    with district_db.writer(info={SESSION_ACTOR: "dpo"}) as session:
        station = Station(name="Model Town")
        twin = Person(name="Twin One", gender="female")
        session.add_all([station, twin])
        session.flush()
        ids = {("stations", str(station.id)), ("people", str(twin.id))}
    made = changes_since(seq)
    assert len(made) == 2
    assert {(entity, entity_id) for _action, entity, entity_id in made} == ids
    assert {action for action, _entity, _id in made} == {"create"}

    assert _verify(district_db).ok


def test_editing_an_already_deleted_record_is_an_update(district_db: Database) -> None:
    """Only the change that sets deleted_at is a "delete"; a later edit of the deleted record is an "update"."""
    person_id = _new_person(district_db)
    _edit_person(district_db, person_id, deleted_at=utcnow())
    seq = _head_seq(district_db)
    _edit_person(district_db, person_id, address=NEW_ADDRESS)
    assert [(e.action, e.entity_id) for e in _entries(district_db, seq)] == [("update", str(person_id))]


def test_a_rolled_back_change_leaves_no_entry(district_db: Database) -> None:
    seq = _head_seq(district_db)
    with pytest.raises(RuntimeError, match="changed my mind"), district_db.writer(info={SESSION_ACTOR: "clerk"}) as s:
        s.add(Person(name=NAME, gender="male", cnic=CNIC))
        s.flush()
        raise RuntimeError("changed my mind")
    assert _head_seq(district_db) == seq
    assert _entries(district_db, seq) == []
    assert _verify(district_db).ok


def test_erasing_a_record_is_refused_and_not_audited(district_db: Database) -> None:
    person_id = _new_person(district_db)
    seq = _head_seq(district_db)
    with pytest.raises(StorageError, match="never erased"), district_db.writer() as session:
        person = session.get(Person, person_id)
        session.delete(person)
    assert _entries(district_db, seq) == []
    assert _verify(district_db).ok


def test_entries_are_stamped_with_the_acting_account(district_db: Database) -> None:
    seq = _head_seq(district_db)
    _new_person(district_db, actor="officer")
    with district_db.writer() as session:  # no actor given
        session.add(Person(name="Anonymous", gender="male"))
    assert [e.actor for e in _entries(district_db, seq)] == ["officer", "system"]
    newest = _entries(district_db, seq)[-1]
    assert utcnow() - newest.at < timedelta(minutes=1)
