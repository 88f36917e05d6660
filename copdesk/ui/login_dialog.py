"""Signing in to the district database: user name and password, checked off the GUI thread.

Opening the database derives a key from the password (argon2id, deliberately slow), so the check runs in a
task; wrong passwords and locked or disabled accounts are shown inside the dialog, not in a pop-up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from copdesk import __version__
from copdesk.errors import CopdeskError, ValidationError
from copdesk.services.auth import login_district, recover_district_access
from copdesk.services.context import ServiceContext
from copdesk.ui.forms import FieldForm, PasswordFields
from copdesk.ui.settings import DeskSettings
from copdesk.ui.tasks import Task
from copdesk.ui.theme import mono_font, set_role

LoginFunction = Callable[[Path, str, str], ServiceContext]


class LoginDialog(QDialog):
    """Asks for a user name and password and opens the district database with them."""

    #: Emitted with the :class:`ServiceContext` once the database is open.
    signed_in = Signal(object)

    def __init__(
        self,
        db_path: Path,
        parent: QWidget | None = None,
        *,
        settings: DeskSettings | None = None,
        login: LoginFunction = login_district,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to copdesk")
        self.db_path = db_path
        self.context: ServiceContext | None = None
        self._settings = settings or DeskSettings()
        self._login = login

        heading = QLabel("Sign in to copdesk")
        set_role(heading, "heading")
        where = QLabel(f"District database: {db_path}")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_role(where, "muted")

        self.username = QLineEdit(self._settings.last_username)
        self.username.setPlaceholderText("e.g. clerk")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = FieldForm()
        form.add_field("username", "User name", self.username)
        form.add_field("password", "Password", self.password)

        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        set_role(self.error_label, "field-error")
        self.error_label.hide()
        self.busy_label = QLabel("Checking the password…")
        set_role(self.busy_label, "muted")
        self.busy_label.hide()

        self.buttons = QDialogButtonBox()
        self.sign_in_button = self.buttons.addButton("Sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setDefault(True)
        self.quit_button = self.buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.forgot_button = QPushButton("Forgot the password?")
        self.forgot_button.setFlat(True)
        self.forgot_button.setAutoDefault(False)
        self.forgot_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.forgot_button.setStyleSheet("QPushButton { color: palette(link); text-decoration: underline; }")
        bottom = QHBoxLayout()
        bottom.addWidget(self.forgot_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.quit_button.clicked.connect(self.reject)
        self.forgot_button.clicked.connect(self.open_recovery)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.sign_in)

        version = QLabel(f"copdesk {__version__}")
        set_role(version, "muted")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(where)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.busy_label)
        layout.addStretch(1)
        layout.addLayout(bottom)
        layout.addWidget(version, 0, Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(520)
        self.setMinimumHeight(300)
        (self.password if self.username.text() else self.username).setFocus()

    def show_error(self, message: str) -> None:
        """Show a problem inside the dialog."""
        self.error_label.setText(message)
        self.error_label.show()

    def sign_in(self) -> None:
        """Check the user name and password on a worker thread; success closes the dialog."""
        username, password = self.username.text().strip(), self.password.text()
        if not username:
            self.show_error("Enter your user name.")
            self.username.setFocus()
            return
        if not password:
            self.show_error("Enter your password.")
            self.password.setFocus()
            return
        self.error_label.hide()
        self._set_busy(True)
        path, login = self.db_path, self._login

        def signed_in(context: ServiceContext) -> None:
            if not shiboken6.isValid(self):  # the dialog was closed meanwhile: close the database again
                context.database.dispose()
                return
            self._signed_in(context, username)

        def failed(error: CopdeskError) -> None:
            if shiboken6.isValid(self):
                self._failed(error)

        def done() -> None:
            if shiboken6.isValid(self):
                self._set_busy(False)

        # No parent: the result must arrive even if the dialog is gone, so an opened database is closed.
        Task(lambda: login(path, username, password)).on_success(signed_in).on_failure(failed).on_done(done).run()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.username, self.password, self.sign_in_button, self.forgot_button):
            widget.setEnabled(not busy)
        self.busy_label.setVisible(busy)
        if not busy and self.context is None:
            self.password.setFocus()

    def _signed_in(self, context: ServiceContext, username: str) -> None:
        self.context = context
        self._settings.last_username = username
        self._settings.sync()
        self.signed_in.emit(context)
        self.accept()

    def _failed(self, error: CopdeskError) -> None:
        self.password.clear()
        self.show_error(error.message)

    def open_recovery(self) -> RecoveryDialog:
        """Open the recovery-sheet dialog (non-blocking)."""
        dialog = RecoveryDialog(self.db_path, self, username=self.username.text().strip())
        dialog.recovered.connect(self._recovered)
        dialog.open()
        return dialog

    def _recovered(self, username: str) -> None:
        self.username.setText(username)
        self.password.clear()
        self.error_label.hide()
        self.password.setFocus()


class RecoveryDialog(QDialog):
    """Sets a new password for an account with the key printed on the recovery sheet."""

    recovered = Signal(str)

    def __init__(self, db_path: Path, parent: QWidget | None = None, *, username: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Use the recovery sheet")
        self.db_path = db_path
        intro = QLabel(
            "Type the recovery key from the district's recovery sheet, the account's user name and a new "
            "password for that account."
        )
        intro.setWordWrap(True)
        self.key = QLineEdit()
        self.key.setFont(mono_font(11))
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-…  (13 groups)")
        self.username = QLineEdit(username)
        self.form = FieldForm()
        self.form.add_field("recovery_key", "Recovery key", self.key)
        self.form.add_field("username", "User name", self.username)
        self.passwords = PasswordFields(self.form, self, label="New password", repeat_label="New password again")
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        set_role(self.error_label, "field-error")
        self.error_label.hide()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("Set the new password", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).clicked.connect(self.reject)
        self.ok_button.clicked.connect(self.recover)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def _recovered(self, username: str) -> None:
        self.recovered.emit(username)
        self.accept()

    def recover(self) -> None:
        """Check the key and set the password on a worker thread."""
        key, username = self.key.text().strip(), self.username.text().strip()
        if not key or not username or not self.passwords.is_acceptable():
            self.error_label.setText("Fill in the key, the user name and the new password twice.")
            self.error_label.show()
            return
        password, path = self.passwords.password(), self.db_path
        self.ok_button.setEnabled(False)

        def failed(error: CopdeskError) -> None:
            if not (isinstance(error, ValidationError) and self.form.show_validation(error)):
                self.error_label.setText(error.message)
                self.error_label.show()

        (
            Task(lambda: recover_district_access(path, key, username, password), parent=self)
            .on_success(lambda _none: self._recovered(username))
            .on_failure(failed)
            .on_done(lambda: self.ok_button.setEnabled(True))
            .run()
        )
