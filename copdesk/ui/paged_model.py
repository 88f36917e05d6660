"""A lazy table model over any paged source: one ``count`` for the row count, pages fetched as they are shown.

Like Anki's browser table model, the model never loads a whole table. ``rowCount`` comes from the source's
``count``; ``data`` asks the :class:`~copdesk.ui.list_state.PageCache` for the row's page and fetches that one
page (e.g. 200 rows) when it is missing. Sorting maps a column to the service's sort key and starts again from
a clean cache. A million rows cost one count and the few pages on screen.

With ``fetch_in_background`` (what list screens use) a missing page is fetched by a
:class:`~copdesk.ui.tasks.Task` instead of inside ``data``: deep in a million rows a page query takes a few
hundred milliseconds, and the window must not freeze while the user scrolls. The cells stay blank until the
page arrives. Pages asked for by one repaint go out together; a page still waiting for a worker when a later
repaint no longer needs it (the user dragged the scroll bar past it) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import partial
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from copdesk.errors import CopdeskError
from copdesk.ui.list_state import MAX_CACHED_PAGES, PAGE_SIZE, ListQuery, PageCache, PagedSource
from copdesk.ui.tasks import Task

T = TypeVar("T")

ModelIndex = QModelIndex | QPersistentModelIndex
#: ``data(index, ROW_ROLE)`` gives the row object itself (a service view dataclass).
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its header, how to get the shown value from a row, and the service sort key (if any)."""

    header: str
    value: Callable[[T], object]
    sort_key: str | None = None
    alignment: Qt.AlignmentFlag = LEFT
    width: int | None = None


def display_text(value: object) -> str:
    """How a value is written in a list cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.astimezone().strftime("%d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d %b %Y")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Enum):
        return str(value.value).replace("_", " ").capitalize()
    return str(value)


@dataclass
class _Demand:
    """Which rows the view shows and which pages its latest repaint asked for; read by page workers."""

    #: Raised whenever the rows change (another query, or invalidated): pages on their way are then stale.
    generation: int = 0
    #: Raised with each batch of pages sent out.
    batch: int = 0
    pages: frozenset[int] = field(default_factory=frozenset)


class PagedTableModel(QAbstractTableModel):
    """A read-only table over a :class:`PagedSource`; rows are fetched page by page on demand."""

    #: A page could not be loaded; the message is fit to show the user.
    load_failed = Signal(str)
    #: The column the list is really sorted by (-1 for the source's default order) and its direction.
    sort_indicator_changed = Signal(int, Qt.SortOrder)

    def __init__(
        self,
        source: PagedSource[Any],
        columns: Sequence[Column[Any]],
        parent: Any = None,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_CACHED_PAGES,
        query: ListQuery | None = None,
        fetch_in_background: bool = False,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._columns = list(columns)
        self._cache: PageCache[Any] = PageCache(page_size, max_pages)
        self._query = query or ListQuery()
        self._total = 0
        self._failed_pages: set[int] = set()
        #: How many pages have been fetched from the source since the model was made (for tests and logs).
        self.pages_fetched = 0
        self._background = fetch_in_background
        self._demand = _Demand()  # plain Python, so page workers never touch the Qt model
        self._asked: set[int] = set()  # missing pages the view asked for since the last batch went out
        self._loading: set[int] = set()  # pages given to a worker and not delivered yet
        self._batch = QTimer(self)
        self._batch.setSingleShot(True)
        self._batch.setInterval(0)  # after the repaint that asked
        self._batch.timeout.connect(self._fetch_asked)

    # -- state ------------------------------------------------------------------------------------------
    @property
    def query(self) -> ListQuery:
        """The search, filters and sort order the rows are for."""
        return self._query

    @property
    def total(self) -> int:
        """How many rows match (the last count)."""
        return self._total

    @property
    def columns(self) -> Sequence[Column[Any]]:
        """The column definitions."""
        return tuple(self._columns)

    @property
    def cached_pages(self) -> int:
        """How many pages are held in memory now."""
        return len(self._cache)

    @property
    def loading_pages(self) -> int:
        """How many pages the view is waiting for (asked for, or being fetched in the background)."""
        return len(self._loading | self._asked)

    def count_for(self, query: ListQuery) -> int:
        """Ask the source how many rows ``query`` matches (blocking: call it off the GUI thread)."""
        return self._source.count(query.request(0, 1))

    def rows_for(self, query: ListQuery, page_number: int = 0) -> list[Any]:
        """Ask the source for one page of ``query`` (blocking: call it off the GUI thread)."""
        size = self._cache.page_size
        return list(self._source.page(query.request(page_number * size, size)).rows)

    def load(self, query: ListQuery | None = None) -> int:
        """Count (on this thread) and show ``query``; returns the count. Lists count in a task instead."""
        query = query or self._query
        total = self.count_for(query)
        self.show(query, total)
        return total

    def show(self, query: ListQuery, total: int, first_page: Sequence[Any] | None = None) -> None:
        """Show ``query`` whose rows were counted as ``total`` (pages are fetched when they are shown).

        ``first_page``: the query's first page when it was fetched with the count (off the GUI thread), so the
        first rows are there at once.
        """
        self.beginResetModel()
        self._query = query
        self._total = max(0, total)
        self._forget_pages()
        if first_page is not None and self._total:
            self._cache.put(0, list(first_page))
        self.endResetModel()

    def set_total(self, total: int) -> None:
        """The count arrived after the first rows were shown: grow (or shrink) the list to ``total`` rows."""
        total = max(0, total)
        if total > self._total:
            self.beginInsertRows(QModelIndex(), self._total, total - 1)
            self._total = total
            self.endInsertRows()
        elif total < self._total:
            self.beginRemoveRows(QModelIndex(), total, self._total - 1)
            self._total = total
            self.endRemoveRows()

    def _forget_pages(self) -> None:
        self._cache.clear()
        self._failed_pages.clear()
        self._asked.clear()
        self._loading.clear()
        self._batch.stop()
        self._demand.generation += 1  # pages on their way now are for older rows
        self._demand.pages = frozenset()

    def invalidate(self) -> None:
        """Forget loaded pages (rows changed) and let the view fetch what it shows again."""
        self._forget_pages()
        if self._total and self._columns:
            self.dataChanged.emit(self.index(0, 0), self.index(self._total - 1, len(self._columns) - 1))

    def is_row_loaded(self, row: int) -> bool:
        """True when ``row``'s page is in memory (showing it needs no query)."""
        return 0 <= row < self._total and self._cache.page_of(row)[0] in self._cache

    def shown_row(self, row: int) -> Any | None:
        """The row object for the view to show: in the background mode None until its page has arrived."""
        if not self._background:
            return self.row_object(row)
        if not 0 <= row < self._total:
            return None
        page_number, offset = self._cache.page_of(row)
        rows = self._cache.get(page_number)
        if rows is None:
            self._ask(page_number)
            return None
        return rows[offset] if offset < len(rows) else None

    def row_object(self, row: int) -> Any | None:
        """The row object at ``row`` (fetching its page on this thread if needed), or None outside the rows."""
        if not 0 <= row < self._total:
            return None
        page_number, offset = self._cache.page_of(row)
        rows = self._cache.get(page_number)
        if rows is None:
            rows = self._fetch(page_number)
        return rows[offset] if offset < len(rows) else None

    def row_of(self, predicate: Callable[[Any], bool]) -> int:
        """The first loaded row for which ``predicate`` is true, or -1 (only searches loaded pages)."""
        for page_number, rows in self._cache.loaded():
            for offset, item in enumerate(rows):
                if predicate(item):
                    return page_number * self._cache.page_size + offset
        return -1

    def _fetch(self, page_number: int) -> Sequence[Any]:
        if page_number in self._failed_pages:
            return ()
        size = self._cache.page_size
        request = self._query.request(page_number * size, size)
        try:
            rows = list(self._source.page(request).rows)
        except CopdeskError as exc:
            self._failed_pages.add(page_number)
            self.load_failed.emit(exc.message)
            return ()
        except Exception as exc:
            self._failed_pages.add(page_number)
            self.load_failed.emit("The list could not be loaded. Press F5 to try again.")
            QTimer.singleShot(0, lambda error=exc: _report_bug(error))
            return ()
        self.pages_fetched += 1
        self._cache.put(page_number, rows)
        return rows

    # -- background fetching ----------------------------------------------------------------------------
    def _ask(self, page_number: int) -> None:
        if page_number in self._failed_pages:
            return
        self._asked.add(page_number)
        if not self._batch.isActive():
            self._batch.start()

    def _fetch_asked(self) -> None:
        """Send the pages the last repaint asked for to workers (those not on their way already)."""
        self._batch.stop()
        asked, self._asked = frozenset(self._asked), set()
        if not asked:
            return
        demand = self._demand
        demand.batch += 1
        demand.pages = asked
        generation, batch = demand.generation, demand.batch
        source, query, size = self._source, self._query, self._cache.page_size
        for page_number in sorted(asked - self._loading):
            self._loading.add(page_number)

            def fetch(page_number: int = page_number) -> list[Any] | BaseException | None:
                stale = demand.generation != generation
                if stale or (demand.batch != batch and page_number not in demand.pages):
                    return None  # the view moved on before a worker was free
                try:
                    return list(source.page(query.request(page_number * size, size)).rows)
                except Exception as exc:  # noqa: BLE001 - delivered to the GUI thread, handled like _fetch
                    return exc

            Task(fetch).on_success(partial(self._delivered, generation, page_number)).run()

    def _delivered(self, generation: int, page_number: int, result: list[Any] | BaseException | None) -> None:
        if not shiboken6.isValid(self) or generation != self._demand.generation:
            return  # the model is gone, or shows other rows now
        self._loading.discard(page_number)
        if isinstance(result, CopdeskError):
            self._failed_pages.add(page_number)
            self.load_failed.emit(result.message)
        elif isinstance(result, BaseException):
            self._failed_pages.add(page_number)
            self.load_failed.emit("The list could not be loaded. Press F5 to try again.")
            _report_bug(result)
        elif result is not None:
            self.pages_fetched += 1
            self._cache.put(page_number, result)
        # Repaint the page's rows: with its data, or (skipped) so a view still showing them asks again.
        first = page_number * self._cache.page_size
        last = min(self._total, first + self._cache.page_size) - 1
        if last >= first and self._columns:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self._columns) - 1))

    # -- Qt model ---------------------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Rows matching the query (0 under a parent: this is a flat table)."""
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """The number of columns (0 under a parent)."""
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, alignment, tooltip, or (``ROW_ROLE``) the row object; fetches the row's page if needed."""
        if not index.isValid() or not 0 <= index.column() < len(self._columns):
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment.value)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, ROW_ROLE):
            return None
        row = self.shown_row(index.row())
        if role == ROW_ROLE or row is None:
            return row
        text = display_text(column.value(row))
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if len(text) > 30 else None
        return text

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column headers (and row numbers down the side)."""
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._columns):
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return self._columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(self._columns[section].alignment.value)
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < self._total:
            return f"{section + 1:,}"
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Rows are selectable, never editable in place."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by the column's service sort key; columns without one keep the current order."""
        key = self._columns[column].sort_key if 0 <= column < len(self._columns) else None
        if key is None:
            self.sort_indicator_changed.emit(self.sort_column(), self.sort_order())
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self._query.sort and descending == self._query.descending:
            return
        self.show(self._query.sorted_by(key, descending), self._total)
        self.sort_indicator_changed.emit(column, order)

    def sort_column(self) -> int:
        """The column the rows are sorted by, or -1 for the source's default order."""
        for number, column in enumerate(self._columns):
            if column.sort_key is not None and column.sort_key == self._query.sort:
                return number
        return -1

    def sort_order(self) -> Qt.SortOrder:
        """The current sort direction."""
        return Qt.SortOrder.DescendingOrder if self._query.descending else Qt.SortOrder.AscendingOrder


def _report_bug(exc: BaseException) -> None:
    from copdesk.ui.crash_dialog import report_exception

    report_exception(exc)
