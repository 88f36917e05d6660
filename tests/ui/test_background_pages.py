"""Lists that never make the window wait: pages fetched on workers, first rows before the count, lazy screens."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.services.context import ServiceContext
from copdesk.services.paging import Page, PageRequest
from copdesk.ui.dashboard_screen import DashboardScreen
from copdesk.ui.list_screen import ListScreen
from copdesk.ui.list_state import ListQuery
from copdesk.ui.main_window import MainWindow
from copdesk.ui.paged_model import PagedTableModel
from copdesk.ui.people_screen import PeopleScreen

from .conftest import GUI_MARKS
from .fakes import NumberSource, Row, Unavailable
from .test_paged_model import COLUMNS, MILLION

pytestmark = GUI_MARKS


@dataclass
class ThreadNotingSource(NumberSource):
    """Numbers that note which thread asked for each page, and whose count waits until ``counting`` is set."""

    page_threads: list[bool] = field(default_factory=list)  # True: asked on the GUI thread
    counts_started: int = 0
    counting: threading.Event = field(default_factory=threading.Event)
    paging: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.paging.set()

    def page(self, request: PageRequest) -> Page[Row]:
        self.page_threads.append(threading.current_thread() is threading.main_thread())
        self.paging.wait(10)
        return super().page(request)

    def count(self, request: PageRequest) -> int:
        self.counts_started += 1
        self.counting.wait(10)
        return super().count(request)


def background_model(total: int = MILLION) -> tuple[PagedTableModel, ThreadNotingSource]:
    source = ThreadNotingSource(total)
    source.counting.set()
    model = PagedTableModel(source, COLUMNS, fetch_in_background=True)
    model.show(ListQuery(), total)
    return model, source


def test_background_pages_never_query_on_the_gui_thread(qtbot: QtBot) -> None:
    model, source = background_model()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    assert model.data(model.index(0, 1)) is None  # blank until the page arrives
    qtbot.waitUntil(lambda: model.is_row_loaded(0))
    assert model.data(model.index(0, 1)) == "Person 0000000"

    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.is_row_loaded(MILLION - 1))
    assert model.data(model.index(MILLION - 1, 1)) == "Person 0999999"
    assert source.page_threads and not any(source.page_threads)  # every page came from a worker
    offsets = sorted({request.offset for request in source.pages})
    assert offsets[0] == 0 and offsets[-1] == MILLION - 200 and len(offsets) <= 3  # only what was on screen


def test_a_page_arriving_repaints_its_rows(qtbot: QtBot) -> None:
    model, _source = background_model(1_000)
    assert model.data(model.index(250, 0)) is None
    with qtbot.waitSignal(model.dataChanged) as signal:
        pass
    first, last = signal.args[0], signal.args[1]
    assert (first.row(), last.row(), last.column()) == (200, 399, 1)
    assert model.data(model.index(250, 0)) == "250"


def test_pages_the_view_has_scrolled_past_are_skipped(qtbot: QtBot) -> None:
    pool = QThreadPool.globalInstance()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(2)
    try:
        model, source = background_model()
        source.paging.clear()  # the workers wait in the first two pages
        for row in (0, 200_000, 400_000, 600_000):  # one repaint asks for these pages...
            model.data(model.index(row, 0))
        model._fetch_asked()  # ...and sends them out at once
        qtbot.waitUntil(lambda: len(source.page_threads) == 2)
        model.data(model.index(999_999, 0))  # the next repaint (the user dragged on) wants only the last page
        model._fetch_asked()
        source.paging.set()
        qtbot.waitUntil(lambda: model.is_row_loaded(999_999) and model.loading_pages == 0)
    finally:
        pool.setMaxThreadCount(threads)
    assert sorted(request.offset for request in source.pages) == [0, 200_000, MILLION - 200]  # the rest skipped
    assert not model.is_row_loaded(400_000)


def test_pages_of_an_older_query_are_dropped(qtbot: QtBot) -> None:
    model, _source = background_model()
    model.data(model.index(500_000, 0))
    model.show(ListQuery(search="7"), 100_000)  # a new search before the page came back
    qtbot.waitUntil(lambda: model.loading_pages == 0)
    qtbot.wait(50)
    assert not model.is_row_loaded(50_000)  # nothing of the old list was kept
    assert model.data(model.index(0, 0)) is None
    qtbot.waitUntil(lambda: model.is_row_loaded(0))
    assert model.data(model.index(0, 0)) == "7"


def test_a_background_page_that_fails_is_reported_once(qtbot: QtBot) -> None:
    model, source = background_model(1_000)
    source.fail_with = Unavailable("The database is busy with another task; try again in a moment.")
    with qtbot.waitSignal(model.load_failed) as signal:
        model.data(model.index(0, 0))
    assert signal.args == ["The database is busy with another task; try again in a moment."]
    asked = len(source.pages)
    assert model.data(model.index(1, 0)) is None
    qtbot.wait(50)
    assert len(source.pages) == asked  # not asked again until a reload
    source.fail_with = None
    model.invalidate()
    model.data(model.index(1, 0))
    qtbot.waitUntil(lambda: model.is_row_loaded(1))
    assert model.data(model.index(1, 0)) == "1"


def test_background_model_passes_qt_model_checks(
    qtbot: QtBot, qtmodeltester: ModelTester, wait_tasks: Callable[[], None]
) -> None:
    model, _source = background_model(5_000)
    qtmodeltester.check(model, force_py=True)
    qtbot.waitUntil(lambda: model.loading_pages == 0)
    model.set_total(6_000)  # the count came after the first rows
    assert model.rowCount() == 6_000
    model.set_total(100)
    assert model.rowCount() == 100
    qtmodeltester.check(model, force_py=True)
    qtbot.waitUntil(lambda: model.loading_pages == 0)
    wait_tasks()  # every page delivered while the tester still watches


class NumbersScreen(ListScreen):
    title = "Numbers"


def test_the_first_rows_show_before_the_count_and_off_the_gui_thread(qtbot: QtBot) -> None:
    source = ThreadNotingSource(MILLION)  # the count waits until the test lets it go
    screen = NumbersScreen(source, COLUMNS)
    qtbot.addWidget(screen)
    screen.resize(900, 600)
    screen.show()
    screen.shown()
    qtbot.waitUntil(lambda: screen.model.is_row_loaded(0))
    assert screen.count_label.text() == "Counting…"
    assert screen.model.data(screen.model.index(0, 1)) == "Person 0000000"
    with qtbot.waitSignal(screen.reloaded) as signal:
        source.counting.set()
    assert signal.args == [MILLION]
    assert screen.model.rowCount() == MILLION
    assert screen.count_label.text() == "1,000,000 records"
    assert not any(source.page_threads)


def test_an_empty_list_is_reloaded_once_whichever_answer_comes_first(qtbot: QtBot) -> None:
    source = ThreadNotingSource(0)
    source.paging.clear()  # the count (none) comes first, the empty page later
    source.counting.set()
    screen = NumbersScreen(source, COLUMNS)
    qtbot.addWidget(screen)
    reloads: list[int] = []
    screen.reloaded.connect(reloads.append)
    screen.reload()
    qtbot.waitUntil(lambda: reloads == [0])
    assert screen.count_label.text() == "No records"
    source.paging.set()
    qtbot.waitUntil(lambda: len(source.pages) == 1)
    qtbot.wait(50)
    assert reloads == [0]  # the late empty page did not announce the list again


def test_a_search_typed_past_is_not_worked_on(qtbot: QtBot, wait_tasks: Callable[[], None]) -> None:
    pool = QThreadPool.globalInstance()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(2)
    try:
        source = ThreadNotingSource(MILLION)
        source.paging.clear()
        screen = NumbersScreen(source, COLUMNS)
        qtbot.addWidget(screen)
        screen.reload()  # its page and count wait, holding both workers...
        qtbot.waitUntil(lambda: len(source.page_threads) == 1 and source.counts_started == 1)
        screen.search_box.setText("7")
        screen.reload()  # ...while the user types on
        screen.search_box.setText("")
        with qtbot.waitSignal(screen.reloaded) as signal:
            screen.reload()
            source.paging.set()
            source.counting.set()
        wait_tasks()
    finally:
        pool.setMaxThreadCount(threads)
    assert signal.args == [MILLION]
    assert "7" not in [request.search for request in source.counts + source.pages]  # skipped by the workers
    assert screen.count_label.text() == "1,000,000 records"


def test_screens_are_made_when_first_shown(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    window = MainWindow(sign_in("clerk"))
    qtbot.addWidget(window)
    window.show()
    wait_tasks()
    assert [type(screen) for screen in window.screens] == [DashboardScreen]  # only what is showing
    assert "people" in window.screen_keys() and window.sidebar.count() == len(window.screen_keys())
    people = window.show_screen("people")
    assert isinstance(people, PeopleScreen) and window.current_screen() is people
    assert [type(screen) for screen in window.screens] == [DashboardScreen, PeopleScreen]
    assert window.show_screen("people") is people  # made once
    wait_tasks()
