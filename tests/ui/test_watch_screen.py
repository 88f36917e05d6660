"""Neighbourhood watch: groups and volunteers, the duty roster and uncovered shifts.

The roster tests fill a week, drag and pick volunteers, refuse double-booking and tick turn-out; a clerk gets no
verification button.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt, QTime
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.services.context import ServiceContext
from copdesk.services.organisation import BeatView, OrganisationService
from copdesk.services.paging import PageRequest
from copdesk.services.people import PeopleService, PersonDraft, PersonView
from copdesk.services.watch import (
    GroupDraft,
    GroupView,
    ShiftDraft,
    ShiftView,
    VerificationStatus,
    VolunteerDraft,
    VolunteerView,
    WatchService,
    describe_shift,
)
from copdesk.ui.forms import index_of
from copdesk.ui.roster_grid import (
    RosterPanel,
    dragged_volunteer,
    volunteer_mime,
    week_start_of,
)
from copdesk.ui.watch_dialogs import (
    AssignDialog,
    FillWeekDialog,
    GroupDialog,
    LeaveDialog,
    PersonPicker,
    TurnoutDialog,
    VerifyDialog,
    VolunteerDialog,
)
from copdesk.ui.watch_screen import WatchScreen

from .conftest import GUI_MARKS, click_button, message_boxes

pytestmark = GUI_MARKS

NAMES = ("Muhammad Ali", "Ahmed Raza", "Bilal Khan", "Usman Tariq", "Imran Shah")


@dataclass
class Watch:
    """Two beats (City: Anarkali, Saddar: Ichhra), a group in Anarkali with verified volunteers."""

    officer: ServiceContext
    service: WatchService
    beats: list[BeatView]
    people: list[PersonView]
    group: GroupView
    volunteers: list[VolunteerView]


def add_people(context: ServiceContext, names: tuple[str, ...] = NAMES) -> list[PersonView]:
    service = PeopleService(context)
    return [
        service.create(
            PersonDraft(name, "Ghulam Rasool", "male", f"35202-{1234500 + n:07d}-{n % 10}", f"0300-45670{n:02d}")
        )
        for n, name in enumerate(names)
    ]


def form_group(
    service: WatchService, beat: BeatView, name: str, people: list[PersonView], verified: int
) -> tuple[GroupView, list[VolunteerView]]:
    group = service.create_group(GroupDraft(beat.id, name, date(2024, 1, 1)))
    volunteers = []
    for number, person in enumerate(people):
        volunteer = service.add_volunteer(group.id, VolunteerDraft(person.id, date(2024, 1, 15)))
        if number < verified:
            volunteer = service.verify(volunteer.id, volunteer.version, VerificationStatus.VERIFIED)
        volunteers.append(volunteer)
    return service.get_group(group.id), volunteers


@pytest.fixture
def watch(sign_in: Callable[[str], ServiceContext]) -> Watch:
    organisation = OrganisationService(sign_in("dpo"))
    stations = {s.name: s for s in organisation.list_stations()}
    beats = [
        organisation.create_beat(stations["City"].id, "Anarkali"),
        organisation.create_beat(stations["Saddar"].id, "Ichhra"),
    ]
    officer = sign_in("officer")
    service = WatchService(officer)
    people = add_people(officer)
    group, volunteers = form_group(service, beats[0], "Theekree Pehra Anarkali", people[:4], verified=4)
    return Watch(officer, service, beats, people, group, volunteers)


def next_week() -> date:
    return week_start_of(date.today()) + timedelta(days=7)


def open_screen(qtbot: QtBot, context: ServiceContext, keep_alive: list[object]) -> WatchScreen:
    screen = WatchScreen(context)
    keep_alive.append(screen)
    qtbot.addWidget(screen)
    screen.resize(1280, 760)
    screen.show()
    with qtbot.waitSignal(screen.groups.reloaded, timeout=10_000):
        screen.shown()
    return screen


def open_roster(qtbot: QtBot, screen: WatchScreen, day: date) -> RosterPanel:
    roster = screen.roster
    with qtbot.waitSignal(roster.loaded, timeout=10_000):
        screen.tabs.setCurrentWidget(roster)
    if week_start_of(day) != roster.week_start:
        with qtbot.waitSignal(roster.loaded, timeout=10_000):
            roster.show_week(day)
    return roster


def cell_of(roster: RosterPanel, beat: BeatView, day: date) -> QModelIndex:
    index = roster.model.index_of(beat.id, day)
    assert index.isValid(), f"{beat.name} on {day} is not in the grid"
    return index


def grid_names(roster: RosterPanel, beat: BeatView) -> list[list[list[str]]]:
    """Per day of the week shown: per shift, the names on it."""
    row = cell_of(roster, beat, roster.week_start).row()
    return [[[v.name for v in s.volunteers] for s in roster.model.shifts_at(row, day)] for day in range(7)]


# ---------------------------------------------------------------------------------------------------- groups


def test_the_groups_list_counts_filters_and_shows_a_groups_volunteers(
    qtbot: QtBot,
    watch: Watch,
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    form_group(watch.service, watch.beats[1], "Theekree Pehra Ichhra", [watch.people[4]], verified=0)
    screen = open_screen(qtbot, watch.officer, keep_alive)
    wait_tasks()
    groups = screen.groups
    assert groups.count_label.text() == "2 groups"
    qtmodeltester.check(groups.model, force_py=True)
    assert [groups.model.data(groups.model.index(r, 0)) for r in range(2)] == [
        "Theekree Pehra Anarkali",
        "Theekree Pehra Ichhra",
    ]
    assert groups.model.data(groups.model.index(0, 3)) == "4 (4 verified)"

    with qtbot.waitSignal(groups.reloaded, timeout=10_000) as signal:
        groups.station_filter.setCurrentIndex(groups.station_filter.findText("Saddar"))
    assert signal.args == [1]
    assert [groups.beat_filter.itemText(i) for i in range(groups.beat_filter.count())] == ["All beats", "Ichhra"]
    with qtbot.waitSignal(groups.reloaded, timeout=10_000) as signal:
        groups.station_filter.setCurrentIndex(0)
    assert signal.args == [2]
    with qtbot.waitSignal(groups.reloaded, timeout=10_000) as signal:
        groups.search_box.setText("ichhra")
    assert signal.args == [1]
    with qtbot.waitSignal(groups.reloaded, timeout=10_000):
        groups.search_box.setText("")

    assert groups.select_group(watch.group.id)
    wait_tasks()
    detail = groups.detail
    assert detail.title.text() == "Theekree Pehra Anarkali"
    assert "Anarkali, City police station" in detail.about.text()
    qtmodeltester.check(detail.model, force_py=True)
    rows = detail.model.rows()
    assert [v.name for v in rows] == sorted(p.name for p in watch.people[:4])
    assert detail.model.data(detail.model.index(0, 1)) == "0300-4567001"  # Ahmed Raza's mobile, shown in full
    assert detail.model.data(detail.model.index(0, 2)) == "Verified"
    assert detail.note.text() == "4 volunteers, 4 verified for duty."


def test_a_group_is_formed_with_the_form_and_chosen_in_the_list(
    qtbot: QtBot, watch: Watch, wait_tasks: Callable[[], None], keep_alive: list[object]
) -> None:
    screen = open_screen(qtbot, watch.officer, keep_alive)
    wait_tasks()
    screen.new_record()  # Ctrl+N
    dialog = screen.groups.dialog
    assert isinstance(dialog, GroupDialog)
    dialog.submit()
    assert dialog.form.message("name") == "Enter the group's name."
    assert dialog.form.message("station") == "Choose the police station."
    assert dialog.isVisible()

    dialog.name.setText("Theekree Pehra Ichhra Bazaar")
    dialog.station.setCurrentIndex(index_of(dialog.station, watch.beats[1].station_id))
    assert dialog.beat.currentText() == "Ichhra"  # the station's only beat is chosen
    assert screen.has_unsaved_changes()
    with qtbot.waitSignal(screen.groups.reloaded, timeout=10_000):
        dialog.submit()
    wait_tasks()
    created = watch.service.page(PageRequest(search="Bazaar")).rows
    assert [(g.name, g.beat_name, g.active) for g in created] == [("Theekree Pehra Ichhra Bazaar", "Ichhra", True)]
    selected = screen.groups.selected_group()
    assert selected is not None and selected.id == created[0].id
    assert screen.groups.detail.title.text() == "Theekree Pehra Ichhra Bazaar"


def test_closing_a_changed_group_form_asks_first(
    qtbot: QtBot, watch: Watch, wait_tasks: Callable[[], None], keep_alive: list[object]
) -> None:
    screen = open_screen(qtbot, watch.officer, keep_alive)
    wait_tasks()
    assert screen.groups.select_group(watch.group.id)
    screen.groups.edit_group()
    wait_tasks()
    dialog = screen.groups.dialog
    assert isinstance(dialog, GroupDialog) and dialog.name.text() == "Theekree Pehra Anarkali"
    assert not screen.has_unsaved_changes()
    dialog.name.setText("Theekree Pehra Anarkali Bazaar")
    assert screen.has_unsaved_changes()
    dialog.reject()
    [question] = message_boxes(dialog)
    assert question.text() == "Your changes in this form are not saved. Discard them?"
    click_button(question, "Keep editing")
    assert dialog.isVisible()
    proceeded: list[bool] = []
    screen.maybe_close(lambda: proceeded.append(True))
    [question] = message_boxes(dialog)
    click_button(question, "Discard changes")
    assert proceeded == [True] and not dialog.isVisible()
    assert watch.service.get_group(watch.group.id).name == "Theekree Pehra Anarkali"


def test_an_officer_chooses_the_leader_and_deactivates_the_group(
    qtbot: QtBot,
    watch: Watch,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
) -> None:
    upcoming = watch.service.create_shift(ShiftDraft(watch.group.id, next_week(), time(22, 0), time(4, 0), 2))
    screen = open_screen(qtbot, watch.officer, keep_alive)
    assert screen.groups.select_group(watch.group.id)
    wait_tasks()
    screen.groups.detail.edit_button.click()
    wait_tasks()
    dialog = screen.groups.dialog
    assert isinstance(dialog, GroupDialog) and dialog.leader is not None and dialog.active is not None
    assert dialog.delete_button is not None  # officers may delete a group
    leader = watch.volunteers[1]
    dialog.leader.setCurrentIndex(index_of(dialog.leader, leader.person_id))
    dialog.active.setChecked(False)
    assert "will be taken off the roster" in dialog.form.message("active")
    with qtbot.waitSignal(screen.groups.reloaded, timeout=10_000):
        dialog.submit()
    wait_tasks()
    stored = watch.service.get_group(watch.group.id)
    assert (stored.leader_name, stored.active) == (leader.name, False)
    assert [s.id for s in watch.service.shifts(watch.group.id, next_week(), next_week())] == []
    assert upcoming.id not in [u.shift_id for u in watch.service.uncovered_shifts(next_week(), next_week())]
    assert screen.groups.count_label.text() == "No groups"  # the list shows active groups

    clerk_dialog = GroupDialog(WatchService(sign_in("clerk")), [], date.today(), stored)
    qtbot.addWidget(clerk_dialog)
    assert clerk_dialog.delete_button is None  # clerks may not delete groups


# ---------------------------------------------------------------------------------------------------- volunteers


def test_a_volunteer_is_added_from_the_people_register_then_verified(
    qtbot: QtBot,
    watch: Watch,
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    screen = open_screen(qtbot, watch.officer, keep_alive)
    wait_tasks()
    assert screen.groups.select_group(watch.group.id)
    wait_tasks()
    detail = screen.groups.detail
    dialog = detail.add_volunteer()
    assert isinstance(dialog, VolunteerDialog)
    wait_tasks()
    dialog.submit()
    assert dialog.form.message("person_id") == "Choose the person who joins the group."

    with qtbot.waitSignal(dialog.picker.reloaded, timeout=10_000):
        dialog.picker.search_box.setText("Muhammad")
    dialog.picker.table.selectRow(0)
    assert dialog.form.message("person_id") == "Muhammad Ali is already a volunteer of this group."
    with qtbot.waitSignal(dialog.picker.reloaded, timeout=10_000):
        dialog.picker.search_box.setText("35202-1234504-4")  # Imran Shah, found by CNIC
    dialog.picker.table.selectRow(0)
    assert dialog.form.message("person_id").startswith("Chosen: Imran Shah")
    dialog.submit()
    qtbot.waitUntil(lambda: len(detail.model.rows()) == 5, timeout=10_000)
    wait_tasks()
    added = next(v for v in watch.service.volunteers(watch.group.id) if v.name == "Imran Shah")
    assert added.verification_status is VerificationStatus.PENDING
    assert detail.note.text() == "5 volunteers, 4 verified for duty."

    assert detail.select(added.id)
    assert detail.verify_button is not None and detail.verify_button.isEnabled()
    verify = detail.verify()
    assert isinstance(verify, VerifyDialog)
    assert verify.chosen() is VerificationStatus.VERIFIED
    verify.submit()
    qtbot.waitUntil(lambda: detail.note.text() == "5 volunteers, 5 verified for duty.", timeout=10_000)
    wait_tasks()
    verified = watch.service.get_volunteer(added.id)
    assert verified.verification_status is VerificationStatus.VERIFIED
    assert verified.verified_by == "officer" and verified.verified_on == watch.officer.today()


def test_the_person_picker_lists_the_register_a_page_at_a_time(
    qtbot: QtBot, watch: Watch, keep_alive: list[object], qtmodeltester: ModelTester
) -> None:
    picker = PersonPicker(PeopleService(watch.officer))
    keep_alive.append(picker)
    qtbot.addWidget(picker)
    picker.show()
    with qtbot.waitSignal(picker.reloaded, timeout=10_000) as signal:
        picker.shown()
    assert signal.args == [len(NAMES)]
    qtmodeltester.check(picker.model, force_py=True)
    with qtbot.waitSignal(picker.chosen, timeout=5_000) as chosen:
        picker.table.selectRow(2)
    assert chosen.args[0].name == sorted(NAMES)[2]


def test_a_new_person_typed_with_a_known_cnic_is_warned_about_and_the_known_person_chosen(
    qtbot: QtBot, watch: Watch, wait_tasks: Callable[[], None], keep_alive: list[object]
) -> None:
    screen = open_screen(qtbot, watch.officer, keep_alive)
    wait_tasks()
    assert screen.groups.select_group(watch.group.id)
    wait_tasks()
    dialog = screen.groups.detail.add_volunteer()
    assert isinstance(dialog, VolunteerDialog)
    wait_tasks()
    person_form = dialog.new_person()
    person_form.cnic.setText("3520212345044")  # Imran Shah's CNIC, typed without dashes
    qtbot.waitUntil(lambda: "already recorded" in person_form.form.message("cnic"), timeout=5_000)
    assert "Imran Shah" in person_form.form.message("cnic")
    person_form.open_existing_button.click()
    [question] = message_boxes(person_form)  # the typed CNIC would be lost: asked first
    click_button(question, "Discard changes")
    assert not person_form.isVisible()
    assert dialog.person is not None and dialog.person.name == "Imran Shah"
    with qtbot.waitSignal(screen.groups.reloaded, timeout=10_000):
        dialog.submit()
    assert "Imran Shah" in [v.name for v in watch.service.volunteers(watch.group.id)]
    assert PeopleService(watch.officer).count(PageRequest()) == len(NAMES)  # nobody was recorded twice


def test_a_clerk_has_no_verification_button(
    qtbot: QtBot, watch: Watch, sign_in: Callable[[str], ServiceContext], keep_alive: list[object]
) -> None:
    screen = open_screen(qtbot, sign_in("clerk"), keep_alive)
    assert screen.groups.select_group(watch.group.id)
    qtbot.waitUntil(lambda: len(screen.groups.detail.model.rows()) == 4, timeout=10_000)
    detail = screen.groups.detail
    detail.table.selectRow(0)
    assert detail.verify_button is None
    texts = [b.text() for b in screen.findChildren(QPushButton)]
    assert "Police verification…" not in texts
    assert detail.verify() is None
    assert detail.add_button.isVisible() and detail.leave_button.isEnabled()  # clerks do add and mark as left
    assert "Only officers record police verification." in detail.note.text()


def test_a_volunteer_who_leaves_comes_off_the_list(
    qtbot: QtBot, watch: Watch, wait_tasks: Callable[[], None], keep_alive: list[object]
) -> None:
    screen = open_screen(qtbot, watch.officer, keep_alive)
    wait_tasks()
    assert screen.groups.select_group(watch.group.id)
    wait_tasks()
    detail = screen.groups.detail
    leaving = watch.volunteers[1]
    assert detail.select(leaving.id)
    dialog = detail.leave()
    assert isinstance(dialog, LeaveDialog)
    dialog.submit()
    qtbot.waitUntil(lambda: len(detail.model.rows()) == 3, timeout=10_000)
    wait_tasks()
    everyone = watch.service.volunteers(watch.group.id, include_left=True)
    assert [v.left_on for v in everyone if v.id == leaving.id] == [watch.officer.today()]
    detail.show_left.setChecked(True)
    qtbot.waitUntil(lambda: len(detail.model.rows()) == 4, timeout=10_000)
    wait_tasks()
    assert not detail.table.isColumnHidden(4)
    assert detail.select(leaving.id) and not detail.leave_button.isEnabled()


# ---------------------------------------------------------------------------------------------------- roster


def test_fill_this_week_puts_two_volunteers_on_each_of_seven_nights(
    qtbot: QtBot,
    watch: Watch,
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    screen = open_screen(qtbot, watch.officer, keep_alive)
    roster = open_roster(qtbot, screen, next_week())
    assert roster.model.rowCount() == 1 and roster.model.columnCount() == 7
    assert grid_names(roster, watch.beats[0]) == [[]] * 7
    dialog = roster.fill_week()
    assert isinstance(dialog, FillWeekDialog)
    assert dialog.chosen_groups() == [watch.group.id]
    dialog.set_chosen([])
    dialog.submit()
    assert dialog.form.message("groups") == "Tick at least one group."
    dialog.ends.setTime(dialog.starts.time())
    assert dialog.form.message("ends") == "A shift must end at a different time than it starts."
    dialog.ends.setTime(QTime(4, 0))
    assert dialog.form.message("ends") == "Ends the next morning."
    dialog.set_chosen([watch.group.id])
    with qtbot.waitSignal(roster.loaded, timeout=15_000):
        dialog.submit()
    wait_tasks()

    days = grid_names(roster, watch.beats[0])
    assert [len(day) for day in days] == [1] * 7
    assert all(len(day[0]) == 2 for day in days)
    duties = [name for day in days for name in day[0]]
    assert sorted({duties.count(name) for name in set(duties)}) == [3, 4]  # 14 duties shared fairly by four
    assert roster.report_label.text().startswith("Filled the week for 1 group: 7 shifts added, 14 duty")
    assert "Every shift has enough volunteers." in roster.report_label.text()
    index = cell_of(roster, watch.beats[0], next_week())
    assert roster.model.data(index).startswith("22:00–04:00\n• ")
    assert roster.model.data(index, Qt.ItemDataRole.BackgroundRole) is None  # not short
    assert roster.summary_label.text() == "7 shifts this week"
    stored = watch.service.shifts(watch.group.id, next_week(), next_week() + timedelta(days=6))
    assert [len(s.volunteers) for s in stored] == [2] * 7
    qtmodeltester.check(roster.model, force_py=True)


def test_week_buttons_move_the_grid_a_week_at_a_time(qtbot: QtBot, watch: Watch, keep_alive: list[object]) -> None:
    screen = open_screen(qtbot, watch.officer, keep_alive)
    roster = open_roster(qtbot, screen, next_week())
    with qtbot.waitSignal(roster.loaded, timeout=10_000):
        roster.previous_button.click()
    assert roster.week_start == week_start_of(date.today())
    assert roster.model.roster is not None and roster.model.roster.week_start == roster.week_start
    with qtbot.waitSignal(roster.loaded, timeout=10_000):
        roster.next_button.click()
    assert roster.week_start == next_week()
    assert roster.model.headerData(0, Qt.Orientation.Horizontal) == f"Mon {next_week().day} {next_week():%b}"


def plan_night(watch: Watch, group: GroupView, day: date, needed: int = 2) -> ShiftView:
    return watch.service.create_shift(ShiftDraft(group.id, day, time(22, 0), time(4, 0), needed))


def test_a_volunteer_dragged_onto_a_day_goes_on_duty(
    qtbot: QtBot, watch: Watch, wait_tasks: Callable[[], None], keep_alive: list[object]
) -> None:
    day = next_week() + timedelta(days=2)
    shift = plan_night(watch, watch.group, day)
    screen = open_screen(qtbot, watch.officer, keep_alive)
    roster = open_roster(qtbot, screen, next_week())
    wait_tasks()
    side = roster.volunteer_list
    assert [v.name for v in side.volunteers()] == sorted(p.name for p in watch.people[:4])
    volunteer = side.volunteers()[0]
    mime = side.mimeData([side.item(0)])  # what a drag from the side list carries
    payload = dragged_volunteer(mime)
    assert payload is not None and payload.volunteer_id == volunteer.id and payload.group_id == watch.group.id

    index = cell_of(roster, watch.beats[0], day)
    assert roster.model.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, index)
    other = QMimeData()
    other.setText("not a volunteer")
    assert not roster.model.canDropMimeData(other, Qt.DropAction.CopyAction, -1, -1, index)
    with qtbot.waitSignal(roster.loaded, timeout=10_000):
        assert roster.model.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, index)
    assert [v.name for v in watch.service.get_shift(shift.id).volunteers] == [volunteer.name]
    assert grid_names(roster, watch.beats[0])[2] == [[volunteer.name]]
    wait_tasks()
    assert side.item(0).text().endswith("(1)")  # one duty this week

    # A real drop on the grid's viewport goes through the same handler.
    second = side.volunteers()[1]
    rect = roster.grid.visualRect(cell_of(roster, watch.beats[0], day))
    carried = volunteer_mime(second)  # the event does not own its data: keep it alive
    drop = QDropEvent(
        QPointF(rect.center()),
        Qt.DropAction.CopyAction,
        carried,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(roster.loaded, timeout=10_000):
        roster.grid.dropEvent(drop)
    assert sorted(v.name for v in watch.service.get_shift(shift.id).volunteers) == sorted([volunteer.name, second.name])

    empty_day = cell_of(roster, watch.beats[0], next_week())  # no shift planned on Monday
    assert roster.model.dropMimeData(volunteer_mime(volunteer), Qt.DropAction.CopyAction, -1, -1, empty_day)
    [message] = message_boxes(roster)
    assert "has no shift in Anarkali" in message.text()
    click_button(message, "OK")
    assert sum(len(s.volunteers) for s in roster.model.all_shifts()) == 2  # nothing more


def test_a_volunteer_is_picked_for_a_day_with_enter(
    qtbot: QtBot, watch: Watch, wait_tasks: Callable[[], None], keep_alive: list[object]
) -> None:
    day = next_week() + timedelta(days=3)
    shift = plan_night(watch, watch.group, day)
    screen = open_screen(qtbot, watch.officer, keep_alive)
    roster = open_roster(qtbot, screen, next_week())
    roster.grid.setCurrentIndex(cell_of(roster, watch.beats[0], day))
    roster.grid.setFocus()
    qtbot.keyClick(roster.grid, Qt.Key.Key_Return)
    dialogs = [d for d in roster.findChildren(AssignDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    wait_tasks()
    assert [v.name for v in dialog.eligible_volunteers()] == sorted(p.name for p in watch.people[:4])
    chosen = watch.volunteers[2]
    assert dialog.choose(chosen.id)
    with qtbot.waitSignal(roster.loaded, timeout=10_000):
        dialog.put_on_button.click()
    wait_tasks()
    assert [v.volunteer_id for v in watch.service.get_shift(shift.id).volunteers] == [chosen.id]
    assert dialog.need_text.text() == "1 of 2 volunteers on duty; short by 1."
    assert chosen.id not in [v.id for v in dialog.eligible_volunteers()]
    assert grid_names(roster, watch.beats[0])[3] == [[chosen.name]]
    index = cell_of(roster, watch.beats[0], day)
    assert "Short by 1" in roster.model.data(index)
    assert roster.model.data(index, Qt.ItemDataRole.BackgroundRole) is not None  # short: coloured
    dialog.close()


def test_double_booking_is_refused_with_the_clashing_shift_and_nothing_changes(
    qtbot: QtBot, watch: Watch, wait_tasks: Callable[[], None], keep_alive: list[object]
) -> None:
    # Muhammad Ali also volunteers in Ichhra; he is on duty in Anarkali on the night Ichhra needs him.
    ichhra, [ali_in_ichhra] = form_group(
        watch.service, watch.beats[1], "Theekree Pehra Ichhra", [watch.people[0]], verified=1
    )
    day = next_week() + timedelta(days=1)
    anarkali_night = plan_night(watch, watch.group, day)
    ichhra_night = plan_night(watch, ichhra, day)
    watch.service.assign(anarkali_night.id, watch.volunteers[0].id)
    expected = (
        f"Muhammad Ali is already on duty with Theekree Pehra Anarkali on "
        f"{describe_shift(day, time(22, 0), time(4, 0))}, which overlaps this shift."
    )

    screen = open_screen(qtbot, watch.officer, keep_alive)
    roster = open_roster(qtbot, screen, next_week())
    before = [s.volunteers for s in roster.model.all_shifts()]
    index = cell_of(roster, watch.beats[1], day)
    assert roster.model.dropMimeData(volunteer_mime(ali_in_ichhra), Qt.DropAction.CopyAction, -1, -1, index)
    wait_tasks()
    [message] = message_boxes(roster)
    assert message.text() == expected
    click_button(message, "OK")
    assert [s.volunteers for s in roster.model.all_shifts()] == before  # the grid is unchanged
    assert watch.service.get_shift(ichhra_night.id).volunteers == ()

    dialog = roster.open_cell(index)  # the picker says the same
    assert isinstance(dialog, AssignDialog)
    wait_tasks()
    assert dialog.choose(ali_in_ichhra.id)
    dialog.put_on()
    wait_tasks()
    assert dialog.error_label.isVisible() and dialog.error_label.text() == expected
    assert watch.service.get_shift(ichhra_night.id).volunteers == ()
    dialog.close()


def test_turn_out_is_ticked_after_the_shift_started(
    qtbot: QtBot, watch: Watch, wait_tasks: Callable[[], None], keep_alive: list[object]
) -> None:
    past = date.today() - timedelta(days=3)
    shift = plan_night(watch, watch.group, past)
    for volunteer in watch.volunteers[:2]:
        watch.service.assign(shift.id, volunteer.id)
    future = plan_night(watch, watch.group, next_week())
    watch.service.assign(future.id, watch.volunteers[2].id)

    screen = open_screen(qtbot, watch.officer, keep_alive)
    roster = open_roster(qtbot, screen, past)
    assert roster.select_cell(watch.beats[0].id, past)
    assert roster.turnout_button.isEnabled()
    dialog = roster.record_turnout()
    assert isinstance(dialog, TurnoutDialog)
    dialog.submit()
    assert dialog.error_label.text() == "Tick at least one volunteer as turned out or not."
    came, missed = watch.volunteers[0], watch.volunteers[1]
    dialog.tick(came.id, True)
    dialog.tick(missed.id, False)
    with qtbot.waitSignal(roster.loaded, timeout=10_000):
        dialog.submit()
    stored = {v.volunteer_id: v.turned_out for v in watch.service.get_shift(shift.id).volunteers}
    assert stored == {came.id: True, missed.id: False}
    text = roster.model.data(cell_of(roster, watch.beats[0], past))
    assert f"✓ {came.name}" in text and f"✗ {missed.name}" in text

    with qtbot.waitSignal(roster.loaded, timeout=10_000):
        roster.show_week(next_week())
    assert roster.select_cell(watch.beats[0].id, next_week())
    assert not roster.turnout_button.isEnabled()  # the shift has not started
    assert roster.record_turnout() is None


def test_uncovered_shifts_of_the_next_two_weeks_open_on_the_roster(
    qtbot: QtBot,
    watch: Watch,
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    short_day = date.today() + timedelta(days=2)
    short = plan_night(watch, watch.group, short_day, needed=3)
    watch.service.assign(short.id, watch.volunteers[0].id)
    full = plan_night(watch, watch.group, date.today() + timedelta(days=4), needed=1)
    watch.service.assign(full.id, watch.volunteers[1].id)
    plan_night(watch, watch.group, date.today() + timedelta(days=20))  # beyond two weeks

    screen = open_screen(qtbot, watch.officer, keep_alive)
    with qtbot.waitSignal(screen.uncovered.loaded, timeout=10_000) as signal:
        screen.tabs.setCurrentWidget(screen.uncovered)
    assert signal.args == [1]
    qtmodeltester.check(screen.uncovered.model, force_py=True)
    [row] = screen.uncovered.model.rows()
    assert (row.shift_id, row.short_by) == (short.id, 2)
    assert screen.uncovered.model.data(screen.uncovered.model.index(0, 5)) == "1 of 3"
    assert screen.uncovered.count_label.text() == "1 shift short of 2 volunteers"

    with qtbot.waitSignal(screen.roster.loaded, timeout=10_000):
        screen.uncovered.table.open_requested.emit(screen.uncovered.model.index(0, 0))
    wait_tasks()
    assert screen.tabs.currentWidget() is screen.roster
    assert screen.roster.week_start == week_start_of(short_day)
    current = screen.roster.grid.currentIndex()
    assert screen.roster.model.shifts_at(current.row(), current.column())[0].id == short.id
