"""Fixtures for the desk's Qt tests: the themed application, signed-in contexts, waiting for tasks.

Every test here is marked ``gui`` (by each module's ``pytestmark``). Qt warnings fail a test (except the
offscreen platform's note that it cannot propagate size hints), bugs routed to the crash dialog fail it too,
and no background task outlives its test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from copdesk.services.auth import login_district
from copdesk.services.context import ServiceContext
from copdesk.ui import crash_dialog, tasks
from copdesk.ui.app import create_application

PASSWORD = "test-password"
#: Qt messages that are not problems of the desk (the offscreen platform's limits).
QT_LOG_IGNORE = ("propagateSizeHints",)

#: Marks for every desk test module: gui, and Qt warnings fail the test.
GUI_MARKS = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(*QT_LOG_IGNORE),
]


@pytest.fixture(autouse=True)
def desk_app(qapp: QApplication) -> QApplication:
    """The test QApplication with the desk's names and theme."""
    return create_application()


@pytest.fixture(autouse=True)
def bugs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    """Exceptions sent to the crash dialog during the test; the test fails if any is left unclaimed."""
    reported: list[BaseException] = []

    def record(exc: BaseException, *_args: object, **_kwargs: object) -> None:
        reported.append(exc)

    monkeypatch.setattr(crash_dialog, "report_exception", record)
    yield reported
    assert not reported, f"unexpected errors reached the crash dialog: {reported!r}"


@pytest.fixture(autouse=True)
def _no_task_outlives_its_test(qapp: QApplication) -> Iterator[None]:
    yield
    QThreadPool.globalInstance().waitForDone(10_000)
    qapp.processEvents()


@pytest.fixture
def keep_alive() -> Iterator[list[object]]:
    """Objects kept alive until after the fixtures requested after this one are torn down (qtmodeltester)."""
    kept: list[object] = []
    yield kept
    kept.clear()


@pytest.fixture
def wait_tasks(qtbot: QtBot) -> Callable[[], None]:
    """Wait until every background task has delivered its result on the GUI thread."""

    def wait(timeout: int = 15_000) -> None:
        qtbot.waitUntil(lambda: tasks.pending_tasks() == 0, timeout=timeout)

    return wait


@pytest.fixture
def sign_in(district_db_path: Path) -> Iterator[Callable[[str], ServiceContext]]:
    """Sign in to the test district database as ``clerk``, ``officer`` or ``dpo`` (closed afterwards)."""
    opened: list[ServiceContext] = []

    def login(username: str) -> ServiceContext:
        context = login_district(district_db_path, username, PASSWORD)
        opened.append(context)
        return context

    yield login
    for context in opened:
        context.database.dispose()


def message_boxes(parent: QWidget | None = None) -> list[QMessageBox]:
    """The message boxes open now (children of ``parent`` when given)."""
    widgets = parent.findChildren(QMessageBox) if parent is not None else QApplication.topLevelWidgets()
    return [w for w in widgets if isinstance(w, QMessageBox) and w.isVisible()]


def click_button(box: QMessageBox, text: str) -> None:
    """Click the message box button with this text."""
    for button in box.buttons():
        if button.text() == text:
            button.click()
            return
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")
