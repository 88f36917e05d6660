"""Screenshots of the dashboard and of the first-run welcome page for docs/screenshots (offscreen).

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python -m tests.ui.shots_dashboard docs/screenshots``.
The demo district is written to a temporary folder; only the PNG files land in the given folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path


def main(out: Path) -> int:
    """Build a demo district, plan a few short-staffed watch patrols, and save the dashboard and welcome page."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="copdesk-dashboard-shots-"))
    os.environ["COPDESK_HOME"] = str(home)
    out.mkdir(parents=True, exist_ok=True)

    from copdesk.storage import keyslots

    keyslots.DEFAULT_KDF = keyslots.OWASP_FLOOR_KDF

    from PySide6.QtWidgets import QWidget

    from copdesk.domain.months import Month
    from copdesk.services.auth import login_district
    from copdesk.services.demo import DEMO_PASSWORD, build_demo
    from copdesk.services.paging import PageRequest
    from copdesk.services.watch import ShiftDraft, WatchService
    from copdesk.ui import tasks
    from copdesk.ui.app import create_application
    from copdesk.ui.dashboard_screen import DashboardScreen
    from copdesk.ui.main_window import MainWindow
    from copdesk.ui.setup_wizard import SetupWizard

    app = create_application(["copdesk"])

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

    wizard = SetupWizard()
    wizard.show()
    shot(wizard, "wizard-1-welcome")
    wizard.hide()

    world = build_demo(home / "demo", districts=1, months=6)
    context = login_district(world.district_databases[0], "dpo", DEMO_PASSWORD)
    # Evening patrols of the coming days still short of volunteers (the demo's roster ends with last month).
    watch = WatchService(context)
    groups = watch.page(PageRequest(limit=20, filters={"active": True})).rows
    today = context.today()
    for number, group in enumerate(groups[:4]):
        shift = watch.create_shift(
            ShiftDraft(group.id, today + timedelta(days=2 + 2 * number), clock(18, 0), clock(21, 0), 3)
        )
        volunteer = next((v for v in watch.volunteers(group.id) if v.may_go_on_duty), None)
        if volunteer is not None and number % 2 == 0:
            watch.assign(shift.id, volunteer.id)

    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    screen = window.show_screen("dashboard")
    assert isinstance(screen, DashboardScreen)
    settle()
    screen.select_month(str(Month.of(today).previous()))  # last month: complete, closed, compared with the one before
    settle()
    shot(window, "dashboard")
    window.hide()
    context.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
