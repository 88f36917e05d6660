"""Migrations build exactly the models' schema on SQLCipher, SQLite and PostgreSQL; old is upgraded, new refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, text

from copdesk.errors import DatabaseTooNew, NotADatabase
from copdesk.models import Base
from copdesk.paths import backups_dir, migrations_dir
from copdesk.services.setup import create_hub
from copdesk.storage import migrate
from copdesk.storage.database import Database, open_district_engine, open_hub_engine
from copdesk.storage.engine import make_engine, writer

IGNORED_TABLES = {"alembic_version"}


def _schema(engine: Engine) -> dict[str, dict[str, tuple[bool, str]]]:
    inspector = inspect(engine)
    tables: dict[str, dict[str, tuple[bool, str]]] = {}
    for table in inspector.get_table_names():
        if table in IGNORED_TABLES or table.endswith("_fts") or "_fts_" in table:
            continue
        tables[table] = {
            column["name"]: (bool(column["nullable"]), column["type"].__class__.__name__.upper())
            for column in inspector.get_columns(table)
        }
    return tables


def _model_schema(engine: Engine) -> dict[str, dict[str, bool]]:
    return {
        table.name: {column.name: bool(column.nullable) for column in table.columns}
        for table in Base.metadata.sorted_tables
    }


def _assert_matches_models(engine: Engine) -> None:
    actual = _schema(engine)
    expected = _model_schema(engine)
    assert set(actual) == set(expected), f"tables differ: {set(actual) ^ set(expected)}"
    for table, columns in expected.items():
        got = {name: nullable for name, (nullable, _type) in actual[table].items()}
        assert got == columns, f"columns of {table} differ from the model"


def test_district_schema_matches_models(district_db: Database) -> None:
    _assert_matches_models(district_db.engine)
    assert migrate.schema_status(district_db.engine) == "current"


def test_hub_sqlite_schema_matches_models(tmp_path: Path) -> None:
    ctx = create_hub(tmp_path / "hub.db", admin_username="admin", admin_name="Admin", admin_password="admin-password")
    try:
        _assert_matches_models(ctx.database.engine)
    finally:
        ctx.database.dispose()


@pytest.mark.postgres
def test_hub_postgres_schema_matches_models_and_downgrades(postgres_url: str) -> None:
    ctx = create_hub(postgres_url, admin_username="admin", admin_name="Admin", admin_password="admin-password")
    engine = ctx.database.engine
    try:
        _assert_matches_models(engine)
        _downgrade_and_upgrade(engine)
        _assert_matches_models(engine)
    finally:
        ctx.database.dispose()


def _config(connection: object) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def _downgrade_and_upgrade(engine: Engine) -> None:
    with writer(engine).begin() as connection:
        command.downgrade(_config(connection), "base")
    assert set(inspect(engine).get_table_names()) <= IGNORED_TABLES
    with writer(engine).begin() as connection:
        command.upgrade(_config(connection), "heads")


def test_sqlite_downgrade_to_base_and_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path / 'plain.db'}")
    try:
        migrate.upgrade(engine)
        _downgrade_and_upgrade(engine)
        _assert_matches_models(engine)
    finally:
        engine.dispose()


def test_an_older_database_is_backed_up_then_upgraded(
    district_db: Database, district_template: tuple[Path, bytes]
) -> None:
    path = district_db.path
    assert path is not None
    # Take the copy back to the first revision, as if an older copdesk had written it.
    with writer(district_db.engine).begin() as connection:
        command.downgrade(_config(connection), "0002_organisation_people")
    district_db.dispose()
    assert migrate.schema_status(make_engine_for(path, district_template[1])) == "old"
    before = set(backups_dir(path).glob("*before-upgrade*"))
    reopened = open_district_engine(path, district_template[1])
    try:
        assert migrate.schema_status(reopened.engine) == "current"
        backups = set(backups_dir(path).glob("*before-upgrade*")) - before
        assert len(backups) == 1, "the upgrade must take exactly one backup first"
        backup = open_district_engine(backups.pop(), district_template[1], upgrade=False)
        try:
            with backup.engine.connect() as connection:
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            assert "0002_organisation_people" in revision
        finally:
            backup.dispose()
    finally:
        reopened.dispose()


def make_engine_for(path: Path, key: bytes) -> Engine:
    from copdesk.storage.engine import district_url

    return make_engine(district_url(path, key))


def test_a_newer_database_is_refused_and_left_unchanged(
    district_db: Database, district_template: tuple[Path, bytes]
) -> None:
    path = district_db.path
    assert path is not None
    with writer(district_db.engine).begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES ('9999_from_the_future')"))
    district_db.dispose()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="newer version of copdesk"):
        open_district_engine(path, district_template[1])
    assert path.read_bytes() == before


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    import sqlite3

    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(NotADatabase, match="not a copdesk database"):
        open_hub_engine(foreign)


def test_a_wrong_key_is_refused(district_db_path: Path) -> None:
    with pytest.raises(NotADatabase):
        open_district_engine(district_db_path, b"\x00" * 32)
