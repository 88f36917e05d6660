"""The reusable list screen: debounced search counted off the GUI thread, counts, opening records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from copdesk.ui.list_screen import SEARCH_DELAY_MS, ListScreen, count_text

from .conftest import GUI_MARKS
from .fakes import NumberSource, Row, Unavailable
from .test_paged_model import COLUMNS, MILLION

pytestmark = GUI_MARKS


class NumbersScreen(ListScreen):
    """A list screen over fake numbered rows that remembers what it was asked to open."""

    title = "Numbers"

    def __init__(self, source: NumberSource) -> None:
        super().__init__(source, COLUMNS, search_placeholder="Search numbers")
        self.opened: list[Any] = []

    def open_record(self, row: Any) -> None:
        self.opened.append(row)


def make_screen(qtbot: QtBot, total: int = MILLION) -> tuple[NumbersScreen, NumberSource]:
    source = NumberSource(total)
    screen = NumbersScreen(source)
    qtbot.addWidget(screen)
    screen.resize(900, 600)
    screen.show()
    return screen, source


def test_first_showing_counts_once_and_shows_the_count(qtbot: QtBot) -> None:
    screen, source = make_screen(qtbot)
    with qtbot.waitSignal(screen.reloaded, timeout=5_000) as signal:
        screen.shown()
    assert signal.args == [MILLION]
    assert screen.count_label.text() == "1,000,000 records"
    assert screen.model.rowCount() == MILLION
    screen.shown()  # showing it again does not count again
    assert len(source.counts) == 1


def test_typing_is_debounced_into_one_count(qtbot: QtBot, wait_tasks: Callable[[], None]) -> None:
    screen, source = make_screen(qtbot)
    with qtbot.waitSignal(screen.reloaded):
        screen.reload()
    before = len(source.counts)
    qtbot.keyClicks(screen.search_box, "7")
    screen.search_box.setText("")
    qtbot.keyClicks(screen.search_box, "7")
    assert len(source.counts) == before  # nothing yet: the user may still be typing
    with qtbot.waitSignal(screen.reloaded, timeout=SEARCH_DELAY_MS * 8) as signal:
        pass
    wait_tasks()
    assert signal.args == [100_000]
    assert len(source.counts) == before + 1
    assert source.counts[-1].search == "7"
    assert screen.count_label.text() == "100,000 records"
    assert screen.model.data(screen.model.index(0, 0)) == "7"


def test_enter_and_double_click_open_the_record(qtbot: QtBot) -> None:
    screen, _source = make_screen(qtbot, total=50)
    with qtbot.waitSignal(screen.reloaded):
        screen.reload()
    screen.table.setFocus()
    screen.table.setCurrentIndex(screen.model.index(4, 1))
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert screen.opened == [Row(4)]
    screen.table.open_requested.emit(screen.model.index(7, 0))  # what a double-click sends
    assert screen.opened == [Row(4), Row(7)]
    assert screen.selected_row() == Row(4)


def test_a_count_that_fails_is_shown_above_the_list(qtbot: QtBot, wait_tasks: Callable[[], None]) -> None:
    screen, source = make_screen(qtbot)
    source.fail_with = Unavailable("The database is busy with another task; try again in a moment.")
    screen.reload()
    wait_tasks()
    assert screen.problem_label.isVisible()
    assert screen.problem_label.text() == "The database is busy with another task; try again in a moment."
    source.fail_with = None
    with qtbot.waitSignal(screen.reloaded):
        screen.refresh()
    assert not screen.problem_label.isVisible()


def test_focus_search_selects_the_typed_text(qtbot: QtBot) -> None:
    screen, _source = make_screen(qtbot, total=10)
    screen.search_box.setText("Ali")
    screen.activateWindow()
    screen.focus_search()
    assert screen.search_box.selectedText() == "Ali"


def test_count_text_is_plain_english() -> None:
    assert count_text(0) == "No records"
    assert count_text(1) == "1 record"
    assert count_text(12_345, "person", "people") == "12,345 people"
