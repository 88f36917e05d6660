"""Screenshots of the Committees & meetings screen for docs/screenshots (offscreen, on a throw-away demo district).

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python -m tests.ui.shots_committees docs/screenshots``.
The demo district is built in a temporary folder; only the PNG files land in the given folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(out: Path) -> int:
    """Build a demo district, open the screen as the district officer and save PNGs of it at 1280×800."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="copdesk-committee-shots-"))
    os.environ["COPDESK_HOME"] = str(home)
    out.mkdir(parents=True, exist_ok=True)

    from copdesk.storage import keyslots

    keyslots.DEFAULT_KDF = keyslots.OWASP_FLOOR_KDF  # quick key derivation for a throw-away database

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from copdesk.models.meetings import AttendanceStatus, MeetingStatus
    from copdesk.services.auth import login_district
    from copdesk.services.committees import CommitteeService, CommitteeView
    from copdesk.services.demo import DEMO_PASSWORD, build_demo
    from copdesk.services.meetings import MeetingService
    from copdesk.services.paging import PageRequest
    from copdesk.ui import tasks
    from copdesk.ui.app import create_application
    from copdesk.ui.committees_screen import CommitteesScreen
    from copdesk.ui.main_window import MainWindow

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
    meetings = MeetingService(context)

    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    screen = window.show_screen("committees")
    assert isinstance(screen, CommitteesScreen)
    settle()
    panel = screen.committees
    panel.list.table.selectRow(1)
    settle()
    shot(window, "committees-list")

    # A committee with a full roster, a former member shown too.
    detail = panel.detail
    biggest = max(
        (panel.list.model.row_object(row) for row in range(panel.list.model.total)),
        key=lambda c: c.member_count if isinstance(c, CommitteeView) else -1,
    )
    assert isinstance(biggest, CommitteeView)
    committees = CommitteeService(context)
    leaving = committees.roster(biggest.id)[-1]
    committees.end_membership(leaving.id, leaving.version, context.today())
    for row in range(panel.list.model.total):
        if panel.list.model.row_object(row) == biggest:
            panel.list.table.selectRow(row)
    settle()
    panel.list.reload()
    settle()
    detail.show_former.setChecked(True)
    settle()
    detail.roster_table.selectRow(detail.roster_model.rowCount() - 1)
    shot(window, "committees-roster")

    # A new meeting of that committee, today, with the attendance half marked.
    view = meetings.schedule(biggest.id, context.today(), "Police Station meeting hall")
    meetings.add_guest(view.id, "Rubina Kausar", "female", "Headmistress, Govt. Girls High School")
    meetings.add_guest(view.id, "Haji Abdul Ghafoor", "male", "President, Anjuman-e-Tajiran")
    screen.show_meeting(meetings.get(view.id))
    settle()
    editor = screen.editor
    editor.officers_list.item(0).setCheckState(Qt.CheckState.Checked)
    editor.venue.setText("Police Station meeting hall, first floor")
    for number, member in enumerate(view.attendance[: len(view.attendance) - 3]):
        status = AttendanceStatus.ABSENT if number % 5 == 4 else AttendanceStatus.PRESENT
        editor.attendance_button(member.member_id, status).click()
    pump()
    shot(window, "meeting-editor-attendance")

    # A closed meeting of the demo with minutes written in Urdu.
    urdu = None
    for summary in meetings.page(PageRequest(limit=200, filters={"status": MeetingStatus.CLOSED.value})).rows:
        candidate = meetings.get(summary.id)
        if sum("\u0600" <= ch <= "\u06ff" for ch in candidate.minutes) > len(candidate.minutes) / 3:
            urdu = candidate
            break
    assert urdu is not None, "the demo has no meeting with Urdu minutes"
    editor.ask_discard(lambda: None)
    screen.show_meeting(urdu)
    editor.tabs.setCurrentIndex(2)
    shot(window, "meeting-editor-minutes-urdu")

    window.hide()
    context.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
