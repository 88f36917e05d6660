"""The crash dialog: a plain message for a bug, and a button that saves a report without personal data."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from copdesk.diagnostics import crash_report_text, save_crash_report
from copdesk.logs import configure_logging
from copdesk.paths import logs_dir
from copdesk.ui.theme import mono_font, set_role

MESSAGE = (
    "copdesk ran into a problem it did not expect. Work that was already saved is safe; "
    "the change you were making may not have been saved.\n\n"
    "Please save a report and give it to whoever looks after copdesk in your district. "
    "The report says where the problem happened; it contains no names, CNIC numbers or other records."
)

_open_dialogs: list[CrashDialog] = []


class CrashDialog(QDialog):
    """Shows that an unexpected error happened and offers to save a crash report into the logs folder."""

    def __init__(self, report: str, parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("copdesk: unexpected problem")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.report = report
        self.saved_path: Path | None = None
        self._folder = folder

        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        message = QLabel(MESSAGE)
        message.setWordWrap(True)
        message.setMinimumWidth(420)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(message, 1)

        self.details = QPlainTextEdit(report)
        self.details.setReadOnly(True)
        self.details.setFont(mono_font(9))
        self.details.setVisible(False)
        self.details.setMinimumHeight(220)

        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QDialogButtonBox()
        self.details_button = QPushButton("Show details")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        self.save_button = QPushButton("Save report")
        self.save_button.clicked.connect(self.save_report)
        buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Show details")
        self.adjustSize()

    def save_report(self) -> Path:
        """Write the report into the logs folder and say where it is."""
        self.saved_path = save_crash_report(self.report, self._folder or logs_dir())
        self.result_label.setText(f"Report saved as {self.saved_path}")
        set_role(self.result_label, "field-ok")
        self.save_button.setEnabled(False)
        return self.saved_path


def report_exception(
    exc: BaseException,
    parent: QWidget | None = None,
    exc_type: type[BaseException] | None = None,
    tb: TracebackType | None = None,
) -> CrashDialog | None:
    """Log an unexpected exception and show the crash dialog (one at a time); None when no GUI is running."""
    tb = tb or exc.__traceback__
    report = crash_report_text(exc_type or type(exc), exc, tb)
    try:
        configure_logging()
        # The report, not the exception: exception messages may quote names, which the log must not hold.
        logging.getLogger("copdesk").error("unexpected error\n%s", report)
    except Exception:  # pragma: no cover - logging must never hide the crash itself
        pass
    if QApplication.instance() is None:
        return None
    if _open_dialogs:
        return _open_dialogs[0]
    dialog = CrashDialog(report, parent)
    _open_dialogs.append(dialog)
    dialog.finished.connect(lambda _result: _open_dialogs.remove(dialog) if dialog in _open_dialogs else None)
    dialog.open()
    return dialog


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if report_exception(exc, None, exc_type, tb) is None:
        sys.__excepthook__(exc_type, exc, tb)


def install_excepthook() -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to the log and the crash dialog."""
    sys.excepthook = _excepthook
