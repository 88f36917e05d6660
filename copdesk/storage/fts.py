"""Full-text search: SQLite FTS5 tables kept in step with their records by triggers.

Each searchable model has a ``search_text`` column holding its searchable fields already normalised by
:func:`copdesk.domain.text.normalise_for_search` (so Arabic and Urdu letter variants and diacritics match). An
external-content FTS5 table indexes that column; three triggers keep it in step with every insert, update and
delete. PostgreSQL (the hub) has no FTS5: there the same query falls back to ``LIKE`` on ``search_text``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, literal_column, text
from sqlalchemy.engine import Connection

from copdesk.domain.text import fts_match_expression, normalise_for_search, search_terms


def fts_table(table: str) -> str:
    """Name of the FTS5 table that indexes ``table``."""
    return f"{table}_fts"


def create_fts(connection: Connection, table: str) -> None:
    """Create the FTS5 index of ``table.search_text`` and its triggers (SQLite only; a no-op elsewhere)."""
    if connection.dialect.name != "sqlite":
        return
    fts = fts_table(table)
    statements = [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', content_rowid='rowid', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.rowid, new.search_text); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.rowid, new.search_text); END",
    ]
    for statement in statements:
        connection.execute(text(statement))


def drop_fts(connection: Connection, table: str) -> None:
    """Drop what :func:`create_fts` made."""
    if connection.dialect.name != "sqlite":
        return
    fts = fts_table(table)
    for suffix in ("ai", "ad", "au"):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {fts}_{suffix}"))
    connection.execute(text(f"DROP TABLE IF EXISTS {fts}"))


def search_text_of(*values: Any) -> str:
    """The normalised ``search_text`` for a record's searchable values (``None`` values skipped)."""
    return normalise_for_search(" ".join(str(v) for v in values if v not in (None, "")))


def matches(model: Any, query: str, dialect_name: str) -> ColumnElement[bool] | None:
    """A WHERE clause selecting rows of ``model`` whose search text matches ``query`` (None: no filter).

    On SQLite it uses the FTS5 index (prefix match on every word, all words required); elsewhere ``LIKE``.
    """
    if dialect_name == "sqlite":
        expression = fts_match_expression(query)
        if expression is None:
            return None
        fts = fts_table(model.__tablename__)
        subquery = text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :fts_query").bindparams(fts_query=expression)
        return literal_column(f"{model.__tablename__}.rowid").in_(subquery)
    terms = search_terms(query)
    if not terms:
        return None
    return and_(*(model.search_text.contains(term, autoescape=True) for term in terms))
