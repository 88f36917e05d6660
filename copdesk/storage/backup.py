"""Backups with SQLite's online backup API (never a file copy). District backups stay encrypted."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3.dbapi2 as sqlcipher

from copdesk.errors import StorageError
from copdesk.paths import backups_dir

if TYPE_CHECKING:
    from copdesk.storage.database import Database


def backup_to(database: Database, target: Path) -> Path:
    """Copy the live database to ``target`` with the online backup API, then check the copy's integrity."""
    if database.path is None:
        raise StorageError("Only SQLite databases can be backed up by copdesk; use pg_dump for PostgreSQL.")
    if target.exists():
        raise StorageError(f"{target} already exists.")
    tmp = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise StorageError(f"The backup cannot be written to {target.parent}: {exc.strerror or exc}.") from exc
    raw = database.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert source is not None
        destination = type(source)(str(tmp))  # same driver: sqlcipher3 for districts, sqlite3 for the hub
        try:
            key = _key_of(database)
            if key is not None:
                destination.execute(f"PRAGMA key = \"x'{key}'\"")
            source.backup(destination)
            result = destination.execute("PRAGMA integrity_check").fetchone()
            if not result or result[0] != "ok":
                raise StorageError("The backup copy failed its integrity check; the backup was discarded.")
        finally:
            destination.close()
    except (sqlite3.Error, sqlcipher.Error, OSError) as exc:
        _discard(tmp)
        raise StorageError(f"The backup could not be written: {exc}") from exc
    except BaseException:
        _discard(tmp)
        raise
    finally:
        raw.close()
    tmp.replace(target)
    return target


def backup_before_migration(database: Database) -> Path | None:
    """Back up a file database before its schema is upgraded."""
    if database.path is None:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backups_dir(database.path) / f"{database.path.stem}-before-upgrade-{stamp}{database.path.suffix}"
    return backup_to(database, target)


def _key_of(database: Database) -> str | None:
    password = database.engine.url.password
    if not password:
        return None
    # district_url() stores the key as x'HEX'.
    return str(password)[2:-1]


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
