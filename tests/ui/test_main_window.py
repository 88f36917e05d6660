"""The main window: screens per role, the Records menu sent to the current screen, the status bar, leaving."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray
from pytestqt.qtbot import QtBot

from copdesk.domain.months import Month
from copdesk.services.context import ServiceContext
from copdesk.ui.app import DeskController
from copdesk.ui.login_dialog import LoginDialog
from copdesk.ui.main_window import SCREENS, MainWindow
from copdesk.ui.people_screen import PeopleScreen
from copdesk.ui.screen import Screen
from copdesk.ui.settings import DeskSettings
from copdesk.ui.settings_screen import SettingsScreen

from .conftest import GUI_MARKS, PASSWORD, click_button, message_boxes

pytestmark = GUI_MARKS


class RecordingScreen(Screen):
    """A screen that remembers which Records actions reached it."""

    key = "recording"
    title = "Recording"
    can_create = True
    can_search = True
    can_save = True

    def __init__(self, unsaved: bool = False) -> None:
        super().__init__()
        self.calls: list[str] = []
        self.unsaved = unsaved
        self.asked: list[Callable[[], None]] = []

    def new_record(self) -> None:
        self.calls.append("new")

    def focus_search(self) -> None:
        self.calls.append("search")

    def save(self) -> None:
        self.calls.append("save")

    def refresh(self) -> None:
        self.calls.append("refresh")

    def has_unsaved_changes(self) -> bool:
        return self.unsaved

    def maybe_close(self, proceed: Callable[[], None]) -> None:
        self.asked.append(proceed)


def open_window(qtbot: QtBot, context: ServiceContext, screens: list[Screen] | None = None) -> MainWindow:
    window = MainWindow(context, screens)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.mark.parametrize(
    ("username", "role_label", "tabs"),
    [
        ("clerk", "Clerk", ["My account", "Stations and beats", "Officers"]),
        ("officer", "Station officer", ["My account", "Stations and beats", "Officers"]),
        ("dpo", "District officer", ["My account", "Accounts", "Stations and beats", "Officers"]),
    ],
)
def test_each_role_gets_its_screens(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    username: str,
    role_label: str,
    tabs: list[str],
) -> None:
    context = sign_in(username)
    window = open_window(qtbot, context)
    wait_tasks()
    keys = window.screen_keys()
    assert {"people", "settings"} <= set(keys)
    order = [module.removesuffix("_screen") for module, _cls, _action in SCREENS]
    assert keys == sorted(keys, key=order.index), "the sidebar follows SCREENS' order"
    assert keys[-1] == "settings"
    window.show_screen("people")
    assert isinstance(window.current_screen(), PeopleScreen)
    settings = window.show_screen("settings")
    assert isinstance(settings, SettingsScreen)
    assert settings.tab_titles() == tabs
    assert window.minimumSizeHint().width() <= 1024  # fits the small screens some offices still have
    assert role_label in window.account_label.text()
    assert str(context.database.path) == window.database_label.text()
    assert window.windowTitle() == "copdesk — LHR"
    wait_tasks()


def test_records_menu_goes_to_the_current_screen(qtbot: QtBot, sign_in: Callable[[str], ServiceContext]) -> None:
    screen = RecordingScreen()
    window = open_window(qtbot, sign_in("clerk"), [screen])
    window.new_action.trigger()
    window.search_action.trigger()
    window.save_action.trigger()
    window.refresh_action.trigger()
    assert screen.calls == ["new", "search", "save", "refresh"]
    assert window.new_action.shortcut().toString() == "Ctrl+N"
    assert window.search_action.shortcut().toString() == "Ctrl+F"
    assert window.save_action.shortcut().toString() == "Ctrl+S"
    assert window.refresh_action.shortcut().toString() == "F5"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"


def test_actions_a_screen_does_not_support_are_disabled(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    window = open_window(qtbot, sign_in("clerk"))
    wait_tasks()
    window.show_screen("people")
    wait_tasks()
    assert window.new_action.isEnabled() and window.search_action.isEnabled()
    assert not window.save_action.isEnabled()
    window.show_screen("settings")
    wait_tasks()
    assert not window.new_action.isEnabled() and not window.search_action.isEnabled()


def test_month_status_and_about(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    context = sign_in("clerk")
    window = open_window(qtbot, context, [RecordingScreen()])
    wait_tasks()
    last_month = Month.of(context.today()).previous()
    assert window.month_label.text() == f"{last_month.label}: open, ready to close"
    window.set_month_status("March 2026: open")
    assert window.month_label.text() == "March 2026: open"
    box = window.show_about()
    assert "copdesk 0." in box.text()
    box.close()


def test_geometry_and_last_screen_are_remembered(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = sign_in("dpo")
    window = open_window(qtbot, context)
    window.show_screen("settings")
    wait_tasks()
    saved = window.saveGeometry()
    window.close()
    assert not window.isVisible()
    assert DeskSettings().window_geometry == saved
    assert DeskSettings().last_screen == "settings"

    restored: list[QByteArray] = []
    original = MainWindow.restoreGeometry

    def spy(self: MainWindow, geometry: QByteArray) -> bool:
        restored.append(geometry)
        return original(self, geometry)

    monkeypatch.setattr(MainWindow, "restoreGeometry", spy)
    again = open_window(qtbot, context)
    wait_tasks()
    assert restored == [saved]  # (the offscreen test screen is too small to compare sizes)
    assert isinstance(again.current_screen(), SettingsScreen)
    wait_tasks()


def test_closing_asks_screens_with_unsaved_changes(qtbot: QtBot, sign_in: Callable[[str], ServiceContext]) -> None:
    screen = RecordingScreen(unsaved=True)
    window = open_window(qtbot, sign_in("clerk"), [screen])
    closed: list[bool] = []
    window.closed.connect(closed.append)
    window.close()
    assert window.isVisible() and len(screen.asked) == 1  # the screen is asking its question
    screen.asked[0]()  # the user agreed to leave
    qtbot.waitUntil(lambda: not window.isVisible())
    assert closed == [False]


def test_switch_user_closes_and_says_so(qtbot: QtBot, sign_in: Callable[[str], ServiceContext]) -> None:
    window = open_window(qtbot, sign_in("clerk"), [RecordingScreen()])
    with qtbot.waitSignal(window.closed) as signal:
        window.switch_user_action.trigger()
    assert signal.args == [True]


def test_the_desk_starts_with_setup_when_there_is_no_database(qtbot: QtBot, tmp_path: Path) -> None:
    quits: list[int] = []
    controller = DeskController(tmp_path / "none.db", quit_application=lambda: quits.append(1))
    controller.start()
    assert controller.wizard is not None and controller.login is None
    qtbot.addWidget(controller.wizard)
    controller.wizard.reject()  # cancelled before anything was created
    assert quits == [1]


def test_the_desk_signs_in_opens_the_window_and_switches_user(
    qtbot: QtBot, district_db_path: Path, wait_tasks: Callable[[], None]
) -> None:
    quits: list[int] = []
    controller = DeskController(district_db_path, quit_application=lambda: quits.append(1))
    controller.start()
    login = controller.login
    assert isinstance(login, LoginDialog)
    login.username.setText("officer")
    login.password.setText(PASSWORD)
    login.sign_in()
    qtbot.waitUntil(lambda: controller.window is not None, timeout=15_000)
    window = controller.window
    assert window is not None
    assert controller.login is None  # the sign-in dialog closed
    assert window.context.actor.username == "officer"
    wait_tasks()
    window.switch_user()
    assert controller.window is None
    assert isinstance(controller.login, LoginDialog) and controller.login.isVisible()
    assert quits == []
    controller.login.reject()
    assert quits == [1]


def test_unsaved_people_form_is_asked_about_before_quitting(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    window = open_window(qtbot, sign_in("clerk"))
    wait_tasks()
    people = window.show_screen("people")
    assert isinstance(people, PeopleScreen)
    people.new_record()
    assert people.dialog is not None
    people.dialog.name.setText("Ayesha Bibi")
    window.close()
    assert window.isVisible()
    [question] = message_boxes(people.dialog)
    assert "not saved" in question.text()
    click_button(question, "Discard changes")
    qtbot.waitUntil(lambda: not window.isVisible())
