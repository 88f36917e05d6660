"""Settings: your own password, everyone's accounts (district officers), stations, beats and officers.

The organisation tabs live in :mod:`copdesk.ui.organisation_panels` and appear when that service exists.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from copdesk.errors import AccountLocked, AuthenticationError, CopdeskError, ValidationError
from copdesk.models.accounts import Role
from copdesk.services.accounts import DESK_ROLES, AccountInfo, AccountService, check_username
from copdesk.services.context import ServiceContext
from copdesk.ui.dialogs import confirm
from copdesk.ui.forms import FieldForm, FormDialog, PasswordFields
from copdesk.ui.list_screen import RecordTableView
from copdesk.ui.organisation_panels import OfficersPanel, StationsPanel
from copdesk.ui.paged_model import Column
from copdesk.ui.rows_model import RowsTableModel
from copdesk.ui.screen import Screen
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_role

ROLE_ORDER = (Role.CLERK, Role.STATION_OFFICER, Role.DISTRICT_OFFICER)

ACCOUNT_COLUMNS: tuple[Column[AccountInfo], ...] = (
    Column("User name", lambda a: a.username, width=150),
    Column("Name", lambda a: a.display_name, width=220),
    Column("Role", lambda a: a.role.label, width=150),
    Column("Status", lambda a: "Disabled" if a.disabled else "Active", width=100),
    Column("Last signed in", lambda a: a.last_login_at or "Never"),
)


class MyAccountPanel(QWidget):
    """Who is signed in, and changing one's own password."""

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = AccountService(context)
        actor = context.actor
        about = QFormLayout()
        about.setHorizontalSpacing(14)
        self.about_labels = [
            QLabel(actor.display_name or actor.username),
            QLabel(actor.username),
            QLabel(actor.role.label),
        ]
        for caption, label in zip(("Name", "User name", "Role"), self.about_labels, strict=True):
            about.addRow(caption, label)

        self.current = QLineEdit()
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.form = FieldForm()
        self.form.add_field("old_password", "Current password", self.current)
        self.passwords = PasswordFields(self.form, self, label="New password", repeat_label="New password again")
        self.change_button = QPushButton("Change password")
        self.change_button.clicked.connect(self.change_password)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        box = QGroupBox("Change your password")
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(self.form)
        row = QHBoxLayout()
        row.addWidget(self.change_button)
        row.addWidget(self.result, 1)
        box_layout.addLayout(row)
        box.setMaximumWidth(680)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 12, 4, 4)
        layout.addLayout(about)
        layout.addSpacing(12)
        layout.addWidget(box)
        layout.addStretch(1)

    def change_password(self) -> None:
        """Check the current password and set the new one (off the GUI thread: key derivation is slow)."""
        self.form.clear_all()
        self.result.setText("")
        old = self.current.text()
        if not old:
            self.form.set_error("old_password", "Type your current password.")
            return
        if not self.passwords.is_acceptable():
            self.result.setText("Type a new password of at least 8 characters, twice.")
            set_role(self.result, "field-error")
            return
        new, service = self.passwords.password(), self.service
        self.change_button.setEnabled(False)
        (
            Task(lambda: service.change_own_password(old, new), parent=self)
            .on_success(lambda _none: self._changed())
            .on_failure(self._failed)
            .on_done(lambda: self.change_button.setEnabled(True))
            .run()
        )

    def _changed(self) -> None:
        self.current.clear()
        self.passwords.clear()
        self.result.setText("Your password has been changed. Use the new one next time you sign in.")
        set_role(self.result, "field-ok")

    def _failed(self, error: CopdeskError) -> None:
        if isinstance(error, AuthenticationError) and not isinstance(error, AccountLocked):
            self.form.set_error("old_password", "The current password is wrong.")
            self.current.clear()
            self.current.setFocus()
            return
        self.result.setText(error.message)
        set_role(self.result, "field-error")


class AccountDialog(FormDialog):
    """A new account: user name, name, role and a first password."""

    def __init__(self, service: AccountService, parent: QWidget | None = None) -> None:
        super().__init__(
            "New account",
            "Create account",
            parent,
            "The person signs in with this user name and password, and should change the password at once.",
        )
        self.service = service
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role in ROLE_ORDER:
            if role in DESK_ROLES:
                self.role.addItem(role.label, role.value)
        self.form.add_field("username", "User name", self.username, "Lower-case letters and digits.")
        self.form.add_field("display_name", "Full name", self.display_name)
        self.form.add_field("role", "Role", self.role)
        self.passwords = PasswordFields(self.form, self, label="First password", repeat_label="Password again")

    def operation(self) -> Callable[[], object] | None:
        """Create the account, after checking the fields here."""
        self.form.clear_all()
        try:
            username = check_username(self.username.text())
        except ValidationError as error:
            self.form.show_validation(error)
            return None
        name = self.display_name.text().strip()
        if not name:
            self.form.set_error("display_name", "Enter the person's name.")
            return None
        if not self.passwords.is_acceptable():
            self.show_problem("Type a password of at least 8 characters, twice.")
            return None
        role, password, service = Role(self.role.currentData()), self.passwords.password(), self.service
        return lambda: service.create_account(username, name, role, password)


class NewPasswordDialog(FormDialog):
    """A new password for someone else's account (reset, or enabling a disabled account)."""

    def __init__(
        self, title: str, ok_text: str, intro: str, apply: Callable[[str], object], parent: QWidget | None = None
    ) -> None:
        super().__init__(title, ok_text, parent, intro)
        self._apply = apply
        self.passwords = PasswordFields(self.form, self, label="New password", repeat_label="New password again")

    def operation(self) -> Callable[[], object] | None:
        """Set the password typed twice."""
        if not self.passwords.is_acceptable():
            self.show_problem("Type a password of at least 8 characters, twice.")
            return None
        password, apply = self.passwords.password(), self._apply
        return lambda: apply(password)


class AccountsPanel(QWidget):
    """The district officer's list of accounts, with create, disable, enable and reset password."""

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = AccountService(context)
        self.model = RowsTableModel(ACCOUNT_COLUMNS, self)
        self.table = RecordTableView()
        self.table.setModel(self.model)
        for number, column in enumerate(ACCOUNT_COLUMNS):
            if column.width:
                self.table.setColumnWidth(number, column.width)
        self.table.open_requested.connect(lambda _index: self.reset_password())
        self.new_button = QPushButton("New account…")
        self.reset_button = QPushButton("Reset password…")
        self.disable_button = QPushButton("Disable…")
        self.enable_button = QPushButton("Enable…")
        self.new_button.clicked.connect(self.new_account)
        self.reset_button.clicked.connect(self.reset_password)
        self.disable_button.clicked.connect(self.disable)
        self.enable_button.clicked.connect(self.enable)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.reset_button, self.disable_button, self.enable_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.note = QLabel("")
        set_role(self.note, "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 12, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

    def load(self) -> None:
        """Load the accounts (off the GUI thread)."""
        service = self.service
        Task(service.list_accounts, parent=self).on_success(self._show).run()

    def _show(self, accounts: list[AccountInfo]) -> None:
        selected = self.selected()
        self.model.set_rows(accounts)
        active = sum(not a.disabled for a in accounts)
        self.note.setText(f"{len(accounts)} accounts, {active} active.")
        if selected is not None:
            for row, account in enumerate(accounts):
                if account.username == selected.username:
                    self.table.selectRow(row)
        self._selection_changed()

    def selected(self) -> AccountInfo | None:
        """The selected account."""
        index = self.table.currentIndex()
        row = self.model.row_object(index.row()) if index.isValid() else None
        return row if isinstance(row, AccountInfo) else None

    def _selection_changed(self) -> None:
        account = self.selected()
        own = account is not None and account.username == self.context.actor.username
        self.reset_button.setEnabled(account is not None and not account.disabled and not own)
        self.disable_button.setEnabled(account is not None and not account.disabled and not own)
        self.enable_button.setEnabled(account is not None and account.disabled)

    def _open(self, dialog: FormDialog) -> FormDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_with.connect(lambda _result: self.load())
        dialog.open()
        return dialog

    def new_account(self) -> FormDialog:
        """Open the new-account form."""
        return self._open(AccountDialog(self.service, self))

    def reset_password(self) -> FormDialog | None:
        """Give the selected account a new password."""
        account = self.selected()
        if account is None or account.disabled or account.username == self.context.actor.username:
            return None
        service, username = self.service, account.username
        return self._open(
            NewPasswordDialog(
                f"New password for {account.display_name}",
                "Set password",
                f"Type a new password for {account.display_name} ({username}) and tell it to them in person.",
                lambda password: service.reset_password(username, password),
                self,
            )
        )

    def enable(self) -> FormDialog | None:
        """Enable the selected (disabled) account with a new password."""
        account = self.selected()
        if account is None or not account.disabled:
            return None
        service, username = self.service, account.username
        return self._open(
            NewPasswordDialog(
                f"Enable {account.display_name}",
                "Enable account",
                f"{account.display_name} ({username}) will be able to sign in again with this new password.",
                lambda password: service.enable(username, password),
                self,
            )
        )

    def disable(self) -> None:
        """Ask, then disable the selected account."""
        account = self.selected()
        if account is None or account.disabled:
            return
        service, username = self.service, account.username

        def disable() -> None:
            Task(lambda: service.disable(username), parent=self).on_success(lambda _none: self.load()).run()

        confirm(
            self,
            f"Disable {account.display_name}'s account ({username})? Their password will stop working at once.",
            disable,
            yes_text="Disable",
        )


class SettingsScreen(Screen):
    """Your account; accounts for district officers; stations, beats and officers when available."""

    key = "settings"
    title = "Settings"
    icon = QStyle.StandardPixmap.SP_FileDialogDetailedView

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.my_account = MyAccountPanel(context)
        self.tabs.addTab(self.my_account, "My account")
        self._loaders: dict[QWidget, Callable[[], None]] = {}
        self.accounts: AccountsPanel | None = None
        if context.can("account.list"):
            self.accounts = AccountsPanel(context)
            self._add_tab(self.accounts, "Accounts", self.accounts.load)
        self.stations: StationsPanel | None = None
        self.officers: OfficersPanel | None = None
        if context.can("org.view"):
            self.stations = StationsPanel(context)
            self.officers = OfficersPanel(context)
            self._add_tab(self.stations, "Stations and beats", self.stations.load)
            self._add_tab(self.officers, "Officers", self.officers.load)
        self.tabs.currentChanged.connect(lambda _index: self.refresh())
        heading = QLabel(self.title)
        set_role(heading, "heading")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)

    def _add_tab(self, panel: QWidget, title: str, load: Callable[[], None]) -> None:
        self.tabs.addTab(panel, title)
        self._loaders[panel] = load

    def tab_titles(self) -> list[str]:
        """The titles of the tabs shown."""
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def shown(self) -> None:
        """Load the current tab's data."""
        self.refresh()

    def refresh(self) -> None:
        """Load the current tab's data again."""
        load = self._loaders.get(self.tabs.currentWidget())
        if load is not None:
            load()
