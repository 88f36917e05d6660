"""The task runner: work off the GUI thread, results and failures back on it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from copdesk.errors import CopdeskError, NotFound
from copdesk.ui.tasks import Task, pending_tasks

from .conftest import GUI_MARKS, message_boxes

pytestmark = GUI_MARKS


def test_the_work_runs_off_the_gui_thread_and_the_result_comes_back_on_it(
    qtbot: QtBot, wait_tasks: Callable[[], None]
) -> None:
    gui_thread = threading.get_ident()
    seen: dict[str, int | str] = {}

    def work() -> str:
        seen["worker"] = threading.get_ident()
        return "counted"

    def success(result: str) -> None:
        seen["callback"] = threading.get_ident()
        seen["result"] = result

    Task(work).on_success(success).on_done(lambda: seen.setdefault("done", 1)).run()
    wait_tasks()
    assert seen["worker"] != gui_thread
    assert seen["callback"] == gui_thread
    assert seen["result"] == "counted"
    assert seen["done"] == 1
    assert pending_tasks() == 0


def test_an_expected_failure_goes_to_the_handler(qtbot: QtBot, wait_tasks: Callable[[], None]) -> None:
    failures: list[CopdeskError] = []
    successes: list[object] = []

    def work() -> None:
        raise NotFound("This person does not exist or has been deleted.")

    Task(work).on_success(successes.append).on_failure(failures.append).run()
    wait_tasks()
    assert successes == []
    assert [f.message for f in failures] == ["This person does not exist or has been deleted."]


def test_an_expected_failure_without_a_handler_is_shown_plainly(qtbot: QtBot, wait_tasks: Callable[[], None]) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()

    def work() -> None:
        raise NotFound("This person does not exist or has been deleted.")

    Task(work, parent=parent).run()
    wait_tasks()
    boxes = message_boxes(parent)
    assert [box.text() for box in boxes] == ["This person does not exist or has been deleted."]
    boxes[0].close()


def test_a_bug_goes_to_the_crash_dialog_not_to_the_handler(
    qtbot: QtBot, wait_tasks: Callable[[], None], bugs: list[BaseException]
) -> None:
    handled: list[CopdeskError] = []

    def work() -> None:
        raise KeyError("missing")

    Task(work).on_failure(handled.append).run()
    wait_tasks()
    assert handled == []
    assert len(bugs) == 1 and isinstance(bugs[0], KeyError)
    bugs.clear()


def test_the_result_is_dropped_when_the_window_has_gone(qtbot: QtBot, wait_tasks: Callable[[], None]) -> None:
    parent = QWidget()
    release = threading.Event()
    results: list[int] = []

    def work() -> int:
        release.wait(5)
        return 1

    Task(work, parent=parent).on_success(results.append).run()
    parent.deleteLater()
    qtbot.waitUntil(lambda: not _alive(parent))
    release.set()
    wait_tasks()
    assert results == []


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)
