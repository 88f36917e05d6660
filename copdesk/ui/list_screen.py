"""A reusable list screen: search box, filters, a record count and a lazy table of records.

Typing in the search box waits 250 ms for the typing to stop, then fetches the first page and counts the
matches on worker threads and shows the rows as soon as they arrive; pages after that are fetched on worker
threads as the user scrolls (see :mod:`copdesk.ui.paged_model`), so the window never waits for the database.
Double-click or Enter opens the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from copdesk.errors import CopdeskError
from copdesk.ui.list_state import ListQuery, PagedSource
from copdesk.ui.paged_model import Column, PagedTableModel
from copdesk.ui.screen import Screen
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_role

SEARCH_DELAY_MS = 250


@dataclass
class _Latest:
    """The newest reload's number, read by workers to skip a search the user has already typed past."""

    generation: int = 0


class RecordTableView(QTableView):
    """A table of records: whole-row selection, fixed row height, Enter or double-click opens a record."""

    open_requested = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSortIndicatorShown(True)
        self.doubleClicked.connect(self.open_requested)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Enter or Return opens the current record."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


def count_text(total: int, noun: str = "record", plural: str = "records") -> str:
    """``"12,345 records"``, ``"1 record"``, ``"No records"``."""
    if total == 0:
        return f"No {plural}"
    return f"{total:,} {noun if total == 1 else plural}"


class ListScreen(Screen):
    """A screen listing records from a paged source; subclasses add filters and open records."""

    can_search = True
    #: The count finished and the table shows the new query (tests wait for this).
    reloaded = Signal(int)

    def __init__(
        self,
        source: PagedSource[Any],
        columns: Sequence[Column[Any]],
        *,
        search_placeholder: str = "Search",
        noun: tuple[str, str] = ("record", "records"),
        default_sort: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._noun = noun
        self._generation = 0
        self._latest = _Latest()
        self._loaded_once = False
        self.model = PagedTableModel(
            source, columns, self, query=ListQuery(sort=default_sort), fetch_in_background=True
        )

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(search_placeholder)
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(220)
        self.search_box.textChanged.connect(self.schedule_reload)
        self.search_box.returnPressed.connect(self.reload)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)

        self.filter_bar = QHBoxLayout()
        self.filter_bar.setSpacing(8)
        self.count_label = QLabel("")
        set_role(self.count_label, "muted")
        self.problem_label = QLabel("")
        self.problem_label.setWordWrap(True)
        set_role(self.problem_label, "field-error")
        self.problem_label.hide()

        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(10)
        self.toolbar.addWidget(self.search_box, 2)
        self.toolbar.addLayout(self.filter_bar)
        self.toolbar.addStretch(1)

        self.table = RecordTableView()
        self.table.setModel(self.model)
        self.table.open_requested.connect(self._open_index)
        self.table.horizontalHeader().setSortIndicator(self.model.sort_column(), self.model.sort_order())
        for number, column in enumerate(columns):
            if column.width:
                self.table.setColumnWidth(number, column.width)
        self.model.load_failed.connect(self._show_problem)
        self.model.sort_indicator_changed.connect(self._set_sort_indicator)

        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 14, 16, 10)
        self.body.setSpacing(10)
        self.heading = QLabel(self.title)
        set_role(self.heading, "heading")
        self.body.addWidget(self.heading)
        self.body.addLayout(self.toolbar)
        self.body.addWidget(self.problem_label)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.count_label)

    # -- filters ----------------------------------------------------------------------------------------
    def add_filter(self, widget: QWidget, label: str = "") -> None:
        """Put a filter widget in the bar; call :meth:`filters_changed` when its value changes."""
        if label:
            caption = QLabel(label)
            caption.setBuddy(widget)
            self.filter_bar.addWidget(caption)
        self.filter_bar.addWidget(widget)

    def current_filters(self) -> dict[str, Any]:
        """The filters the widgets ask for (subclasses override)."""
        return {}

    def filters_changed(self) -> None:
        """A filter changed: load again at once."""
        self.reload()

    # -- loading ----------------------------------------------------------------------------------------
    def schedule_reload(self) -> None:
        """Load again once typing has paused for 250 ms."""
        self._search_timer.start()

    def reload(self) -> None:
        """Fetch the first page and count the matches, both off the GUI thread and side by side.

        The first rows are shown as soon as they arrive (the count line says "Counting…" until the count is in;
        a million rows take longer to count than to page). Work for a search the user has already typed past is
        skipped when a worker gets to it, and results of older searches are ignored.
        """
        self._search_timer.stop()
        self._generation += 1
        generation = self._generation
        latest = self._latest
        latest.generation = generation
        model = self.model
        query: ListQuery = model.query.searching(self.search_box.text(), self.current_filters())
        self.count_label.setText("Counting…")
        arrived: dict[str, Any] = {}

        def first_page() -> list[Any] | None:
            return model.rows_for(query) if latest.generation == generation else None

        def count() -> int | None:
            return model.count_for(query) if latest.generation == generation else None

        def current() -> bool:
            return generation == self._generation and "done" not in arrived

        def done(total: int) -> None:
            arrived["done"] = True
            self._counted(total)

        def page_arrived(rows: list[Any] | None) -> None:
            if rows is None or not current():
                return
            arrived["rows"] = rows
            if "total" in arrived:
                model.show(query, arrived["total"], rows)
                done(arrived["total"])
            else:
                model.show(query, len(rows), rows)  # the count follows
                self.problem_label.hide()

        def counted(total: int | None) -> None:
            if total is None or not current():
                return
            arrived["total"] = total
            if "rows" in arrived:
                model.set_total(total)
                done(total)
            elif total == 0:
                model.show(query, 0)
                done(0)

        def failed(error: CopdeskError) -> None:
            if generation == self._generation:
                self.count_label.setText("")
                self._show_problem(error.message)

        Task(first_page, parent=self).on_success(page_arrived).on_failure(failed).run()
        Task(count, parent=self).on_success(counted).on_failure(failed).run()

    def _counted(self, total: int) -> None:
        self._loaded_once = True
        self.problem_label.hide()
        self.count_label.setText(count_text(total, *self._noun))
        self.reloaded.emit(total)

    def _show_problem(self, message: str) -> None:
        self.problem_label.setText(message)
        self.problem_label.show()

    def _set_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        self.table.horizontalHeader().setSortIndicator(column, order)

    # -- records ----------------------------------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_object(index.row())
        if row is not None:
            self.open_record(row)

    def open_record(self, row: Any) -> None:
        """Open the record behind a row (subclasses show their form)."""

    def selected_row(self) -> Any | None:
        """The row object of the selected line, or None."""
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    # -- Screen -----------------------------------------------------------------------------------------
    def shown(self) -> None:
        """Load the list the first time the screen is shown."""
        if not self._loaded_once:
            self.reload()

    def focus_search(self) -> None:
        """Put the cursor in the search box, its text selected."""
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def refresh(self) -> None:
        """Count and load again (F5)."""
        self.reload()
