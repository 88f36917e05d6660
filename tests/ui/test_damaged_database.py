"""A damaged database: found by the check after the window shows, then read-only under a red banner."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from copdesk.paths import backups_dir
from copdesk.services.context import ServiceContext
from copdesk.services.health import BackupFile, HealthReport
from copdesk.services.paging import PageRequest
from copdesk.services.people import PeopleService
from copdesk.storage.backup import backup_to
from copdesk.storage.database import open_district_engine
from copdesk.ui.main_window import MainWindow, damage_explanation
from copdesk.ui.people_screen import PeopleScreen
from copdesk.ui.settings_screen import SettingsScreen

from .conftest import GUI_MARKS, message_boxes

pytestmark = GUI_MARKS

PAGE_SIZE = 4096
READ_ONLY_MESSAGE = "This database is open read-only; changes cannot be saved."
#: 14 March 2026, 09:30 local time: when the backup in these tests was taken.
BACKUP_TIME = datetime(2026, 3, 14, 9, 30).timestamp()
BACKUP_NAME = "district-2026-03-14.db"


def damage(path: Path, key: bytes, table: str = "people_fts_data") -> None:
    """Back the database up, then flip bytes in the middle of ``table``'s first page (after a WAL checkpoint).

    The people search index is not read by signing in or by the People list, so the desk opens as it would on
    a real file with one bad sector: only the check finds it.
    """
    database = open_district_engine(path, key)
    try:
        backup = backup_to(database, backups_dir(path) / BACKUP_NAME)
        with database.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            page = connection.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).scalar()
    finally:
        database.dispose()
    os.utime(backup, (BACKUP_TIME, BACKUP_TIME))
    assert isinstance(page, int)
    with path.open("r+b") as file:
        file.seek((page - 1) * PAGE_SIZE + PAGE_SIZE // 2)
        original = file.read(16)
        file.seek((page - 1) * PAGE_SIZE + PAGE_SIZE // 2)
        file.write(bytes(byte ^ 0xFF for byte in original))


def open_checked_window(qtbot: QtBot, context: ServiceContext) -> MainWindow:
    """A main window with the People and Settings screens, shown, after its database check has finished."""
    window = MainWindow(context, [PeopleScreen(context), SettingsScreen(context)])
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.database_checked, timeout=15_000):
        window.show()
    return window


def test_a_damaged_database_is_opened_read_only_under_a_banner(
    qtbot: QtBot,
    district_db_path: Path,
    district_template: tuple[Path, bytes],
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
) -> None:
    damage(district_db_path, district_template[1])
    context = sign_in("clerk")
    window = open_checked_window(qtbot, context)
    wait_tasks()

    assert window.banner.isVisible()
    assert window.banner.headline.text() == "This database is damaged, so copdesk opened it read-only."
    banner_text = window.banner.text.text()
    assert f"Newest backup: {BACKUP_NAME} from 14 March 2026, 09:30" in banner_text
    assert "a district officer can restore it" in banner_text
    assert window.banner.geometry().top() == 0  # first thing under the menu bar
    assert window.read_only and context.database.read_only
    assert window.windowTitle().endswith("(read-only)")
    assert not window.new_action.isEnabled()
    assert not window.save_action.isEnabled()
    window.show_screen("settings")
    window.show_screen("people")  # switching screens does not bring New and Save back
    assert not window.new_action.isEnabled()
    assert not window.save_action.isEnabled()
    assert window.search_action.isEnabled()  # looking things up still works


def test_a_save_on_a_damaged_database_shows_the_read_only_message(
    qtbot: QtBot,
    district_db_path: Path,
    district_template: tuple[Path, bytes],
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
) -> None:
    damage(district_db_path, district_template[1])
    context = sign_in("clerk")
    window = open_checked_window(qtbot, context)
    screen = window.current_screen()
    assert isinstance(screen, PeopleScreen)
    wait_tasks()

    window.new_action.trigger()  # disabled: nothing opens
    assert screen.dialog is None
    screen.new_button.click()  # the screen's own button still opens the form, but saving is refused
    dialog = screen.dialog
    assert dialog is not None
    dialog.name.setText("Zainab Hussain")
    dialog.father_name.setText("Imran Hussain")
    dialog.gender.setCurrentIndex(dialog.gender.findData("female"))
    dialog.save()
    wait_tasks()
    boxes = message_boxes(dialog)
    assert [box.text() for box in boxes] == [READ_ONLY_MESSAGE]
    assert dialog.isVisible()  # what was typed is not lost
    assert PeopleService(context).count(PageRequest()) == 0
    boxes[0].accept()


def test_the_details_name_each_problem_and_the_backup(
    qtbot: QtBot,
    district_db_path: Path,
    district_template: tuple[Path, bytes],
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
) -> None:
    damage(district_db_path, district_template[1])
    window = open_checked_window(qtbot, sign_in("dpo"))
    wait_tasks()
    assert window.banner.button.text() == "Details…"
    window.banner.button.click()
    (box,) = message_boxes(window)
    assert box.windowTitle() == "The database is damaged"
    assert "One page of the database file failed the tamper check" in box.text()
    assert str(backups_dir(district_db_path) / BACKUP_NAME) in box.text()
    assert "sqlcipher" not in box.text().lower() and "hmac" not in box.text().lower()
    box.accept()


def test_a_healthy_database_shows_no_banner(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    context = sign_in("officer")
    window = open_checked_window(qtbot, context)
    wait_tasks()
    assert not window.banner.isVisible()
    assert not window.read_only and not context.database.read_only
    assert window.new_action.isEnabled()
    assert window.windowTitle() == "copdesk — LHR"


def test_the_check_runs_once_per_window(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    window = open_checked_window(qtbot, sign_in("clerk"))
    wait_tasks()
    reports: list[object] = []
    window.database_checked.connect(reports.append)
    window.hide()
    window.show()  # shown again (e.g. restored from the taskbar): not checked again
    qtbot.wait(50)
    wait_tasks()
    assert reports == []


@pytest.mark.parametrize(
    ("backup", "expected"),
    [
        (None, "No sound backup was found next to it — a district officer can restore the office's latest backup."),
        (
            BackupFile(Path("/office/backups/district-old.db"), datetime.fromtimestamp(BACKUP_TIME).astimezone()),
            "Newest backup: district-old.db from 14 March 2026, 09:30 — a district officer can restore it.",
        ),
    ],
)
def test_the_explanation_names_the_backup_or_says_there_is_none(backup: BackupFile | None, expected: str) -> None:
    headline, explanation = damage_explanation(HealthReport(problems=("Something is wrong.",), newest_backup=backup))
    assert headline == "This database is damaged, so copdesk opened it read-only."
    assert explanation == "You can look at records, but nothing can be saved. " + expected
