"""The district desk's entry point: application, logging, crash dialog, then setup or sign-in, then the window.

``run_desk(db_path)`` is what ``copdesk gui`` calls. With no database at ``db_path`` (default: the per-user
data folder) the first-run setup wizard runs; otherwise the sign-in dialog. :class:`DeskController` moves
between them and the main window, and closes the database when the window closes.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout

from copdesk import __version__
from copdesk.logs import configure_logging
from copdesk.paths import default_district_db
from copdesk.services.context import ServiceContext
from copdesk.ui.collector import GuiThreadCollector
from copdesk.ui.crash_dialog import install_excepthook
from copdesk.ui.login_dialog import LoginDialog
from copdesk.ui.main_window import MainWindow
from copdesk.ui.settings import DeskSettings
from copdesk.ui.setup_wizard import DEMO_ACCOUNTS_HINT, SetupWizard, find_demo_database
from copdesk.ui.theme import apply_theme

log = logging.getLogger("copdesk.ui")

ORGANISATION = "copdesk"
APPLICATION = "copdesk desk"


#: The account prefilled when the demo is opened (the district officer sees every screen).
DEMO_USERNAME = "dpo"
DEMO_HINT_STYLE = "QLabel { background: #eef3f8; border: 1px solid #c9d6e3; border-radius: 3px; padding: 6px 8px; }"


def demo_database() -> Path | None:
    """A demo district database, when a demo has been built into the data folder's ``demo`` folder.

    :func:`copdesk.services.demo.build_demo` writes ``<out>/districts/<CODE>.db``; the first one is offered.
    The setup wizard makes the demo there on first use.
    """
    return find_demo_database()


def prepare_demo_login(dialog: LoginDialog) -> QLabel:
    """Prefill the demo's district officer and show the demo accounts and their password above the form."""
    dialog.username.setText(DEMO_USERNAME)
    dialog.password.setFocus()
    hint = QLabel(DEMO_ACCOUNTS_HINT)
    hint.setObjectName("demoHint")
    hint.setWordWrap(True)
    hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    hint.setStyleSheet(DEMO_HINT_STYLE)
    layout = dialog.layout()
    assert isinstance(layout, QVBoxLayout)
    position = layout.indexOf(dialog.error_label)
    layout.insertWidget(position - 1 if position > 0 else layout.count(), hint)
    dialog.setWindowTitle("Sign in to the copdesk demo")
    return hint


def _qt_message(kind: QtMsgType, _context: object, message: str) -> None:
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(kind, logging.WARNING)
    logging.getLogger("copdesk.qt").log(level, "%s", message)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the desk's names (used by QSettings and the window system) and theme."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("copdesk")
    app.setApplicationVersion(__version__)
    apply_theme(app)
    if app.findChild(GuiThreadCollector) is None:
        # What is alive by now (the imported modules: SQLAlchemy, the models, Qt's wrappers) lives as long as the
        # desk; left out of full collections, which would otherwise scan it each time and freeze the window ~0.3 s.
        gc.freeze()
        GuiThreadCollector(app)
    return app


class DeskController(QObject):
    """Moves the desk from setup or sign-in to the main window and back (switch user), one at a time."""

    def __init__(
        self,
        db_path: Path,
        *,
        settings: DeskSettings | None = None,
        demo_path: Path | None = None,
        quit_application: Callable[[], None] = QApplication.quit,
    ) -> None:
        super().__init__()
        self._quit_application = quit_application
        self.db_path = db_path
        self.settings = settings or DeskSettings()
        self.demo_path = demo_path
        self.window: MainWindow | None = None
        self.login: LoginDialog | None = None
        self.wizard: SetupWizard | None = None
        #: True once everything has closed and the desk asked the application to quit.
        self.finished_all = False

    def start(self) -> None:
        """Show the setup wizard when there is no database, the sign-in dialog otherwise."""
        if self.db_path.exists():
            self.show_login()
        else:
            self.show_setup()

    def show_setup(self) -> SetupWizard:
        """The first-run wizard."""
        wizard = SetupWizard(demo_path=self.demo_path)
        wizard.location_page.path.setText(str(self.db_path))
        wizard.finished.connect(lambda _result: self._setup_finished(wizard))
        wizard.demo_requested.connect(self._open_demo)
        self.wizard = wizard
        wizard.show()
        return wizard

    def _setup_finished(self, wizard: SetupWizard) -> None:
        self.wizard = None
        if wizard.context is not None:
            self.db_path = wizard.created_path()
            self.show_window(wizard.context)
        wizard.deleteLater()
        self._quit_if_idle()

    def _open_demo(self, path: object) -> None:
        if isinstance(path, Path):
            self.db_path = path
            self.demo_path = path
            self.show_login()

    def is_demo(self) -> bool:
        """True when the desk is on the demo database."""
        return self.demo_path is not None and self.db_path == self.demo_path

    def show_login(self) -> LoginDialog:
        """The sign-in dialog (on the demo: with the demo accounts shown and ``dpo`` filled in)."""
        dialog = LoginDialog(self.db_path, settings=self.settings)
        if self.is_demo():
            prepare_demo_login(dialog)
        dialog.signed_in.connect(self.show_window)
        dialog.finished.connect(lambda _result: self._login_finished(dialog))
        self.login = dialog
        dialog.show()
        return dialog

    def _login_finished(self, dialog: LoginDialog) -> None:
        if self.login is dialog:
            self.login = None
        dialog.deleteLater()
        self._quit_if_idle()

    def show_window(self, context: ServiceContext) -> MainWindow:
        """The main window for a signed-in account."""
        window = MainWindow(context, settings=self.settings)
        window.closed.connect(lambda switch_user: self._window_closed(window, switch_user))
        self.window = window
        window.show()
        log.info("signed in with role %s", context.actor.role.value)
        return window

    def _window_closed(self, window: MainWindow, switch_user: bool) -> None:
        window.context.database.dispose()
        window.deleteLater()
        if self.window is window:
            self.window = None
        if switch_user:
            self.show_login()
        self._quit_if_idle()

    def _quit_if_idle(self) -> None:
        """Quit when nothing is left open (the user cancelled, or closed the window without switching)."""
        if self.window is None and self.login is None and self.wizard is None:
            self.finished_all = True
            self._quit_application()


def run_desk(db_path: Path | None = None) -> int:
    """Start the district desk on ``db_path`` (default: the per-user district database); returns the exit code."""
    log_file = configure_logging()
    qInstallMessageHandler(_qt_message)
    app = create_application()
    install_excepthook()
    log.info("copdesk %s desk starting (log: %s)", __version__, log_file.name)
    controller = DeskController(db_path or default_district_db(), demo_path=demo_database())
    app.setQuitOnLastWindowClosed(False)  # the controller decides when the desk is done
    controller.start()
    code = app.exec()
    log.info("copdesk desk stopped with code %s", code)
    return int(code)
