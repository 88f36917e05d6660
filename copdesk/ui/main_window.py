"""The main window: a sidebar of screens, the current screen, menus and a status bar.

The window only knows screens through :class:`~copdesk.ui.screen.Screen`; the Records menu (New, Search, Save,
Refresh) is sent to whichever screen is showing. Which screens exist depends on the services that exist and on
what the signed-in role may do (see :func:`build_screens`).

Once the window has been shown it checks the database file in the background (:meth:`MainWindow.check_database`);
a damaged file switches the session to read-only under a red banner that names the newest sound backup.
"""

from __future__ import annotations

import importlib.util
import platform
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from copdesk import __version__
from copdesk.services.context import ServiceContext
from copdesk.services.health import HealthReport, HealthService
from copdesk.ui.banner import Banner
from copdesk.ui.dialogs import show_error
from copdesk.ui.screen import Screen
from copdesk.ui.settings import DeskSettings
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_role

if TYPE_CHECKING:
    from copdesk.services.months import MonthStatus

DEFAULT_SIZE = QSize(1280, 800)


#: The sidebar, in order: (module in copdesk.ui, screen class, the policy action needed to see it).
SCREENS: tuple[tuple[str, str, str], ...] = (
    ("dashboard_screen", "DashboardScreen", "figures.view"),
    ("complaints_screen", "ComplaintsScreen", "complaint.view"),
    ("committees_screen", "CommitteesScreen", "committee.view"),
    ("watch_screen", "WatchScreen", "watch.view"),
    ("outreach_screen", "OutreachScreen", "outreach.view"),
    ("training_screen", "TrainingScreen", "training.view"),
    ("people_screen", "PeopleScreen", "person.view"),
    ("months_screen", "MonthsScreen", "month.view"),
    ("bundles_screen", "BundlesScreen", "bundle.view"),
    ("settings_screen", "SettingsScreen", "account.change_own_password"),
)


def screen_types(context: ServiceContext) -> list[type[Screen]]:
    """The kinds of screen this account can use, in sidebar order."""
    types: list[type[Screen]] = []
    for module_name, class_name, action in SCREENS:
        if not context.can(action) or importlib.util.find_spec(f"copdesk.ui.{module_name}") is None:
            continue
        module = importlib.import_module(f"copdesk.ui.{module_name}")
        types.append(getattr(module, class_name))
    return types


def build_screens(context: ServiceContext) -> list[Screen]:
    """The screens this account can use, in sidebar order."""
    return [make_screen(screen_type, context) for screen_type in screen_types(context)]


def make_screen(screen_type: type[Screen], context: ServiceContext) -> Screen:
    """A screen of this kind for the signed-in account (every screen class takes the service context)."""
    return cast(Callable[[ServiceContext], Screen], screen_type)(context)


def damage_explanation(report: HealthReport) -> tuple[str, str]:
    """The read-only banner's headline and text for a damaged database, naming the newest sound backup."""
    headline = "This database is damaged, so copdesk opened it read-only."
    text = "You can look at records, but nothing can be saved. "
    backup = report.newest_backup
    if backup is None:
        text += "No sound backup was found next to it — a district officer can restore the office's latest backup."
    else:
        taken = backup.taken_at.astimezone()
        text += (
            f"Newest backup: {backup.name} from {taken.day} {taken:%B %Y, %H:%M} — a district officer can restore it."
        )
    return headline, text


def month_status_text(status: MonthStatus) -> str:
    """``"October 2025: open, 3 things to finish"`` / ``"October 2025: closed"``."""
    from copdesk.domain.months import Month

    label = Month.parse(status.month).label
    if status.state == "closed":
        return f"{label}: closed"
    remaining = len(status.problems) + status.more_problems
    if remaining:
        return f"{label}: {status.state}, {remaining} thing{'s' if remaining != 1 else ''} to finish"
    return f"{label}: {status.state}, ready to close"


class MainWindow(QMainWindow):
    """The district desk's main window for one signed-in account."""

    #: The window closed; True when the user asked to switch user (sign in again) rather than quit.
    closed = Signal(bool)
    #: The database check finished (with its HealthReport); the window is read-only when it found damage.
    database_checked = Signal(object)

    def __init__(
        self,
        context: ServiceContext,
        screens: Sequence[Screen] | None = None,
        *,
        settings: DeskSettings | None = None,
    ) -> None:
        super().__init__()
        self.context = context
        #: True once the database check found damage: nothing can be saved in this session.
        self.read_only = False
        self._health_check_started = False
        self._settings = settings or DeskSettings()
        self._close_confirmed = False
        self._switching_user = False
        self.setWindowTitle(self._title())

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(22, 22))
        self.sidebar.setFixedWidth(214)  # wide enough for "Committees & meetings"
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.stack = QStackedWidget()
        # A screen is made the first time it is shown (the window opens faster); until then a blank page
        # stands in for it in the stack.
        self._screen_types: list[type[Screen]] = []
        self._made: dict[int, Screen] = {}
        if screens is not None:
            for screen in screens:
                self.add_screen(screen)
        else:
            for screen_type in screen_types(context):
                self._add_entry(screen_type, None)

        self.banner = Banner()
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.banner)
        layout = QHBoxLayout()
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        outer.addLayout(layout, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_status_bar()
        self.sidebar.currentRowChanged.connect(self._screen_chosen)
        self._restore()
        self.load_month_status()

    # -- building ---------------------------------------------------------------------------------------
    def _title(self) -> str:
        district = f" — {self.context.district_code}" if self.context.district_code else ""
        return f"copdesk{district}"

    @property
    def screens(self) -> list[Screen]:
        """The screens made so far (a screen is made when first shown), in sidebar order."""
        return [self._made[row] for row in sorted(self._made)]

    def add_screen(self, screen: Screen) -> None:
        """Add a screen to the sidebar and the stack."""
        self._add_entry(type(screen), screen)

    def _add_entry(self, screen_type: type[Screen], screen: Screen | None) -> None:
        shown = screen if screen is not None else screen_type
        item = QListWidgetItem(self.style().standardIcon(shown.icon), shown.title)
        item.setData(Qt.ItemDataRole.UserRole, shown.key)
        item.setSizeHint(QSize(180, 40))
        self.sidebar.addItem(item)
        self._screen_types.append(screen_type)
        self.stack.addWidget(screen if screen is not None else QWidget())
        if screen is not None:
            self._adopt(len(self._screen_types) - 1, screen)

    def _adopt(self, row: int, screen: Screen) -> None:
        self._made[row] = screen
        screen.status_message.connect(lambda text: self.statusBar().showMessage(text, 6000))

    def _screen_at(self, row: int) -> Screen:
        """The screen in sidebar row ``row``, made now if it has not been shown before."""
        screen = self._made.get(row)
        if screen is None:
            screen = make_screen(self._screen_types[row], self.context)
            stand_in = self.stack.widget(row)
            self.stack.insertWidget(row, screen)
            if stand_in is not None:
                self.stack.removeWidget(stand_in)
                stand_in.deleteLater()
            self._adopt(row, screen)
        return screen

    def _action(
        self,
        text: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        self.switch_user_action = self._action("&Switch user…", "Ctrl+Shift+L", self.switch_user)
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close)
        file_menu.addAction(self.switch_user_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        records = menus.addMenu("&Records")
        self.new_action = self._action("&New", QKeySequence.StandardKey.New, lambda: self.current_screen().new_record())
        self.search_action = self._action(
            "&Search", QKeySequence.StandardKey.Find, lambda: self.current_screen().focus_search()
        )
        self.save_action = self._action("Sa&ve", QKeySequence.StandardKey.Save, lambda: self.current_screen().save())
        self.refresh_action = self._action("&Refresh", "F5", lambda: self.current_screen().refresh())
        for action in (self.new_action, self.search_action, self.save_action, self.refresh_action):
            records.addAction(action)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.search_action.setShortcut(QKeySequence("Ctrl+F"))
        self.save_action.setShortcut(QKeySequence("Ctrl+S"))

        help_menu = menus.addMenu("&Help")
        self.about_action = self._action("&About copdesk", None, self.show_about)
        help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        actor = self.context.actor
        self.account_label = QLabel(f"{actor.display_name or actor.username} ({actor.role.label})")
        self.account_label.setToolTip(f"Signed in as {actor.username}")
        path = self.context.database.display_name
        self.database_label = QLabel(path)
        self.database_label.setToolTip(path)
        self.database_label.setMaximumWidth(520)
        set_role(self.database_label, "muted")
        self.month_label = QLabel("")
        bar = self.statusBar()
        bar.addWidget(self.account_label)
        bar.addWidget(self.database_label, 1)
        bar.addPermanentWidget(self.month_label)

    def _restore(self) -> None:
        geometry = self._settings.window_geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(DEFAULT_SIZE)
        state = self._settings.window_state
        if state is not None:
            self.restoreState(state)
        keys = self.screen_keys()
        last = self._settings.last_screen
        self.sidebar.setCurrentRow(keys.index(last) if last in keys else 0)

    # -- screens ----------------------------------------------------------------------------------------
    def current_screen(self) -> Screen:
        """The screen that is showing."""
        widget = self.stack.currentWidget()
        assert isinstance(widget, Screen)
        return widget

    def screen_keys(self) -> list[str]:
        """The keys of the screens in the sidebar, in order."""
        return [str(self.sidebar.item(row).data(Qt.ItemDataRole.UserRole)) for row in range(self.sidebar.count())]

    def show_screen(self, key: str) -> Screen:
        """Switch to the screen with this key."""
        self.sidebar.setCurrentRow(self.screen_keys().index(key))
        return self.current_screen()

    def _screen_chosen(self, row: int) -> None:
        if not 0 <= row < len(self._screen_types):
            return
        screen = self._screen_at(row)
        self.stack.setCurrentWidget(screen)
        self.new_action.setEnabled(screen.can_create and not self.read_only)
        self.search_action.setEnabled(screen.can_search)
        self.save_action.setEnabled(screen.can_save and not self.read_only)
        screen.shown()

    def set_month_status(self, text: str) -> None:
        """Show the reporting month's status at the right of the status bar (e.g. "March 2026: open")."""
        self.month_label.setText(text)

    def load_month_status(self) -> None:
        """Show how last month stands (the month the office closes next), when months are kept here."""
        if not (self.context.can("month.view") and self.context.district_code):
            return
        from copdesk.domain.months import Month
        from copdesk.services.months import MonthService

        service = MonthService(self.context)
        month = Month.of(self.context.today()).previous()
        Task(lambda: service.status(str(month)), parent=self).on_success(self._show_month).on_failure(
            lambda _error: None
        ).run()

    def _show_month(self, status: object) -> None:
        from copdesk.services.months import MonthStatus

        if isinstance(status, MonthStatus):
            self.set_month_status(month_status_text(status))

    # -- database health --------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The first time the window shows, check the database once it has painted (the check runs off-thread)."""
        super().showEvent(event)
        if not self._health_check_started:
            self._health_check_started = True
            QTimer.singleShot(0, self, self.check_database)

    def check_database(self) -> None:
        """Check the database file in the background; damage switches the session to read-only."""
        if not self.context.can("org.view"):
            return
        service = HealthService(self.context)
        Task(service.check, parent=self).on_success(self._database_checked).on_failure(
            lambda error: self.statusBar().showMessage(f"The database check could not run: {error.message}", 10_000)
        ).run()

    def _database_checked(self, report: object) -> None:
        if isinstance(report, HealthReport) and not report.ok:
            self.enter_read_only(report)
        self.database_checked.emit(report)

    def enter_read_only(self, report: HealthReport) -> None:
        """Refuse every save from now on and say why in a red banner under the menu bar."""
        self.read_only = True
        self.context.database.read_only = True
        self.new_action.setEnabled(False)
        self.save_action.setEnabled(False)
        self.setWindowTitle(f"{self._title()} (read-only)")
        headline, text = damage_explanation(report)
        self.banner.show_message(headline, text, button="Details…", on_button=lambda: self.show_damage_details(report))

    def show_damage_details(self, report: HealthReport) -> QMessageBox:
        """What the check found, in plain sentences (non-blocking)."""
        lines = [*report.problems]
        if report.newest_backup is not None:
            lines.append(f"The newest sound backup is {report.newest_backup.path}.")
        lines.append("Until it is restored, records can be looked at, but not changed.")
        return show_error(self, "\n\n".join(lines), title="The database is damaged")

    # -- leaving ----------------------------------------------------------------------------------------
    def _confirm_leaving(self, proceed: Callable[[], None]) -> None:
        """Ask each screen with unsaved changes, one after another; ``proceed`` when all agree."""
        pending = [screen for screen in self.screens if screen.has_unsaved_changes()]

        def next_screen() -> None:
            if not pending:
                proceed()
                return
            screen = pending.pop(0)
            self.stack.setCurrentWidget(screen)
            self.sidebar.setCurrentRow(next(row for row, made in self._made.items() if made is screen))
            screen.maybe_close(next_screen)

        next_screen()

    def switch_user(self) -> None:
        """Close the window (after unsaved-changes questions) and go back to the sign-in dialog."""

        def leave() -> None:
            self._switching_user = True
            self._close_confirmed = True
            self.close()

        self._confirm_leaving(leave)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Ask about unsaved changes first; then remember the layout and report that the window closed."""
        if not self._close_confirmed and any(screen.has_unsaved_changes() for screen in self.screens):
            event.ignore()

            def leave() -> None:
                self._close_confirmed = True
                QTimer.singleShot(0, self.close)  # not from inside this closeEvent: Qt would ignore it

            self._confirm_leaving(leave)
            return
        self._settings.window_geometry = self.saveGeometry()
        self._settings.window_state = self.saveState()
        if self.screens:
            self._settings.last_screen = self.current_screen().key
        self._settings.sync()
        event.accept()
        self.closed.emit(self._switching_user)

    def show_about(self) -> QMessageBox:
        """The About box (non-blocking)."""
        from PySide6 import __version__ as qt_version

        box = QMessageBox(self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowTitle("About copdesk")
        box.setIcon(QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"copdesk {__version__}")
        box.setInformativeText(
            "Community Oriented Policing records for district police offices.\n\n"
            f"Python {platform.python_version()}, Qt {qt_version}"
        )
        box.addButton(QMessageBox.StandardButton.Ok)
        box.open()
        return box
