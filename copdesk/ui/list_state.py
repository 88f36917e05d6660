"""Qt-free state behind big lists: what is asked for (:class:`ListQuery`) and which pages are loaded.

A list never holds a whole table: it asks its source how many rows match, then fetches fixed-size pages as
the user scrolls, keeping the most recently used pages (:class:`PageCache`). Services already offer the
source protocol (``count(request)`` and ``page(request)``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Protocol, TypeVar

from copdesk.services.paging import Page, PageRequest

T = TypeVar("T")

PAGE_SIZE = 200
MAX_CACHED_PAGES = 50


class PagedSource(Protocol[T]):
    """Anything that can count and page rows for a request (every list service method pair fits)."""

    def count(self, request: PageRequest) -> int:
        """How many rows match the request's search and filters."""
        ...

    def page(self, request: PageRequest) -> Page[T]:
        """The rows in the request's window, sorted as asked."""
        ...


@dataclass(frozen=True)
class ListQuery:
    """What a list shows: search text, filters and sort order (the window is added per page)."""

    search: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort: str | None = None
    descending: bool = False

    def request(self, offset: int = 0, limit: int = PAGE_SIZE) -> PageRequest:
        """The service request for one window of this query."""
        return PageRequest(
            offset=offset,
            limit=limit,
            sort=self.sort,
            descending=self.descending,
            search=self.search.strip(),
            filters=dict(self.filters),
        )

    def sorted_by(self, sort: str | None, descending: bool) -> ListQuery:
        """The same query with another sort order."""
        return replace(self, sort=sort, descending=descending)

    def searching(self, search: str, filters: Mapping[str, Any]) -> ListQuery:
        """The same sort order with another search and filters."""
        return replace(self, search=search, filters=dict(filters))


class PageCache(Generic[T]):
    """The most recently used pages of a list (least recently used pages are dropped first)."""

    def __init__(self, page_size: int = PAGE_SIZE, max_pages: int = MAX_CACHED_PAGES) -> None:
        if page_size < 1 or max_pages < 1:
            raise ValueError("page_size and max_pages must be positive")
        self.page_size = page_size
        self.max_pages = max_pages
        self._pages: OrderedDict[int, Sequence[T]] = OrderedDict()

    def page_of(self, row: int) -> tuple[int, int]:
        """The page number holding ``row`` and the row's position inside it."""
        return divmod(row, self.page_size)

    def get(self, page: int) -> Sequence[T] | None:
        """A cached page (marking it as recently used), or None."""
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
        return rows

    def put(self, page: int, rows: Sequence[T]) -> None:
        """Remember a page, dropping the least recently used page when full."""
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)

    def loaded(self) -> list[tuple[int, Sequence[T]]]:
        """The cached pages by page number (without marking them as used)."""
        return sorted(self._pages.items())

    def clear(self) -> None:
        """Forget every page (after a new search, a sort or a change)."""
        self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)

    def __contains__(self, page: object) -> bool:
        return page in self._pages
