"""Paged, sorted, filtered and searched lists, done in SQL (nothing loads a whole table).

A list screen asks for ``count(request)`` once and then for pages (``offset``/``limit``) as the user scrolls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from copdesk.errors import ValidationError
from copdesk.storage.fts import matches

T = TypeVar("T")
MAX_PAGE = 1_000


@dataclass(frozen=True)
class PageRequest:
    """What a list asks for: a window of rows, a sort key, a free-text search and filters."""

    offset: int = 0
    limit: int = 100
    sort: str | None = None
    descending: bool = False
    search: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.offset < 0 or not 0 < self.limit <= MAX_PAGE:
            raise ValidationError(f"A page is 1 to {MAX_PAGE} rows from a non-negative offset.")


@dataclass(frozen=True)
class Page(Generic[T]):
    """A window of rows."""

    offset: int
    rows: Sequence[T]


def apply_search(query: Select[Any], model: Any, session: Session, text: str) -> Select[Any]:
    """Restrict ``query`` to rows of ``model`` matching a free-text search (FTS5 on SQLite)."""
    clause = matches(model, text, session.get_bind().dialect.name)
    return query if clause is None else query.where(clause)


def apply_sort(
    query: Select[Any],
    request: PageRequest,
    sort_columns: Mapping[str, ColumnElement[Any] | InstrumentedAttribute[Any]],
    default: str,
    tie_breaker: ColumnElement[Any] | InstrumentedAttribute[Any],
) -> Select[Any]:
    """Order by the requested column (one of ``sort_columns``), then by ``tie_breaker`` for a stable order."""
    key = request.sort or default
    if key not in sort_columns:
        raise ValidationError(f"Cannot sort by {key!r}.")
    column = sort_columns[key]
    if request.descending:
        return query.order_by(column.desc(), tie_breaker.desc())
    return query.order_by(column.asc(), tie_breaker.asc())


def window(query: Select[Any], request: PageRequest) -> Select[Any]:
    """Apply the request's offset and limit."""
    return query.offset(request.offset).limit(request.limit)


def count_rows(session: Session, query: Select[Any]) -> int:
    """How many rows ``query`` (unsorted, unwindowed) returns."""
    return int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
