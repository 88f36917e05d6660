"""Crash reports say where a bug happened, never what data it was handling."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from copdesk.diagnostics import crash_report_text
from copdesk.paths import logs_dir
from copdesk.ui import crash_dialog
from copdesk.ui.crash_dialog import CrashDialog, report_exception

from .conftest import GUI_MARKS

pytestmark = GUI_MARKS

CNIC = "35202-1234567-1"


def _fails_with_data() -> None:
    complainant = "Muhammad Ali s/o Ghulam Rasool"  # a local value that must not reach the report
    raise ValueError(f"bad CNIC {CNIC} for {complainant}")


def _caught(func: object) -> BaseException:
    try:
        func()  # type: ignore[operator]
    except Exception as exc:  # noqa: BLE001
        return exc
    raise AssertionError("expected an exception")


def test_the_report_has_the_place_but_no_values_or_data_messages() -> None:
    exc = _caught(_fails_with_data)
    report = crash_report_text(type(exc), exc, exc.__traceback__)
    assert "_fails_with_data" in report
    assert "builtins.ValueError" in report
    assert "message left out" in report
    assert CNIC not in report
    assert "Muhammad Ali" not in report
    assert "Ghulam" not in report
    assert "copdesk: " in report and "python: " in report


def test_messages_that_name_code_are_kept() -> None:
    def broken() -> None:
        None.name  # type: ignore[attr-defined] # noqa: B018

    exc = _caught(broken)
    report = crash_report_text(type(exc), exc, exc.__traceback__)
    assert "'NoneType' object has no attribute 'name'" in report


def test_the_cause_of_an_error_is_reported_too() -> None:
    def chained() -> None:
        try:
            _fails_with_data()
        except ValueError as error:
            raise RuntimeError("wrapped") from error

    exc = _caught(chained)
    report = crash_report_text(type(exc), exc, exc.__traceback__)
    assert report.index("ValueError") < report.index("RuntimeError")
    assert "led to this one" in report
    assert CNIC not in report


def test_the_dialog_saves_the_report_in_the_logs_folder(qtbot: QtBot) -> None:
    exc = _caught(_fails_with_data)
    dialog = CrashDialog(crash_report_text(type(exc), exc, exc.__traceback__))
    qtbot.addWidget(dialog)
    dialog.open()
    path = dialog.save_report()
    assert path.parent == logs_dir()
    assert path.read_text(encoding="utf-8") == dialog.report
    assert str(path) in dialog.result_label.text()
    assert not dialog.save_button.isEnabled()


def test_uncaught_exceptions_open_the_crash_dialog_once(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, bugs: list[BaseException]
) -> None:
    monkeypatch.setattr(crash_dialog, "report_exception", report_exception)  # the real one
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    crash_dialog.install_excepthook()
    exc = _caught(_fails_with_data)
    sys.excepthook(type(exc), exc, exc.__traceback__)
    sys.excepthook(type(exc), exc, exc.__traceback__)
    dialogs = list(crash_dialog._open_dialogs)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.isVisible()
    assert "_fails_with_data" in dialog.report
    log_text = (logs_dir() / "copdesk.log").read_text(encoding="utf-8")
    assert "ValueError" in log_text and "_fails_with_data" in log_text
    assert CNIC not in log_text and "Muhammad Ali" not in log_text
    dialog.accept()
    assert crash_dialog._open_dialogs == []
    saved = list(Path(logs_dir()).glob("crash-*.txt"))
    assert saved == []  # nothing is saved unless the user asks
