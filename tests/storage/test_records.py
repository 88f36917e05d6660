"""Sync-ready records: UUID, rising version, timestamps, author, change sequence, soft delete, stale edits."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, select, text

from copdesk.errors import ConflictError, StorageError
from copdesk.models.base import DatabaseState
from copdesk.models.organisation import Station
from copdesk.services.context import ServiceContext
from copdesk.storage.database import Database
from copdesk.storage.recording import SESSION_ACTOR


def _station(ctx: ServiceContext, name: str = "Model Town") -> uuid.UUID:
    with ctx.write() as session:
        station = Station(name=name)
        session.add(station)
        session.flush()
        return station.id


def test_a_new_record_is_stamped(clerk: ServiceContext) -> None:
    station_id = _station(clerk)
    with clerk.read() as session:
        station = session.get(Station, station_id)
        state = session.get(DatabaseState, 1)
    assert station is not None and state is not None
    assert isinstance(station.id, uuid.UUID)
    assert station.version == 1
    assert station.changed_by == "clerk"
    assert station.district_code == "LHR"
    assert station.created_at == station.updated_at
    assert station.created_at.tzinfo is not None
    assert station.change_seq == state.change_seq
    assert station.deleted_at is None


def test_every_edit_raises_version_and_change_sequence(clerk: ServiceContext, officer: ServiceContext) -> None:
    station_id = _station(clerk)
    seqs = []
    for number, ctx in enumerate((officer, clerk, officer), start=2):
        with ctx.write() as session:
            station = session.get(Station, station_id)
            assert station is not None
            station.phone = f"042-{number}"
        with ctx.read() as session:
            station = session.get(Station, station_id)
            assert station is not None
            assert station.version == number
            assert station.changed_by == ctx.actor.username
            assert station.updated_at >= station.created_at
            seqs.append(station.change_seq)
    assert seqs == sorted(seqs) and len(set(seqs)) == 3


def test_an_unchanged_record_is_not_restamped(clerk: ServiceContext) -> None:
    station_id = _station(clerk)
    with clerk.write() as session:
        station = session.get(Station, station_id)
        assert station is not None
        station.name = station.name  # no real change
    with clerk.read() as session:
        station = session.get(Station, station_id)
        assert station is not None and station.version == 1


def test_change_sequence_is_per_database_and_gapless(clerk: ServiceContext) -> None:
    with clerk.read() as session:
        start = session.get(DatabaseState, 1).change_seq  # type: ignore[union-attr]
    ids = [_station(clerk, f"Station {n}") for n in range(5)]
    with clerk.read() as session:
        seqs = [session.get(Station, i).change_seq for i in ids]  # type: ignore[union-attr]
    assert seqs == list(range(start + 1, start + 6))


def test_deletion_is_soft_and_erasing_is_refused(clerk: ServiceContext) -> None:
    station_id = _station(clerk)
    with clerk.write() as session:
        station = session.get(Station, station_id)
        assert station is not None
        station.deleted_at = clerk.now()
    with clerk.read() as session:
        station = session.get(Station, station_id)
        assert station is not None and station.is_deleted and station.version == 2
        entry = session.execute(text("SELECT action FROM audit_entries ORDER BY seq DESC LIMIT 1")).scalar_one()
        assert entry == "delete"
    with pytest.raises(StorageError, match="never erased"), clerk.write() as session:
        station = session.get(Station, station_id)
        session.delete(station)
    with clerk.read() as session:
        assert session.get(Station, station_id) is not None


def test_a_stale_edit_is_refused(clerk: ServiceContext, officer: ServiceContext) -> None:
    station_id = _station(clerk)
    with clerk.read() as session:
        stale = session.get(Station, station_id)
    assert stale is not None
    with officer.write() as session:
        fresh = session.get(Station, station_id)
        assert fresh is not None
        fresh.phone = "042-111"
    with pytest.raises(ConflictError, match="changed this record"), clerk.write() as session:
        merged = session.merge(stale, load=False)
        merged.phone = "042-222"
    with clerk.read() as session:
        assert session.get(Station, station_id).phone == "042-111"  # type: ignore[union-attr]


def test_writes_begin_immediate_and_reads_stay_deferred(district_db: Database) -> None:
    statements: list[str] = []

    @event.listens_for(district_db.engine, "before_cursor_execute")
    def _capture(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if statement.startswith("BEGIN"):
            statements.append(statement)

    with district_db.writer(info={SESSION_ACTOR: "clerk"}) as session:
        session.add(Station(name="Shadman"))
    with district_db.reader() as session:
        session.scalars(select(Station)).all()
    assert statements == ["BEGIN IMMEDIATE", "BEGIN DEFERRED"]


def test_connection_settings(district_db: Database) -> None:
    with district_db.engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
        cipher = connection.exec_driver_sql("PRAGMA cipher_version").scalar()
    assert pragma["journal_mode"] == "wal"
    assert pragma["synchronous"] == 2  # FULL
    assert pragma["foreign_keys"] == 1
    assert pragma["busy_timeout"] >= 5000
    assert cipher, "the district database must be opened through SQLCipher"


def test_foreign_keys_are_enforced(clerk: ServiceContext) -> None:
    from copdesk.models.organisation import Beat

    with pytest.raises(Exception, match="FOREIGN KEY"), clerk.write() as session:
        session.add(Beat(station_id=uuid.uuid4(), name="Nowhere"))
