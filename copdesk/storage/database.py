"""Opening and creating databases: an encrypted district file, or a hub on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import URL, Engine, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from copdesk.errors import ConflictError, DiskFull, NotADatabase, StorageError
from copdesk.storage import backup, migrate, recording  # noqa: F401  (recording registers the flush hook)
from copdesk.storage.engine import district_url, hub_url, is_damage_error, is_sqlite, make_engine, writer

Kind = Literal["district", "hub"]


@dataclass
class Database:
    """An open copdesk database: its engine and how to start read and write sessions."""

    engine: Engine
    kind: Kind
    path: Path | None = None
    read_only: bool = False
    #: District only: the raw key (needed to add or change an account's slot in the key-slot file).
    key: bytes | None = field(default=None, repr=False)
    _readers: sessionmaker[Session] = field(init=False, repr=False)
    _writers: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._readers = sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=False)
        self._writers = sessionmaker(bind=writer(self.engine), expire_on_commit=False)

    @property
    def display_name(self) -> str:
        """A short description for the status bar (never the key)."""
        if self.path is not None:
            return str(self.path)
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read session (deferred transaction). Closing it ends the transaction; loaded objects stay readable."""
        with self._readers() as session:
            try:
                yield session
            except DatabaseError as exc:
                if is_damage(exc):
                    raise StorageError(DAMAGED_MESSAGE) from exc
                raise

    @contextmanager
    def writer(self, info: dict[str, object] | None = None) -> Iterator[Session]:
        """A write session: ``BEGIN IMMEDIATE`` on SQLite, committed on success, rolled back on error."""
        if self.read_only:
            raise StorageError("This database is open read-only; changes cannot be saved.")
        with self._writers() as session:
            if info:
                session.info.update(info)
            try:
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise translate_operational_error(exc) from exc
            except DatabaseError as exc:
                session.rollback()
                if is_damage(exc):
                    raise StorageError(DAMAGED_MESSAGE) from exc
                raise
            except StaleDataError as exc:
                session.rollback()
                raise ConflictError(
                    "Someone else changed this record since you opened it. Reload it and make your change again."
                ) from exc
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def translate_operational_error(exc: OperationalError) -> Exception:
    """Turn a driver error into a user-facing one where it is a known condition."""
    message = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    if "full" in message:
        return DiskFull("The disk is full, so the change was not saved. Free some space and try again.")
    if "locked" in message or "busy" in message:
        return StorageError("The database is busy with another task; try again in a moment.")
    if "readonly" in message or "read-only" in message:
        return StorageError("The database is read-only here; changes cannot be saved.")
    return exc


DAMAGED_MESSAGE = (
    "Part of the database is damaged and cannot be read. Ask a district officer to restore the newest backup."
)


def is_damage(exc: DatabaseError) -> bool:
    """True when the driver failed because it read a damaged page (sessions then raise ``DAMAGED_MESSAGE``)."""
    return is_damage_error(exc.orig)


def check_database_file(path: Path) -> None:
    """Refuse, with a clear message, a path that is missing, a folder, or plainly not a database file."""
    if not path.exists():
        raise NotADatabase(f"There is no database at {path}.")
    if not path.is_file():
        raise NotADatabase(f"{path} is a folder, not a database file.")
    size = path.stat().st_size
    if size == 0 or size % 512 != 0:  # SQLite and SQLCipher files are whole pages
        raise NotADatabase(f"{path.name} is not a copdesk database.")


def open_sqlite_checked(url: URL, *, read_only: bool = False) -> Engine:
    """Create an engine and prove that the file is a database we can read with this key."""
    engine = make_engine(url, read_only=read_only)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
    except DatabaseError as exc:
        engine.dispose()
        raise NotADatabase(
            "This file is not a copdesk database, or it is damaged, or the key does not open it."
        ) from exc
    return engine


def open_district_engine(path: Path, key: bytes, *, upgrade: bool = True, read_only: bool = False) -> Database:
    """Open an encrypted district database with its raw key, upgrading its schema after a backup.

    ``read_only`` (a damaged database): nothing is upgraded, and neither sessions nor connections can write.
    """
    check_database_file(path)
    engine = open_sqlite_checked(district_url(path, key), read_only=read_only)
    database = Database(engine=engine, kind="district", path=path, read_only=read_only, key=key)
    try:
        if upgrade and not read_only:
            migrate.upgrade(engine, before_upgrade=lambda: backup.backup_before_migration(database))
        else:
            migrate.schema_status(engine)
    except BaseException:
        engine.dispose()
        raise
    return database


def create_district_engine(path: Path, key: bytes) -> Database:
    """Create a new, empty encrypted district database at ``path`` and build its schema."""
    if path.exists():
        raise StorageError(f"A file already exists at {path}; choose another place.")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(district_url(path, key))
    try:
        migrate.upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine=engine, kind="district", path=path, key=key)


def open_hub_engine(target: str | Path, *, create: bool = False) -> Database:
    """Open (or with ``create`` make) a hub database given as a file path or a SQLAlchemy URL."""
    url = hub_url(target)
    path = Path(url.database) if is_sqlite(url) and url.database else None
    if path is not None and not create:
        check_database_file(path)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = open_sqlite_checked(url)
    else:
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except OperationalError as exc:
            engine.dispose()
            raise StorageError(f"Cannot connect to the hub database: {exc.orig}".splitlines()[0]) from exc
    database = Database(engine=engine, kind="hub", path=path)
    try:
        migrate.upgrade(engine, before_upgrade=lambda: backup.backup_before_migration(database))
    except BaseException:
        engine.dispose()
        raise
    return database
