"""The one engine factory.

District databases are SQLCipher files opened with a raw 256-bit key; hub databases are plain SQLite files or
PostgreSQL, chosen by SQLAlchemy URL. Every SQLite connection runs in WAL mode with ``synchronous=FULL``,
foreign keys on and a busy timeout. Transactions are started by us, not by the driver: reads use a deferred
``BEGIN``; sessions made by :func:`writer` use ``BEGIN IMMEDIATE`` so two writers queue instead of failing
half-way with "database is locked".
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.pool import QueuePool

BUSY_TIMEOUT_MS = 15_000
BEGIN_OPTION = "copdesk_begin"


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


def make_engine(url: URL | str, **kwargs: Any) -> Engine:
    """Create an engine with copdesk's connection settings for ``url``."""
    url = make_url(url) if isinstance(url, str) else url
    if not is_sqlite(url):
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
    _install_sqlite_settings(engine)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, but each transaction starts with ``BEGIN IMMEDIATE`` on SQLite."""
    return engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})


def _install_sqlite_settings(engine: Engine) -> None:
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
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")
