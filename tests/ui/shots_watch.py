"""Screenshots of the Neighbourhood watch screen for docs/screenshots (offscreen, with a demo district).

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python -m tests.ui.shots_watch docs/screenshots``.
The demo district is written to a temporary folder; only the PNG files land in the given folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from datetime import time as clock
from datetime import timedelta
from pathlib import Path


def main(out: Path) -> int:
    """Build a demo district, fill this week's roster and save PNGs of the watch screen's tabs and forms."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="copdesk-watch-shots-"))
    os.environ["COPDESK_HOME"] = str(home)
    out.mkdir(parents=True, exist_ok=True)

    from copdesk.storage import keyslots

    keyslots.DEFAULT_KDF = keyslots.OWASP_FLOOR_KDF

    from PySide6.QtWidgets import QWidget

    from copdesk.services.auth import login_district
    from copdesk.services.demo import DEMO_PASSWORD, build_demo
    from copdesk.services.paging import PageRequest
    from copdesk.services.watch import ShiftDraft, WatchService
    from copdesk.ui import tasks
    from copdesk.ui.app import create_application
    from copdesk.ui.forms import index_of
    from copdesk.ui.main_window import MainWindow
    from copdesk.ui.roster_grid import local_now, shift_started, week_start_of
    from copdesk.ui.watch_screen import WatchScreen

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

    world = build_demo(home / "demo", districts=1, months=2)
    context = login_district(world.district_databases[0], "dpo", DEMO_PASSWORD)
    watch = WatchService(context)

    # This week's roster for the station with the most groups: filled by the rotation, one evening patrol short
    # of a volunteer, and turn-out ticked for the nights that have started.
    groups = watch.page(PageRequest(limit=1000, filters={"active": True})).rows
    station_id = Counter(g.station_id for g in groups).most_common(1)[0][0]
    station_groups = [g for g in groups if g.station_id == station_id]
    week = week_start_of(context.today())
    for group in station_groups:
        watch.generate_rotation(group.id, week, 7)
    busiest = station_groups[0]
    evening = watch.create_shift(ShiftDraft(busiest.id, week + timedelta(days=4), clock(18, 0), clock(21, 0), 2))
    helper = next(v for v in watch.volunteers(busiest.id) if v.may_go_on_duty)
    watch.assign(evening.id, helper.id)
    # Next weekend's extra evening patrols of another group, still short of volunteers.
    other = station_groups[1] if len(station_groups) > 1 else busiest
    for offset in (11, 12):
        patrol = watch.create_shift(ShiftDraft(other.id, week + timedelta(days=offset), clock(18, 0), clock(21, 0), 3))
        watch.assign(patrol.id, next(v for v in watch.volunteers(other.id) if v.may_go_on_duty).id)
    now = local_now(context)
    for group in station_groups:
        for number, shift in enumerate(watch.shifts(group.id, week, week + timedelta(days=6))):
            if shift_started(shift, now) and shift.volunteers:
                ticks = {v.volunteer_id: (number + index) % 3 != 2 for index, v in enumerate(shift.volunteers)}
                watch.record_turnout(shift.id, ticks)

    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    screen = window.show_screen("watch")
    assert isinstance(screen, WatchScreen)
    settle()
    groups_panel = screen.groups
    groups_panel.select_group(busiest.id)
    settle()
    groups_panel.detail.table.selectRow(1)
    shot(window, "watch-groups")

    dialog = groups_panel.detail.add_volunteer()
    assert dialog is not None
    settle()
    dialog.picker.search_box.setText("Khan")
    pump(400)
    settle()
    dialog.picker.table.selectRow(1)
    settle()
    shot(dialog, "watch-volunteers")
    dialog.mark_clean()
    dialog.reject()

    screen.tabs.setCurrentWidget(screen.roster)
    settle()
    roster = screen.roster
    roster.station_filter.setCurrentIndex(index_of(roster.station_filter, station_id))
    settle()
    roster.select_cell(busiest.beat_id, week + timedelta(days=4))
    settle()
    index = roster.grid.currentIndex()
    roster.grid.setCurrentIndex(roster.model.index(index.row() + 1, index.column()))
    shot(window, "watch-roster")
    picker = roster.open_cell(index)
    settle()
    if picker is not None:
        shot(picker, "watch-roster-picker")
        picker.reject()

    screen.tabs.setCurrentWidget(screen.uncovered)
    settle()
    shot(window, "watch-uncovered")
    window.hide()
    context.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
