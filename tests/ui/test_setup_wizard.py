"""First-run setup, driven page by page, creating a real encrypted district database; or the demo, made on first use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QLabel, QWizard
from pytestqt.qtbot import QtBot

from copdesk.errors import StorageError
from copdesk.paths import data_dir
from copdesk.services import demo
from copdesk.services.auth import login_district
from copdesk.services.organisation import OrganisationService
from copdesk.storage.keyslots import KeySlotFile
from copdesk.ui.app import DeskController, demo_database
from copdesk.ui.forms import password_advice
from copdesk.ui.login_dialog import LoginDialog
from copdesk.ui.setup_wizard import (
    DEMO_MONTHS,
    DEMO_RESULT,
    DISTRICT,
    LOCATION,
    OFFICER,
    RECOVERY,
    STATIONS,
    WELCOME,
    SetupWizard,
    find_demo_database,
)

from .conftest import GUI_MARKS, message_boxes

pytestmark = GUI_MARKS
PASSWORD = "lahore-district-2026"


@pytest.fixture
def wizard(qtbot: QtBot, tmp_path: Path) -> Iterator[SetupWizard]:
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.location_page.path.setText(str(tmp_path / "office" / "district.db"))
    wizard.show()
    yield wizard
    if wizard.context is not None:
        wizard.context.database.dispose()


def fill_until_location(wizard: SetupWizard) -> None:
    wizard.next()
    assert wizard.currentId() == DISTRICT
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.district_page.choose("LHR")
    assert wizard.district_page.district_ur.text() == "لاہور"
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    assert wizard.currentId() == STATIONS
    assert wizard.stations_page.add_station("City")
    assert wizard.stations_page.add_station("Saddar")
    wizard.stations_page.name.setText("Model Town")  # typed but not added: Next adds it
    wizard.next()
    assert wizard.currentId() == OFFICER
    assert wizard.stations_page.stations() == ["City", "Saddar", "Model Town"]
    page = wizard.officer_page
    page.display_name.setText("Muhammad Asif")
    page.username.setText("dpo")
    page.passwords.set_password(PASSWORD)
    assert page.isComplete()
    wizard.next()
    assert wizard.currentId() == LOCATION


def test_setup_creates_the_district_and_insists_on_the_recovery_sheet(
    wizard: SetupWizard, qtbot: QtBot, tmp_path: Path, wait_tasks: Callable[[], None]
) -> None:
    fill_until_location(wizard)
    db_path = tmp_path / "office" / "district.db"
    assert wizard.location_page.isComplete()
    wizard.next()  # "Create the district": runs in a task
    assert wizard.location_page.busy
    assert not wizard.button(QWizard.WizardButton.CancelButton).isEnabled()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    wizard.reject()  # closing now would lose the recovery key: refused
    assert wizard.isVisible()
    qtbot.waitUntil(lambda: wizard.currentId() == RECOVERY, timeout=20_000)
    assert db_path.exists() and KeySlotFile.path_for(db_path).exists()
    key = wizard.recovery_key()
    assert len(key) == 64
    assert key.split("-")[0] in wizard.recovery_page.key_label.text()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert not wizard.button(QWizard.WizardButton.CancelButton).isEnabled()

    wizard.reject()  # e.g. the window's close button: refused while the sheet is unsaved
    assert wizard.isVisible()
    [refusal] = message_boxes(wizard)
    assert "recovery sheet" in refusal.text()
    refusal.close()

    sheet = wizard.recovery_page.save_to(tmp_path / "sheet.txt")
    text = sheet.read_text(encoding="utf-8")
    assert key in text and "Lahore (LHR)" in text and PASSWORD not in text
    wizard.recovery_page.confirm.setChecked(True)
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted.value
    context = wizard.context
    assert context is not None
    assert context.actor.username == "dpo" and context.district_code == "LHR"
    context.database.dispose()
    wizard.setup = None

    again = login_district(db_path, "dpo", PASSWORD)
    try:
        stations = OrganisationService(again).list_stations()
        assert sorted(s.name for s in stations) == ["City", "Model Town", "Saddar"]
    finally:
        again.database.dispose()


def test_a_failed_creation_is_explained_on_the_page(
    wizard: SetupWizard, qtbot: QtBot, wait_tasks: Callable[[], None]
) -> None:
    fill_until_location(wizard)
    wizard.officer_page.username.setText("dpo")
    wizard.district_page.choose("LHR")
    wizard.stations_page.list.addItem("city")  # a duplicate only the service notices (case differs)
    wizard.next()
    wait_tasks()
    assert wizard.currentId() == LOCATION
    assert "Two stations have the same name." in wizard.location_page.status.text()
    assert wizard.location_page.isComplete()  # not stuck busy: the user can go back and fix it
    assert wizard.setup is None


def test_the_officer_page_checks_user_name_and_passwords(wizard: SetupWizard) -> None:
    page = wizard.officer_page
    page.display_name.setText("Muhammad Asif")
    page.username.setText("DPO Lahore")
    page.passwords.set_password(PASSWORD)
    assert not page.isComplete()
    assert "lower-case" in page.form.message("username")
    page.username.setText("dpo")
    assert page.isComplete()
    page.passwords.second.setText(PASSWORD + "x")
    assert not page.isComplete()
    assert page.form.message("repeat") == "The two passwords are not the same."
    page.passwords.set_password("short")
    assert not page.isComplete()
    assert page.form.message("password") == "Too short: 3 more characters needed."


def test_stations_are_not_added_twice(wizard: SetupWizard) -> None:
    page = wizard.stations_page
    assert page.add_station("City")
    assert not page.add_station("  city ")
    assert page.message.text() == "city is already in the list."
    assert not page.add_station("   ")
    assert page.stations() == ["City"]


def test_the_location_page_refuses_an_existing_file(wizard: SetupWizard, tmp_path: Path) -> None:
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"")
    wizard.location_page.path.setText(str(taken))
    assert "already exists" in wizard.location_page.problem()
    assert not wizard.location_page.isComplete()


def test_the_demo_opens_at_once_when_it_is_there(qtbot: QtBot, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    demo.write_bytes(b"")
    wizard = SetupWizard(demo_path=demo)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.welcome_page.demo_button.isVisible()
    assert "takes a few seconds" not in wizard.welcome_page.demo_note.text()
    with qtbot.waitSignal(wizard.demo_requested) as signal:
        wizard.welcome_page.demo_button.click()
    assert signal.args == [demo]
    assert wizard.result() == DEMO_RESULT


@pytest.fixture
def quick_demo(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, dict[str, object]]]:
    """``build_demo`` calls made by the desk (each really run, with one month of records to be quick)."""
    calls: list[tuple[Path, dict[str, object]]] = []
    real = demo.build_demo

    def quick(out: Path, **options: Any) -> demo.DemoWorld:
        calls.append((out, dict(options)))
        return real(out, **{**options, "months": 1})

    monkeypatch.setattr(demo, "build_demo", quick)
    return calls


def test_the_desk_makes_the_demo_on_first_use_and_signs_in_to_it(
    qtbot: QtBot,
    tmp_path: Path,
    quick_demo: list[tuple[Path, dict[str, object]]],
    wait_tasks: Callable[[], None],
) -> None:
    home = data_dir()
    (home / "demo").mkdir()
    (home / "demo" / "notes.txt").write_text("a demo folder without a database")
    (home / "demo.building").mkdir()
    (home / "demo.building" / "LHR.db").write_bytes(b"cut short")
    quits: list[int] = []
    controller = DeskController(
        tmp_path / "none.db", demo_path=demo_database(), quit_application=lambda: quits.append(1)
    )
    assert controller.demo_path is None
    controller.start()
    wizard = controller.wizard
    assert wizard is not None
    qtbot.addWidget(wizard)
    page = wizard.welcome_page
    assert page.demo_button.isVisible() and page.demo_button.text() == "Open the demo"
    assert "takes a few seconds" in page.demo_note.text()

    page.demo_button.click()
    assert page.busy and page.progress.isVisible() and not page.demo_button.isEnabled()
    assert "Making the demo district" in page.status.text()
    assert not wizard.button(QWizard.WizardButton.CancelButton).isEnabled()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.reject()  # no closing while the demo is being made
    assert wizard.isVisible()

    qtbot.waitUntil(lambda: controller.login is not None, timeout=60_000)
    assert quick_demo == [(home / "demo.building", {"districts": 1, "months": DEMO_MONTHS})]
    assert DEMO_MONTHS == 6
    login = controller.login
    assert isinstance(login, LoginDialog) and login.isVisible()
    assert login.db_path.parent == home / "demo" / "districts" and login.db_path.exists()
    assert demo_database() == login.db_path
    assert not (home / "demo.building").exists() and not (home / "demo" / "notes.txt").exists()
    assert controller.wizard is None and quits == []
    assert login.username.text() == "dpo"
    hint = login.findChild(QLabel, "demoHint")
    assert isinstance(hint, QLabel) and hint.isVisible()
    assert hint.text() == "Demo accounts: clerk, officer, dpo — password: demo"

    login.password.setText("demo")
    login.sign_in()
    qtbot.waitUntil(lambda: controller.window is not None, timeout=20_000)
    window = controller.window
    assert window is not None and window.context.actor.username == "dpo"
    assert window.screen_keys()[0] == "dashboard"
    wait_tasks()
    window.switch_user()  # signing in again on the demo still shows its accounts
    wait_tasks()
    again = controller.login
    assert isinstance(again, LoginDialog) and again.findChild(QLabel, "demoHint") is not None
    again.reject()
    assert quits == [1]
    qtbot.waitUntil(lambda: not shiboken6.isValid(window) and not shiboken6.isValid(again))  # deleted, not leaked


def test_a_demo_that_cannot_be_made_is_explained_on_the_welcome_page(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, wait_tasks: Callable[[], None]
) -> None:
    def full_disk(out: Path, **options: Any) -> demo.DemoWorld:
        raise StorageError("The disk is full.")

    monkeypatch.setattr(demo, "build_demo", full_disk)
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.welcome_page.demo_button.click()
    wait_tasks()
    page = wizard.welcome_page
    assert page.status.text() == "The demo could not be made: The disk is full."
    assert not page.busy and page.demo_button.isEnabled()
    assert wizard.button(QWizard.WizardButton.CancelButton).isEnabled()
    assert wizard.isVisible() and wizard.currentId() == WELCOME
    assert find_demo_database() is None


@pytest.mark.parametrize(
    ("password", "level"),
    [("", "error"), ("abc", "error"), ("abcdefgh", "warning"), ("abcdefg1", "ok"), ("Lahore-2026!", "ok")],
)
def test_password_advice(password: str, level: str) -> None:
    assert password_advice(password)[0] == level
