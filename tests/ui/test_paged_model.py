"""The lazy table model: Qt's model checks, a million rows with only the visible pages loaded, sorting."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.models.people import Gender
from copdesk.ui.list_state import ListQuery, PageCache
from copdesk.ui.paged_model import RIGHT, ROW_ROLE, Column, PagedTableModel, display_text
from copdesk.ui.rows_model import RowsTableModel

from .conftest import GUI_MARKS
from .fakes import NumberSource, Row, Unavailable

pytestmark = GUI_MARKS

COLUMNS: tuple[Column[Row], ...] = (
    Column("Number", lambda r: r.number, sort_key="number", alignment=RIGHT),
    Column("Name", lambda r: r.name),
)
MILLION = 1_000_000


def make_model(total: int, page_size: int = 200, max_pages: int = 50) -> tuple[PagedTableModel, NumberSource]:
    source = NumberSource(total)
    model = PagedTableModel(source, COLUMNS, page_size=page_size, max_pages=max_pages)
    model.load()
    return model, source


def test_model_passes_qt_model_checks_over_several_pages(qtmodeltester: ModelTester) -> None:
    model, source = make_model(5_000)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 5_000
    assert model.columnCount() == 2
    assert model.data(model.index(4_999, 1)) == "Person 0004999"
    assert model.data(model.index(4_999, 0), Qt.ItemDataRole.TextAlignmentRole) == int(RIGHT.value)


def test_a_million_rows_in_a_view_fetch_only_the_visible_pages(qtbot: QtBot) -> None:
    model, source = make_model(MILLION)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: model.pages_fetched > 0)
    qtbot.wait(50)
    assert len(source.counts) == 1
    assert model.pages_fetched == 1  # the first screenful lies in page 0

    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.pages_fetched > 1)
    qtbot.wait(50)
    assert model.pages_fetched == 2  # and the last screenful in the last page
    assert source.pages[-1].offset == MILLION - MILLION % 200 - (200 if MILLION % 200 == 0 else 0)
    assert model.data(model.index(MILLION - 1, 1)) == "Person 0999999"
    assert model.cached_pages == 2


def test_page_cache_is_bounded_and_refetches_what_it_dropped() -> None:
    model, source = make_model(MILLION, page_size=100, max_pages=5)
    for page in range(8):
        assert model.row_object(page * 100) == Row(page * 100)
    assert model.pages_fetched == 8
    assert model.cached_pages == 5
    model.row_object(700)  # still cached (recently used): no fetch
    assert model.pages_fetched == 8
    model.row_object(0)  # dropped long ago: fetched again
    assert model.pages_fetched == 9


def test_sort_uses_the_service_sort_key_and_keeps_the_count(qtbot: QtBot) -> None:
    model, source = make_model(1_000)
    with qtbot.waitSignal(model.sort_indicator_changed) as signal:
        model.sort(0, Qt.SortOrder.DescendingOrder)
    assert signal.args == [0, Qt.SortOrder.DescendingOrder]
    assert model.query.sort == "number" and model.query.descending
    assert model.data(model.index(0, 0)) == "999"
    assert source.pages[-1].sort == "number" and source.pages[-1].descending
    assert len(source.counts) == 1  # sorting does not count again
    assert model.sort_column() == 0


def test_sorting_a_column_without_a_sort_key_changes_nothing(qtbot: QtBot) -> None:
    model, source = make_model(1_000)
    model.row_object(0)
    fetched = model.pages_fetched
    with qtbot.waitSignal(model.sort_indicator_changed) as signal:
        model.sort(1, Qt.SortOrder.AscendingOrder)
    assert signal.args == [-1, Qt.SortOrder.AscendingOrder]  # the view puts its indicator back
    assert model.query.sort is None
    model.row_object(0)
    assert model.pages_fetched == fetched  # the cache was kept


def test_search_and_filters_reach_the_source() -> None:
    model, source = make_model(MILLION)
    total = model.load(ListQuery(search="7", filters={"gender": "female"}))
    assert total == 100_000
    assert model.rowCount() == 100_000
    assert model.data(model.index(1, 0)) == "17"
    assert source.pages[-1].search == "7"
    assert dict(source.pages[-1].filters) == {"gender": "female"}


def test_a_page_that_cannot_be_loaded_is_reported_once(qtbot: QtBot) -> None:
    model, source = make_model(1_000)
    source.fail_with = Unavailable("The database is busy with another task; try again in a moment.")
    with qtbot.waitSignal(model.load_failed) as signal:
        assert model.data(model.index(0, 0)) is None
    assert signal.args == ["The database is busy with another task; try again in a moment."]
    asked = len(source.pages)
    assert model.data(model.index(1, 0)) is None
    assert len(source.pages) == asked  # the failed page is not asked for again until a reload
    source.fail_with = None
    model.invalidate()
    assert model.data(model.index(1, 0)) == "1"


def test_row_role_gives_the_row_object_and_rows_outside_are_none() -> None:
    model, _source = make_model(10)
    assert model.data(model.index(3, 0), ROW_ROLE) == Row(3)
    assert model.row_object(10) is None
    assert model.row_object(-1) is None
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Number"
    assert model.headerData(2, Qt.Orientation.Vertical) == "3"


def test_page_cache_drops_the_least_recently_used_page() -> None:
    cache: PageCache[int] = PageCache(page_size=10, max_pages=2)
    assert cache.page_of(25) == (2, 5)
    cache.put(0, [0])
    cache.put(1, [1])
    assert cache.get(0) == [0]  # page 0 is now the most recently used
    cache.put(2, [2])
    assert 1 not in cache and 0 in cache and 2 in cache
    with pytest.raises(ValueError):
        PageCache(page_size=0)


def test_display_text_writes_values_the_way_a_clerk_reads_them() -> None:
    assert display_text(None) == ""
    assert display_text(True) == "Yes"
    assert display_text(12345) == "12,345"
    assert display_text(date(2026, 3, 1)) == "01 Mar 2026"
    assert display_text(datetime(2026, 3, 1, 9, 30, tzinfo=UTC)).startswith("01 Mar 2026")
    assert display_text(Gender.TRANSGENDER) == "Transgender"


def test_rows_model_passes_qt_model_checks_and_sorts(qtmodeltester: ModelTester) -> None:
    model = RowsTableModel(COLUMNS)
    model.set_rows([Row(3), Row(10), Row(1)])
    qtmodeltester.check(model, force_py=True)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [row.number for row in model.rows()] == [10, 3, 1]
    assert model.data(model.index(0, 0)) == "10"
    assert model.data(model.index(0, 0), ROW_ROLE) == Row(10)
