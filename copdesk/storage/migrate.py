"""Schema migrations: create, upgrade (after a backup), and refuse databases from a newer copdesk."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from copdesk.errors import DatabaseTooNew, NotADatabase
from copdesk.paths import migrations_dir
from copdesk.storage.engine import writer


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def script_heads() -> set[str]:
    """The newest schema revision(s) this copdesk knows."""
    return set(ScriptDirectory.from_config(_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    """The revision(s) the database is at (empty for a new, empty database)."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def schema_status(engine: Engine) -> str:
    """One of ``"new"``, ``"current"`` or ``"old"``; raises for a newer or foreign database."""
    script = ScriptDirectory.from_config(_config())
    current = current_revisions(engine)
    if not current:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
        if tables:
            raise NotADatabase("This file is a database, but not a copdesk database.")
        return "new"
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = current - known
    if unknown:
        raise DatabaseTooNew(
            "This database was written by a newer version of copdesk. Install the newer copdesk to open it; "
            "nothing was changed."
        )
    return "current" if current == script_heads() else "old"


def upgrade(engine: Engine, before_upgrade: Callable[[], object] | None = None) -> str:
    """Bring the schema to the newest revision; calls ``before_upgrade`` (a backup) first if it is older.

    Returns the status found before upgrading (see :func:`schema_status`).
    """
    status = schema_status(engine)
    if status == "current":
        return status
    if status == "old" and before_upgrade is not None:
        before_upgrade()
    config = _config()
    with writer(engine).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
    return status
