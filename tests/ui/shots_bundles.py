"""Screenshots of the Bundles screen and the export wizard for docs/screenshots (offscreen, with a demo district).

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python -m tests.ui.shots_bundles docs/screenshots``.
The demo world (a district enrolled at a demo hub) is written to a temporary folder; only the PNG files land in the
given folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(out: Path) -> int:
    """Build the demo world, send its last month with the wizard and save PNGs of the wizard and the screen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="copdesk-bundles-shots-"))
    os.environ["COPDESK_HOME"] = str(home)
    out.mkdir(parents=True, exist_ok=True)

    from copdesk.storage import keyslots

    keyslots.DEFAULT_KDF = keyslots.OWASP_FLOOR_KDF  # quick key derivation for a throw-away database

    from PySide6.QtWidgets import QWidget, QWizard

    from copdesk.services.auth import login_district, login_hub
    from copdesk.services.demo import DEMO_PASSWORD, build_demo
    from copdesk.services.hub import HubService
    from copdesk.services.months import MonthService
    from copdesk.services.people import PeopleService, PersonDraft
    from copdesk.ui import bundle_wizard, tasks
    from copdesk.ui.app import create_application
    from copdesk.ui.bundles_screen import BundlesScreen
    from copdesk.ui.main_window import MainWindow, build_screens
    from copdesk.ui.screen import Screen

    app = create_application(["copdesk"])
    setattr(bundle_wizard, "open_url", lambda _url: True)  # noqa: B010 - never start an e-mail program
    setattr(bundle_wizard, "open_folder", lambda _folder: None)  # noqa: B010

    def pump(ms: int = 150) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def settle() -> None:
        end = time.monotonic() + 30
        while tasks.pending_tasks() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        pump()

    def shot(widget: QWidget, name: str) -> None:
        settle()
        widget.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    world = build_demo(home / "demo", districts=1, months=3)
    district_db = world.district_databases[0]
    context = login_district(district_db, "dpo", DEMO_PASSWORD)

    # The demo puts every record in the first bundle; give the last month some late work of its own, as a real
    # month has: it is reopened, a station's new members of the public are entered, and it is closed again.
    last = world.months[-1]
    months = MonthService(context)
    months.reopen(last, "Late entries from Saddar police station")
    people = PeopleService(context)
    names = [
        ("Muhammad Aslam", "Ghulam Nabi", "male"),
        ("Shazia Parveen", "Muhammad Rafiq", "female"),
        ("محمد عمران", "عبدالستار", "male"),
        ("Rubina Kausar", "Abdul Majeed", "female"),
        ("Tariq Mehmood", "Allah Ditta", "male"),
        ("نسرین اختر", "محمد اشرف", "female"),
    ]
    for number in range(24):
        name, father, gender = names[number % len(names)]
        people.create(PersonDraft(name, father, gender, mobile=f"0300-12{number:05d}"))
    months.close(last)

    # The sidebar as the desk will show it: Bundles before Settings (the main window picks it up once listed).
    screens: list[Screen] = build_screens(context)
    if not any(isinstance(screen, BundlesScreen) for screen in screens):
        screens.insert(max(0, len(screens) - 1), BundlesScreen(context))
    window = MainWindow(context, screens)
    window.resize(1280, 800)
    window.show()
    screen = window.show_screen("bundles")
    assert isinstance(screen, BundlesScreen)
    settle()

    usb = home / "media" / "dpo" / "KINGSTON"
    usb.mkdir(parents=True)
    # A USB stick as QStorageInfo would report it (the screenshot machine has none plugged in).
    bundle_wizard.removable_drives = lambda: [bundle_wizard.Drive(usb, "KINGSTON", 7_650_000_000)]
    wizard = screen.send_month()
    assert wizard is not None
    wizard.resize(1280, 800)
    settle()
    shot(wizard, "bundle-wizard-month")
    wizard.next()
    settle()
    shot(wizard, "bundle-wizard-preview")
    wizard.next()
    settle()
    assert wizard.destination_page.folder_edit.text() == str(usb)  # the USB stick is offered first
    shot(wizard, "bundle-wizard-destination")
    wizard.button(QWizard.WizardButton.CommitButton).click()
    settle()
    shot(wizard, "bundle-wizard-done")
    result = wizard.destination_page.result
    assert result is not None
    wizard.accept()
    settle()

    # The hub imports the bundle and answers; the district imports the answer, then one more month is pending.
    hub = login_hub(world.hub, "analyst", DEMO_PASSWORD)
    try:
        HubService(hub).import_files([result.path], DEMO_PASSWORD)
        ack = HubService(hub).write_feedback(context.district_code or "", DEMO_PASSWORD, home / "acks")
    finally:
        hub.database.dispose()
    screen.import_hub_file(ack.path)
    settle()
    for box in app.topLevelWidgets():
        if box.isVisible() and box is not window:
            box.close()
    settle()
    screen.select_bundle(3)
    shot(window, "bundles")
    context.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
