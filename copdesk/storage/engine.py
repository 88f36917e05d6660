"""The one engine factory.

District databases are SQLCipher files opened with a raw 256-bit key; hub databases are plain SQLite files or
PostgreSQL, chosen by SQLAlchemy URL. Every SQLite connection runs in WAL mode with ``synchronous=FULL``,
foreign keys on and a busy timeout. Transactions are started by us, not by the driver: reads use a deferred
``BEGIN``; sessions made by :func:`writer` use ``BEGIN IMMEDIATE`` so two writers queue instead of failing
half-way with "database is locked". An engine made with ``read_only=True`` (a damaged database) turns on
``PRAGMA query_only`` on every SQLite connection, so nothing can write through it even by accident.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.pool import QueuePool

BUSY_TIMEOUT_MS = 15_000
BEGIN_OPTION = "copdesk_begin"
#: SQLite's result codes for a damaged file (the low byte of an extended code): SQLITE_CORRUPT, SQLITE_NOTADB.
DAMAGE_CODES = frozenset({11, 26})


def district_url(path: Path, key: bytes) -> URL:
    """SQLAlchemy URL of an encrypted district database opened with a raw ``key``."""
    if len(key) != 32:
        raise ValueError("a district database key is 32 bytes")
    return URL.create("sqlite+pysqlcipher", password=f"x'{key.hex()}'", database=str(path))


def hub_url(target: str | Path) -> URL:
    """URL for a hub database given as a file path or a full SQLAlchemy URL."""
    text = str(target)
    if "://" in text:
        return make_url(text)
    return URL.create("sqlite+pysqlite", database=str(Path(text)))


def is_sqlite(url: URL | Engine) -> bool:
    """True for SQLite and SQLCipher URLs or engines."""
    name = url.url.get_backend_name() if isinstance(url, Engine) else url.get_backend_name()
    return name == "sqlite"


def make_engine(url: URL | str, *, read_only: bool = False, **kwargs: Any) -> Engine:
    """Create an engine with copdesk's connection settings for ``url`` (``read_only``: refuse every write)."""
    url = make_url(url) if isinstance(url, str) else url
    if not is_sqlite(url):
        if read_only:
            kwargs["execution_options"] = {**kwargs.get("execution_options", {}), "postgresql_readonly": True}
        return create_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)
    if not url.database or url.database == ":memory:":
        raise ValueError("copdesk databases are files; in-memory SQLite is not supported")
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        hide_parameters=True,  # statement parameters hold personal data: keep them out of errors and logs
        **kwargs,
    )
    _install_sqlite_settings(engine, read_only=read_only)
    return engine


def is_damage_error(error: BaseException | None) -> bool:
    """True for a driver error raised because a page of the file is damaged (or failed SQLCipher's HMAC)."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in DAMAGE_CODES


def writer(engine: Engine) -> Engine:
    """The same engine, but each transaction starts with ``BEGIN IMMEDIATE`` on SQLite."""
    return engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})


def _install_sqlite_settings(engine: Engine, *, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA temp_store = MEMORY")
            if read_only:  # last: the settings above may need to write the header
                cursor.execute("PRAGMA query_only = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        # A SQLCipher connection that read a damaged page keeps failing, even on sound pages: drop that one
        # connection (not the whole pool) so the rest of a damaged database can still be read.
        if is_damage_error(context.original_exception):
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = False

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")
