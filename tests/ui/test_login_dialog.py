"""Signing in: the password is checked off the GUI thread and problems are shown inside the dialog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from copdesk.services.context import ServiceContext
from copdesk.storage.keyslots import MAX_FAILED_LOGINS
from copdesk.ui.login_dialog import LoginDialog, RecoveryDialog
from copdesk.ui.settings import DeskSettings

from .conftest import GUI_MARKS, PASSWORD

pytestmark = GUI_MARKS


@pytest.fixture
def dialog(qtbot: QtBot, district_db_path: Path) -> Iterator[LoginDialog]:
    dialog = LoginDialog(district_db_path)
    qtbot.addWidget(dialog)
    dialog.open()
    yield dialog
    if dialog.context is not None:
        dialog.context.database.dispose()


def test_the_right_password_signs_in(dialog: LoginDialog, qtbot: QtBot) -> None:
    dialog.username.setText("clerk")
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.signed_in, timeout=15_000) as signal:
        dialog.sign_in_button.click()
        assert not dialog.sign_in_button.isEnabled()  # busy while the key is derived
    context = signal.args[0]
    assert isinstance(context, ServiceContext)
    assert context.actor.username == "clerk" and context.actor.display_name == "Desk Clerk"
    assert dialog.result() == QDialog.DialogCode.Accepted.value
    assert DeskSettings().last_username == "clerk"


def test_a_wrong_password_is_shown_inline(dialog: LoginDialog, wait_tasks: Callable[[], None]) -> None:
    dialog.username.setText("officer")
    dialog.password.setText("not-the-password")
    dialog.sign_in()
    wait_tasks()
    assert dialog.context is None
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == "Wrong user name or password."
    assert dialog.password.text() == ""
    assert dialog.sign_in_button.isEnabled()


def test_an_unknown_user_gets_the_same_message(dialog: LoginDialog, wait_tasks: Callable[[], None]) -> None:
    dialog.username.setText("nobody")
    dialog.password.setText(PASSWORD)
    dialog.sign_in()
    wait_tasks()
    assert dialog.error_label.text() == "Wrong user name or password."


def test_too_many_wrong_passwords_lock_the_account(dialog: LoginDialog, wait_tasks: Callable[[], None]) -> None:
    for _attempt in range(MAX_FAILED_LOGINS):
        dialog.username.setText("officer")
        dialog.password.setText("not-the-password")
        dialog.sign_in()
        wait_tasks()
    assert "locked until" in dialog.error_label.text()
    dialog.password.setText(PASSWORD)  # even the right password waits for the lock to pass
    dialog.sign_in()
    wait_tasks()
    assert dialog.context is None
    assert "locked until" in dialog.error_label.text()


def test_empty_fields_are_caught_before_any_work(dialog: LoginDialog) -> None:
    dialog.username.setText("")
    dialog.sign_in()
    assert dialog.error_label.text() == "Enter your user name."
    dialog.username.setText("clerk")
    dialog.sign_in()
    assert dialog.error_label.text() == "Enter your password."
    assert dialog.sign_in_button.isEnabled()


def test_the_last_user_name_is_offered_again(qtbot: QtBot, district_db_path: Path) -> None:
    settings = DeskSettings()
    settings.last_username = "dpo"
    settings.sync()
    dialog = LoginDialog(district_db_path)
    qtbot.addWidget(dialog)
    assert dialog.username.text() == "dpo"


def test_the_recovery_sheet_sets_a_new_password(
    dialog: LoginDialog, qtbot: QtBot, recovery_key: str, wait_tasks: Callable[[], None]
) -> None:
    dialog.username.setText("officer")
    recovery = dialog.open_recovery()
    assert isinstance(recovery, RecoveryDialog)
    assert recovery.username.text() == "officer"
    recovery.key.setText("ABCD-" * 12 + "ABCD")
    recovery.passwords.set_password("a-new-password-1")
    recovery.recover()
    wait_tasks()
    assert "does not open this database" in recovery.error_label.text()
    recovery.key.setText(recovery_key.lower())
    with qtbot.waitSignal(recovery.recovered, timeout=15_000):
        recovery.recover()
    dialog.password.setText("a-new-password-1")
    with qtbot.waitSignal(dialog.signed_in, timeout=15_000):
        dialog.sign_in()
