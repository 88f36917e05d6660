"""The health check: a damaged district file is found (never used silently), and read-only opening refuses writes."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from copdesk.errors import PermissionDenied, StorageError
from copdesk.models.accounts import Account, Role
from copdesk.models.base import Base
from copdesk.models.people import Person
from copdesk.paths import backups_dir
from copdesk.services.context import Actor, ServiceContext
from copdesk.services.health import HealthService
from copdesk.services.setup import create_hub
from copdesk.storage.backup import backup_to
from copdesk.storage.database import DAMAGED_MESSAGE, Database, open_district_engine
from copdesk.storage.health import (
    DAMAGED_PAGES,
    QUICK_CHECK_LIMIT,
    UNREADABLE,
    HealthReport,
    backup_files,
    newest_good_backup,
    open_read_only,
    quick_check,
)
from copdesk.storage.recording import SESSION_ACTOR

PAGE_SIZE = 4096
PASSWORD = "test-password"
#: Words of SQLite, SQLCipher and Python that must never reach the user.
#: Tables that opening a database reads (their damage makes opening fail, which is tested elsewhere).
SIGN_IN_TABLES = {"alembic_version", "accounts", "audit_entries", "database_state"}
DRIVER_WORDS = ("sqlcipher", "hmac", "pgno", "vtable", "btree", "error", "exception", "pragma", "page 1")


def checkpoint(path: Path, key: bytes) -> None:
    """Move everything from the WAL into the main file, so the file alone holds the database."""
    database = open_district_engine(path, key)
    try:
        with database.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        database.dispose()


def root_page(path: Path, key: bytes, table: str) -> int:
    """The page number where ``table`` starts in the file."""
    database = open_district_engine(path, key, upgrade=False)
    try:
        with database.engine.connect() as connection:
            page = connection.exec_driver_sql(
                "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
            ).scalar_one()
    finally:
        database.dispose()
    return int(page)


def flip_bytes(path: Path, page: int, count: int = 16) -> None:
    """Invert ``count`` bytes in the middle of page ``page`` (1-based) of the file, as a failing disk might."""
    offset = (page - 1) * PAGE_SIZE + PAGE_SIZE // 2
    with path.open("r+b") as file:
        file.seek(offset)
        original = file.read(count)
        file.seek(offset)
        file.write(bytes(byte ^ 0xFF for byte in original))


def damaged_copy(source: Path, key: bytes, target: Path, *tables: str) -> Path:
    """A copy of the (checkpointed) district database with bytes flipped in the first page of each table.

    The default, ``people``, is a page that opening and signing in do not read, like most of a real file.
    """
    checkpoint(source, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    for table in tables or ("people",):
        flip_bytes(target, root_page(source, key, table))
    return target


def assert_plain(report: HealthReport) -> None:
    """Every problem is a plain sentence with no driver vocabulary in it."""
    for problem in report.problems:
        assert problem.endswith(".") and not problem[0].islower()
        assert not any(word in problem.lower() for word in DRIVER_WORDS), problem


@pytest.fixture
def key(district_template: tuple[Path, bytes]) -> bytes:
    return district_template[1]


def test_an_intact_database_reports_ok(district_db: Database) -> None:
    report = quick_check(district_db)
    assert report.ok
    assert report.problems == ()
    assert report.newest_backup is None  # backups are only looked for when something is wrong


@pytest.mark.parametrize("table", ["people", "people_fts_data", "stations", "audit_entries"])
def test_flipped_bytes_are_reported_without_driver_errors(
    district_db_path: Path, key: bytes, tmp_path: Path, table: str
) -> None:
    damaged = damaged_copy(district_db_path, key, tmp_path / "damaged.db", table)
    database = open_district_engine(damaged, key)  # pages past the first are only read when needed
    try:
        report = quick_check(database)
    finally:
        database.dispose()
    assert not report.ok
    assert report.problems[0] == DAMAGED_PAGES.format(count="One page")
    assert_plain(report)


@pytest.mark.parametrize("table", ["people", "people_fts_data", "people_fts_config"])
def test_sound_tables_stay_readable_after_the_check(
    district_db_path: Path, key: bytes, tmp_path: Path, table: str
) -> None:
    damaged = damaged_copy(district_db_path, key, tmp_path / "damaged.db", table)
    database = open_district_engine(damaged, key)
    try:
        assert not quick_check(database).ok
        for _ in range(6):  # more than the pool holds: no connection was left broken by the check
            with database.reader() as session:
                assert session.scalar(select(func.count()).select_from(Account)) == 3
    finally:
        database.dispose()


def test_a_check_that_cannot_read_its_way_through_counts_as_damage(
    district_db_path: Path, key: bytes, tmp_path: Path
) -> None:
    # SQLite's structure check opens each full-text index; a damaged index configuration makes it fail outright.
    damaged = damaged_copy(district_db_path, key, tmp_path / "damaged.db", "people_fts_config")
    database = open_district_engine(damaged, key)
    try:
        report = quick_check(database)
    finally:
        database.dispose()
    assert report.problems == (DAMAGED_PAGES.format(count="One page"), UNREADABLE)
    assert_plain(report)


def test_widespread_damage_is_counted_up_to_the_limit(district_db_path: Path, key: bytes, tmp_path: Path) -> None:
    tables = [table.name for table in Base.metadata.sorted_tables if table.name not in SIGN_IN_TABLES]
    assert len(tables) > QUICK_CHECK_LIMIT
    damaged = damaged_copy(district_db_path, key, tmp_path / "damaged.db", *tables)
    database = open_district_engine(damaged, key)
    try:
        report = quick_check(database)
    finally:
        database.dispose()
    assert report.problems[0] == DAMAGED_PAGES.format(count=f"{QUICK_CHECK_LIMIT} or more pages")
    assert len(report.problems) == 2
    assert_plain(report)


def test_reading_a_damaged_page_raises_a_plain_storage_error(
    district_db_path: Path, key: bytes, tmp_path: Path
) -> None:
    damaged = damaged_copy(district_db_path, key, tmp_path / "damaged.db", "people")
    database = open_district_engine(damaged, key)
    try:
        with pytest.raises(StorageError) as raised:
            with database.writer(info={SESSION_ACTOR: "dpo"}) as session:
                session.execute(text("UPDATE people SET name = name"))
        assert raised.value.message == DAMAGED_MESSAGE
        with pytest.raises(StorageError) as raised:
            with database.reader() as session:
                session.scalars(select(Person)).all()
        assert raised.value.message == DAMAGED_MESSAGE
        with database.reader() as session:  # undamaged tables still read
            assert session.scalar(select(func.count()).select_from(Account)) == 3
    finally:
        database.dispose()


def test_a_damaged_database_names_the_newest_sound_backup(district_db: Database) -> None:
    assert district_db.path is not None
    folder = backups_dir(district_db.path)
    older = backup_to(district_db, folder / "district-2026-01-01.db")
    newer = backup_to(district_db, folder / "district-2026-02-01.db")
    damaged_newest = folder / "district-2026-03-01.db"
    shutil.copyfile(newer, damaged_newest)
    flip_bytes(damaged_newest, 40)
    stranger = folder / "someone-else.db"  # a file this key does not open
    stranger.write_bytes(os.urandom(PAGE_SIZE * 4))
    (folder / "notes.txt").write_text("not a backup")
    for age, path in enumerate((stranger, damaged_newest, newer, older)):
        stamp = 1_800_000_000 - age * 86_400
        os.utime(path, (stamp, stamp))

    assert [backup.name for backup in backup_files(district_db.path)] == [
        "someone-else.db",
        "district-2026-03-01.db",
        "district-2026-02-01.db",
        "district-2026-01-01.db",
    ]
    good = newest_good_backup(district_db)
    assert good is not None
    assert good.name == "district-2026-02-01.db"
    assert good.taken_at.timestamp() == 1_800_000_000 - 2 * 86_400
    assert good.taken_at.tzinfo is not None


def test_the_report_of_a_damaged_database_carries_its_backup(
    district_db_path: Path, key: bytes, tmp_path: Path
) -> None:
    folder = tmp_path / "office"
    folder.mkdir()
    damaged = damaged_copy(district_db_path, key, folder / "district.db")
    good = open_district_engine(district_db_path, key)
    try:
        backup = backup_to(good, backups_dir(damaged) / "district-backup.db")
    finally:
        good.dispose()
    backup_digest = hashlib.sha256(backup.read_bytes()).hexdigest()
    database = open_district_engine(damaged, key)
    try:
        report = quick_check(database)
    finally:
        database.dispose()
    assert not report.ok
    assert report.newest_backup is not None
    assert report.newest_backup.name == "district-backup.db"
    folder = backups_dir(damaged)
    assert sorted(path.name for path in folder.iterdir()) == ["district-backup.db"]  # opened immutable: no WAL files
    assert hashlib.sha256(report.newest_backup.path.read_bytes()).hexdigest() == backup_digest


def test_a_damaged_database_without_backups_says_so(district_db_path: Path, key: bytes, tmp_path: Path) -> None:
    damaged = damaged_copy(district_db_path, key, tmp_path / "alone" / "district.db")
    database = open_district_engine(damaged, key)
    try:
        report = quick_check(database)
    finally:
        database.dispose()
    assert not report.ok
    assert report.newest_backup is None


def test_read_only_opening_refuses_writes_with_a_plain_message(district_db_path: Path, key: bytes) -> None:
    checkpoint(district_db_path, key)
    before = hashlib.sha256(district_db_path.read_bytes()).hexdigest()
    database = open_read_only(district_db_path, key)
    try:
        assert database.read_only
        with database.reader() as session:  # reading still works
            assert session.scalar(select(Account.username).where(Account.username == "dpo")) == "dpo"
        with pytest.raises(StorageError, match=r"^This database is open read-only; changes cannot be saved\.$"):
            with database.writer(info={SESSION_ACTOR: "dpo"}):
                pass
        assert quick_check(database).ok
    finally:
        database.dispose()
    assert hashlib.sha256(district_db_path.read_bytes()).hexdigest() == before


def test_query_only_blocks_a_raw_insert_even_past_the_flag(district_db_path: Path, key: bytes) -> None:
    database = open_read_only(district_db_path, key)
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA query_only").scalar() == 1
            with pytest.raises(OperationalError, match="readonly"):
                connection.exec_driver_sql("CREATE TABLE intruder (id INTEGER)")
            connection.rollback()
            with pytest.raises(OperationalError, match="readonly"):
                connection.exec_driver_sql("INSERT INTO stations (id) VALUES ('x')")
            connection.rollback()
        database.read_only = False  # even if someone clears the flag, the connections stay read-only
        with pytest.raises(StorageError, match="read-only"):
            with database.writer(info={SESSION_ACTOR: "dpo"}) as session:
                session.execute(text("DELETE FROM accounts"))
    finally:
        database.dispose()
    writable = open_district_engine(district_db_path, key)
    try:
        with writable.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA query_only").scalar() == 0
            assert connection.exec_driver_sql("SELECT count(*) FROM accounts").scalar() == 3
    finally:
        writable.dispose()


def test_a_plain_sqlite_hub_is_checked_too(tmp_path: Path) -> None:
    context = create_hub(tmp_path / "hub.db", admin_username="admin", admin_name="Hub Admin", admin_password=PASSWORD)
    try:
        assert quick_check(context.database).ok
    finally:
        context.database.dispose()


@pytest.mark.parametrize("role", [Role.CLERK, Role.STATION_OFFICER, Role.DISTRICT_OFFICER])
def test_every_desk_role_may_run_the_check(as_role: Callable[[Role], ServiceContext], role: Role) -> None:
    context = as_role(role)
    assert HealthService(context).check().ok


def test_hub_roles_may_not_run_the_district_check(district_db: Database) -> None:
    context = ServiceContext(database=district_db, actor=Actor("analyst", Role.HUB_ANALYST))
    with pytest.raises(PermissionDenied):
        HealthService(context).check()
