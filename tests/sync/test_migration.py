"""Migration 0008_sync builds exactly the tables copdesk/models/sync.py declares (district and hub alike)."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from copdesk.models import sync as sync_models
from copdesk.models.base import Base
from copdesk.storage.database import Database
from tests.sync.conftest import World

TABLES = {m.class_.__tablename__ for m in Base.registry.mappers if m.class_.__module__ == sync_models.__name__}


def _check(engine: Engine) -> None:
    inspector = inspect(engine)
    assert TABLES <= set(inspector.get_table_names())
    assert len(TABLES) == 11
    for name in sorted(TABLES):
        model = Base.metadata.tables[name]
        columns = {c["name"]: c for c in inspector.get_columns(name)}
        assert set(columns) == {c.name for c in model.columns}, name
        for column in model.columns:
            found = columns[column.name]
            assert bool(found["nullable"]) == bool(column.nullable), f"{name}.{column.name}"
            declared = column.type.compile(dialect=engine.dialect)
            assert str(found["type"].compile(dialect=engine.dialect)) == declared, f"{name}.{column.name}"
        assert inspector.get_pk_constraint(name)["name"] == f"pk_{name}"
        unique = {u["name"] for u in inspector.get_unique_constraints(name)}
        expected = {c.name for c in model.constraints if c.__class__.__name__ == "UniqueConstraint"}
        assert unique == expected, name
        foreign = {f["name"] for f in inspector.get_foreign_keys(name)}
        assert foreign == {fk.name for fk in model.foreign_key_constraints}, name
        indexes = {i["name"] for i in inspector.get_indexes(name)}
        assert indexes == {i.name for i in model.indexes}, name


def test_the_district_database_has_the_sync_tables(district_db: Database) -> None:
    _check(district_db.engine)


def test_the_hub_database_has_the_sync_tables(world: World) -> None:
    _check(world.hub.ctx.database.engine)
