"""Is the database file sound? A bounded check run after sign-in, and opening a damaged database read-only.

Two checks, both reading the file without changing it:

* ``PRAGMA cipher_integrity_check`` (SQLCipher 4, district databases): every page carries an HMAC, so a page whose
  bytes were changed outside copdesk (a failing disk, a bad copy, a deliberate edit) is found even when its
  structure still looks right. It checks the main file's pages, not pages still waiting in the WAL.
* ``PRAGMA quick_check(20)``: SQLite's structure check, stopping after 20 problems. On a damaged file it can fail
  outright (reading a damaged page raises); that counts as a problem too, never as a raw driver error.

The report holds plain sentences for the user; page numbers and SQLite's own words go to the log only. When the
database is damaged, the report also names the newest backup that is itself sound (a district officer can
restore it). Nothing here imports Qt.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from copdesk.paths import backups_dir
from copdesk.storage.database import Database, open_district_engine
from copdesk.storage.engine import is_sqlite

log = logging.getLogger("copdesk.storage.health")

#: ``PRAGMA quick_check(N)`` stops after this many problems, so a badly damaged file is reported quickly.
QUICK_CHECK_LIMIT = 20
#: At most this many backups (newest first) are opened to find one that is sound.
BACKUPS_TRIED = 5

DAMAGED_PAGES = (
    "{count} of the database file failed the tamper check: the bytes were changed outside copdesk "
    "(a failing disk, a bad copy, or an edit by another program)."
)
DAMAGED_STRUCTURE = "SQLite's structure check found {count} in how the records are stored."
UNREADABLE = "Part of the database file cannot be read, so the check could not finish."


@dataclass(frozen=True)
class BackupFile:
    """A backup copy of the database, and when it was written (the file's modification time)."""

    path: Path
    taken_at: datetime

    @property
    def name(self) -> str:
        """The backup's file name."""
        return self.path.name


@dataclass(frozen=True)
class HealthReport:
    """The outcome of a check: plain sentences for each kind of damage found (none when the file is sound)."""

    problems: tuple[str, ...] = ()
    #: When damaged: the newest backup that passed the same checks (None when there is none).
    newest_backup: BackupFile | None = None
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def ok(self) -> bool:
        """True when no damage was found."""
        return not self.problems


def quick_check(database: Database) -> HealthReport:
    """Check the open database's pages and structure without changing it; never raises for damage it finds."""
    if not is_sqlite(database.engine):
        return HealthReport()  # PostgreSQL looks after its own pages
    problems: list[str] = []
    try:
        with database.engine.connect() as connection:
            problems.extend(_cipher_problems(connection))
            problems.extend(_structure_problems(connection))
            connection.rollback()
            if problems:  # SQLCipher may keep failing on a connection that read a damaged page: drop it
                connection.invalidate()
    except DBAPIError as exc:  # even opening a connection failed
        log.error("the database check could not read the database: %s", exc.orig)
        problems.append(UNREADABLE)
    problems = list(dict.fromkeys(problems))
    if not problems:
        return HealthReport()
    log.error("the database at %s is damaged: %s", database.display_name, " ".join(problems))
    return HealthReport(problems=tuple(problems), newest_backup=newest_good_backup(database))


def _rows(connection: Connection, pragma: str, limit: int) -> list[str] | None:
    """The pragma's first ``limit`` result rows as text, or None when reading the file failed."""
    try:
        result = connection.exec_driver_sql(f"PRAGMA {pragma}")
        return [str(row[0]) for row in result.fetchmany(limit)]
    except DBAPIError as exc:
        log.error("PRAGMA %s could not read the database: %s", pragma, exc.orig)
        connection.rollback()
        return None


def _cipher_problems(connection: Connection) -> list[str]:
    if connection.dialect.driver != "pysqlcipher":
        return []  # plain SQLite (a hub file): no page HMACs to check
    rows = _rows(connection, "cipher_integrity_check", QUICK_CHECK_LIMIT)
    if rows is None:
        return [UNREADABLE]
    if not rows:
        return []
    log.error("cipher_integrity_check: %s", "; ".join(rows))
    return [DAMAGED_PAGES.format(count=_how_many(len(rows), "page", "pages").capitalize())]


def _structure_problems(connection: Connection) -> list[str]:
    rows = _rows(connection, f"quick_check({QUICK_CHECK_LIMIT})", QUICK_CHECK_LIMIT)
    if rows is None:
        return [UNREADABLE]
    if rows == ["ok"]:
        return []
    log.error("quick_check: %s", "; ".join(rows))
    return [DAMAGED_STRUCTURE.format(count=_how_many(len(rows), "problem", "problems"))]


def _how_many(count: int, one: str, many: str) -> str:
    """``"one page"``, ``"3 pages"``, ``"20 or more pages"`` (the checks stop at the limit)."""
    if count == 1:
        return f"one {one}"
    return f"{count}{' or more' if count >= QUICK_CHECK_LIMIT else ''} {many}"


def backup_files(db_path: Path) -> list[BackupFile]:
    """The files in the database's backups folder that look like copies of it, newest first."""
    try:
        folder = backups_dir(db_path)
        candidates = [
            BackupFile(path, datetime.fromtimestamp(path.stat().st_mtime, UTC))
            for path in folder.iterdir()
            if path.is_file() and path.suffix == db_path.suffix and path.resolve() != db_path.resolve()
        ]
    except OSError as exc:
        log.warning("the backups folder of %s cannot be read: %s", db_path.name, exc)
        return []
    return sorted(candidates, key=lambda backup: backup.taken_at, reverse=True)


def newest_good_backup(database: Database) -> BackupFile | None:
    """The newest backup that this database's key opens and that passes the page and structure checks."""
    if database.path is None:
        return None
    for backup in backup_files(database.path)[:BACKUPS_TRIED]:
        if _backup_is_sound(backup.path, database.key):
            return backup
        log.warning("backup %s is not usable (damaged, or not a copy of this database)", backup.name)
    return None


def _backup_is_sound(path: Path, key: bytes | None) -> bool:
    """Open the backup without changing it (``immutable``: no lock, no WAL files) and check it."""
    uri = f"{path.resolve().as_uri()}?immutable=1"
    try:
        if key is not None:
            connection = sqlcipher.connect(uri, uri=True)
        else:
            connection = sqlite3.connect(uri, uri=True)
    except (sqlite3.Error, sqlcipher.Error, OSError):
        return False
    try:
        if key is not None:
            connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            if connection.execute("PRAGMA cipher_integrity_check").fetchmany(1):
                return False
        rows = connection.execute("PRAGMA quick_check(1)").fetchall()
        return [tuple(row) for row in rows] == [("ok",)]
    except (sqlite3.Error, sqlcipher.Error):
        return False
    finally:
        connection.close()


def open_read_only(path: Path, key: bytes) -> Database:
    """Open a (damaged) district database so that nothing can write to it: no upgrade, ``query_only`` on."""
    return open_district_engine(path, key, read_only=True)
