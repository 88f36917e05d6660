"""Settings: own password, the district officer's accounts, stations and beats, officers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.errors import AuthenticationError
from copdesk.models.accounts import Role
from copdesk.services.auth import login_district
from copdesk.services.context import ServiceContext
from copdesk.ui.organisation_panels import OfficerDialog, OfficersPanel, StationDialog, StationsPanel
from copdesk.ui.settings_screen import AccountDialog, AccountsPanel, MyAccountPanel, NewPasswordDialog

from .conftest import GUI_MARKS, PASSWORD, click_button, message_boxes

pytestmark = GUI_MARKS
NEW_PASSWORD = "a-brand-new-password"


def can_sign_in(db_path: Path, username: str, password: str) -> bool:
    try:
        context = login_district(db_path, username, password)
    except AuthenticationError:
        return False
    context.database.dispose()
    return True


def test_changing_your_own_password(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None], district_db_path: Path
) -> None:
    panel = MyAccountPanel(sign_in("clerk"))
    qtbot.addWidget(panel)
    panel.current.setText("not-my-password")
    panel.passwords.set_password(NEW_PASSWORD)
    panel.change_password()
    wait_tasks()
    assert panel.form.message("old_password") == "The current password is wrong."
    panel.current.setText(PASSWORD)
    panel.change_password()
    wait_tasks()
    assert panel.result.text().startswith("Your password has been changed.")
    assert panel.current.text() == "" and panel.passwords.password() == ""
    assert can_sign_in(district_db_path, "clerk", NEW_PASSWORD)
    assert not can_sign_in(district_db_path, "clerk", PASSWORD)


def test_a_new_password_must_be_typed_twice(qtbot: QtBot, sign_in: Callable[[str], ServiceContext]) -> None:
    panel = MyAccountPanel(sign_in("clerk"))
    qtbot.addWidget(panel)
    panel.current.setText(PASSWORD)
    panel.passwords.first.setText(NEW_PASSWORD)
    panel.change_password()
    assert panel.result.text() == "Type a new password of at least 8 characters, twice."


@pytest.fixture
def accounts(qtbot: QtBot, sign_in: Callable[[str], ServiceContext], keep_alive: list[object]) -> AccountsPanel:
    panel = AccountsPanel(sign_in("dpo"))
    keep_alive.append(panel)
    qtbot.addWidget(panel)
    panel.show()
    panel.load()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5_000)
    return panel


def select(panel: AccountsPanel, username: str) -> None:
    row = [a.username for a in panel.model.rows()].index(username)
    panel.table.selectRow(row)


def test_the_district_officer_creates_an_account(
    accounts: AccountsPanel, qtbot: QtBot, qtmodeltester: ModelTester, district_db_path: Path
) -> None:
    qtmodeltester.check(accounts.model, force_py=True)
    dialog = accounts.new_account()
    assert isinstance(dialog, AccountDialog)
    dialog.username.setText("Second Clerk")
    dialog.submit()
    assert "lower-case" in dialog.form.message("username")
    dialog.username.setText("clerk")
    dialog.display_name.setText("Another Clerk")
    dialog.passwords.set_password(NEW_PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error_label.text() == "There is already an account called clerk.", timeout=5_000)
    dialog.username.setText("clerk2")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.STATION_OFFICER.value))
    dialog.submit()
    qtbot.waitUntil(lambda: accounts.model.rowCount() == 4, timeout=10_000)
    created = [a for a in accounts.model.rows() if a.username == "clerk2"]
    assert created and created[0].role is Role.STATION_OFFICER and created[0].display_name == "Another Clerk"
    assert accounts.note.text() == "4 accounts, 4 active."
    assert can_sign_in(district_db_path, "clerk2", NEW_PASSWORD)


def test_disable_enable_and_reset(accounts: AccountsPanel, qtbot: QtBot, district_db_path: Path) -> None:
    select(accounts, "dpo")
    assert not accounts.disable_button.isEnabled() and not accounts.reset_button.isEnabled()  # not your own

    select(accounts, "clerk")
    assert accounts.disable_button.isEnabled() and not accounts.enable_button.isEnabled()
    accounts.disable()
    [question] = message_boxes(accounts)
    click_button(question, "Disable")
    qtbot.waitUntil(lambda: accounts.note.text() == "3 accounts, 2 active.", timeout=10_000)
    selected = accounts.selected()
    assert selected is not None and selected.disabled
    assert accounts.enable_button.isEnabled() and not accounts.reset_button.isEnabled()
    assert not can_sign_in(district_db_path, "clerk", PASSWORD)

    dialog = accounts.enable()
    assert isinstance(dialog, NewPasswordDialog)
    dialog.passwords.set_password(NEW_PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: accounts.note.text() == "3 accounts, 3 active.", timeout=10_000)
    assert can_sign_in(district_db_path, "clerk", NEW_PASSWORD)

    select(accounts, "officer")
    reset = accounts.reset_password()
    assert isinstance(reset, NewPasswordDialog)
    reset.passwords.set_password("short")
    reset.submit()
    assert reset.error_label.text() == "Type a password of at least 8 characters, twice."
    reset.passwords.set_password(NEW_PASSWORD)
    with qtbot.waitSignal(reset.done_with, timeout=10_000):
        reset.submit()
    assert can_sign_in(district_db_path, "officer", NEW_PASSWORD)


def test_stations_and_beats(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    panel = StationsPanel(sign_in("dpo"))
    qtbot.addWidget(panel)
    panel.show()
    panel.load()
    qtbot.waitUntil(lambda: panel.station_model.rowCount() == 2, timeout=5_000)
    wait_tasks()
    assert [s.name for s in panel.station_model.rows()] == ["City", "Saddar"]
    assert panel.beats_caption.text() == "Beats of City"

    dialog = StationDialog(panel.service, None, panel)
    qtbot.addWidget(dialog)
    dialog.done_with.connect(lambda _result: panel.load())
    dialog.submit()
    assert dialog.form.message("name") == "Enter the station's name."
    dialog.name.setText("Gulberg")
    dialog.name_ur.setText("گلبرگ")
    dialog.phone.setText("042-35761234")
    dialog.submit()
    qtbot.waitUntil(lambda: panel.station_model.rowCount() == 3, timeout=10_000)
    wait_tasks()

    beat = panel.add_beat()
    assert beat is not None
    beat.name.setText("Anarkali")  # type: ignore[attr-defined]
    beat.submit()
    qtbot.waitUntil(lambda: panel.beat_model.rowCount() == 1, timeout=10_000)
    wait_tasks()
    station = panel.selected_station()
    assert station is not None and station.name == "City"

    panel.delete_station()  # a station with beats cannot go
    click_button(message_boxes(panel)[0], "Delete")
    wait_tasks()
    [refusal] = message_boxes(panel)
    assert "still has 1 beat" in refusal.text()
    refusal.close()


def test_a_clerk_sees_the_stations_but_no_buttons(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    panel = StationsPanel(sign_in("clerk"))
    qtbot.addWidget(panel)
    panel.show()
    panel.load()
    qtbot.waitUntil(lambda: panel.station_model.rowCount() == 2, timeout=5_000)
    wait_tasks()
    assert not panel.add_station_button.isVisible() and not panel.add_beat_button.isVisible()
    assert panel.edit_station() is None


def test_officers_are_added_listed_and_marked_as_left(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    panel = OfficersPanel(sign_in("dpo"))
    keep_alive.append(panel)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.reloaded, timeout=10_000):
        panel.load()
    wait_tasks()
    assert panel.count_label.text() == "No officers"
    assert panel.station_filter.count() == 3  # all, City, Saddar

    panel.new_record()
    dialogs = panel.findChildren(OfficerDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    dialog.submit()
    assert dialog.form.message("rank") == "Choose the officer's rank."
    dialog.name.setText("Shahid Mehmood")
    dialog.rank.setCurrentIndex(dialog.rank.count() - 1)
    dialog.gender.setCurrentIndex(dialog.gender.findData("male"))
    dialog.station.setCurrentIndex(1)
    dialog.phone.setText("0321-4455667")
    with qtbot.waitSignal(panel.reloaded, timeout=10_000) as signal:
        dialog.submit()
    assert signal.args == [1]
    qtmodeltester.check(panel.model, force_py=True)
    officer = panel.model.row_object(0)
    assert officer is not None and officer.name == "Shahid Mehmood" and officer.station_name == "City"

    panel.open_record(officer)
    qtbot.waitUntil(lambda: len(panel.findChildren(OfficerDialog)) == 1 and dialog_visible(panel), timeout=5_000)
    opened = [d for d in panel.findChildren(OfficerDialog) if d.isVisible()][0]
    assert opened.active_button is not None
    opened.toggle_active()
    with qtbot.waitSignal(panel.reloaded, timeout=10_000) as signal:
        click_button(message_boxes(opened)[0], "Mark as left")
    assert signal.args == [0]  # the list shows serving officers unless asked
    with qtbot.waitSignal(panel.reloaded, timeout=10_000) as signal:
        panel.show_inactive.setChecked(True)
    assert signal.args == [1]


def dialog_visible(panel: OfficersPanel) -> bool:
    return any(d.isVisible() for d in panel.findChildren(OfficerDialog))
