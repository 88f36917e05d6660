"""Committees & meetings: committees and rosters, the meeting editor, follow-ups, open action items.

The meeting editor is driven from scheduling to closing and reopening; unsaved changes and Urdu minutes too.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QComboBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.models.committees import CommitteeType, MemberRole
from copdesk.models.meetings import ActionStatus, AttendanceStatus, DisputeOutcome, MeetingStatus
from copdesk.services.committees import CommitteeDraft, CommitteeService, CommitteeView, MemberDraft, MemberView
from copdesk.services.context import ServiceContext
from copdesk.services.meetings import ActionItemDraft, MeetingService, MeetingView
from copdesk.services.organisation import OfficerView, OrganisationService
from copdesk.services.paging import PageRequest
from copdesk.services.people import PeopleService, PersonDraft
from copdesk.ui.committee_dialogs import MemberDialog
from copdesk.ui.committees_screen import CommitteesScreen
from copdesk.ui.forms import index_of
from copdesk.ui.main_window import SCREENS, MainWindow
from copdesk.ui.meeting_editor import CARRIED_TIP, MeetingEditor, text_direction

from .conftest import GUI_MARKS, click_button, message_boxes

pytestmark = GUI_MARKS

MEMBERS = (
    ("Muhammad Ali", "male", MemberRole.CONVENER),
    ("Ayesha Bibi", "female", MemberRole.SECRETARY),
    ("Sana Iqbal", "female", MemberRole.MEMBER),
)
URDU_MINUTES = "اجلاس میں محلے کی سیکیورٹی اور ٹھیکری پہرہ پر غور کیا گیا۔ فیصلہ ہوا کہ گشت بڑھایا جائے گا۔"


# --- set-up through the services -----------------------------------------------------------------------------


def make_committee(
    context: ServiceContext, name: str = "DRC City", kind: CommitteeType = CommitteeType.DISPUTE_RESOLUTION
) -> CommitteeView:
    station = OrganisationService(context).list_stations()[0]
    draft = CommitteeDraft(kind, name, station.id, context.today() - timedelta(days=40), "No. 12/COP")
    return CommitteeService(context).create(draft)


def add_members(context: ServiceContext, committee: CommitteeView) -> list[MemberView]:
    people, committees = PeopleService(context), CommitteeService(context)
    members = []
    for name, gender, role in MEMBERS:
        person = people.create(PersonDraft(name, "", gender))
        members.append(committees.add_member(committee.id, MemberDraft(person.id, role, "elder", committee.formed_on)))
    return members


def make_officer(sign_in: Callable[[str], ServiceContext]) -> OfficerView:
    dpo = sign_in("dpo")
    station = OrganisationService(dpo).list_stations()[0]
    return OrganisationService(dpo).create_officer("Shahid Mehmood", "inspector", "LHR-1021", "male", station.id, "")


def held_meeting_with_open_action(context: ServiceContext, committee: CommitteeView) -> tuple[MeetingView, str]:
    """A closed meeting a week ago that decided an action, still open."""
    service = MeetingService(context)
    meeting = service.schedule(committee.id, context.today() - timedelta(days=7), "Police Station City")
    service.mark_attendance(meeting.id, {a.member_id: AttendanceStatus.PRESENT for a in meeting.attendance})
    service.set_minutes(meeting.id, meeting.version, "Street lights of Mohalla Islampura discussed.")
    text = "Ask the TMA to repair the street lights of Mohalla Islampura"
    service.add_action_item(
        meeting.id, ActionItemDraft(text, owner_text="TMA", due_on=context.today() - timedelta(days=1))
    )
    return service.close(meeting.id), text


# --- driving the screen ----------------------------------------------------------------------------------------


def open_screen(qtbot: QtBot, context: ServiceContext, keep_alive: list[object]) -> CommitteesScreen:
    screen = CommitteesScreen(context)
    keep_alive.append(screen)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    with qtbot.waitSignal(screen.committees.list.reloaded, timeout=10_000):
        screen.shown()
    return screen


def open_meeting(qtbot: QtBot, screen: CommitteesScreen, meeting_id: uuid.UUID) -> MeetingEditor:
    with qtbot.waitSignal(screen.editor.loaded, timeout=10_000):
        screen.open_meeting(meeting_id)
    assert screen.editor_showing()
    return screen.editor


def choose(combo: QComboBox, data: object) -> None:
    index = index_of(combo, data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def watch_model(model: QAbstractItemModel, keep_alive: list[object]) -> None:
    """Qt's model tester on ``model`` for the rest of the test (what it finds wrong is a Qt warning: a failure).

    The ``qtmodeltester`` fixture follows one model at a time, so each test gives it its main list and the other
    models get a tester of their own.
    """
    keep_alive.append(QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning))


def roster_names(screen: CommitteesScreen) -> list[tuple[str, str]]:
    return [(m.role_label, m.name) for m in screen.committees.detail.roster_model.rows()]


# --- committees and rosters ------------------------------------------------------------------------------------


def test_a_committee_is_created_and_members_are_added_with_their_offices(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
) -> None:
    context = sign_in("clerk")
    people = PeopleService(context)
    for name, gender, _role in MEMBERS:
        people.create(PersonDraft(name, "Ghulam Rasool", gender))
    screen = open_screen(qtbot, context, keep_alive)
    assert screen.committees.list.count_label.text() == "No committees"

    screen.new_record()  # Ctrl+N on the Committees tab
    wait_tasks()
    dialog = screen.committee_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.ok_button.click()
    assert dialog.form.message("type") == "Choose the type of committee."
    assert dialog.form.message("name") == "Enter the committee's name."
    assert dialog.form.message("station_id") == "Choose the police station the committee belongs to."
    choose(dialog.type, CommitteeType.DISPUTE_RESOLUTION.value)
    dialog.name.setText("  Dispute Resolution Council   City ")
    dialog.station.setCurrentIndex(0)
    dialog.notification_ref.setText("No. 1234/COP")
    with qtbot.waitSignal(screen.committees.list.reloaded, timeout=10_000):
        dialog.ok_button.click()
    [committee] = CommitteeService(context).page(PageRequest()).rows
    assert committee.name == "Dispute Resolution Council City"
    assert committee.notification_ref == "No. 1234/COP"
    detail = screen.committees.detail
    assert detail.committee is not None and detail.committee.id == committee.id
    assert screen.committees.list.count_label.text() == "1 committee"

    # The convener, found by name.
    member_form = detail.add_member()
    assert isinstance(member_form, MemberDialog)
    member_form.ok_button.click()
    assert member_form.form.message("person_id") == "Find the person, or add them with “New person…”."
    assert member_form.form.message("category") == "Choose the member's category (elder, ulema, lawyer, ...)."
    with qtbot.waitSignal(member_form.picker.searched, timeout=10_000):
        member_form.picker.search.setText("Muhammad")
    assert member_form.picker.results.count() == 1
    member_form.picker.results.setCurrentRow(0)
    choose(member_form.role, MemberRole.CONVENER.value)
    choose(member_form.category, "elder")
    with qtbot.waitSignal(detail.roster_loaded, timeout=10_000):
        member_form.ok_button.click()
    assert roster_names(screen) == [("Convener", "Muhammad Ali")]

    # A second convener is refused at the field, before anything is saved...
    member_form = detail.add_member()
    assert isinstance(member_form, MemberDialog)
    with qtbot.waitSignal(member_form.picker.searched, timeout=10_000):
        member_form.picker.search.setText("Ayesha")
    member_form.picker.results.setCurrentRow(0)
    choose(member_form.category, "woman")
    choose(member_form.role, MemberRole.CONVENER.value)
    assert member_form.form.message("role").startswith("The committee already has a convener: Muhammad Ali.")
    member_form.ok_button.click()
    wait_tasks()
    assert member_form.isVisible()
    # ... and as secretary she is added.
    choose(member_form.role, MemberRole.SECRETARY.value)
    assert member_form.form.message("role") == ""
    with qtbot.waitSignal(detail.roster_loaded, timeout=10_000):
        member_form.ok_button.click()
    assert roster_names(screen) == [("Convener", "Muhammad Ali"), ("Secretary", "Ayesha Bibi")]

    # A form that did not know of the convener (opened before it was added) gets the service's refusal at the field.
    stale = MemberDialog(detail.service, people, committee, [], detail, today=context.today(), can_create_person=True)
    qtbot.addWidget(stale)
    stale.open()
    with qtbot.waitSignal(stale.picker.searched, timeout=10_000):
        stale.picker.search.setText("Sana")
    stale.picker.results.setCurrentRow(0)
    choose(stale.role, MemberRole.CONVENER.value)
    choose(stale.category, "teacher")
    stale.ok_button.click()
    wait_tasks()
    assert stale.form.message("role").startswith("The committee already has a convener for (part of) this period.")
    assert stale.isVisible()
    roster = CommitteeService(context).roster(committee.id)
    assert [m.role for m in roster] == [MemberRole.CONVENER, MemberRole.SECRETARY]


def test_the_person_picker_adds_a_new_person_or_takes_the_one_with_that_cnic(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
) -> None:
    context = sign_in("officer")
    existing = PeopleService(context).create(PersonDraft("Muhammad Ali", "Ghulam Rasool", "male", "35202-1234567-1"))
    committee = make_committee(context)
    screen = open_screen(qtbot, context, keep_alive)
    detail = screen.committees.detail
    qtbot.waitUntil(lambda: detail.committee is not None, timeout=5_000)
    form = detail.add_member()
    assert isinstance(form, MemberDialog)

    person_form = form.picker.new_person()
    person_form.name.setText("M. Ali")
    person_form.cnic.setText("3520212345671")
    qtbot.waitUntil(lambda: "already recorded" in person_form.form.message("cnic"), timeout=5_000)
    assert person_form.open_existing_button.text() == "Choose that person"
    person_form.open_existing_button.click()
    assert not person_form.isVisible()
    assert form.picker.person is not None and form.picker.person.id == existing.id

    person_form = form.picker.new_person()
    person_form.save()
    assert person_form.form.message("name") == "Enter the person's name."
    person_form.name.setText("Zainab Hussain")
    person_form.gender.setCurrentIndex(person_form.gender.findData("female"))
    person_form.mobile.setText("0300-1112223")
    with qtbot.waitSignal(person_form.saved, timeout=10_000):
        person_form.save()
    assert form.picker.person is not None and form.picker.person.name == "Zainab Hussain"
    choose(form.category, "woman")
    with qtbot.waitSignal(detail.roster_loaded, timeout=10_000):
        form.ok_button.click()
    assert roster_names(screen) == [("Member", "Zainab Hussain")]
    assert PeopleService(context).count(PageRequest()) == 2
    assert CommitteeService(context).get(committee.id).member_count == 1


def test_ending_a_membership_keeps_the_member_as_former(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
) -> None:
    context = sign_in("clerk")
    committee = make_committee(context)
    add_members(context, committee)
    screen = open_screen(qtbot, context, keep_alive)
    detail = screen.committees.detail
    qtbot.waitUntil(lambda: detail.roster_model.rowCount() == 3, timeout=5_000)
    assert not detail.end_member_button.isEnabled()
    assert not detail.delete_button.isVisible()  # clerks may not delete committees
    detail.roster_table.selectRow(2)
    assert detail.end_member_button.isEnabled()
    form = detail.end_membership()
    assert form is not None
    with qtbot.waitSignal(detail.roster_loaded, timeout=10_000):
        form.ok_button.click()
    assert roster_names(screen) == [("Convener", "Muhammad Ali"), ("Secretary", "Ayesha Bibi")]
    with qtbot.waitSignal(detail.roster_loaded, timeout=10_000):
        detail.show_former.setChecked(True)
    assert detail.roster_model.rows()[-1].name == "Sana Iqbal"
    assert detail.roster_model.rows()[-1].left_on == context.today()
    assert detail.roster_count.text() == "2 current, 1 former"


def test_the_committee_list_counts_searches_and_filters(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    context = sign_in("clerk")
    drc = make_committee(context, "DRC City")
    make_committee(context, "Islahi Committee Anarkali", CommitteeType.ISLAHI)
    add_members(context, drc)
    MeetingService(context).schedule(drc.id, context.today(), "Police Station City")
    screen = open_screen(qtbot, context, keep_alive)
    committees = screen.committees.list
    detail = screen.committees.detail
    watch_model(detail.roster_model, keep_alive)
    watch_model(detail.meeting_model, keep_alive)
    assert committees.count_label.text() == "2 committees"
    qtmodeltester.check(committees.model, force_py=True)
    assert [committees.model.data(committees.model.index(r, 0)) for r in range(2)] == [
        "DRC City",
        "Islahi Committee Anarkali",
    ]
    assert committees.model.data(committees.model.index(0, 3)) == "3"

    with qtbot.waitSignal(committees.reloaded, timeout=10_000) as signal:
        choose(committees.type_filter, CommitteeType.ISLAHI.value)
    assert signal.args == [1]
    with qtbot.waitSignal(committees.reloaded, timeout=10_000):
        committees.type_filter.setCurrentIndex(0)
    with qtbot.waitSignal(committees.reloaded, timeout=10_000) as signal:
        committees.search_box.setText("anarkali")
    assert signal.args == [1]
    assert committees.model.data(committees.model.index(0, 0)) == "Islahi Committee Anarkali"
    with qtbot.waitSignal(committees.reloaded, timeout=10_000) as signal:
        choose(committees.active_filter, False)
    assert signal.args == [0] and committees.count_label.text() == "No committees"

    with qtbot.waitSignal(committees.reloaded, timeout=10_000):
        committees.search_box.clear()
        choose(committees.active_filter, True)
    with qtbot.waitSignal(detail.meetings_loaded, timeout=10_000) as signal:
        committees.table.selectRow(1)
    assert signal.args == [0]
    with qtbot.waitSignal(detail.meetings_loaded, timeout=10_000) as signal:
        committees.table.selectRow(0)
    assert signal.args == [1]
    qtbot.waitUntil(lambda: detail.roster_model.rowCount() == 3, timeout=5_000)
    assert detail.meeting_model.data(detail.meeting_model.index(0, 1)) == "Planned"


# --- the meeting editor ----------------------------------------------------------------------------------------


def test_a_meeting_is_recorded_closed_and_reopened_by_an_officer(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    officer = make_officer(sign_in)
    clerk = sign_in("clerk")
    committee = make_committee(clerk)
    members = add_members(clerk, committee)
    screen = open_screen(qtbot, clerk, keep_alive)
    detail = screen.committees.detail
    qtbot.waitUntil(lambda: detail.committee is not None and detail.schedule_button.isEnabled(), timeout=5_000)

    detail.schedule_button.click()
    wait_tasks()
    schedule = screen.schedule_dialog
    assert schedule is not None and not schedule.committee.isEnabled()
    schedule.ok_button.click()
    assert schedule.form.message("venue") == "Enter the venue of the meeting."
    schedule.venue.setText("Police Station City, meeting hall")
    with qtbot.waitSignal(screen.editor.loaded, timeout=10_000):
        schedule.ok_button.click()
    editor = screen.editor
    assert screen.editor_showing() and editor.view is not None
    meeting_id = editor.view.id
    qtmodeltester.check(editor.action_model, force_py=True)
    for model in (editor.attendance_table.model(), editor.decision_model, editor.dispute_model, editor.guest_model):
        watch_model(model, keep_alive)
    assert editor.heading.text() == "Meeting of DRC City"
    assert editor.close_button.isVisible() and not editor.reopen_button.isVisible()
    assert not editor.delete_button.isVisible()  # clerks may not delete meetings

    # Closing at once is refused, and the editor says why in plain words.
    editor.close_button.click()
    wait_tasks()
    problems = editor.problem_lines()
    assert problems == [
        "Attendance is not marked for: Muhammad Ali (convener), Ayesha Bibi (secretary), Sana Iqbal (member).",
        "The minutes have not been written.",
    ]
    assert MeetingService(clerk).get(meeting_id).status is MeetingStatus.PLANNED

    # Attendance for everyone, the officer present, the minutes.
    editor.attendance_button(members[0].id, AttendanceStatus.PRESENT).click()
    editor.attendance_button(members[1].id, AttendanceStatus.PRESENT).click()
    editor.attendance_button(members[2].id, AttendanceStatus.EXCUSED).click()
    assert editor.tabs.tabText(0) == "Attendance (3 of 3)"
    qtbot.waitUntil(lambda: editor.officers_list.count() >= 1 and officer.id in dict(editor.officer_choices()))
    editor.set_officer_present(officer.id, True)
    editor.minutes.setPlainText("The committee discussed the street lights of Mohalla Islampura.")
    assert editor.is_dirty() and screen.has_unsaved_changes()
    assert editor.save_button.isEnabled()

    # A decision, an action item, a dispute and a guest are saved one at a time.
    editor.tabs.setCurrentIndex(3)
    editor.decision_text.setText("Night patrolling near the girls' school will be increased.")
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        editor.add_decision_button.click()
    action_form = editor.add_action_item()
    assert action_form is not None
    action_form.text.setPlainText("Ask the TMA to repair the street lights")
    action_form.ok_button.click()
    assert action_form.form.message("owner_text") == "Say who is responsible: a member, an officer or a name."
    choose(action_form.member, members[1].id)
    action_form.has_due.setChecked(True)
    action_form.due_on.setDate(action_form.due_on.date().addDays(14))
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        action_form.ok_button.click()
    dispute_form = editor.add_dispute()
    assert dispute_form is not None
    dispute_form.parties.setText("Muhammad Aslam vs Abdul Sattar")
    dispute_form.nature.setText("Boundary wall between two houses")
    choose(dispute_form.outcome, DisputeOutcome.COMPROMISE.value)
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        dispute_form.ok_button.click()
    guest_form = editor.add_guest()
    assert guest_form is not None
    guest_form.name.setText("Rubina Kausar")
    choose(guest_form.gender, "female")
    guest_form.designation.setText("Headmistress")
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        guest_form.ok_button.click()
    assert editor.is_dirty()  # the parts saved meanwhile did not throw away the unsaved attendance and minutes

    # Close: saves first, then closes.
    with qtbot.waitSignal(editor.changed, timeout=10_000):
        editor.close_button.click()
    wait_tasks()
    meeting = MeetingService(clerk).get(meeting_id)
    assert meeting.status is MeetingStatus.CLOSED
    assert [a.status for a in meeting.attendance] == [
        AttendanceStatus.PRESENT,
        AttendanceStatus.PRESENT,
        AttendanceStatus.EXCUSED,
    ]
    assert meeting.minutes == "The committee discussed the street lights of Mohalla Islampura."
    assert [o.officer_id for o in meeting.officers] == [officer.id]
    assert [d.text for d in meeting.decisions] == ["Night patrolling near the girls' school will be increased."]
    [action] = meeting.action_items
    assert action.owner_member_id == members[1].id and action.due_on == meeting.held_on + timedelta(days=14)
    assert [(d.parties, d.outcome) for d in meeting.disputes] == [
        ("Muhammad Aslam vs Abdul Sattar", DisputeOutcome.COMPROMISE)
    ]
    assert [(g.name, g.designation) for g in meeting.guests] == [("Rubina Kausar", "Headmistress")]

    # Closed: read-only, and a clerk is offered no reopening.
    assert editor.problem_lines() == []
    assert editor.minutes.isReadOnly() and editor.venue.isReadOnly() and editor.held_on.isReadOnly()
    assert not editor.close_button.isVisible() and not editor.save_button.isVisible()
    assert not editor.add_decision_button.isVisible() and not editor.add_action_button.isVisible()
    assert not editor.attendance_button(members[0].id, AttendanceStatus.ABSENT).isEnabled()
    assert not editor.reopen_button.isVisible()
    assert "Only a station or district officer can reopen it" in editor.notice.text()
    assert not screen.has_unsaved_changes()

    # The station officer reopens it, giving the reason.
    officer_screen = open_screen(qtbot, sign_in("officer"), keep_alive)
    officer_editor = open_meeting(qtbot, officer_screen, meeting_id)
    assert officer_editor.reopen_button.isVisible()
    reopen = officer_editor.reopen()
    assert reopen is not None
    reopen.ok_button.click()
    assert reopen.form.message("reason") == "Say why the meeting is being reopened."
    reopen.reason.setPlainText("The excused member was in fact present.")
    with qtbot.waitSignal(officer_editor.loaded, timeout=10_000):
        reopen.ok_button.click()
    reopened = MeetingService(clerk).get(meeting_id)
    assert reopened.status is MeetingStatus.PLANNED
    assert reopened.reopen_reason == "The excused member was in fact present."
    assert officer_editor.close_button.isVisible() and not officer_editor.minutes.isReadOnly()
    assert not officer_editor.venue.isReadOnly()
    assert officer_editor.notice.text() == "Reopened for corrections: The excused member was in fact present."


def test_the_next_meeting_carries_the_open_action_item_and_the_open_items_tab_lists_it(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    context = sign_in("clerk")
    committee = make_committee(context)
    add_members(context, committee)
    _held, action_text = held_meeting_with_open_action(context, committee)
    screen = open_screen(qtbot, context, keep_alive)

    # The Meetings tab lists the held meeting; a new one is scheduled from there.
    meetings = screen.meetings
    watch_model(screen.action_items.model, keep_alive)
    with qtbot.waitSignal(meetings.reloaded, timeout=10_000):
        screen.tabs.setCurrentIndex(1)
    assert meetings.count_label.text() == "1 meeting"
    qtmodeltester.check(meetings.model, force_py=True)
    with qtbot.waitSignal(meetings.reloaded, timeout=10_000) as signal:
        choose(meetings.status_filter, MeetingStatus.PLANNED.value)
    assert signal.args == [0]
    screen.new_record()  # Ctrl+N on the Meetings tab schedules a meeting
    wait_tasks()
    schedule = screen.schedule_dialog
    assert schedule is not None and schedule.committee.isEnabled()
    schedule.ok_button.click()
    assert schedule.form.message("committee") == "Choose the committee that meets."
    choose(schedule.committee, committee.id)
    schedule.venue.setText("Police Station City")
    with qtbot.waitSignal(screen.editor.loaded, timeout=10_000):
        schedule.ok_button.click()
    editor = screen.editor
    first = editor.agenda_list.item(0)
    assert first.text() == f"1.  Follow-up: {action_text}"
    assert first.toolTip() == CARRIED_TIP
    assert editor.view is not None and editor.view.agenda[0].carried_from_action_id is not None

    # An agenda point of the meeting's own, then back to the lists (which load again).
    editor.tabs.setCurrentIndex(1)
    editor.agenda_text.setText("Security arrangements for Muharram processions")
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        editor.add_agenda_button.click()
    assert [item.text for item in MeetingService(context).get(editor.view.id).agenda] == [
        f"Follow-up: {action_text}",
        "Security arrangements for Muharram processions",
    ]
    with qtbot.waitSignal(meetings.reloaded, timeout=10_000) as signal:
        editor.back_button.click()
    assert not screen.editor_showing()
    assert signal.args == [1]

    # The open action items tab: overdue, listed with its committee; marked done there.
    actions = screen.action_items
    with qtbot.waitSignal(actions.reloaded, timeout=10_000):
        screen.tabs.setCurrentIndex(2)
    assert actions.count_label.text() == "1 open action item"
    assert actions.model.data(actions.model.index(0, 1)) == "Overdue"
    assert actions.model.data(actions.model.index(0, 2)) == action_text
    assert actions.model.data(actions.model.index(0, 4)) == "DRC City"
    assert not actions.done_button.isEnabled()
    actions.table.selectRow(0)
    assert actions.done_button.isEnabled()
    done = actions.mark_done()
    assert done is not None
    with qtbot.waitSignal(actions.reloaded, timeout=10_000) as signal:
        done.ok_button.click()
    assert signal.args == [0]
    assert MeetingService(context).count_open_action_items(PageRequest()) == 0
    [item] = MeetingService(context).get(_held.id).action_items
    assert item.status is ActionStatus.DONE and item.completed_on == context.today()


def test_unsaved_changes_in_the_editor_are_not_thrown_away_silently(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
) -> None:
    context = sign_in("clerk")
    committee = make_committee(context)
    add_members(context, committee)
    meeting = MeetingService(context).schedule(committee.id, context.today(), "Police Station City")
    screen = open_screen(qtbot, context, keep_alive)
    editor = open_meeting(qtbot, screen, meeting.id)
    assert not screen.has_unsaved_changes()
    editor.minutes.setPlainText("Draft minutes")
    assert screen.has_unsaved_changes()

    editor.back_button.click()
    [question] = message_boxes(editor)
    assert "not saved" in question.text()
    click_button(question, "Keep editing")
    assert screen.editor_showing()

    left: list[bool] = []
    screen.maybe_close(lambda: left.append(True))
    [question] = message_boxes(editor)
    click_button(question, "Discard changes")
    assert left == [True]
    assert MeetingService(context).get(meeting.id).minutes == ""

    # Saved with Ctrl+S (the screen's save), the question is not asked again.
    editor.minutes.setPlainText("Minutes kept")
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        screen.save()
    assert not screen.has_unsaved_changes()
    assert MeetingService(context).get(meeting.id).minutes == "Minutes kept"
    editor.back_button.click()
    assert not screen.editor_showing() and message_boxes(editor) == []


def test_urdu_minutes_are_written_right_to_left(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
) -> None:
    assert text_direction(URDU_MINUTES) == Qt.LayoutDirection.RightToLeft
    assert text_direction("DRC City " + URDU_MINUTES) == Qt.LayoutDirection.RightToLeft  # mostly Urdu
    assert text_direction("Meeting of DRC City held at ٹھیکری پہرہ office") == Qt.LayoutDirection.LeftToRight
    assert text_direction("") == Qt.LayoutDirection.LeftToRight

    context = sign_in("clerk")
    committee = make_committee(context)
    add_members(context, committee)
    meeting = MeetingService(context).schedule(committee.id, context.today(), "تھانہ سٹی")
    screen = open_screen(qtbot, context, keep_alive)
    editor = open_meeting(qtbot, screen, meeting.id)
    assert editor.minutes.layoutDirection() == Qt.LayoutDirection.LeftToRight
    editor.minutes.setPlainText(URDU_MINUTES)
    assert editor.minutes.layoutDirection() == Qt.LayoutDirection.RightToLeft
    option = editor.minutes.document().defaultTextOption()
    assert option.textDirection() == Qt.LayoutDirection.RightToLeft
    assert option.alignment() & Qt.AlignmentFlag.AlignRight
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        editor.save()
    assert MeetingService(context).get(meeting.id).minutes == URDU_MINUTES
    editor.minutes.setPlainText("Back to English.")
    assert editor.minutes.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_the_main_window_finds_the_screen_and_sends_it_ctrl_n(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    [(module, class_name, action)] = [entry for entry in SCREENS if entry[0] == "committees_screen"]
    assert getattr(importlib.import_module(f"copdesk.ui.{module}"), class_name) is CommitteesScreen
    assert action == "committee.view"
    context = sign_in("clerk")
    window = MainWindow(context, [CommitteesScreen(context)])  # only this screen: the others are not under test
    qtbot.addWidget(window)
    screen = window.show_screen("committees")
    assert isinstance(screen, CommitteesScreen)
    assert screen.title == "Committees & meetings"
    assert window.new_action.isEnabled() and window.save_action.isEnabled()
    assert window.minimumSizeHint().width() <= 1024  # fits the small screens some offices still have
    wait_tasks()
    window.new_action.trigger()
    wait_tasks()
    assert screen.committee_dialog is not None and screen.committee_dialog.isVisible()
    screen.committee_dialog.reject()


@pytest.mark.parametrize("username", ["clerk", "officer"])
def test_only_officers_may_delete_a_planned_meeting(
    username: str,
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
) -> None:
    context = sign_in(username)
    committee = make_committee(context)
    meeting = MeetingService(context).schedule(committee.id, context.today(), "Police Station City")
    screen = open_screen(qtbot, context, keep_alive)
    editor = open_meeting(qtbot, screen, meeting.id)
    assert editor.delete_button.isVisible() is (username == "officer")
    if username == "officer":
        editor.ask_delete()
        [question] = message_boxes(editor)
        with qtbot.waitSignal(editor.closed, timeout=10_000):
            click_button(question, "Delete meeting")
        assert MeetingService(context).count(PageRequest()) == 0
        assert not screen.editor_showing()
