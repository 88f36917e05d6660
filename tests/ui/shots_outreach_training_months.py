"""Screenshots of the Outreach, Training and Month closing screens, on a realistic demo district.

Run from the repository root:
``QT_QPA_PLATFORM=offscreen python -m tests.ui.shots_outreach_training_months docs/screenshots``.
The demo district is built in a temporary folder; only the PNG files land in the given folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main(out: Path) -> int:
    """Build a one-district demo, sign in as the district officer and save a PNG of each screen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="copdesk-shots-"))
    os.environ["COPDESK_HOME"] = str(home)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QWidget

    from copdesk.domain.months import Month
    from copdesk.services.auth import login_district
    from copdesk.services.committees import CommitteeService
    from copdesk.services.demo import DEMO_PASSWORD, build_demo
    from copdesk.services.meetings import MeetingService
    from copdesk.services.months import MonthService
    from copdesk.services.organisation import OrganisationService
    from copdesk.services.outreach import OutreachDraft, OutreachService
    from copdesk.services.paging import PageRequest
    from copdesk.services.training import TrainingDraft, TrainingService
    from copdesk.ui import tasks
    from copdesk.ui.app import create_application
    from copdesk.ui.main_window import MainWindow
    from copdesk.ui.months_screen import MonthsScreen
    from copdesk.ui.outreach_screen import OutreachDialog, OutreachScreen
    from copdesk.ui.training_screen import TrainingDialog, TrainingScreen

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

    world = build_demo(home / "demo", districts=1, months=2)
    context = login_district(world.district_databases[0], "dpo", DEMO_PASSWORD)
    today = context.today()

    # a few records in Urdu, as some stations keep them
    stations = OrganisationService(context).list_stations()
    OutreachService(context).create(
        OutreachDraft(
            "khuli_kachehri",
            "کھلی کچہری، تھانہ سٹی",
            stations[1].id,
            today - timedelta(days=1),
            "جامع مسجد چوک",
            140,
            35,
            40,
            summary="شہریوں کی شکایات موقع پر سنی گئیں۔",
        )
    )
    training = TrainingService(context)
    officers = OrganisationService(context).page_officers(PageRequest(limit=9, filters={"active": True})).rows
    urdu = training.create(TrainingDraft("صنفی حساسیت پر مبنی پولیسنگ", today - timedelta(days=2), 3, "ایس پی ٹریننگ"))
    training.set_attendees(urdu.id, [officer.id for officer in officers])

    # last month reopened, with a meeting left open: the checks fail
    months = MonthService(context)
    last_month = Month.parse(world.months[-1])
    months.reopen(str(last_month), "Minutes of a committee meeting were incomplete")
    committee = CommitteeService(context).page(PageRequest(limit=1)).rows[0]
    for day in (last_month.first_day + timedelta(days=12), last_month.first_day + timedelta(days=26)):
        try:
            MeetingService(context).schedule(committee.id, day, "Thana City, committee room")
        except Exception as error:  # noqa: BLE001 - a demo meeting may already be on that day
            print(f"(no extra meeting on {day}: {error})")

    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()

    outreach = window.show_screen("outreach")
    assert isinstance(outreach, OutreachScreen)
    shot(window, "outreach-list")
    outreach.new_record()
    settle()
    dialog = outreach.dialog
    assert isinstance(dialog, OutreachDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("school_visit"))
    dialog.title.setText("Visit to Government Girls High School, Ichhra")
    dialog.station.setCurrentIndex(0)
    dialog.venue.setText("GGHS Ichhra")
    dialog.men.setValue(12)
    dialog.women.setValue(180)
    dialog.youth.setValue(250)
    shot(dialog, "outreach-form")
    dialog.mark_clean()
    dialog.done(0)

    training_screen = window.show_screen("training")
    assert isinstance(training_screen, TrainingScreen)
    shot(window, "training-list")
    training_screen.open_record(training_screen.model.row_object(0))
    settle()
    training_dialog = training_screen.dialog
    assert isinstance(training_dialog, TrainingDialog)
    shot(training_dialog, "training-form")
    training_dialog.done(0)

    months_screen = window.show_screen("months")
    assert isinstance(months_screen, MonthsScreen)
    settle()
    months_screen.select_month(str(last_month))
    shot(window, "months-closing")
    months_screen.select_month(world.months[0])
    shot(window, "months-closed")

    window.hide()
    context.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
