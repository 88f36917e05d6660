"""Small message boxes that never block: they open window-modal with ``open()`` and call back when answered.

Nothing in the desk uses ``exec()``: a test (or a task finishing in the background) is never stuck behind a
modal loop. Callers get the box back, so tests can find and answer it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

APP_TITLE = "copdesk"


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def show_error(parent: QWidget | None, message: str, title: str = APP_TITLE) -> QMessageBox:
    """Tell the user that something could not be done, in their terms (a ``CopdeskError``'s message)."""
    box = _box(parent, QMessageBox.Icon.Warning, title, message)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.open()
    return box


def show_info(parent: QWidget | None, message: str, title: str = APP_TITLE) -> QMessageBox:
    """Tell the user that something has been done."""
    box = _box(parent, QMessageBox.Icon.Information, title, message)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.open()
    return box


def confirm(
    parent: QWidget | None,
    question: str,
    on_yes: Callable[[], None],
    *,
    yes_text: str = "Yes",
    no_text: str = "Cancel",
    title: str = APP_TITLE,
    on_no: Callable[[], None] | None = None,
) -> QMessageBox:
    """Ask a yes/no question; ``on_yes`` (or ``on_no``) runs when the user answers."""
    box = _box(parent, QMessageBox.Icon.Question, title, question)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(no_text, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)

    def answered() -> None:
        if box.clickedButton() is yes:
            on_yes()
        elif on_no is not None:
            on_no()

    box.finished.connect(answered)
    box.open()
    return box
