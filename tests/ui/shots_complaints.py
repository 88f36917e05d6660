"""Screenshots of the Complaints screen for docs/screenshots (offscreen, on a throw-away demo district).

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python -m tests.ui.shots_complaints docs/screenshots``.
The demo district is built in a temporary folder; only the PNG files land in the given folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(out: Path) -> int:
    """Build a demo district, then save the list, the intake form and a complaint's page as PNGs."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="copdesk-complaint-shots-"))
    os.environ["COPDESK_HOME"] = str(home)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QWidget

    from copdesk.services.auth import login_district
    from copdesk.services.complaints import ComplaintDraft, ComplaintService
    from copdesk.services.demo import build_demo
    from copdesk.services.organisation import OrganisationService
    from copdesk.services.paging import PageRequest
    from copdesk.ui import tasks
    from copdesk.ui.app import create_application
    from copdesk.ui.complaints_screen import ComplaintsScreen, is_right_to_left
    from copdesk.ui.main_window import MainWindow

    app = create_application(["copdesk"])
    world = build_demo(home / "demo", districts=1, months=2)
    context = login_district(world.district_databases[0], "dpo", "demo")

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

    service = ComplaintService(context)
    stations = OrganisationService(context).list_stations()
    walk_ins = [
        ("theft", "میری دکان کا تالا توڑ کر رات کو نقدی اور موبائل فون چوری کر لیے گئے۔", "انارکلی بازار"),
        ("noise_nuisance", "محلے میں رات گئے تک اونچی آواز میں ڈیک بجایا جاتا ہے، بچے سو نہیں پاتے۔", "محلہ عید گاہ"),
        (
            "property_dispute",
            "Neighbour has built a wall on my plot and threatens me when I object.",
            "Chungi Amar Sidhu",
        ),
        ("missing_person", "میرا بارہ سالہ بیٹا کل شام سے لاپتہ ہے، آخری بار بازار میں دیکھا گیا۔", "ریلوے اسٹیشن"),
    ]
    for number, (category, description, location) in enumerate(walk_ins):
        service.register(
            ComplaintDraft(
                received_on=context.today(),
                channel="walk_in",
                category=category,
                description=description,
                station_id=stations[number % len(stations)].id,
                location=location,
                anonymous=True,
            )
        )

    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    screen = window.show_screen("complaints")
    assert isinstance(screen, ComplaintsScreen)
    settle()
    row = next(
        (r for r in range(min(screen.model.total, 20)) if getattr(screen.model.row_object(r), "is_overdue", False)),
        0,
    )
    screen.table.selectRow(max(0, row - 1))
    shot(window, "complaints-list")

    screen.new_record()
    settle()
    intake = screen.intake
    assert intake is not None
    intake.category.setCurrentIndex(intake.category.findData("harassment"))
    intake.station.setCurrentIndex(1)
    intake.location.setText("Mohallah Eidgah, near the girls' school")
    intake.description.setPlainText(
        "Two young men on a motorcycle follow my daughter from the school gate every afternoon and pass remarks."
    )
    person = intake.new_person
    person.name.setText("Rukhsana Bibi")
    person.father_name.setText("Muhammad Yousaf")
    person.gender.setCurrentIndex(person.gender.findData("female"))
    person.cnic.setText("35202-98765")
    person.cnic.editingFinished.emit()
    person.mobile.setText("0321-4455667")
    shot(intake, "complaints-intake")
    person.cnic.setText("35202-9876543-2")
    pump(500)
    settle()
    intake.save()
    settle()
    shot(intake, "complaints-intake-registered")
    intake.done(0)

    overdue = service.page(PageRequest(limit=50, filters={"overdue_only": True}, sort="received_on")).rows
    chosen = max(overdue, key=lambda view: (is_right_to_left(view.description), len(service.history(view.id))))
    dialog = screen.show_complaint(chosen)
    settle()
    shot(dialog, "complaints-detail")
    dialog.done(0)
    window.hide()
    context.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
