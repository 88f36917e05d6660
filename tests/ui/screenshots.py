"""Make the desk's screenshots for docs/screenshots (offscreen, with a throw-away district).

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python -m tests.ui.screenshots docs/screenshots``.
Everything is written in a temporary data folder; only the PNG files land in the given folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(out: Path) -> int:
    """Drive the wizard, login and main window and save a PNG of each."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="copdesk-shots-"))
    os.environ["COPDESK_HOME"] = str(home)
    out.mkdir(parents=True, exist_ok=True)

    from copdesk.storage import keyslots

    keyslots.DEFAULT_KDF = keyslots.OWASP_FLOOR_KDF  # quick key derivation for a throw-away database

    from PySide6.QtWidgets import QWidget

    from copdesk.models.accounts import Role
    from copdesk.services.accounts import AccountService
    from copdesk.services.organisation import OrganisationService
    from copdesk.services.people import PeopleService, PersonDraft
    from copdesk.ui import tasks
    from copdesk.ui.app import create_application
    from copdesk.ui.login_dialog import LoginDialog
    from copdesk.ui.main_window import MainWindow
    from copdesk.ui.people_screen import PeopleScreen
    from copdesk.ui.settings_screen import SettingsScreen
    from copdesk.ui.setup_wizard import SetupWizard

    app = create_application(["copdesk"])

    def pump(ms: int = 150) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def settle() -> None:
        end = time.monotonic() + 20
        while tasks.pending_tasks() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        pump()

    def shot(widget: QWidget, name: str) -> None:
        settle()
        widget.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    wizard = SetupWizard()
    wizard.location_page.path.setText(str(home / "district.db"))
    wizard.show()
    shot(wizard, "wizard-1-welcome")
    wizard.next()
    wizard.district_page.choose("LHR")
    shot(wizard, "wizard-2-district")
    wizard.next()
    for station in ("City", "Saddar", "Model Town", "Gulberg"):
        wizard.stations_page.add_station(station)
    shot(wizard, "wizard-3-stations")
    wizard.next()
    wizard.officer_page.display_name.setText("Muhammad Asif")
    wizard.officer_page.username.setText("dpo")
    wizard.officer_page.passwords.set_password("lahore-district-2026")
    shot(wizard, "wizard-4-officer")
    wizard.next()
    shot(wizard, "wizard-5-location")
    wizard.next()
    settle()
    shot(wizard, "wizard-6-recovery")
    context = wizard.context
    assert context is not None

    people = PeopleService(context)
    samples = [
        ("Muhammad Ali", "Ghulam Rasool", "male"),
        ("Ayesha Bibi", "Abdul Rehman", "female"),
        ("Ahmed Raza", "Tariq Mehmood", "male"),
        ("Fatima Noor", "Javed Iqbal", "female"),
        ("Bilal Khan", "Khalid Pervaiz", "male"),
        ("Sana Iqbal", "Javed Iqbal", "female"),
        ("Usman Tariq", "Tariq Mehmood", "male"),
        ("Zainab Hussain", "Imran Hussain", "female"),
        ("Imran Shah", "Muhammad Aslam", "male"),
        ("Nadia Akhtar", "Muhammad Akhtar", "female"),
        ("Hamza Qureshi", "Abdul Qadir", "male"),
        ("Rabia Anwar", "Muhammad Anwar", "female"),
    ]
    for number, (name, father, gender) in enumerate(samples):
        people.create(
            PersonDraft(name, father, gender, f"35202-{1234500 + number:07d}-{number % 10}", f"0300-45670{number:02d}")
        )
    accounts = AccountService(context)
    accounts.create_account("clerk", "Desk Clerk", Role.CLERK, "test-password")
    accounts.create_account("officer", "Station Officer", Role.STATION_OFFICER, "test-password")
    org = OrganisationService(context)
    stations = org.list_stations()
    org.create_beat(stations[0].id, "Anarkali", "Anarkali bazaar and Mall Road")
    org.create_beat(stations[0].id, "Data Darbar", "Around the shrine and Bhati Gate")
    org.create_officer("Shahid Mehmood", "inspector", "LHR-1021", "male", stations[0].id, "0321-4455667")
    org.create_officer("Saima Batool", "head_constable", "LHR-2210", "female", stations[1].id, "")
    wizard.recovery_page.confirm.setChecked(True)
    wizard.hide()

    login = LoginDialog(home / "district.db")
    login.show()
    shot(login, "login")
    login.username.setText("dpo")
    login.password.setText("not-the-password")
    login.sign_in()
    shot(login, "login-wrong-password")
    login.hide()

    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    screen = window.show_screen("people")
    shot(window, "main-people")
    assert isinstance(screen, PeopleScreen)
    screen.open_record(screen.model.row_object(2))
    settle()
    dialog = screen.dialog
    assert dialog is not None
    dialog.cnic.setText("35202-1234501-1")
    pump(400)
    settle()
    dialog.mobile.setText("0400-1234567")
    dialog.mobile.editingFinished.emit()
    shot(dialog, "person-form")
    dialog.done(0)
    settings = window.show_screen("settings")
    assert isinstance(settings, SettingsScreen)
    for index, name in enumerate(("my-account", "accounts", "stations", "officers")):
        settings.tabs.setCurrentIndex(index)
        shot(window, f"main-settings-{name}")
    window.hide()
    context.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
